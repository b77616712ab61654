import {
  ConcurrencyConflictError,
  type EntryQuery,
  type HeadQuery,
  type HistoryStore,
  type Instrumentation,
  type JournalEntry,
  type JournalsQuery,
  type LedgerStore,
  type LedgerTransaction,
  ValidationError,
  type WalletHead,
  type WalletQuery,
} from '@wallet/core';
import {
  type FailureKind,
  type LedgerRetryOptions,
  type LedgerRetryPolicy,
  ledgerRetryPolicy,
  retryReporter,
  retryTransaction,
} from '@wallet/core/adapter';
import type { PostgresClient } from './client.js';
import { type Database, openDatabase } from './database.js';
import { DriverError } from './driver-error.js';
import { assertStorableEntry } from './entry-import.js';
import { translateError } from './errors.js';
import {
  ENTRY_COLUMNS,
  ENTRY_INSERT_COLUMNS,
  ENTRY_RECORDSET_COLUMNS,
  entryFromRow,
  entryToRecord,
} from './journal-rows.js';
import { ledgerStatements } from './ledger-statements.js';
import { type MigrationProgress, migrateSchema } from './migrations.js';
import type { StatementCall } from './prepared-statement.js';
import type { Rows } from './session.js';
import {
  keyFromRow,
  RECORD_COLUMNS,
  recordFromRow,
  WALLET_COLUMNS,
  walletFromRow,
} from './snapshot-rows.js';
import { sqlText, sqlTextArray } from './sql-literal.js';
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
   * `maxDelayMs` 100, `maxUnavailableRetries` 0 (a server that cannot be reached before the
   * transaction's first statement is reported at once). `maxUnknownRetries` does not apply:
   * a failure during COMMIT is always reported as `OUTCOME_UNKNOWN`, since a new transaction
   * is not the same request.
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

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
/** The PostgreSQL ledger's retry defaults (see {@link PostgresLedgerOptions.retry}). */
const RETRY_DEFAULTS: LedgerRetryPolicy = {
  maxConflictAttempts: 10,
  maxUnavailableRetries: 0,
  maxUnknownRetries: 0,
  baseDelayMs: 2,
  maxDelayMs: 100,
};

/** What a failed attempt of a transaction means for the retry loop. */
function classify(error: unknown): FailureKind {
  const outcome = translateError(error);
  if (outcome.retry) return 'conflict';
  return outcome.unavailable ? 'unavailable' : 'fatal';
}

/** The error to throw for a failed attempt that is not retried. */
function giveUp(_kind: FailureKind, error: unknown, failures: number): unknown {
  const outcome = translateError(error);
  return outcome.retry
    ? new ConcurrencyConflictError(failures, { cause: outcome.cause })
    : outcome.error;
}

/**
 * Builds the ledger over a `pg.Pool` (PostgreSQL, Aurora PostgreSQL) or a PGlite instance.
 *
 * Each transaction is one database transaction of two round trips on `pg`: BEGIN with the
 * read, which locks the named wallets in account order and reads them with the named
 * idempotency keys and ledger records; then the write, under version guards, with COMMIT.
 * Conflicts (serialization failures, deadlocks, unique violations, stale record versions) are
 * retried with jittered backoff on a fresh snapshot.
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

  const sql = {
    wallet: `SELECT ${WALLET_COLUMNS} FROM ${schema}.wallets WHERE account_id = $1`,
    record: `SELECT ${RECORD_COLUMNS} FROM ${schema}.records WHERE key = $1`,
    journals: `SELECT ${ENTRY_COLUMNS} FROM ${schema}.journal_entries
      WHERE account_id = ANY($1::text[]) AND (account_id, sequence) > ($2::text, $3::bigint)
      ORDER BY account_id, sequence LIMIT $4`,
    // Every account id is greater than '': the first page needs no branch.
    heads: `SELECT account_id, sequence, head_hash FROM ${schema}.wallets
      WHERE account_id > $1 ORDER BY account_id LIMIT $2`,
    transaction: `SELECT ${ENTRY_COLUMNS} FROM ${schema}.journal_entries
      WHERE transaction_id = $1 ORDER BY account_id, sequence`,
    // Through the partial index on next_hold_expiry, earliest first.
    expiredHolds: `SELECT account_id FROM ${schema}.wallets
      WHERE next_hold_expiry <= $1::timestamptz ORDER BY next_hold_expiry LIMIT $2`,
    import: `WITH incoming AS (
        SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(${ENTRY_RECORDSET_COLUMNS})
      ), refused AS (
        SELECT i.account_id, i.sequence FROM incoming i
        WHERE EXISTS (SELECT 1 FROM ${schema}.wallets w WHERE w.account_id = i.account_id)
          AND NOT EXISTS (SELECT 1 FROM ${schema}.journal_entries e
            WHERE e.account_id = i.account_id AND e.sequence = i.sequence)
      ), inserted AS (
        INSERT INTO ${schema}.journal_entries (${ENTRY_INSERT_COLUMNS})
          SELECT ${ENTRY_INSERT_COLUMNS} FROM incoming WHERE NOT EXISTS (SELECT 1 FROM refused)
          ON CONFLICT (account_id, sequence) DO NOTHING
      )
      SELECT account_id, sequence FROM refused LIMIT 1`,
  };

  /** One autocommit statement, its failure translated. */
  async function read(text: string, values: unknown[]): Promise<Rows> {
    try {
      return await database.query(text, values);
    } catch (error) {
      const outcome = translateError(error);
      throw outcome.retry
        ? new ConcurrencyConflictError(1, { cause: outcome.cause })
        : outcome.error;
    }
  }

  const statements = ledgerStatements(schema);
  const prepare = options.preparedStatements === false ? undefined : Object.values(statements);

  /**
   * The calls that lock the named wallets and read them with the named keys and records. The
   * lock is taken in account order, so transfers in opposite directions cannot deadlock; a row
   * locked after a wait is read as last committed (READ COMMITTED re-reads it), and the keys
   * and records are read by later statements, whose fresh snapshots see what the transactions
   * they waited for committed. Records are read, not locked: a record that changes before the
   * write is a conflict its version guard catches. One key and one record (a capture or release
   * with a key) are read by one statement, still after the lock.
   */
  function lockingRead(
    accountIds: readonly string[],
    keys: readonly string[],
    recordKeys: readonly string[],
  ): StatementCall[] {
    const calls: StatementCall[] = [];
    if (accountIds.length === 1) {
      calls.push({ statement: statements.lockWallet, args: [sqlText(accountIds[0]!)] });
    } else if (accountIds.length === 2) {
      calls.push({ statement: statements.lockWalletPair, args: accountIds.map(sqlText) });
    } else if (accountIds.length > 2) {
      calls.push({ statement: statements.lockWallets, args: [sqlTextArray(accountIds)] });
    }
    if (keys.length === 1 && recordKeys.length === 1) {
      calls.push({
        statement: statements.readKeyAndRecord,
        args: [sqlText(keys[0]!), sqlText(recordKeys[0]!)],
      });
      return calls;
    }
    if (keys.length === 1) {
      calls.push({ statement: statements.readKey, args: [sqlText(keys[0]!)] });
    } else if (keys.length > 1) {
      calls.push({ statement: statements.readKeys, args: [sqlTextArray(keys)] });
    }
    if (recordKeys.length === 1) {
      calls.push({ statement: statements.readRecord, args: [sqlText(recordKeys[0]!)] });
    } else if (recordKeys.length > 1) {
      calls.push({ statement: statements.readRecords, args: [sqlTextArray(recordKeys)] });
    }
    return calls;
  }

  async function attempt<T>(transaction: LedgerTransaction<T>): Promise<T> {
    const { accountIds, idempotencyKeys } = transaction;
    const recordKeys = transaction.recordKeys ?? [];
    const read = lockingRead(accountIds, idempotencyKeys, recordKeys);
    return database.transaction(async (session) => {
      const results = read.length === 0 ? [] : await session.run(read);
      // One result per kind read, in the order lockingRead lists them (a key and a record
      // share one).
      let next = 0;
      const walletRows = accountIds.length > 0 ? results[next++]!.rows : [];
      let keyRows: Rows;
      let recordRows: Rows;
      if (idempotencyKeys.length === 1 && recordKeys.length === 1) {
        [keyRows, recordRows] = splitKeyAndRecord(results[next]!.rows[0]!);
      } else {
        keyRows = idempotencyKeys.length > 0 ? results[next++]!.rows : [];
        recordRows = recordKeys.length > 0 ? results[next++]!.rows : [];
      }
      const wallets = new Map(
        walletRows.map((row) => [row.account_id as string, walletFromRow(row)]),
      );
      const idempotency = new Map(keyRows.map((row) => [row.key as string, keyFromRow(row)]));
      const records = new Map(recordRows.map((row) => [row.key as string, recordFromRow(row)]));
      const decision = transaction.decide({ wallets, idempotency, records });
      const write = decision.write;
      if (write) await session.commit(writeCalls(statements, write, wallets));
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
      retryTransaction(() => attempt(transaction), { classify, policy, giveUp, onRetry }),

    async getWallet(accountId) {
      const [row] = await read(sql.wallet, [accountId]);
      return row ? walletFromRow(row) : null;
    },

    async getRecord(key) {
      const [row] = await read(sql.record, [key]);
      return row ? recordFromRow(row) : null;
    },

    async queryTransaction(transactionId) {
      return (await read(sql.transaction, [transactionId])).map(entryFromRow);
    },

    async listWallets(query: WalletQuery) {
      const values: unknown[] = [];
      const where = prefixConditions(query.prefix ?? '', values);
      if (query.startAfter !== undefined) {
        values.push(query.startAfter);
        where.push(`account_id > $${values.length}`);
      }
      values.push(query.limit);
      const rows = await read(
        `SELECT ${WALLET_COLUMNS} FROM ${schema}.wallets
          ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
          ORDER BY account_id LIMIT $${values.length}`,
        values,
      );
      return rows.map(walletFromRow);
    },

    async listWalletsWithExpiredHolds({ dueBy, limit }) {
      const rows = await read(sql.expiredHolds, [dueBy, limit]);
      return rows.map((row) => row.account_id as string);
    },

    async queryEntries(query: EntryQuery) {
      const values: unknown[] = [query.accountId];
      let where = 'account_id = $1';
      if (query.currency !== undefined) {
        values.push(query.currency);
        where += ` AND currency = $${values.length}`;
      }
      if (query.startAfter !== undefined) {
        values.push(query.startAfter);
        where += ` AND sequence ${query.order === 'asc' ? '>' : '<'} $${values.length}`;
      }
      values.push(query.limit);
      const rows = await read(
        `SELECT ${ENTRY_COLUMNS} FROM ${schema}.journal_entries WHERE ${where}
          ORDER BY sequence ${query.order === 'asc' ? 'ASC' : 'DESC'} LIMIT $${values.length}`,
        values,
      );
      return rows.map(entryFromRow);
    },

    async listHeads({ startAfter, limit }) {
      const rows = await read(sql.heads, [startAfter ?? '', limit]);
      return rows.map((row) => ({
        accountId: row.account_id as string,
        sequence: Number(row.sequence),
        headHash: row.head_hash as string,
      }));
    },

    async countWallets(prefix) {
      const values: unknown[] = [];
      const where = prefixConditions(prefix, values);
      const [row] = await read(
        `SELECT count(*) AS count FROM ${schema}.wallets
          ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}`,
        values,
      );
      return Number(row!.count);
    },

    async queryJournals({ accountIds, after, limit }) {
      // (account_id, sequence) > ('', 0) holds for every row: the first page needs no branch.
      const rows = await read(sql.journals, [
        accountIds,
        after?.accountId ?? '',
        after?.sequence ?? 0,
        limit,
      ]);
      return rows.map(entryFromRow);
    },

    async putEntries(entries) {
      if (entries.length === 0) return;
      for (const entry of entries) assertStorableEntry(entry);
      const [refused] = await read(sql.import, [JSON.stringify(entries.map(entryToRecord))]);
      if (refused) {
        throw new ValidationError(
          `wallet ${refused.account_id} is held by this ledger, whose journal has no entry ${refused.sequence} to match`,
          { accountId: refused.account_id as string, sequence: Number(refused.sequence) },
        );
      }
    },
  };
}

/**
 * The row of `readKeyAndRecord` as the rows `readKey` and `readRecord` would have returned:
 * none for a side that is NULL (a key and a record are never NULL when stored).
 */
function splitKeyAndRecord(row: Rows[number]): [Rows, Rows] {
  return [
    row.key == null ? [] : [row],
    row.record_key == null ? [] : [{ key: row.record_key, version: row.version, data: row.data }],
  ];
}

/**
 * The conditions that keep the wallets whose account id starts with `prefix` (none for an empty
 * one), their parameters appended to `values`: a range of the primary key ("C" collation, code
 * point order), not LIKE, whose `_` and `%` are wildcards.
 */
function prefixConditions(prefix: string, values: unknown[]): string[] {
  if (prefix === '') return [];
  values.push(prefix);
  const at = values.length;
  const upper = prefixUpperBound(prefix);
  if (upper === null) return [`account_id >= $${at}`, `starts_with(account_id, $${at})`];
  values.push(upper);
  return [`account_id >= $${at}`, `account_id < $${values.length}`];
}

/**
 * The least string above every string that starts with `prefix`, in code point order (the
 * "C" collation's order in UTF-8): the prefix with its last character raised by one, or null
 * when there is none above it (U+10FFFF), and then the range has no upper bound.
 *
 * @example
 * prefixUpperBound('team_'); // 'team`'
 */
export function prefixUpperBound(prefix: string): string | null {
  let end = prefix.length - 1;
  if (
    end > 0 &&
    isLowSurrogate(prefix.charCodeAt(end)) &&
    isHighSurrogate(prefix.charCodeAt(end - 1))
  ) {
    end--;
  }
  let next = prefix.codePointAt(end)! + 1;
  if (next === 0xd800) next = 0xe000; // no character is a surrogate
  if (next > 0x10ffff) return null;
  return prefix.slice(0, end) + String.fromCodePoint(next);
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
