/** What a statement resolves to: its rows as the driver parsed them, and how many it touched. */
export interface QueryResultLike {
  rows: unknown[];
  /** Rows returned or affected by the statement (PGlite's `affectedRows` sums a whole script). */
  rowCount?: number | null;
}

/** Anything that runs one parameterized SQL statement: a pooled connection, a PGlite transaction. */
export interface QueryableLike {
  query(text: string, values?: unknown[]): Promise<QueryResultLike>;
}

/**
 * One connection checked out of a `pg` pool. A query without values goes over the simple
 * protocol, which takes several statements and then resolves to one result per statement.
 * `release(error)` with an error destroys the connection instead of returning it to the pool;
 * `on`/`off` let the ledger catch the `error` event a connection emits when the server drops
 * it between statements.
 */
export interface PgPoolClientLike {
  query(text: string, values?: unknown[]): Promise<QueryResultLike | QueryResultLike[]>;
  release(destroy?: Error | boolean): void;
  on?(event: 'error', listener: (error: Error) => void): unknown;
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
  transaction<T>(callback: (transaction: PGliteTransactionLike) => Promise<T>): Promise<T>;
}

/** A PGlite transaction: `exec` runs several statements without parameters, one result each. */
export interface PGliteTransactionLike extends QueryableLike {
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
