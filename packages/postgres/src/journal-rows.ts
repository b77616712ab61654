import type { EntryType, JournalEntry, Metadata } from '@wallet/core';
import { isoText } from './iso-text.js';
import type { Rows } from './session.js';

/**
 * The select list that reads `journal_entries` back as the exact strings that were hashed:
 * amounts as numeric text (numeric keeps the scale it was given), times at milliseconds in UTC.
 *
 * @example
 * await session.query(`SELECT ${ENTRY_COLUMNS} FROM "wallet".journal_entries`);
 */
export const ENTRY_COLUMNS = `transaction_id, account_id, sequence, type, currency,
  amount::text AS amount, balance_before::text AS balance_before,
  balance_after::text AS balance_after,
  ${isoText('tx_time')} AS tx_time,
  idempotency_key, counterparty, metadata, prev_hash, hash`;

/**
 * The `journal_entries` columns in the order the ledger inserts them.
 *
 * @example
 * const insert = `INSERT INTO "wallet".journal_entries (${ENTRY_INSERT_COLUMNS}) VALUES ...`;
 */
export const ENTRY_INSERT_COLUMNS = `account_id, sequence, transaction_id, type, currency, amount,
  balance_before, balance_after, tx_time, idempotency_key, counterparty, metadata, prev_hash, hash`;

/**
 * A row selected with {@link ENTRY_COLUMNS} as a journal entry. `sequence` is a bigint, which
 * `pg` hands over as a string and PGlite as a number.
 *
 * @example
 * const entries = rows.map(entryFromRow);
 */
export function entryFromRow(row: Rows[number]): JournalEntry {
  return {
    transactionId: row.transaction_id as string,
    accountId: row.account_id as string,
    sequence: Number(row.sequence),
    type: row.type as EntryType,
    currency: row.currency as string,
    amount: row.amount as string,
    balanceBefore: row.balance_before as string,
    balanceAfter: row.balance_after as string,
    txTime: row.tx_time as string,
    idempotencyKey: row.idempotency_key as string | null,
    counterparty: row.counterparty as string | null,
    metadata: row.metadata as Metadata | null,
    prevHash: row.prev_hash as string,
    hash: row.hash as string,
  };
}

/**
 * A journal entry as a JSON object whose keys are the `journal_entries` columns, for
 * `jsonb_to_recordset` (as `putEntries` takes them): the amounts travel as strings, so no
 * amount is ever a JS number.
 *
 * @example
 * const payload = JSON.stringify(entries.map(entryToRecord));
 */
export function entryToRecord(entry: JournalEntry): Record<string, unknown> {
  return {
    account_id: entry.accountId,
    sequence: entry.sequence,
    transaction_id: entry.transactionId,
    type: entry.type,
    currency: entry.currency,
    amount: entry.amount,
    balance_before: entry.balanceBefore,
    balance_after: entry.balanceAfter,
    tx_time: entry.txTime,
    idempotency_key: entry.idempotencyKey,
    counterparty: entry.counterparty,
    metadata: entry.metadata,
    prev_hash: entry.prevHash,
    hash: entry.hash,
  };
}
