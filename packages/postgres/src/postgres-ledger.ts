import {
  type HeadQuery,
  type HistoryStore,
  type Instrumentation,
  type JournalEntry,
  type JournalsQuery,
  type LedgerStore,
  type LedgerTransaction,
  ValidationError,
  type WalletHead,
} from '@wallet/core';
import {
  type LedgerRetryOptions,
  type LedgerRetryPolicy,
  ledgerRetryPolicy,
  retryReporter,
  retryTransaction,
} from '@wallet/core/adapter';
import { autocommitStatements, type Query } from './autocommit-statements.js';
import type { PostgresClient } from './client.js';
import { type Database, openDatabase } from './database.js';
import { DriverError } from './driver-error.js';
import { assertStorableEntry } from './entry-import.js';
import { translateError } from './errors.js';
import { entryFromRow } from './journal-rows.js';
import { ledgerStatements } from './ledger-statements.js';
import { lockingRead, lockingReadCalls } from './locking-read.js';
import { type MigrationProgress, migrateSchema } from './migrations.js';
import { failureError, retryClassifier } from './retry-classifier.js';
import type { Rows } from './session.js';
import { recordFromRow, walletFromRow } from './snapshot-rows.js';
import { writeCalls } from './write-calls.js';

/**
 * How to build a PostgreSQL ledger.
 *
 * @example
 * const options: PostgresLedgerOptions = { client: new pg.Pool(), schema: 'wallet', retry: { maxConflictAttempts: 10 } };
 */
export interface PostgresLedgerOptions {
  /** A `pg.Pool` or a PGlite instance; the caller owns it and closes it. */
  client: PostgresClient;
  /** The PostgreSQL schema holding the ledger's tables; default `wallet`. */
  schema?: string;
  /**
   * How hard a transaction is retried. Defaults: `maxConflictAttempts` 10, `baseDelayMs` 2,
   * `maxDelayMs` 100, `maxUnavailableRetries` 0 (a server that cannot be reached, or that goes
   * away before the transaction's COMMIT is sent, is reported at once). `maxUnknownRetries`
   * does not apply: a connection lost while the COMMIT is in flight is always reported as
   * `OUTCOME_UNKNOWN`, since a new transaction is not the same request.
   */
  retry?: LedgerRetryOptions;
  /**
   * The same as `retry.maxConflictAttempts`, which wins when both are given: how many times a
   * transaction is attempted when it conflicts with concurrent writes before
   * `CONCURRENCY_CONFLICT`; default 10.
   */
  maxAttempts?: number;
  /**
   * Whether each connection prepares the ledger's statements once (`PREPARE`) and runs them
   * by name, which roughly halves the server's work per call; default true. Set it to false
   * behind a pooler that moves sessions between server connections (PgBouncer in
   * transaction mode), where a statement prepared on one connection is missing on the next.
   */
  preparedStatements?: boolean;
  /**
   * Only its `onRetry` is read (once, here): told of every retry of a transaction, as
   * `{ store: 'postgres', kind, retry, delayMs, error }` with the database's own error (on
   * PGlite too). What it throws is dropped.
   */
  instrumentation?: Instrumentation;
}

/**
 * Options of {@link PostgresLedger.migrate}.
 *
 * @example
 * await ledger.migrate({ onProgress: ({ done, total, name }) => console.log(`${done}/${total} ${name}`) });
 */
export interface MigrateOptions {
  /** Called after each migration, applied now or found applied, in order. */
  onProgress?: (progress: MigrationProgress) => void;
}

/**
 * A {@link LedgerStore} on PostgreSQL that also serves as the {@link HistoryStore}: history is
 * read from the journal the ledger writes.
 *
 * @example
 * const ledger = createPostgresLedger({ client: pool });
 * await ledger.migrate();
 * const wallets = createWalletService({ ledger, currencies: [{ code: 'GEMS', scale: 0 }] });
 */
