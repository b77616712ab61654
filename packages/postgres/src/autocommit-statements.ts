import type { EntryQuery, HeadQuery, JournalEntry, JournalsQuery, WalletQuery } from '@wallet/core';
import {
  ENTRY_COLUMNS,
  ENTRY_INSERT_COLUMNS,
  ENTRY_RECORDSET_COLUMNS,
  entryToRecord,
} from './journal-rows.js';
import { prefixConditions } from './prefix-range.js';
import { RECORD_COLUMNS, WALLET_COLUMNS } from './snapshot-rows.js';

/**
 * One statement with its parameters (`$1`, `$2`, ...), as `Database.query` runs it.
 *
 * @example
 * const { text, values } = statements.wallet('p1');
 * const rows = await database.query(text, values);
 */
export interface Query {
  /** The statement, with placeholders. */
  readonly text: string;
  /** What `$1`, `$2`, ... stand for, in order. */
  readonly values: unknown[];
}

/**
 * The statements the ledger runs on their own (autocommit), outside its transactions: the reads
 * behind the `LedgerStore` and `HistoryStore` methods, and the import of `putEntries`. Each
 * takes what its method was asked.
 *
 * @example
 * const statements = autocommitStatements('"wallet"');
 */
export interface AutocommitStatements {
  /** The wallet `accountId` ({@link WALLET_COLUMNS}), or no row. */
  wallet(accountId: string): Query;
  /** The ledger record under `key` ({@link RECORD_COLUMNS}), or no row. */
  record(key: string): Query;
  /** The entries of a transaction ({@link ENTRY_COLUMNS}), in (account id, sequence) order. */
  transaction(transactionId: string): Query;
  /** A page of wallets ({@link WALLET_COLUMNS}) down the primary key, within the prefix. */
  wallets(query: WalletQuery): Query;
  /**
   * The first `window` wallets whose expiry hint is due by `dueBy`, earliest first, each with
   * `due` (it holds a hold expired by then) and `repaired` (its hint was set right). Wallets a
   * transaction has locked are skipped (that write journals their expired holds). See
   * {@link autocommitStatements}.
   */
  expiredHolds(query: { dueBy: string; window: number }): Query;
  /** A page of one wallet's journal ({@link ENTRY_COLUMNS}), in the order asked for. */
  entries(query: EntryQuery): Query;
  /** A page of wallets' heads (`account_id, sequence, head_hash`) down the primary key. */
  heads(query: HeadQuery): Query;
  /** How many wallets have an id starting with `prefix`, as one row's `count`. */
  countWallets(prefix: string): Query;
  /** A page of wallets' journals ({@link ENTRY_COLUMNS}), in (account id, sequence) order. */
  journals(query: JournalsQuery): Query;
  /**
   * Inserts the entries (ignoring any already stored) unless one is missing from the journal of
   * a wallet the ledger holds; returns the first such entry's `account_id, sequence`, in which
   * case nothing was inserted.
   */
  importEntries(entries: readonly JournalEntry[]): Query;
}

/**
 * Builds the statements for a schema given as a quoted identifier. The texts that do not depend
 * on what a method is asked are built here, once.
 *
 * @example
 * const { text, values } = autocommitStatements('"wallet"').countWallets('team_');
 */
