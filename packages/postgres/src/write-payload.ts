import type { LedgerWrite, WalletRecord } from '@wallet/core';
import { entryToRecord } from './journal-rows.js';

/**
 * A {@link LedgerWrite} as the JSON document `apply_write` takes: wallets (one the snapshot did
 * not hold is an insert; any other an update guarded by the version the snapshot read), balances reduced to the currencies whose text changed
 * (null for a currency the new record dropped), entries and keys as column-named objects.
 * Every amount stays a string.
 *
 * @example
 * await session.query(`SELECT "wallet".apply_write($1::jsonb)`, [writePayload(write, read)]);
 */
export function writePayload(write: LedgerWrite, read: ReadonlyMap<string, WalletRecord>): string {
  const wallets: Record<string, unknown>[] = [];
  const balances: Record<string, unknown>[] = [];
  for (const record of write.wallets) {
    const held = read.get(record.accountId);
    wallets.push({
      account_id: record.accountId,
      expected_version: held?.version ?? null,
      version: record.version,
      sequence: record.sequence,
      head_hash: record.headHash,
      created_at: record.createdAt,
      updated_at: record.updatedAt,
      metadata: record.metadata,
    });
    const before = held?.balances ?? {};
    for (const [currency, balance] of Object.entries(record.balances)) {
      if (before[currency] !== balance) {
        balances.push({ account_id: record.accountId, currency, balance });
      }
    }
    for (const currency of Object.keys(before)) {
      if (!(currency in record.balances)) {
        balances.push({ account_id: record.accountId, currency, balance: null });
      }
    }
  }
  return JSON.stringify({
    wallets,
    balances,
    entries: write.entries.map(entryToRecord),
    keys: write.idempotency.map((record) => ({
      key: record.key,
      fingerprint: record.fingerprint,
      transaction_id: record.transactionId,
      result: record.result,
      created_at: record.createdAt,
    })),
  });
}
