/**
 * What a statement resolves to: its rows as the driver parsed them, and how many it touched.
 *
 * @example
 * const { rows } = await client.query('SELECT account_id FROM wallet.wallets LIMIT 1');
 */
export interface QueryResultLike {
  /** The rows returned, one object per row keyed by column name; empty for none. */
  rows: unknown[];
  /** Rows returned or affected by the statement (PGlite's `affectedRows` sums a whole script). */
  rowCount?: number | null;
}

/**
 * Anything that runs one parameterized SQL statement: a pooled connection, a PGlite transaction.
 *
 * @example
 * const { rows } = await queryable.query('SELECT version FROM wallet.wallets WHERE account_id = $1', ['p1']);
 */
export interface QueryableLike {
  /** Runs `text` with `$1`, `$2`, ... bound to `values`. */
  query(text: string, values?: unknown[]): Promise<QueryResultLike>;
}

/**
 * One connection checked out of a `pg` pool. A query without values goes over the simple
 * protocol, which takes several statements and then resolves to one result per statement.
 * `release(error)` with an error destroys the connection instead of returning it to the pool;
 * `on`/`off` let the ledger catch the `error` event a connection emits when the server drops
 * it between statements.
 *
 * @example
 * const connection: PgPoolClientLike = await pool.connect();
 * try { await connection.query('SELECT 1'); } finally { connection.release(); }
 */
export interface PgPoolClientLike {
  /** Runs `text` with `$1`, `$2`, ... bound to `values`; without values, maybe several. */
  query(text: string, values?: unknown[]): Promise<QueryResultLike | QueryResultLike[]>;
  /** Returns the connection to the pool, or destroys it when given an error or `true`. */
  release(destroy?: Error | boolean): void;
  /** Listens for the connection's `error` event. */
  on?(event: 'error', listener: (error: Error) => void): unknown;
  /** Stops listening for the connection's `error` event. */
  off?(event: 'error', listener: (error: Error) => void): unknown;
}

/**
 * The part of a `pg.Pool` the ledger uses. Declared here, not imported, so the public API does
 * not depend on `pg`'s types and any compatible pool fits.
 *
 * @example
 * import pg from 'pg';
 * const client: PgPoolLike = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 */
export interface PgPoolLike {
  /** Checks a connection out of the pool. */
  connect(): Promise<PgPoolClientLike>;
}

/**
 * The part of a PGlite instance the ledger uses. PGlite is one database session, and its
 * `transaction` runs callbacks one at a time, which is what serializes the ledger's
 * transactions in process (and keeps other users of the same instance out of them).
 *
 * @example
 * import { PGlite } from '@electric-sql/pglite';
 * const client: PGliteLike = new PGlite('./wallet-data');
 */
export interface PGliteLike extends QueryableLike {
  /** Runs `callback` in a transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(callback: (transaction: PGliteTransactionLike) => Promise<T>): Promise<T>;
}

/**
 * A PGlite transaction: `exec` runs several statements without parameters, one result each.
 *
 * @example
 * await pglite.transaction(async (transaction: PGliteTransactionLike) => {
 *   const [first, second] = await transaction.exec('SELECT 1; SELECT 2'); // one result each
 * });
 */
export interface PGliteTransactionLike extends QueryableLike {
  /** Runs a script of statements without parameters; one result per statement. */
  exec(text: string): Promise<QueryResultLike[]>;
}

/**
 * What `createPostgresLedger` runs on: a `pg.Pool` (PostgreSQL, Aurora PostgreSQL) or a PGlite
 * instance (embedded). The caller owns it and closes it.
 *
 * @example
 * const ledger = createPostgresLedger({ client: new pg.Pool() });
 */
export type PostgresClient = PgPoolLike | PGliteLike;
