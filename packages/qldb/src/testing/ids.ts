import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A random 22-character base-62 id, the shape QLDB gives documents, tables, transactions and
 * strands.
 *
 * @example
 * qldbId(); // 'D35qd3e2prnJYmtKW6kok1'
 */
export function qldbId(): string {
  let id = '';
  for (const byte of randomBytes(22)) id += ALPHABET[byte % ALPHABET.length];
  return id;
}
