import { ValidationError } from './errors.js';

const CURSOR_VERSION = 1;

/**
 * Encodes where a page of wallets ended, bound to its prefix, as opaque base64url text.
 *
 * @example
 * encodeWalletCursor('player-0050', 'player-');
 */
export function encodeWalletCursor(after: string, prefix: string): string {
  return Buffer.from(JSON.stringify([CURSOR_VERSION, 'wallets', after, prefix])).toString(
    'base64url',
  );
}

/**
 * The account id a wallet cursor ended at, once it is known to be made for the same prefix.
 *
 * @throws {ValidationError} when it is malformed or made for another prefix
 * @example
 * const startAfter = decodeWalletCursor(cursor, 'player-');
 */
export function decodeWalletCursor(cursor: string, prefix: string): string {
  let state: unknown;
  try {
    state = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    state = undefined;
  }
  const [version, kind, after, madeFor] = Array.isArray(state) ? state : [];
  if (version !== CURSOR_VERSION || kind !== 'wallets' || typeof after !== 'string') {
    throw new ValidationError('cursor is malformed', { field: 'cursor' });
  }
  if (madeFor !== prefix) {
    throw new ValidationError('cursor was made for another prefix', { field: 'cursor' });
  }
  return after;
}
