import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import type { JournalEntry } from './types.js';

/** The `prevHash` of a wallet's first entry: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The hash of a journal entry: lowercase hex SHA-256 of the UTF-8 bytes of the RFC 8785
 * canonical JSON of the entry without its `hash` field. Anyone can recompute it.
 *
 * @example
 * const entry = { ...fields, hash: hashEntry(fields) };
 */
export function hashEntry(entry: Omit<JournalEntry, 'hash'> | JournalEntry): string {
  const { hash: _ignored, ...body } = entry as JournalEntry;
  return sha256Hex(canonicalJson(body));
}

/** Lowercase hex SHA-256 of a string's UTF-8 bytes. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
