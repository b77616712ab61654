import type pg from 'pg';
import type { PgPoolLike, QueryResultLike } from '../../src/client.js';

/**
 * Decides what one statement does: usually `forward()` it, perhaps after or instead of a
 * fault, or forwards other text in its place.
 */
export type Interceptor = (
  text: string,
  forward: (replacement?: string) => Promise<QueryResultLike>,
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
        query: (text, values) =>
          intercept(text, (replacement) => client.query(replacement ?? text, values), client),
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

/**
 * Whether a statement is the ledger's locking read (sent with its transaction's BEGIN and,
 * with prepared statements, its `SET LOCAL`).
 */
export function isLockingRead(text: string): boolean {
  return /^BEGIN;\n(SET LOCAL [^;]+;\n)?(EXECUTE wallet_lock_|SELECT .* FOR UPDATE)/s.test(text);
}

/** Whether a statement is the ledger's write script, which writes the wallets first (alone or fused with the rows beside them) and ends with COMMIT. */
export function isWrite(text: string): boolean {
  return /^(EXECUTE wallet_(update_wallet|insert_wallet|(keyed_)?write(_keyed|_batch|_insert_record|_update_record)?)_[0-9a-f]{16}\(|(WITH wallet AS \()?(UPDATE|INSERT INTO) "[a-z0-9_]+"\.wallets )/.test(
    text,
  );
}
