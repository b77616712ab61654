import { ENTRY_TYPE_FIELDS, type EntryType, type JournalEntry, type Metadata } from '@wallet/core';
import { isoText } from './iso-text.js';
import type { Rows } from './session.js';

/**
 * The select list that reads `journal_entries` back as the exact strings that were hashed:
 * amounts as numeric text (numeric keeps the scale it was given), times at milliseconds in UTC.
 * The columns of the fields only some entry types carry come last (see {@link entryFromRow}).
 *
 * @example
 * await session.query(`SELECT ${ENTRY_COLUMNS} FROM "wallet".journal_entries`);
 */
export const ENTRY_COLUMNS = `transaction_id, account_id, sequence, type, currency,
  amount::text AS amount, balance_before::text AS balance_before,
  balance_after::text AS balance_after,
  ${isoText('tx_time')} AS tx_time,
  idempotency_key, counterparty, metadata, prev_hash, hash, reverses, reason, hold_id`;

/**
 * The `journal_entries` columns in the order the ledger inserts them.
 *
 * @example
 * const insert = `INSERT INTO "wallet".journal_entries (${ENTRY_INSERT_COLUMNS}) VALUES ...`;
 */
export const ENTRY_INSERT_COLUMNS = `account_id, sequence, transaction_id, type, currency, amount,
  balance_before, balance_after, tx_time, idempotency_key, counterparty, metadata, prev_hash, hash,
  reverses, reason, hold_id`;

/**
 * The column definition list that reads {@link entryToRecord}'s objects with
 * `jsonb_to_recordset`, in the order of {@link ENTRY_INSERT_COLUMNS}.
 *
 * @example
 * const rows = `SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(${ENTRY_RECORDSET_COLUMNS})`;
 */
export const ENTRY_RECORDSET_COLUMNS = `account_id text, sequence bigint, transaction_id text,
  type text, currency text, amount numeric, balance_before numeric, balance_after numeric,
  tx_time timestamptz, idempotency_key text, counterparty text, metadata jsonb, prev_hash text,
  hash text, reverses text, reason text, hold_id text`;

/** The column of each field only some entry types carry. */
const TYPE_FIELD_COLUMNS = { reverses: 'reverses', reason: 'reason', holdId: 'hold_id' } as const;

/**
 * A row selected with {@link ENTRY_COLUMNS} as a journal entry. `sequence` is a bigint, which
 * `pg` hands over as a string and PGlite as a number. The fields only some types carry
 * (`reverses` and `reason` on reversals, `holdId` on a hold's entries: core's
 * `ENTRY_TYPE_FIELDS`) are read on those types only, so every other entry comes back with
 * exactly the fields it was hashed with, and no `undefined` member either.
 *
 * @example
 * const entries = rows.map(entryFromRow);
 */
export function entryFromRow(row: Rows[number]): JournalEntry {
  const entry: JournalEntry = {
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
  const extra = ENTRY_TYPE_FIELDS[entry.type];
  if (extra !== undefined) {
    const fields = entry as unknown as Record<string, unknown>;
    for (const field of extra) fields[field] = row[TYPE_FIELD_COLUMNS[field]];
  }
  return entry;
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
    reverses: entry.reverses ?? null,
    reason: entry.reason ?? null,
    hold_id: entry.holdId ?? null,
  };
}
