import type { IdempotencyRecord, LedgerRecord, LedgerSnapshot, WalletRecord } from '@wallet/core';
import type { LedgerStatements } from './ledger-statements.js';
import type { StatementCall } from './prepared-statement.js';
import type { Rows, Session, StatementResult } from './session.js';
import { keyFromRow, recordFromRow, walletFromRow } from './snapshot-rows.js';
import { sqlText, sqlTextArray } from './sql-literal.js';

/** The snapshot while a locking read fills it. */
interface SnapshotMaps extends LedgerSnapshot {
  wallets: Map<string, WalletRecord>;
  idempotency: Map<string, IdempotencyRecord>;
  records: Map<string, LedgerRecord>;
}

/**
 * One call of the locking read, carrying what its result is: `take` puts its rows into the
 * snapshot.
 *
 * @example
 * const [lock] = lockingReadCalls(statements, ['p1'], [], []);
 * lock.take(rows, snapshot); // the rows of lockWallet, as wallets
 */
export interface LockingReadCall extends StatementCall {
  /** Puts the rows this call returned into `snapshot`. */
  readonly take: (rows: Rows, snapshot: SnapshotMaps) => void;
}

/**
 * The calls that lock the named wallets and read them with the named keys and records. The
 * lock is taken in account order, so transfers in opposite directions cannot deadlock; a row
 * locked after a wait is read as last committed (READ COMMITTED re-reads it), and the keys
 * and records are read by later statements, whose fresh snapshots see what the transactions
 * they waited for committed. Records are read, not locked: a record that changes before the
 * write is a conflict its version guard catches. One key and one record (a capture or release
 * with a key) are read by one statement, still after the lock. No call for what is not named.
 *
 * @throws {ValidationError} when an id or key holds text PostgreSQL cannot take (see `sqlText`)
 * @example
 * const calls = lockingReadCalls(statements, ['p1', 'p2'], ['p1 key-1'], []);
 */
export function lockingReadCalls(
  statements: LedgerStatements,
  accountIds: readonly string[],
  keys: readonly string[],
  recordKeys: readonly string[],
): LockingReadCall[] {
  const calls: LockingReadCall[] = [];
  if (accountIds.length === 1) {
    calls.push({
      statement: statements.lockWallet,
      args: [sqlText(accountIds[0]!)],
      take: takeWallets,
    });
  } else if (accountIds.length === 2) {
    calls.push({
      statement: statements.lockWalletPair,
      args: accountIds.map(sqlText),
      take: takeWallets,
    });
  } else if (accountIds.length > 2) {
    calls.push({
      statement: statements.lockWallets,
      args: [sqlTextArray(accountIds)],
      take: takeWallets,
    });
  }
  if (keys.length === 1 && recordKeys.length === 1) {
    calls.push({
      statement: statements.readKeyAndRecord,
      args: [sqlText(keys[0]!), sqlText(recordKeys[0]!)],
      take: takeKeyAndRecord,
    });
    return calls;
  }
  if (keys.length === 1) {
    calls.push({ statement: statements.readKey, args: [sqlText(keys[0]!)], take: takeKeys });
  } else if (keys.length > 1) {
    calls.push({ statement: statements.readKeys, args: [sqlTextArray(keys)], take: takeKeys });
  }
  if (recordKeys.length === 1) {
    calls.push({
      statement: statements.readRecord,
      args: [sqlText(recordKeys[0]!)],
      take: takeRecords,
    });
  } else if (recordKeys.length > 1) {
    calls.push({
      statement: statements.readRecords,
      args: [sqlTextArray(recordKeys)],
      take: takeRecords,
    });
  }
  return calls;
}

/**
 * Runs the locking read in `session` (nothing when there are no calls, so a transaction that
 * reads nothing sends its `BEGIN` with its write) and returns what it read.
 *
 * @example
 * const snapshot = await lockingRead(session, lockingReadCalls(statements, ['p1'], [], []));
 */
export async function lockingRead(
  session: Session,
  calls: readonly LockingReadCall[],
): Promise<LedgerSnapshot> {
  return snapshotOf(calls, calls.length === 0 ? [] : await session.run(calls));
}

/**
 * The snapshot that the results of `calls` make, one result per call as `Session.run` returns
 * them, each taken in by its call.
 *
 * @example
 * const snapshot = snapshotOf(calls, await session.run(calls));
 */
export function snapshotOf(
  calls: readonly LockingReadCall[],
  results: readonly StatementResult[],
): LedgerSnapshot {
  const snapshot: SnapshotMaps = { wallets: new Map(), idempotency: new Map(), records: new Map() };
  for (let i = 0; i < calls.length; i++) calls[i]!.take(results[i]!.rows, snapshot);
  return snapshot;
}

function takeWallets(rows: Rows, snapshot: SnapshotMaps): void {
  for (const row of rows) snapshot.wallets.set(row.account_id as string, walletFromRow(row));
}

function takeKeys(rows: Rows, snapshot: SnapshotMaps): void {
  for (const row of rows) snapshot.idempotency.set(row.key as string, keyFromRow(row));
}

function takeRecords(rows: Rows, snapshot: SnapshotMaps): void {
  for (const row of rows) snapshot.records.set(row.key as string, recordFromRow(row));
}

/**
 * The one row of `readKeyAndRecord`: the key's columns as `readKey` names them, then the
 * record's with its key as `record_key`. A side whose key is NULL is absent (a stored key or
 * record never has a NULL key).
 */
function takeKeyAndRecord(rows: Rows, snapshot: SnapshotMaps): void {
  const row = rows[0]!;
  if (row.key != null) snapshot.idempotency.set(row.key as string, keyFromRow(row));
  if (row.record_key != null) {
    const record = recordFromRow({ key: row.record_key, version: row.version, data: row.data });
    snapshot.records.set(record.key, record);
  }
}
