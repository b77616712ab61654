import type { IdempotencyRecord, JournalEntry, LedgerWrite, WalletRecord } from '@wallet/core';
import { sqlInteger, sqlJson, sqlNullableText, sqlText } from './sql-literal.js';

/**
 * The statements that write a {@link LedgerWrite}, joined into one script sent without
 * parameters (one round trip). The first `write.wallets.length` statements write one wallet
 * each, in account order: an insert for a wallet the snapshot did not hold (a duplicate is a
 * unique violation), otherwise an update guarded by the version the snapshot read, which the
 * caller must see affect exactly one row. Then one insert of the entries and one of the keys.
 *
 * @example
 * const results = await session.script(writeScript('"wallet"', write, snapshot.wallets));
 */
export function writeScript(
  schema: string,
  write: LedgerWrite,
  read: ReadonlyMap<string, WalletRecord>,
): string {
  const statements = [...write.wallets]
    .sort((a, b) => compareAccountIds(a.accountId, b.accountId))
    .map((record) => walletStatement(schema, record, read.get(record.accountId)));
  if (write.entries.length > 0) {
    statements.push(`INSERT INTO ${schema}.journal_entries (account_id, sequence, transaction_id,
        type, currency, amount, balance_before, balance_after, tx_time, idempotency_key,
        counterparty, metadata, prev_hash, hash)
      VALUES ${write.entries.map(entryTuple).join(', ')}`);
  }
  if (write.idempotency.length > 0) {
    statements.push(`INSERT INTO ${schema}.idempotency_keys
        (key, fingerprint, transaction_id, result, created_at)
      VALUES ${write.idempotency.map(keyTuple).join(', ')}`);
  }
  return statements.join(';\n');
}

/**
 * Orders account ids as PostgreSQL's "C" collation does (UTF-8 bytes, that is code points),
 * which differs from JS's UTF-16 order for characters above U+FFFF. Existing wallets are
 * already locked in this order by the read; new ones are not, and two transactions inserting
 * the same new wallets in opposite orders would each wait on the other's unique index entry.
 *
 * @example
 * ids.sort(compareAccountIds);
 */
export function compareAccountIds(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

function walletStatement(schema: string, record: WalletRecord, held: WalletRecord | undefined) {
  const currencies = Object.keys(record.balances);
  const currencyArray = `ARRAY[${currencies.map(sqlText).join(', ')}]::text[]`;
  const balanceArray = `ARRAY[${currencies.map((c) => sqlText(record.balances[c]!)).join(', ')}]::numeric[]`;
  if (held === undefined) {
    return `INSERT INTO ${schema}.wallets (account_id, version, sequence, head_hash, currencies,
        balances, created_at, updated_at, metadata)
      VALUES (${sqlText(record.accountId)}, ${sqlInteger(record.version)},
        ${sqlInteger(record.sequence)}, ${sqlText(record.headHash)}, ${currencyArray},
        ${balanceArray}, ${sqlText(record.createdAt)}, ${sqlText(record.updatedAt)},
        ${sqlJson(record.metadata)})`;
  }
  return `UPDATE ${schema}.wallets SET version = ${sqlInteger(record.version)},
      sequence = ${sqlInteger(record.sequence)}, head_hash = ${sqlText(record.headHash)},
      currencies = ${currencyArray}, balances = ${balanceArray},
      created_at = ${sqlText(record.createdAt)}, updated_at = ${sqlText(record.updatedAt)},
      metadata = ${sqlJson(record.metadata)}
    WHERE account_id = ${sqlText(record.accountId)} AND version = ${sqlInteger(held.version)}`;
}

function entryTuple(entry: JournalEntry): string {
  return `(${sqlText(entry.accountId)}, ${sqlInteger(entry.sequence)},
    ${sqlText(entry.transactionId)}, ${sqlText(entry.type)}, ${sqlText(entry.currency)},
    ${sqlText(entry.amount)}, ${sqlText(entry.balanceBefore)}, ${sqlText(entry.balanceAfter)},
    ${sqlText(entry.txTime)}, ${sqlNullableText(entry.idempotencyKey)},
    ${sqlNullableText(entry.counterparty)}, ${sqlJson(entry.metadata)}, ${sqlText(entry.prevHash)},
    ${sqlText(entry.hash)})`;
}

function keyTuple(record: IdempotencyRecord): string {
  return `(${sqlText(record.key)}, ${sqlText(record.fingerprint)}, ${sqlText(record.transactionId)},
    ${sqlJson(record.result)}, ${sqlText(record.createdAt)})`;
}
