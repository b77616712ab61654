import type {
  EntryQuery,
  IdempotencyRecord,
  JournalEntry,
  LedgerSnapshot,
  LedgerStore,
  LedgerTransaction,
  LedgerWrite,
  WalletRecord,
} from '@wallet/core';
import { MAX_RECORDS_PER_OPERATION, TransactionTooLargeError } from '@wallet/core';
import type { RetryConfig } from 'amazon-qldb-driver-nodejs';
import { dom, IonTypes } from 'ion-js';
import type { QldbDriverLike, QldbExecutor } from './driver.js';
import { type TransactionPhase, translateQldbError } from './errors.js';
import {
  balancesToIon,
  DocumentShapeError,
  entryFromIon,
  entryToIon,
  idempotencyFromIon,
  idempotencyToIon,
  jsonToIon,
  timestampToIon,
  walletFromIon,
  walletToIon,
} from './ion-values.js';
import { createTransactionLimiter } from './transaction-limiter.js';

/** How to build a QLDB ledger. */
export interface QldbLedgerOptions {
  /** A `QldbDriver` for a ledger whose schema {@link createSchema} created. */
  driver: QldbDriverLike;
  /**
   * How the driver retries OCC conflicts and retryable failures of this ledger's transactions;
   * the driver's own configuration when absent. A hot wallet needs more than the driver's
   * default of 4 retries.
   */
  retryConfig?: RetryConfig;
  /**
   * The most transactions this ledger runs at once; more wait in a queue. Keep it at or below
   * the driver's `maxConcurrentTransactions`. Default: no limit (the driver's pool decides).
   */
  maxConcurrentTransactions?: number;
}

/**
 * The most documents one QLDB transaction may write (a fixed QLDB quota).
 *
 * @example
 * if (documents > QLDB_MAX_DOCUMENTS_PER_TRANSACTION) throw new TransactionTooLargeError(documents, QLDB_MAX_DOCUMENTS_PER_TRANSACTION);
 */
export const QLDB_MAX_DOCUMENTS_PER_TRANSACTION = 40;

/**
 * How many operations the coalescer may merge into one QLDB transaction: an operation writes at
 * most `MAX_RECORDS_PER_OPERATION` (5) documents, and 8 × 5 = 40.
 */
const MAX_COALESCED_OPERATIONS = Math.floor(
  QLDB_MAX_DOCUMENTS_PER_TRANSACTION / MAX_RECORDS_PER_OPERATION,
);

/**
 * A {@link LedgerStore} on Amazon QLDB through `amazon-qldb-driver-nodejs` 3.x: every `transact`
 * is one `executeLambda` that reads the wallets and idempotency keys by indexed equality, lets
 * core decide, and writes wallets, journal entries and keys. QLDB's optimistic concurrency
 * control rejects the commit when anything read changed meanwhile; the driver then runs the
 * lambda again on fresh data (so `decide` may run more than once, which its purity allows).
 *
 * QLDB shut down on 2025-07-31: this adapter serves code written against it and is tested with
 * the session fake of `@wallet/qldb/testing`. See docs/qldb.md for moving to PostgreSQL or
 * DynamoDB.
 *
 * @example
 * const driver = new QldbDriver('wallet-ledger', {}, {}, 0, new RetryConfig(20));
 * await createSchema(driver);
 * const wallets = createWalletService({ ledger: createQldbLedger({ driver }), currencies: [{ code: 'GEMS', scale: 0 }] });
 */
