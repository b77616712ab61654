import type {
  EntryQuery,
  IdempotencyRecord,
  JournalEntry,
  LedgerRecord,
  LedgerSnapshot,
  LedgerStore,
  LedgerTransaction,
  LedgerWrite,
  WalletQuery,
  WalletRecord,
} from '@wallet/core';
import { ConcurrencyConflictError } from '@wallet/core';
import { TransactionTooLargeError } from '@wallet/core/adapter';
import type { RetryConfig } from 'amazon-qldb-driver-nodejs';
import { dom, IonTypes } from 'ion-js';
import type { QldbDriverLike, QldbExecutor } from './driver.js';
import { type TransactionPhase, translateQldbError } from './errors.js';
import {
  balancesToIon,
  DocumentShapeError,
  entryFromIon,
  entryToIon,
  holdFieldsToIon,
  idempotencyFromIon,
  idempotencyToIon,
  jsonToIon,
  recordFromIon,
  recordToIon,
  timestampToIon,
  walletFromIon,
  walletToIon,
} from './ion-values.js';
import { createTransactionLimiter } from './transaction-limiter.js';

/**
 * How to build a QLDB ledger.
 *
 * @example
 * const options: QldbLedgerOptions = { driver: new QldbDriver('wallet-ledger'), retryConfig: new RetryConfig(20) };
 */
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
 * A {@link LedgerStore} on Amazon QLDB through `amazon-qldb-driver-nodejs` 3.x: every `transact`
 * is one `executeLambda` that reads the wallets, idempotency keys and ledger records by indexed
 * equality, lets core decide, and writes wallets, journal entries, keys and records. QLDB's
 * optimistic concurrency control rejects the commit when anything read changed meanwhile (a
 * document, or a document newly matching an indexed search, so a concurrent insert under a key
 * read as absent conflicts); the driver then runs the lambda again on fresh data (so `decide`
 * may run more than once, which its purity allows).
 *
 * Listing (`listWallets`, `listWalletsWithExpiredHolds`) has no index to walk in order: QLDB
 * has no ORDER BY over an index and no LIMIT, and uses indexes for `=` and `IN` only. So
 * `listWallets` reads every matching account id (a table scan), sorts and pages them here, and
 * fetches the page's wallets by id; its cost grows with the ledger (see docs/qldb.md).
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
    lambda: (txn: QldbExecutor, own: (error: unknown) => never, attempt: number) => Promise<T>,
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
          const result = await lambda(txn, own, attempts);
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

  async function select(
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
    read: Pick<LedgerTransaction<unknown>, 'accountIds' | 'idempotencyKeys' | 'recordKeys'>,
    conflict: () => never,
  ): Promise<void> {
    const records = await storedVersions(txn, changes.records, snapshot, read.recordKeys);
    // Checked before the first write: a record replaced over another version than the one it
    // follows, or inserted under a taken key, is a conflict, and nothing is written.
    for (const record of changes.records) {
      if ((records.get(record.key) ?? 0) !== record.version - 1) conflict();
    }
    // QLDB has no unique constraint: an insert under a taken key is refused here, from the
    // snapshot for what the transaction read (OCC covers it from then on), by a read now for
    // what it did not (WalletService reads everything it writes, so it never pays for one).
    const inserted = changes.wallets.filter((w) => !snapshot.wallets.has(w.accountId));
    const readWallets = new Set(read.accountIds);
    const unreadWallets = inserted.map((w) => w.accountId).filter((id) => !readWallets.has(id));
    if ((await select(txn, 'Wallets', 'accountId', unreadWallets)).length > 0) conflict();
    const readKeys = new Set(read.idempotencyKeys);
    const unreadKeys: string[] = [];
    for (const { key } of changes.idempotency) {
      if (snapshot.idempotency.has(key)) conflict();
      if (!readKeys.has(key)) unreadKeys.push(key);
    }
    if ((await select(txn, 'IdempotencyKeys', 'idempotencyKey', unreadKeys)).length > 0) conflict();
    for (const entry of changes.entries) {
      const wallet = snapshot.wallets.get(entry.accountId);
      if (wallet !== undefined) {
        // A journal only grows: the wallet's head is its last sequence.
        if (entry.sequence <= wallet.sequence) conflict();
      } else if (await entryExists(txn, entry.accountId, entry.sequence)) {
        conflict();
      }
    }
    await insert(txn, 'Wallets', inserted.map(walletToIon));
    for (const wallet of changes.wallets) {
      if (!snapshot.wallets.has(wallet.accountId)) continue;
      const holds = holdFieldsToIon(wallet.holds);
      // QLDB has no compare-and-set: OCC at commit rejects this if the wallet changed since it was read.
      await txn.execute(
        'UPDATE Wallets AS w SET w.balances = ?, w.version = ?, w.sequence = ?, w.headHash = ?, w.updatedAt = ?, w.metadata = ?, w.holds = ?, w.hasHolds = ?, w.holdsDueAt = ? WHERE w.accountId = ?',
        balancesToIon(wallet.balances),
        new dom.Integer(wallet.version),
        new dom.Integer(wallet.sequence),
        new dom.String(wallet.headHash),
        timestampToIon(wallet.updatedAt),
        wallet.metadata === null ? new dom.Null(IonTypes.NULL) : jsonToIon(wallet.metadata),
        holds.holds,
        holds.hasHolds,
        holds.holdsDueAt,
        new dom.String(wallet.accountId),
      );
    }
    await insert(txn, 'JournalEntries', changes.entries.map(entryToIon));
    await insert(txn, 'IdempotencyKeys', changes.idempotency.map(idempotencyToIon));
    await insert(txn, 'Records', changes.records.filter((r) => r.version === 1).map(recordToIon));
    for (const record of changes.records) {
      if (record.version === 1) continue;
      // Guarded by the version this transaction read. Should another transaction have replaced
      // the record since, this may match nothing, and OCC refuses the commit anyway (the record
      // was read at the older version), so the driver runs the lambda again on fresh data:
      // no version other than the one read is ever replaced.
      await txn.execute(
        'UPDATE Records AS r SET r.version = ?, r.data = ? WHERE r.recordKey = ? AND r.version = ?',
        new dom.Integer(record.version),
        jsonToIon(record.data),
        new dom.String(record.key),
        new dom.Integer(record.version - 1),
      );
    }
  }

  /**
   * The stored version (0: none) of every record a write stores: as the snapshot has it for
   * keys the transaction read (present or absent), else read now, in this transaction, so
   * that OCC covers them too (a record inserted under a key nobody read, such as a new hold's,
   * still conflicts with a concurrent insert under that key).
   */
  async function storedVersions(
    txn: QldbExecutor,
    records: readonly LedgerRecord[],
    snapshot: LedgerSnapshot,
    readKeys: readonly string[],
  ): Promise<Map<string, number>> {
    const read = new Set(readKeys);
    const versions = new Map<string, number>();
    const unread: string[] = [];
    for (const { key } of records) {
      if (read.has(key)) versions.set(key, snapshot.records.get(key)?.version ?? 0);
      else unread.push(key);
    }
    for (const row of await select(txn, 'Records', 'recordKey', unread)) {
      const record = recordFromIon(row);
      versions.set(record.key, record.version);
    }
    return versions;
  }

  async function entryExists(txn: QldbExecutor, accountId: string, sequence: number) {
    const rows = (
      await txn.execute(
        'SELECT sequence FROM JournalEntries WHERE accountId = ? AND sequence = ?',
        new dom.String(accountId),
        new dom.Integer(sequence),
      )
    ).getResultList();
    return rows.length > 0;
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
    maxRecordsPerTransaction: QLDB_MAX_DOCUMENTS_PER_TRANSACTION,

    async transact<T>(transaction: LedgerTransaction<T>): Promise<T> {
      return run(async (txn, own, attempt) => {
        const walletRows = await select(txn, 'Wallets', 'accountId', transaction.accountIds);
        const keyRows = await select(
          txn,
          'IdempotencyKeys',
          'idempotencyKey',
          transaction.idempotencyKeys,
        );
        const recordRows = await select(txn, 'Records', 'recordKey', transaction.recordKeys);
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
        const records = new Map<string, LedgerRecord>();
        for (const row of recordRows) {
          const record = recordFromIon(row);
          records.set(record.key, record);
        }
        const snapshot: LedgerSnapshot = { wallets, idempotency, records };
        let decision: ReturnType<LedgerTransaction<T>['decide']>;
        try {
          decision = transaction.decide(snapshot);
        } catch (error) {
          return own(error);
        }
        if (decision.write) {
          const { wallets, entries, idempotency, records } = decision.write;
          const documents = wallets.length + entries.length + idempotency.length + records.length;
          // Refused before the first write, so nothing of it is written and the coalescer can
          // commit the batch in parts.
          if (documents > QLDB_MAX_DOCUMENTS_PER_TRANSACTION) {
            return own(new TransactionTooLargeError(documents, QLDB_MAX_DOCUMENTS_PER_TRANSACTION));
          }
          await write(txn, decision.write, snapshot, transaction, () =>
            own(new ConcurrencyConflictError(attempt)),
          );
        }
        return decision.result;
      });
    },

    async getWallet(accountId: string): Promise<WalletRecord | null> {
      const rows = await run((txn) => select(txn, 'Wallets', 'accountId', [accountId]));
      return rows.length === 0 ? null : walletFromIon(rows[0]!);
    },

    async getRecord(key: string): Promise<LedgerRecord | null> {
      const rows = await run((txn) => select(txn, 'Records', 'recordKey', [key]));
      return rows.length === 0 ? null : recordFromIon(rows[0]!);
    },

    async queryTransaction(transactionId: string): Promise<JournalEntry[]> {
      const rows = await run((txn) =>
        select(txn, 'JournalEntries', 'transactionId', [transactionId]),
      );
      return rows.map(entryFromIon);
    },

    async listWallets({ prefix = '', startAfter, limit }: WalletQuery): Promise<WalletRecord[]> {
      // Bounds narrow what comes back; QLDB still scans the table, as it serves ranges so.
      const conditions: string[] = [];
      const parameters: string[] = [];
      if (prefix !== '') {
        conditions.push('accountId >= ?');
        parameters.push(prefix);
        const end = prefixEnd(prefix);
        if (end !== undefined) {
          conditions.push('accountId < ?');
          parameters.push(end);
        }
      }
      if (startAfter !== undefined) {
        conditions.push('accountId > ?');
        parameters.push(startAfter);
      }
      const where = conditions.length === 0 ? '' : ` WHERE ${conditions.join(' AND ')}`;
      return run(async (txn) => {
        const ids = accountIdsOf(
          (
            await txn.execute(`SELECT accountId FROM Wallets${where}`, ...parameters)
          ).getResultList(),
        )
          .filter((id) => id.startsWith(prefix) && (startAfter === undefined || id > startAfter))
          .sort(byCodePoint)
          .slice(0, limit);
        // The page's wallets by indexed lookups, in the same transaction as the ids.
        const byId = new Map<string, WalletRecord>();
        for (const row of await select(txn, 'Wallets', 'accountId', ids)) {
          const record = walletFromIon(row);
          byId.set(record.accountId, record);
        }
        return ids.map((id) => byId.get(id)!);
      });
    },

    async listWalletsWithExpiredHolds({
      dueBy,
      limit,
    }: {
      dueBy: string;
      limit: number;
    }): Promise<string[]> {
      // `hasHolds` is indexed, so QLDB reads only the wallets holding something, then compares
      // their earliest expiry.
      const rows = await run(async (txn) =>
        (
          await txn.execute(
            'SELECT accountId FROM Wallets WHERE hasHolds = ? AND holdsDueAt <= ?',
            new dom.Boolean(true),
            timestampToIon(dueBy),
          )
        ).getResultList(),
      );
      return accountIdsOf(rows).sort(byCodePoint).slice(0, limit);
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

/** The account ids of `SELECT accountId` rows. */
function accountIdsOf(rows: readonly dom.Value[]): string[] {
  return rows.map((row) => {
    const id = row.get('accountId');
    if (id === null || id.isNull() || id.getType() !== IonTypes.STRING) {
      throw new DocumentShapeError('a Wallets document has no accountId string');
    }
    return id.stringValue()!;
  });
}

/** Ascending code point order (account ids are ASCII, so code units order them alike). */
function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The least string above every string starting with `prefix`, or undefined when there is none
 * to write (a prefix ending in U+FFFF).
 */
function prefixEnd(prefix: string): string | undefined {
  const last = prefix.charCodeAt(prefix.length - 1);
  if (last === 0xffff) return undefined;
  return prefix.slice(0, -1) + String.fromCharCode(last + 1);
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
