import type {
  IdempotencyRecord,
  JournalEntry,
  LedgerRecord,
  LedgerWrite,
  WalletHold,
  WalletRecord,
} from '@wallet/core';
import { BATCH_COLUMN_TYPES, type LedgerStatements, ROW_TYPES } from './ledger-statements.js';
import type { PreparedStatement, StatementCall } from './prepared-statement.js';
import { arrayText, type SqlValue, sqlArray, sqlInteger, sqlLiteral } from './sql-literal.js';

/**
 * How many entries make a write take `writeBatch`. Below it, a statement per row costs the
 * server less than the batch statement's arrays and joins: transfers (2 entries) and 3-leg
 * postings ran at about 0.75x their speed as one batch statement (docs/benchmarks.md).
 */
const BATCH_FROM_ENTRIES = 8;

/**
 * The statement calls that write a {@link LedgerWrite}, sent as one script (on `pg` together
 * with the transaction's COMMIT, in one round trip). First an insert for each wallet the
 * snapshot did not hold, in account order (a duplicate is a unique violation). Then the held
 * wallets, each updated with a guard on the version the snapshot read, the entries and the
 * idempotency records: with `BATCH_FROM_ENTRIES` entries or more (a coalesced batch, on many
 * wallets or on one; a large posting) one call of `writeBatch` whatever their number,
 * otherwise one call per row. Then the ledger records in key order: an insert for version 1 (a
 * taken key is a unique violation), else an update guarded by the version before it. A write of
 * one held wallet with one entry, at most one key and at most one record (a deposit or
 * withdrawal; a hold placed, captured in full or released) is one call of a statement that
 * does them all.
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
  const wallets = [...write.wallets].sort((a, b) => compareAccountIds(a.accountId, b.accountId));
  const calls: StatementCall[] = [];
  /** Each held wallet as written, with the record the snapshot read. */
  const held: [WalletRecord, WalletRecord][] = [];
  for (const record of wallets) {
    const before = read.get(record.accountId);
    if (before === undefined) calls.push(walletCall(statements, record, undefined));
    else held.push([record, before]);
  }
  if (write.entries.length >= BATCH_FROM_ENTRIES) {
    calls.push(batchCall(statements, write, held));
  } else {
    for (const [record, before] of held) calls.push(walletCall(statements, record, before));
    for (const entry of write.entries) {
      calls.push({
        statement: statements.insertEntry,
        args: literals(entryValues(entry), 'entry'),
      });
    }
    for (const record of write.idempotency) {
      calls.push({ statement: statements.insertKey, args: literals(keyValues(record), 'key') });
    }
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
  const args = [
    ...walletCall(statements, wallet, held).args,
    ...literals(entryValues(entry!), 'entry'),
  ];
  const [key] = write.idempotency;
  if (key !== undefined) args.push(...literals(keyValues(key), 'key'));
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
  args.push(...literals(recordValues(record), 'record'));
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
  if (held === undefined) {
    return { statement: statements.insertWallet, args: literals(walletValues(record), 'wallet') };
  }
  return {
    statement: statements.updateWallet,
    args: literals(walletUpdateValues(record, held), 'walletUpdate'),
  };
}

/** A wallet row's columns, as `insertWallet` takes them. */
function walletValues(record: WalletRecord): SqlValue[] {
  const currencies = Object.keys(record.balances);
  return [
    record.accountId,
    sqlInteger(record.version),
    sqlInteger(record.sequence),
    record.headHash,
    arrayText(currencies),
    arrayText(currencies.map((currency) => record.balances[currency]!)),
    record.createdAt,
    record.updatedAt,
    jsonText(record.metadata),
    record.holds.length === 0 ? null : JSON.stringify(record.holds),
    nextHoldExpiry(record.holds),
  ];
}

/** A held wallet's columns, as `updateWallet` takes them: the row, then the version read. */
function walletUpdateValues(record: WalletRecord, held: WalletRecord): SqlValue[] {
  const values = walletValues(record);
  values.push(sqlInteger(held.version));
  return values;
}

/**
 * The `writeBatch` call of a write's held wallets, entries and keys: each argument an
 * `ARRAY[...]` of one column's values, one element per row.
 */
function batchCall(
  statements: LedgerStatements,
  write: LedgerWrite,
  held: readonly (readonly [WalletRecord, WalletRecord])[],
): StatementCall {
  const tables: [readonly string[], SqlValue[][]][] = [
    [
      BATCH_COLUMN_TYPES.wallets,
      held.map(([record, before]) => walletUpdateValues(record, before)),
    ],
    [BATCH_COLUMN_TYPES.entries, write.entries.map(entryValues)],
    [BATCH_COLUMN_TYPES.keys, write.idempotency.map(keyValues)],
  ];
  const args = tables.flatMap(([types, rows]) =>
    types.map((type, column) =>
      sqlArray(
        rows.map((row) => row[column]!),
        type,
      ),
    ),
  );
  return { statement: statements.writeBatch, args };
}

function entryValues(entry: JournalEntry): SqlValue[] {
  return [
    entry.accountId,
    sqlInteger(entry.sequence),
    entry.transactionId,
    entry.type,
    entry.currency,
    entry.amount,
    entry.balanceBefore,
    entry.balanceAfter,
    entry.txTime,
    entry.idempotencyKey,
    entry.counterparty,
    jsonText(entry.metadata),
    entry.prevHash,
    entry.hash,
    // Undefined on every entry type but those that carry the field (core's ENTRY_TYPE_FIELDS).
    entry.reverses ?? null,
    entry.reason ?? null,
    entry.holdId ?? null,
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
    args: literals(recordValues(record), 'record'),
  };
}

function recordValues(record: LedgerRecord): SqlValue[] {
  return [record.key, sqlInteger(record.version), jsonText(record.data)];
}

function keyValues(record: IdempotencyRecord): SqlValue[] {
  return [
    record.key,
    record.fingerprint,
    record.transactionId,
    jsonText(record.result),
    record.createdAt,
  ];
}

/** A value as JSON text, or null for SQL NULL (a JSON null is stored as NULL too). */
function jsonText(value: unknown): string | null {
  return value === null ? null : JSON.stringify(value);
}

/** One row's values as the literals of a statement's arguments, typed as `ROW_TYPES[row]`. */
function literals(values: readonly SqlValue[], row: keyof typeof ROW_TYPES): string[] {
  const types = ROW_TYPES[row];
  return values.map((value, i) => sqlLiteral(value, types[i]!));
}
