import { createHash } from 'node:crypto';
import { ACCOUNT_ID_PATTERN } from '@wallet/core';
import type { IonJson } from './types.js';

/**
 * How a sample `accountId` becomes a wallet id: return the id to use, or `null` to refuse the
 * document. The sample stored whatever JSON value a client sent (`"player 1"`, `123`, `[1]`),
 * so ids the SDK would refuse need a rule.
 *
 * @example
 * const rule: AccountIdRule = (original) => (typeof original === 'string' ? original.toLowerCase() : null);
 */
export type AccountIdRule = (original: IonJson) => string | null;

/**
 * The original value as the sample's client wrote it: a string as itself, a number or timestamp
 * as its text, a blob as base64, a list or struct as JSON holding those (so the number `123` is
 * `123` like the string `"123"`; the suffix below keeps them apart).
 */
function originalText(original: IonJson, nested = false): string {
  if (typeof original === 'string') return nested ? JSON.stringify(original) : original;
  if (original === null || typeof original === 'boolean') return String(original);
  if (Array.isArray(original)) return `[${original.map((v) => originalText(v, true)).join(',')}]`;
  if ('$ion' in original)
    return 'text' in original ? String(original.text) : String(original.base64);
  const fields = Object.entries(original).map(
    ([name, value]) => `${JSON.stringify(name)}:${originalText(value, true)}`,
  );
  return `{${fields.join(',')}}`;
}

/**
 * The default {@link AccountIdRule}. A string the SDK accepts is kept as it is. Anything else
 * (a string with spaces or other characters, an empty string, a number, a list) becomes its
 * text with every run of characters outside `A-Za-z0-9._:@-` replaced by `_`, cut to 110
 * characters, and followed by a `.` and the first 16 hex digits of the SHA-256 of the original's
 * JSON: `player 1` becomes `player_1.` and 16 hex digits, the number `123` becomes `123.` and 16
 * others. The suffix keeps two originals that clean to the same text (the string `"123"` and
 * the number `123`; `a b` and `a_b`) in two wallets. An original with nothing left after
 * cleaning becomes `qldb.` and its suffix.
 *
 * @example
 * defaultAccountIdRule('player-1');                    // 'player-1'
 * defaultAccountIdRule('player 1');                    // 'player_1.' + 16 hex digits
 * defaultAccountIdRule({ $ion: 'int', text: '123' });  // '123.' + 16 hex digits
 */
export const defaultAccountIdRule: AccountIdRule = (original) => {
  if (typeof original === 'string' && ACCOUNT_ID_PATTERN.test(original)) return original;
  const suffix = createHash('sha256').update(JSON.stringify(original)).digest('hex').slice(0, 16);
  const cleaned = originalText(original)
    .replace(/[^A-Za-z0-9._:@-]+/g, '_')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 110);
  return cleaned === '' ? `qldb.${suffix}` : `${cleaned}.${suffix}`;
};
