import { ValidationError } from '@wallet/core';

/**
 * A string as a SQL literal, for statements sent without parameters (the simple protocol,
 * which runs several statements in one round trip). The `E'...'` form with every backslash and
 * quote doubled reads back the same string whatever `standard_conforming_strings` says.
 * U+0000 is refused here: the protocol ends the query text at the first zero byte.
 *
 * @throws {ValidationError} when the string holds U+0000
 * @example
 * sqlText("it's"); // E'it''s'
 */
export function sqlText(value: string): string {
  if (value.includes('\u0000')) {
    throw new ValidationError(
      'the request holds text PostgreSQL cannot store (such as the character U+0000)',
    );
  }
  return `E'${value.replace(/[\\']/g, '$&$&')}'`;
}

/**
 * A string, or NULL for null.
 *
 * @example
 * sqlNullableText(entry.counterparty); // NULL or E'p2'
 */
export function sqlNullableText(value: string | null): string {
  return value === null ? 'NULL' : sqlText(value);
}

/**
 * A safe integer as a SQL literal.
 *
 * @throws {RangeError} for anything but a safe integer (it would not round-trip)
 * @example
 * sqlInteger(record.version); // 12
 */
export function sqlInteger(value: number): string {
  if (!Number.isSafeInteger(value)) throw new RangeError(`not a safe integer: ${value}`);
  return String(value);
}

/**
 * A JSON value as a `jsonb` literal, or NULL for null. `JSON.stringify` escapes U+0000 as
 * `\u0000`, which PostgreSQL refuses with SQLSTATE 22P05 (mapped to VALIDATION_ERROR).
 *
 * @example
 * sqlJson({ note: 'hi' }); // E'{"note":"hi"}'::jsonb
 */
export function sqlJson(value: unknown): string {
  return value === null ? 'NULL' : `${sqlText(JSON.stringify(value))}::jsonb`;
}

/**
 * Strings as a SQL literal of a PostgreSQL array (`'{"a","b"}'`), typed by where it is used:
 * every element double-quoted with its quotes and backslashes escaped, so none is read as NULL
 * or split at a comma.
 *
 * @throws {ValidationError} when a string holds U+0000
 * @example
 * sqlTextArray(['GOLD', 'GEMS']); // E'{"GOLD","GEMS"}'
 */
export function sqlTextArray(values: readonly string[]): string {
  return sqlText(`{${values.map((value) => `"${value.replace(/["\\]/g, '\\$&')}"`).join(',')}}`);
}