export function createQldbLedger(options: QldbLedgerOptions): LedgerStore {
  const { driver, retryConfig } = options;
  const limiter = createTransactionLimiter(
    options.maxConcurrentTransactions ?? Number.POSITIVE_INFINITY,
  );

  /** Runs a lambda and translates QLDB failures; errors the lambda chose to throw pass as they are. */
  async function run<T>(
    lambda: (txn: QldbExecutor, own: (error: unknown) => never) => Promise<T>,
  ): Promise<T> {
    let attempts = 0;
    let phase: TransactionPhase = 'statements';
    const thrown = new WeakSet<object>();
    const own = (error: unknown): never => {
      if (typeof error === 'object' && error !== null) thrown.add(error);
      throw error;
    };
    try {
      return await limiter.run(() =>
        driver.executeLambda(async (txn) => {
          attempts++;
          phase = 'statements';
          const result = await lambda(txn, own);
          // The driver commits as soon as the lambda returns.
          phase = 'commit';
          return result;
        }, retryConfig),
      );
    } catch (error) {
      if (typeof error === 'object' && error !== null && thrown.has(error)) throw error;
      throw translateQldbError(error, { phase, attempts }) ?? error;
    }
  }

  async function read(
    txn: QldbExecutor,
    table: string,
    field: string,
    values: readonly string[],
  ): Promise<dom.Value[]> {
    if (values.length === 0) return [];
    const unique = [...new Set(values)];
    const condition =
      unique.length === 1 ? `${field} = ?` : `${field} IN (${unique.map(() => '?').join(', ')})`;
    return (
      await txn.execute(`SELECT * FROM ${table} WHERE ${condition}`, ...unique)
    ).getResultList();
  }

  async function write(
    txn: QldbExecutor,
    changes: LedgerWrite,
    snapshot: LedgerSnapshot,
  ): Promise<void> {
    const inserted = changes.wallets.filter((w) => !snapshot.wallets.has(w.accountId));
    await insert(txn, 'Wallets', inserted.map(walletToIon));
    for (const wallet of changes.wallets) {
      if (!snapshot.wallets.has(wallet.accountId)) continue;
      // QLDB has no compare-and-set: OCC at commit rejects this if the wallet changed since it was read.
      await txn.execute(
        'UPDATE Wallets AS w SET w.balances = ?, w.version = ?, w.sequence = ?, w.headHash = ?, w.updatedAt = ?, w.metadata = ? WHERE w.accountId = ?',
        balancesToIon(wallet.balances),
        new dom.Integer(wallet.version),
        new dom.Integer(wallet.sequence),
        new dom.String(wallet.headHash),
        timestampToIon(wallet.updatedAt),
        wallet.metadata === null ? new dom.Null(IonTypes.NULL) : jsonToIon(wallet.metadata),
        new dom.String(wallet.accountId),
      );
    }
    await insert(txn, 'JournalEntries', changes.entries.map(entryToIon));
    await insert(txn, 'IdempotencyKeys', changes.idempotency.map(idempotencyToIon));
  }

  async function insert(txn: QldbExecutor, table: string, documents: dom.Value[]): Promise<void> {
    if (documents.length === 0) return;
    // One statement per table: a list parameter inserts one document per element.
    await txn.execute(
      `INSERT INTO ${table} ?`,
      documents.length === 1 ? documents[0] : new dom.List(documents),
    );
  }

  return {
    maxCoalescedOperations: MAX_COALESCED_OPERATIONS,

    async transact<T>(transaction: LedgerTransaction<T>): Promise<T> {
      return run(async (txn, own) => {
        const walletRows = await read(txn, 'Wallets', 'accountId', transaction.accountIds);
        const keyRows = await read(
          txn,
          'IdempotencyKeys',
          'idempotencyKey',
          transaction.idempotencyKeys,
        );
        const wallets = new Map<string, WalletRecord>();
        for (const row of walletRows) {
          const record = walletFromIon(row);
          wallets.set(record.accountId, record);
        }
        const idempotency = new Map<string, IdempotencyRecord>();
        for (const row of keyRows) {
          const record = idempotencyFromIon(row);
          idempotency.set(record.key, record);
        }
        const snapshot: LedgerSnapshot = { wallets, idempotency };
        let decision: ReturnType<LedgerTransaction<T>['decide']>;
        try {
          decision = transaction.decide(snapshot);
        } catch (error) {
          return own(error);
        }
        if (decision.write) {
          const { wallets, entries, idempotency } = decision.write;
          const documents = wallets.length + entries.length + idempotency.length;
          // Refused before the first write, so nothing of it is written and the coalescer can
          // commit the batch in parts.
          if (documents > QLDB_MAX_DOCUMENTS_PER_TRANSACTION) {
            return own(new TransactionTooLargeError(documents, QLDB_MAX_DOCUMENTS_PER_TRANSACTION));
          }
          await write(txn, decision.write, snapshot);
        }
        return decision.result;
      });
    },

    async getWallet(accountId: string): Promise<WalletRecord | null> {
      const rows = await run((txn) => read(txn, 'Wallets', 'accountId', [accountId]));
      return rows.length === 0 ? null : walletFromIon(rows[0]!);
    },

    async queryEntries(query: EntryQuery): Promise<JournalEntry[]> {
      const conditions = ['e.data.accountId = ?'];
      const parameters: unknown[] = [query.accountId];
      if (query.currency !== undefined) {
        conditions.push('e.data.currency = ?');
        parameters.push(query.currency);
      }
      if (query.startAfter !== undefined) {
        conditions.push(query.order === 'asc' ? 'e.data.sequence > ?' : 'e.data.sequence < ?');
        parameters.push(query.startAfter);
      }
      // The committed view carries each entry's journal block, so entries are listed in the
      // order the ledger committed them: a journal rewritten out of order shows as such.
      const statement = `SELECT * FROM _ql_committed_JournalEntries AS e WHERE ${conditions.join(' AND ')}`;
      const rows = await run(async (txn) =>
        (await txn.execute(statement, ...parameters)).getResultList(),
      );
      const ordered = rows
        .map((row) => ({ block: blockOf(row), entry: entryFromIon(dataOf(row)) }))
        .sort((a, b) =>
          a.block === b.block ? a.entry.sequence - b.entry.sequence : a.block < b.block ? -1 : 1,
        )
        .map((row) => row.entry);
      if (query.order === 'desc') ordered.reverse();
      return ordered.slice(0, query.limit);
    },
  };
}

function dataOf(row: dom.Value): dom.Value {
  const data = row.get('data');
  if (data === null) throw new DocumentShapeError('a committed view row has no data');
  return data;
}

/** The journal block sequence of a committed view row. */
function blockOf(row: dom.Value): bigint {
  const sequenceNo = row.get('blockAddress', 'sequenceNo');
  if (sequenceNo === null || sequenceNo.getType() !== IonTypes.INT) {
    throw new DocumentShapeError('a committed view row has no blockAddress.sequenceNo');
  }
  return sequenceNo.bigIntValue()!;
}
