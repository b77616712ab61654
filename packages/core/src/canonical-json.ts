/**
 * Serializes a JSON value as RFC 8785 (JSON Canonicalization Scheme) text: object members
 * sorted by the UTF-16 code units of their names, no whitespace, strings and numbers as
 * ECMAScript's `JSON.stringify` writes them. Members whose value is `undefined` are left out.
 *
 * @throws {TypeError} for values JSON cannot hold (non-finite numbers, bigints, functions)
 * @example
 * canonicalJson({ b: 1, a: [true, null] }); // '{"a":[true,null],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return quoteJson(value);
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${value} cannot be written as JSON`);
      return JSON.stringify(value);
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) return `[${value.map(arrayItem).join(',')}]`;
      return canonicalObject(value as Record<string, unknown>);
    default:
      throw new TypeError(`a ${typeof value} cannot be written as JSON`);
  }
}

function arrayItem(item: unknown): string {
  // JSON.stringify writes holes and undefined in arrays as null; so does JCS.
  return item === undefined ? 'null' : canonicalJson(item);
}

function canonicalObject(object: Record<string, unknown>): string {
  // Default sort compares UTF-16 code units, exactly the order RFC 8785 requires.
  const keys = Object.keys(object).sort();
  let out = '';
  for (const key of keys) {
    const member = object[key];
    if (member === undefined) continue;
    out += `${out ? ',' : ''}${quoteJson(key)}:${canonicalJson(member)}`;
  }
  return `{${out}}`;
}

/** Characters JSON (so RFC 8785) escapes in strings: quote, backslash, controls, surrogates. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what JSON escapes.
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * A string as `JSON.stringify` writes it. Most strings need no escape, and quoting those
 * directly skips `JSON.stringify`, which is slow on strings sliced from larger text.
 *
 * @example
 * quoteJson('a"b'); // '"a\\"b"'
 */
export function quoteJson(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}