export interface PostgresLedger extends LedgerStore, HistoryStore {
  /**
   * Creates or upgrades the schema. Idempotent, each migration in its own transaction, and
   * safe when several processes call it at once. Call it before the first transaction.
   * `onProgress` hears of each migration in turn, applied now or found applied.
   */
  migrate(options?: MigrateOptions): Promise<void>;
  /**
   * Stores entries of wallets this ledger does not hold (importing another ledger's history);
   * entries already in the journal (same account and sequence) are left as they are, so the
   * ledger's own entries may be put again harmlessly. Refuses, writing nothing, an entry that
   * is missing from the journal of a wallet this ledger holds: that journal is written only
   * by transactions.
   */
  putEntries(entries: readonly JournalEntry[]): Promise<void>;
  /**
   * See `LedgerStore.queryJournals`: one indexed read of many wallets' journals, in (account
   * id, sequence) order.
   */
  queryJournals(query: JournalsQuery): Promise<JournalEntry[]>;
  /** See `LedgerStore.countWallets`: one `count(*)` over the wallets' primary key. */
  countWallets(prefix: string): Promise<number>;
  /** See `LedgerStore.listHeads`: three columns of each wallet, down the primary key. */
  listHeads(query: HeadQuery): Promise<WalletHead[]>;
  /** The schema name the ledger uses. */
  readonly schema: string;
}

/**
 * How many wallets due by their hint one read of `listWalletsWithExpiredHolds` examines (or
 * `limit`, if more), and how many reads one call makes at most: hints that stood for nothing due
 * are set right as they are read, so a call answers the wallets due unless more than
 * MAX_SWEEP_PASSES x SWEEP_WINDOW such hints stand ahead of them (the next call goes on from
 * there).
 */
const SWEEP_WINDOW = 1000;
const MAX_SWEEP_PASSES = 8;

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
/** The PostgreSQL ledger's retry defaults (see {@link PostgresLedgerOptions.retry}). */
const RETRY_DEFAULTS: LedgerRetryPolicy = {
  maxConflictAttempts: 10,
  maxUnavailableRetries: 0,
  maxUnknownRetries: 0,
  baseDelayMs: 2,
  maxDelayMs: 100,
};

/**
 * Builds the ledger over a `pg.Pool` (PostgreSQL, Aurora PostgreSQL) or a PGlite instance.
 *
 * Each transaction is one database transaction: the read, which locks the named wallets in
 * account order and reads them with the named idempotency keys and ledger records, then the
 * write, under version guards. On `pg` that is two round trips: `BEGIN` travels with the read
 * and `COMMIT` with the write (alone when `decide` writes nothing; a transaction that names
 * nothing to read sends its `BEGIN` with the write). Before the ledger's first transaction on a
 * connection, the connection is asked which statements it has prepared, and the missing ones
 * are prepared: up to two round trips more, once per connection (none with
 * `preparedStatements: false`). On PGlite, in process, the read and the write are one script
 * each, between the `BEGIN` and `COMMIT` that PGlite's own `transaction` runs.
 *
 * Conflicts (serialization failures, deadlocks, lock timeouts, unique violations, stale record
 * versions), and prepared statements that a connection turns out to lack or to hold already,
 * are retried with jittered backoff on a fresh snapshot.
 *
 * @example
 * import pg from 'pg';
 * const ledger = createPostgresLedger({ client: new pg.Pool({ connectionString: process.env.DATABASE_URL }) });
 * await ledger.migrate();
 */
