import { hash } from 'node:crypto';
import { canonicalJson, quoteJson } from './canonical-json.js';
import { JOURNAL_ENTRY_FIELDS, type JournalEntry } from './types.js';

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
 * The hashed fields of an entry with the fields only some types carry (`reverses`, `reason`,
 * `holdId`), for the generic JCS writer: the fast writer below knows only the common fields.
 */
function withTypeFields(entry: Omit<JournalEntry, 'hash'>): { [key: string]: unknown } {
  const fields: { [key: string]: unknown } = {};
  for (const name of HASHED_FIELDS) fields[name] = entry[name];
  // Left out when absent: canonicalJson skips undefined members.
  fields.reverses = entry.reverses;
  fields.reason = entry.reason;
  fields.holdId = entry.holdId;
  return fields;
}

/** Every common field but `hash`. */
const HASHED_FIELDS = JOURNAL_ENTRY_FIELDS.filter(
  (name): name is Exclude<(typeof JOURNAL_ENTRY_FIELDS)[number], 'hash'> => name !== 'hash',
);

/**
 * The RFC 8785 text of an entry without `hash`, written field by field in the order JCS sorts
 * the names, because hashing is on every write's and every stream record's path. It is the
 * `canonicalJson` text of the same fields (a property test holds them equal).
 */
function canonicalEntry(entry: Omit<JournalEntry, 'hash'>): string {
  if (entry.holdId !== undefined || entry.reverses !== undefined || entry.reason !== undefined) {
    return canonicalJson(withTypeFields(entry));
  }
  const { counterparty, idempotencyKey, metadata } = entry;
  return (
    `{"accountId":${quoteJson(entry.accountId)},"amount":${quoteJson(entry.amount)}` +
    `,"balanceAfter":${quoteJson(entry.balanceAfter)},"balanceBefore":${quoteJson(entry.balanceBefore)}` +
    `,"counterparty":${counterparty === null ? 'null' : quoteJson(counterparty)}` +
    `,"currency":${quoteJson(entry.currency)}` +
    `,"idempotencyKey":${idempotencyKey === null ? 'null' : quoteJson(idempotencyKey)}` +
    `,"metadata":${canonicalJson(metadata)},"prevHash":${quoteJson(entry.prevHash)}` +
    `,"sequence":${canonicalJson(entry.sequence)},"transactionId":${quoteJson(entry.transactionId)}` +
    `,"txTime":${quoteJson(entry.txTime)},"type":${quoteJson(entry.type)}}`
  );
}

/** Lowercase hex SHA-256 of a string's UTF-8 bytes. */
export function sha256Hex(text: string): string {
  // The one-shot `hash` is about twice as fast as createHash().update().digest() for short input.
  return hash('sha256', text, 'hex');
}
