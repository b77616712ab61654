/**
 * The conditions that keep the wallets whose account id starts with `prefix` (none for an empty
 * one), their parameters appended to `values`: a range of the primary key ("C" collation, code
 * point order), not LIKE, whose `_` and `%` are wildcards.
 *
 * @example
 * const values: unknown[] = [];
 * prefixConditions('team_', values); // ['account_id >= $1', 'account_id < $2']
 * values; // ['team_', 'team`']
 */
export function prefixConditions(prefix: string, values: unknown[]): string[] {
  if (prefix === '') return [];
  values.push(prefix);
  const at = values.length;
  const upper = prefixUpperBound(prefix);
  if (upper === null) return [`account_id >= $${at}`, `starts_with(account_id, $${at})`];
  values.push(upper);
  return [`account_id >= $${at}`, `account_id < $${values.length}`];
}

/**
 * The least string above every string that starts with `prefix`, in code point order (the
 * "C" collation's order in UTF-8): the prefix with its last character raised by one, or null
 * when there is none above it (U+10FFFF), and then the range has no upper bound.
 *
 * @example
 * prefixUpperBound('team_'); // 'team`'
 */
export function prefixUpperBound(prefix: string): string | null {
  let end = prefix.length - 1;
  if (
    end > 0 &&
    isLowSurrogate(prefix.charCodeAt(end)) &&
    isHighSurrogate(prefix.charCodeAt(end - 1))
  ) {
    end--;
  }
  let next = prefix.codePointAt(end)! + 1;
  if (next === 0xd800) next = 0xe000; // no character is a surrogate
  if (next > 0x10ffff) return null;
  return prefix.slice(0, end) + String.fromCodePoint(next);
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
