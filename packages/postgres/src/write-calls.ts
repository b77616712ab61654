import type {
  IdempotencyRecord,
  JournalEntry,
  LedgerRecord,
  LedgerWrite,
  WalletHold,
  WalletRecord,
} from '@wallet/core';
import type { LedgerStatements } from './ledger-statements.js';
import type { PreparedStatement, StatementCall } from './prepared-statement.js';
import { sqlInteger, sqlJson, sqlNullableText, sqlText, sqlTextArray } from './sql-literal.js';

/**
 * The statement calls that write a {@link LedgerWrite}, sent as one script (on `pg` together
 * with the transaction's COMMIT, in one round trip). The first `write.wallets.length` calls
 * write one wallet each, in account order: an insert for a wallet the snapshot did not hold (a
 * duplicate is a unique violation), otherwise an update guarded by the version the snapshot
 * read. Then one insert per entry and per idempotency record, then the ledger records in key
 * order: an insert for version 1 (a taken key is a unique violation), else an update guarded by
 * the version before it. A write of one held wallet with one entry, at most one key and at most
 * one record (a deposit or withdrawal; a hold placed, captured in full or released) is one call
 * of a statement that does them all.
 *
 * @example
 * await session.commit(writeCalls(statements, write, snapshot.wallets));
 */
export function writeCalls(
  statements: LedgerStatements,
  write: LedgerWrite,
  read: ReadonlyMap<string, WalletRecord>,
): StatementCall[] {
  const single = singleWalletCall(statements, write, read);
  if (single) return [single];
  const calls = [...write.wallets]
    .sort((a, b) => compareAccountIds(a.accountId, b.accountId))
    .map((record) => walletCall(statements, record, read.get(record.accountId)));
  for (const entry of write.entries) {
    calls.push({ statement: statements.insertEntry, args: entryArgs(entry) });
  }
  for (const record of write.idempotency) {
    calls.push({ statement: statements.insertKey, args: keyArgs(record) });
  }
  if (write.records.length > 0) {
    // In key order, so two transactions writing the same records cannot deadlock on them.
    const records = [...write.records].sort((a, b) => compareAccountIds(a.key, b.key));
    for (const record of records) calls.push(recordCall(statements, record));
  }
  return calls;
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

function singleWalletCall(
  statements: LedgerStatements,
  write: LedgerWrite,
  read: ReadonlyMap<string, WalletRecord>,
): StatementCall | undefined {
  const [wallet] = write.wallets;
  const [entry] = write.entries;
  const held = wallet && read.get(wallet.accountId);
  if (
    !held ||
    write.wallets.length !== 1 ||
    write.entries.length !== 1 ||
    write.idempotency.length > 1 ||
    write.records.length > 1
  ) {
    return undefined;
  }
  const args = [...walletCall(statements, wallet, held).args, ...entryArgs(entry!)];
  const [key] = write.idempotency;
  if (key !== undefined) args.push(...keyArgs(key));
  const [record] = write.records;
  if (record === undefined) {
    return {
      statement:
        key === undefined
          ? statements.updateWalletWithEntry
          : statements.updateWalletWithEntryAndKey,
      args,
    };
  }
  args.push(...recordArgs(record));
  let statement: PreparedStatement;
  if (record.version === 1) {
    statement =
      key === undefined
        ? statements.updateWalletWithEntryAndNewRecord
        : statements.updateWalletWithEntryKeyAndNewRecord;
  } else {
    statement =
      key === undefined
        ? statements.updateWalletWithEntryAndRecord
        : statements.updateWalletWithEntryKeyAndRecord;
  }
  return { statement, args };
}

function walletCall(
  statements: LedgerStatements,
  record: WalletRecord,
  held: WalletRecord | undefined,
): StatementCall {
  const currencies = Object.keys(record.balances);
  const args = [
    sqlText(record.accountId),
    sqlInteger(record.version),
    sqlInteger(record.sequence),
    sqlText(record.headHash),
    sqlTextArray(currencies),
    sqlTextArray(currencies.map((currency) => record.balances[currency]!)),
    sqlText(record.createdAt),
    sqlText(record.updatedAt),
    sqlJson(record.metadata),
    record.holds.length === 0 ? 'NULL' : sqlJson(record.holds),
    sqlNullableText(nextHoldExpiry(record.holds)),
  ];
  if (held === undefined) return { statement: statements.insertWallet, args };
  args.push(sqlInteger(held.version));
  return { statement: statements.updateWallet, args };
}

function entryArgs(entry: JournalEntry): string[] {
  return [
    sqlText(entry.accountId),
    sqlInteger(entry.sequence),
    sqlText(entry.transactionId),
    sqlText(entry.type),
    sqlText(entry.currency),
    sqlText(entry.amount),
    sqlText(entry.balanceBefore),
    sqlText(entry.balanceAfter),
    sqlText(entry.txTime),
    sqlNullableText(entry.idempotencyKey),
    sqlNullableText(entry.counterparty),
    sqlJson(entry.metadata),
    sqlText(entry.prevHash),
    sqlText(entry.hash),
    // Undefined on every entry type but those that carry the field (core's ENTRY_TYPE_FIELDS).
    entry.reverses === undefined ? 'NULL' : sqlText(entry.reverses),
    entry.reason == null ? 'NULL' : sqlText(entry.reason),
    entry.holdId === undefined ? 'NULL' : sqlText(entry.holdId),
  ];
}

/**
 * The earliest `expiresAt` of a wallet's holds, or null for none: the indexed
 * `next_hold_expiry` that finds wallets with expired holds.
 */
function nextHoldExpiry(holds: readonly WalletHold[]): string | null {
  let earliest: WalletHold | undefined;
  for (const hold of holds) {
    if (earliest === undefined || Date.parse(hold.expiresAt) < Date.parse(earliest.expiresAt)) {
      earliest = hold;
    }
  }
  return earliest === undefined ? null : earliest.expiresAt;
}

function recordCall(statements: LedgerStatements, record: LedgerRecord): StatementCall {
  return {
    statement: record.version === 1 ? statements.insertRecord : statements.updateRecord,
    args: recordArgs(record),
  };
}

function recordArgs(record: LedgerRecord): string[] {
  return [sqlText(record.key), sqlInteger(record.version), sqlJson(record.data)];
}

function keyArgs(record: IdempotencyRecord): string[] {
  return [
    sqlText(record.key),
    sqlText(record.fingerprint),
    sqlText(record.transactionId),
    sqlJson(record.result),
    sqlText(record.createdAt),
  ];
}
