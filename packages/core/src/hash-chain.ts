import { hash } from 'node:crypto';
import { canonicalJson, quoteJson } from './canonical-json.js';
import type { JournalEntry } from './types.js';

/** The `prevHash` of a wallet's first entry: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The hash of a journal entry: lowercase hex SHA-256 of the UTF-8 bytes of the RFC 8785
 * canonical JSON of the entry's fields without `hash`. Only the journal entry fields count, so
 * an item that carries more (a history item's `expire_timestamp`) hashes as its entry does.
 * Anyone can recompute it.
 *
 * @example
 * const entry = { ...fields, hash: hashEntry(fields) };
 */
export function hashEntry(entry: Omit<JournalEntry, 'hash'> | JournalEntry): string {
  return sha256Hex(canonicalEntry(entry));
}

/**
 * The RFC 8785 text of an entry without `hash`, written field by field in the order JCS sorts
 * the names, because hashing is on every write's and every stream record's path. It is the
 * `canonicalJson` text of the same fields (a property test holds them equal).
 */
function canonicalEntry(entry: Omit<JournalEntry, 'hash'>): string {
  const { counterparty, idempotencyKey, metadata, holdId, reason, reverses } = entry;
  // The fields only some types carry sit where JCS sorts them, and only when present: an entry
  // without them is the text it always was.
  return (
    `{"accountId":${quoteJson(entry.accountId)},"amount":${quoteJson(entry.amount)}` +
    `,"balanceAfter":${quoteJson(entry.balanceAfter)},"balanceBefore":${quoteJson(entry.balanceBefore)}` +
    `,"counterparty":${counterparty === null ? 'null' : quoteJson(counterparty)}` +
    `,"currency":${quoteJson(entry.currency)}` +
    (holdId === undefined ? '' : `,"holdId":${quoteJson(holdId)}`) +
    `,"idempotencyKey":${idempotencyKey === null ? 'null' : quoteJson(idempotencyKey)}` +
    `,"metadata":${canonicalJson(metadata)},"prevHash":${quoteJson(entry.prevHash)}` +
    (reason === undefined ? '' : `,"reason":${reason === null ? 'null' : quoteJson(reason)}`) +
    (reverses === undefined ? '' : `,"reverses":${quoteJson(reverses)}`) +
    `,"sequence":${canonicalJson(entry.sequence)},"transactionId":${quoteJson(entry.transactionId)}` +
    `,"txTime":${quoteJson(entry.txTime)},"type":${quoteJson(entry.type)}}`
  );
}

/** Lowercase hex SHA-256 of a string's UTF-8 bytes. */
export function sha256Hex(text: string): string {
  // The one-shot `hash` is about twice as fast as createHash().update().digest() for short input.
  return hash('sha256', text, 'hex');
}