export function createPostgresLedger(options: PostgresLedgerOptions): PostgresLedger {
  const schemaName = options.schema ?? 'wallet';
  if (!SCHEMA_NAME.test(schemaName)) {
    throw new ValidationError('schema must be a lowercase PostgreSQL identifier', {
      field: 'schema',
    });
  }
  const maxAttempts = options.maxAttempts ?? RETRY_DEFAULTS.maxConflictAttempts;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new ValidationError('maxAttempts must be a positive integer', { field: 'maxAttempts' });
  }
  const policy = ledgerRetryPolicy(options.retry, {
    ...RETRY_DEFAULTS,
    maxConflictAttempts: maxAttempts,
  });
  // The hook is told the database's own error (as `giveUp` keeps it for `cause`), not the tag.
  const onRetry = retryReporter(options.instrumentation, 'postgres', (error) =>
    error instanceof DriverError ? error.cause : error,
  );
  const schema = `"${schemaName}"`;
  const database: Database = openDatabase(options.client);

  const sql = autocommitStatements(schema);

  /** One autocommit statement, its failure translated. */
  async function read({ text, values }: Query): Promise<Rows> {
    try {
      return await database.query(text, values);
    } catch (error) {
      throw failureError(translateError(error), 1);
    }
  }

  const statements = ledgerStatements(schema);
  const prepare = options.preparedStatements === false ? undefined : Object.values(statements);

  async function attempt<T>(transaction: LedgerTransaction<T>): Promise<T> {
    // Built before the transaction: an id or key that no SQL literal can hold (see sqlText)
    // fails the attempt before the database is touched.
    const readCalls = lockingReadCalls(
      statements,
      transaction.accountIds,
      transaction.idempotencyKeys,
      transaction.recordKeys ?? [],
    );
    return database.transaction(async (session) => {
      const snapshot = await lockingRead(session, readCalls);
      const decision = transaction.decide(snapshot);
      const write = decision.write;
      if (write) await session.commit(writeCalls(statements, write, snapshot.wallets));
      return decision.result;
    }, prepare);
  }

  return {
    schema: schemaName,

    migrate: (options = {}) =>
      migrateSchema(database, schemaName, schema, options.onProgress).catch((error: unknown) => {
        const outcome = translateError(error);
        throw outcome.retry ? outcome.cause : outcome.error;
      }),

    transact: (transaction) =>
      retryTransaction(() => attempt(transaction), { ...retryClassifier(), policy, onRetry }),

    async getWallet(accountId) {
      const [row] = await read(sql.wallet(accountId));
      return row ? walletFromRow(row) : null;
    },

    async getRecord(key) {
      const [row] = await read(sql.record(key));
      return row ? recordFromRow(row) : null;
    },

    async queryTransaction(transactionId) {
      return (await read(sql.transaction(transactionId))).map(entryFromRow);
    },

    async listWallets(query) {
      return (await read(sql.wallets(query))).map(walletFromRow);
    },

    async listWalletsWithExpiredHolds({ dueBy, limit }) {
      const window = Math.max(limit, SWEEP_WINDOW);
      for (let pass = 1; ; pass++) {
        const rows = await read(sql.expiredHolds({ dueBy, window }));
        const due = rows.filter((row) => row.due === true);
        // Short of `limit` because hints stood for nothing, with more wallets behind them: the
        // next read starts past the hints this one set right.
        const more = rows.length === window && rows.some((row) => row.repaired === true);
        if (due.length >= limit || !more || pass === MAX_SWEEP_PASSES) {
          return due.slice(0, limit).map((row) => row.account_id as string);
        }
      }
    },

    async queryEntries(query) {
      return (await read(sql.entries(query))).map(entryFromRow);
    },

    async listHeads(query) {
      const rows = await read(sql.heads(query));
      return rows.map((row) => ({
        accountId: row.account_id as string,
        sequence: Number(row.sequence),
        headHash: row.head_hash as string,
      }));
    },

    async countWallets(prefix) {
      const [row] = await read(sql.countWallets(prefix));
      return Number(row!.count);
    },

    async queryJournals(query) {
      return (await read(sql.journals(query))).map(entryFromRow);
    },

    async putEntries(entries) {
      if (entries.length === 0) return;
      for (const entry of entries) assertStorableEntry(entry);
      const [refused] = await read(sql.importEntries(entries));
      if (refused) {
        throw new ValidationError(
          `wallet ${refused.account_id} is held by this ledger, whose journal has no entry ${refused.sequence} to match`,
          { accountId: refused.account_id as string, sequence: Number(refused.sequence) },
        );
      }
    },
  };
}
