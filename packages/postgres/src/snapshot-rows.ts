import type {
  IdempotencyRecord,
  JsonValue,
  LedgerRecord,
  Metadata,
  WalletHold,
  WalletRecord,
} from '@wallet/core';
import { isoText } from './iso-text.js';
import type { Rows } from './session.js';

/**
 * The select list that reads a `wallets` row as a {@link WalletRecord}: balances as numeric
 * text (`numeric[]` would reach JS as floats through `pg`), times as the ISO text core wrote,
 * holds as the JSON array they were written as (NULL for none).
 *
 * @example
 * await session.query(`SELECT ${WALLET_COLUMNS} FROM "wallet".wallets WHERE account_id = $1`, [id]);
 */
export const WALLET_COLUMNS = `account_id, version, sequence, head_hash, currencies,
  balances::text[] AS balances, ${isoText('created_at')} AS created_at,
  ${isoText('updated_at')} AS updated_at, metadata, holds`;

/**
 * A row selected with {@link WALLET_COLUMNS} as a wallet record. Bigints reach JS as strings
 * from `pg` and as numbers from PGlite; both are safe integers.
 *
 * @example
 * const wallets = new Map(rows.map((row) => [row.account_id as string, walletFromRow(row)]));
 */
export function walletFromRow(row: Rows[number]): WalletRecord {
  const currencies = row.currencies as string[];
  const amounts = row.balances as string[];
  const balances: Record<string, string> = {};
  for (let i = 0; i < currencies.length; i++) balances[currencies[i]!] = amounts[i]!;
  return {
    accountId: row.account_id as string,
    balances,
    version: Number(row.version),
    sequence: Number(row.sequence),
    headHash: row.head_hash as string,
    createdAt: row.created_at as string,
    updatedAt: row.updated_at as string,
    metadata: row.metadata as Metadata | null,
    holds: row.holds == null ? [] : holdsFromJson(row.holds as WalletHold[]),
  };
}

/**
 * Holds as read from `jsonb`, which orders an object's keys its own way: rebuilt with the
 * fields in the order core writes them, so a wallet reads back as the record that was written.
 */
function holdsFromJson(holds: readonly WalletHold[]): WalletHold[] {
  return holds.map((hold) => {
    const read: WalletHold = {
      holdId: hold.holdId,
      currency: hold.currency,
      amount: hold.amount,
      expiresAt: hold.expiresAt,
    };
    // Absent on a hold placed before the field existed.
    if (hold.placedAt !== undefined) read.placedAt = hold.placedAt;
    return read;
  });
}

/**
 * The select list that reads an `idempotency_keys` row as an {@link IdempotencyRecord}.
 *
 * @example
 * await session.query(`SELECT ${KEY_COLUMNS} FROM "wallet".idempotency_keys WHERE key = $1`, [key]);
 */
export const KEY_COLUMNS = `key, fingerprint, transaction_id, result,
  ${isoText('created_at')} AS created_at`;

/**
 * A row selected with {@link KEY_COLUMNS} as an idempotency record.
 *
 * @example
 * const keys = new Map(rows.map((row) => [row.key as string, keyFromRow(row)]));
 */
export function keyFromRow(row: Rows[number]): IdempotencyRecord {
  return {
    key: row.key as string,
    fingerprint: row.fingerprint as string,
    transactionId: row.transaction_id as string,
    result: row.result as { [key: string]: JsonValue },
    createdAt: row.created_at as string,
  };
}

/**
 * The select list that reads a `records` row as a {@link LedgerRecord}.
 *
 * @example
 * await session.query(`SELECT ${RECORD_COLUMNS} FROM "wallet".records WHERE key = $1`, [key]);
 */
export const RECORD_COLUMNS = 'key, version, data';

/**
 * A row selected with {@link RECORD_COLUMNS} as a ledger record.
 *
 * @example
 * const records = new Map(rows.map((row) => [row.key as string, recordFromRow(row)]));
 */
export function recordFromRow(row: Rows[number]): LedgerRecord {
  return {
    key: row.key as string,
    version: Number(row.version),
    data: row.data as { [key: string]: JsonValue },
  };
}
