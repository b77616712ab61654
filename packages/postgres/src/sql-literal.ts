import { ValidationError } from '@wallet/core';

/** Printable ASCII (U+0020..U+007E): quotes and backslashes doubled, nothing else escaped. */
const PRINTABLE_ASCII = /^[ -~]*$/;
/** An integer's digits, as `sqlInteger` writes them. */
const INTEGER = /^-?[0-9]+$/;
/** Printable ASCII but the quote and the backslash: written as it is. */
const PLAIN = /^[ -&(-[\]-~]*$/;
/** What the general case rewrites: quotes, backslashes, and every character outside printable ASCII. */
const ESCAPED = /[\\']|[^ -~]/gu;

/**
 * A string as a SQL literal, for statements sent without parameters (the simple protocol,
 * which runs several statements in one round trip). The `E'...'` form with every backslash and
 * quote doubled reads back the same string whatever `standard_conforming_strings` says.
 *
 * The literal is always printable ASCII: any other character is written as a `\uXXXX` escape,
 * or a `\UXXXXXXXX` escape of its code point above U+FFFF. ASCII bytes read the same under every
 * client encoding PostgreSQL supports, so no encoding can re-read a literal into SQL: under
 * Shift-JIS with `backslash_quote = on`, a character whose last UTF-8 byte is a Shift-JIS lead
 * byte would otherwise swallow the first of a doubled backslash, and the second would escape
 * the closing quote (the multibyte escape injection).
 *
 * U+0000 is refused here: the protocol ends the query text at the first zero byte. So is a
 * lone surrogate, which has no code point to escape (core refuses both before this point).
 *
 * @throws {ValidationError} when the string holds U+0000 or a lone surrogate
 * @example
 * sqlText("it's"); // E'it''s'
 * sqlText('Á🎮'); // E'\u00c1\U0001f3ae'
 */
export function sqlText(value: string): string {
  // Most values (ids, hashes, amounts, times) need no escape at all: one test, no replace.
  if (PLAIN.test(value)) return `E'${value}'`;
  if (PRINTABLE_ASCII.test(value)) return `E'${value.replace(/[\\']/g, '$&$&')}'`;
  return `E'${value.replace(ESCAPED, escapeCharacter)}'`;
}

/** One match of {@link ESCAPED}: a quote or backslash doubled, any other character as an escape. */
function escapeCharacter(character: string): string {
  if (character === '\\' || character === "'") return character + character;
  const code = character.codePointAt(0)!;
  if (code === 0 || (code >= 0xd800 && code <= 0xdfff)) {
    throw new ValidationError(
      'the request holds text PostgreSQL cannot store (such as the character U+0000)',
    );
  }
  return code > 0xffff
    ? `\\U${code.toString(16).padStart(8, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
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
 * Strings as a SQL literal of a PostgreSQL array (`'{"a","b"}'`), typed by where it is used:
 * every element double-quoted with its quotes and backslashes escaped, so none is read as NULL
 * or split at a comma.
 *
 * @throws {ValidationError} when a string holds U+0000
 * @example
 * sqlTextArray(['GOLD', 'GEMS']); // E'{"GOLD","GEMS"}'
 */
export function sqlTextArray(values: readonly string[]): string {
  return sqlText(arrayText(values));
}

/**
 * A value before it is written as a literal: text (an integer already as its digits, JSON
 * already as its text), or null for SQL NULL.
 */
export type SqlValue = string | null;

/**
 * The text of an array literal (`{"a","b",NULL}`) holding `values`, each quoted, a null as NULL.
 *
 * @example
 * arrayText(['GOLD', null]); // '{"GOLD",NULL}'
 */
export function arrayText(values: readonly SqlValue[]): string {
  return `{${values.map((value) => (value === null ? 'NULL' : `"${value.replace(/["\\]/g, '\\$&')}"`)).join(',')}}`;
}

/**
 * A value as the literal of a statement argument of `type`: `bigint` as its digits, `jsonb` as
 * text cast to it, anything else as text (the server casts it to the argument's type).
 *
 * @example
 * sqlLiteral('{"a":1}', 'jsonb'); // `E'{"a":1}'::jsonb`
 */
export function sqlLiteral(value: SqlValue, type: string): string {
  if (value === null) return 'NULL';
  if (type === 'bigint') {
    // Written into the statement bare, so nothing but digits may pass.
    if (!INTEGER.test(value)) throw new RangeError(`not an integer: ${JSON.stringify(value)}`);
    return value;
  }
  return type === 'jsonb' ? `${sqlText(value)}::jsonb` : sqlText(value);
}

/**
 * A whole column of a batch's rows as one argument of array `type` (such as `text[]`), each
 * element the literal {@link sqlLiteral} writes for the element type. (One array literal per
 * column, which the server reads with its array parser, cost as much in the server and more to
 * build here: measured, docs/benchmarks.md.)
 *
 * @example
 * sqlArray(['a', null], 'text[]'); // "ARRAY[E'a', NULL]::text[]"
 */
export function sqlArray(values: readonly SqlValue[], type: string): string {
  // `ARRAY[]` has no element type to cast from; the empty array literal does.
  if (values.length === 0) return `'{}'::${type}`;
  const element = type.slice(0, -2);
  return `ARRAY[${values.map((value) => sqlLiteral(value, element)).join(', ')}]::${type}`;
}
