import type pg from 'pg';
import type { PgPoolLike, QueryResultLike } from '../../src/client.js';

/** Decides what one statement does: usually `forward()` it, perhaps after or instead of a fault. */
export type Interceptor = (
  text: string,
  forward: () => Promise<QueryResultLike>,
  client: pg.PoolClient,
) => Promise<QueryResultLike>;

/**
 * A pool that lets a test step into every statement the ledger sends, to pause a transaction,
 * kill its backend or lose its connection at an exact point.
 */
export function interceptedPool(pool: pg.Pool, intercept: Interceptor): PgPoolLike {
  return {
    async connect() {
      const client = await pool.connect();
      return {
        query: (text, values) => intercept(text, () => client.query(text, values), client),
        release: (destroy) => client.release(destroy),
        on: (event, listener) => client.on(event, listener),
        off: (event, listener) => client.off(event, listener),
      };
    },
  };
}

/** An error shaped like the one `pg` raises when the socket closes under a query. */
export function connectionLost(): Error {
  return new Error('Connection terminated unexpectedly');
}

/** Whether a statement is the ledger's locking read (sent with its transaction's BEGIN). */
export function isLockingRead(text: string): boolean {
  return text.includes('FOR UPDATE');
}

/** Whether a statement is the ledger's write script, which writes the wallets first. */
export function isWrite(text: string): boolean {
  return /^(UPDATE|INSERT INTO) "[a-z0-9_]+"\.wallets /.test(text);
}
