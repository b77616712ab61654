import { hash } from 'node:crypto';
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
  return sha256Hex(canonicalEntry(entry));
}

/**
 * The RFC 8785 text of an entry without `hash`. Written out field by field in the order JCS
 * sorts them, because hashing is on every write's hot path; `canonicalJson` gives the same
 * text (a test holds them equal), and is used for anything unexpected.
 */
function canonicalEntry(entry: Omit<JournalEntry, 'hash'>): string {
  if (Object.keys(entry).length !== ENTRY_FIELD_COUNT + ('hash' in entry ? 1 : 0)) {
    const { hash: _ignored, ...body } = entry as JournalEntry;
    return canonicalJson(body);
  }
  const text = JSON.stringify;
  return (
    `{"accountId":${text(entry.accountId)},"amount":${text(entry.amount)}` +
    `,"balanceAfter":${text(entry.balanceAfter)},"balanceBefore":${text(entry.balanceBefore)}` +
    `,"counterparty":${canonicalJson(entry.counterparty)},"currency":${text(entry.currency)}` +
    `,"idempotencyKey":${canonicalJson(entry.idempotencyKey)}` +
    `,"metadata":${canonicalJson(entry.metadata)},"prevHash":${text(entry.prevHash)}` +
    `,"sequence":${canonicalJson(entry.sequence)},"transactionId":${text(entry.transactionId)}` +
    `,"txTime":${text(entry.txTime)},"type":${text(entry.type)}}`
  );
}

const ENTRY_FIELD_COUNT = 13;

/** Lowercase hex SHA-256 of a string's UTF-8 bytes. */
export function sha256Hex(text: string): string {
  // The one-shot `hash` is about twice as fast as createHash().update().digest() for short input.
  return hash('sha256', text, 'hex');
}