export function autocommitStatements(schema: string): AutocommitStatements {
  const wallet = `SELECT ${WALLET_COLUMNS} FROM ${schema}.wallets WHERE account_id = $1`;
  const record = `SELECT ${RECORD_COLUMNS} FROM ${schema}.records WHERE key = $1`;
  const transaction = `SELECT ${ENTRY_COLUMNS} FROM ${schema}.journal_entries
      WHERE transaction_id = $1 ORDER BY account_id, sequence`;
  // Through the partial index on next_hold_expiry, earliest first. The hint is a lower bound of
  // the wallet's expiries (see `expiryHint` in ledger-statements.ts), so a due hint may stand
  // for no hold due: each candidate's earliest expiry is read from the row as locked (FOR UPDATE
  // reads the version a transaction committed meanwhile; the statement's snapshot may be older),
  // its hint set to that, and it is answered due only if that is due. The statement holds the
  // rows' locks, so the update sets right exactly the candidates whose hint differs (it runs
  // though the answer does not read it, as a data-modifying WITH always does). SKIP LOCKED: the
  // sweep never waits for a lock, so it cannot deadlock with a transaction locking wallets in
  // account order.
  const expiredHolds = `WITH candidate AS (
        SELECT account_id, next_hold_expiry AS hint,
          (SELECT min((hold->>'expiresAt')::timestamptz) FROM jsonb_array_elements(holds) AS hold)
            AS earliest
        FROM ${schema}.wallets
        WHERE next_hold_expiry <= $1::timestamptz ORDER BY next_hold_expiry LIMIT $2
        FOR UPDATE SKIP LOCKED
      ), repaired AS (
        UPDATE ${schema}.wallets AS w SET next_hold_expiry = c.earliest
        FROM candidate AS c
        WHERE w.account_id = c.account_id AND c.hint IS DISTINCT FROM c.earliest
      )
      SELECT account_id, hint IS DISTINCT FROM earliest AS repaired,
        coalesce(earliest <= $1::timestamptz, false) AS due
      FROM candidate ORDER BY hint`;
  const heads = `SELECT account_id, sequence, head_hash FROM ${schema}.wallets
      WHERE account_id > $1 ORDER BY account_id LIMIT $2`;
  const journals = `SELECT ${ENTRY_COLUMNS} FROM ${schema}.journal_entries
      WHERE account_id = ANY($1::text[]) AND (account_id, sequence) > ($2::text, $3::bigint)
      ORDER BY account_id, sequence LIMIT $4`;
  const importEntries = `WITH incoming AS (
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
      SELECT account_id, sequence FROM refused LIMIT 1`;

  return {
    wallet: (accountId) => ({ text: wallet, values: [accountId] }),

    record: (key) => ({ text: record, values: [key] }),

    transaction: (transactionId) => ({ text: transaction, values: [transactionId] }),

    wallets(query) {
      const values: unknown[] = [];
      const where = prefixConditions(query.prefix ?? '', values);
      if (query.startAfter !== undefined) {
        values.push(query.startAfter);
        where.push(`account_id > $${values.length}`);
      }
      values.push(query.limit);
      const text = `SELECT ${WALLET_COLUMNS} FROM ${schema}.wallets
          ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
          ORDER BY account_id LIMIT $${values.length}`;
      return { text, values };
    },

    expiredHolds: ({ dueBy, window }) => ({ text: expiredHolds, values: [dueBy, window] }),

    entries(query) {
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
      const text = `SELECT ${ENTRY_COLUMNS} FROM ${schema}.journal_entries WHERE ${where}
          ORDER BY sequence ${query.order === 'asc' ? 'ASC' : 'DESC'} LIMIT $${values.length}`;
      return { text, values };
    },

    // Every account id is greater than '': the first page needs no branch.
    heads: ({ startAfter, limit }) => ({ text: heads, values: [startAfter ?? '', limit] }),

    countWallets(prefix) {
      const values: unknown[] = [];
      const where = prefixConditions(prefix, values);
      const text = `SELECT count(*) AS count FROM ${schema}.wallets
          ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}`;
      return { text, values };
    },

    // (account_id, sequence) > ('', 0) holds for every row: the first page needs no branch.
    journals: ({ accountIds, after, limit }) => ({
      text: journals,
      values: [accountIds, after?.accountId ?? '', after?.sequence ?? 0, limit],
    }),

    importEntries: (entries) => ({
      text: importEntries,
      values: [JSON.stringify(entries.map(entryToRecord))],
    }),
  };
}
