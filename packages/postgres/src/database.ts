import type {
  PGliteLike,
  PgPoolClientLike,
  PgPoolLike,
  PostgresClient,
  QueryableLike,
} from './client.js';
import { asError, DriverError, sqlStateOf, statement } from './driver-error.js';
import { PoolTransaction, resultList } from './pool-transaction.js';
import {
  ensurePrepared,
  INDEX_PLANS_ONLY,
  markUtf8,
  speaksUtf8,
  USE_UTF8,
} from './prepared-connections.js';
import type { PreparedStatement } from './prepared-statement.js';
import { type Rows, runCalls, type Session } from './session.js';

/**
 * The one shape the ledger uses, whatever client it was given.
 *
 * @example
 * const database = openDatabase(pool);
 * await database.transaction(async (session) => session.query('SELECT 1'));
 */
export interface Database {
  /**
   * Runs `work` in one transaction, committing when it resolves and rolling back when it
   * throws. `prepare` lists the statements to have prepared on the connection first.
   */
  transaction<T>(
    work: (session: Session) => Promise<T>,
    prepare?: readonly PreparedStatement[],
  ): Promise<T>;
  /** Runs one statement on its own (autocommit). */
  query(text: string, values?: unknown[]): Promise<Rows>;
}

/**
 * Wraps a `pg.Pool` or a PGlite instance in the {@link Database} shape, telling them apart by
 * PGlite's `transaction` method.
 *
 * @example
 * const database = openDatabase(new PGlite());
 */
export function openDatabase(client: PostgresClient): Database {
  return 'transaction' in client ? pgliteDatabase(client) : poolDatabase(client);
}

function plainQuery(queryable: QueryableLike): Session['query'] {
  return async (text, values) =>
    (await statement(() => queryable.query(text, values))).rows as Rows;
}

function poolDatabase(pool: PgPoolLike): Database {
  async function checkout(): Promise<PgPoolClientLike> {
    try {
      return await pool.connect();
    } catch (error) {
      throw new DriverError('connect', error);
    }
  }

  return {
    async transaction(work, prepare) {
      const transaction = new PoolTransaction(await checkout());
      try {
        if (prepare) await transaction.prepare(prepare);
        const result = await work(transaction);
        await transaction.finish();
        return result;
      } catch (error) {
        await transaction.abort();
        throw error;
      } finally {
        transaction.release();
      }
    },

    async query(text, values) {
      const client = await checkout();
      let broken: Error | undefined;
      try {
        // A statement with values goes over the extended protocol, one statement per message,
        // so the setting cannot ride along: it costs a round trip, once per connection.
        if (!speaksUtf8(client)) {
          await statement(() => client.query(USE_UTF8));
          markUtf8(client);
        }
        return resultList(await statement(() => client.query(text, values)))[0]!.rows as Rows;
      } catch (error) {
        if (error instanceof DriverError && sqlStateOf(error.cause) === undefined) {
          broken = asError(error.cause);
        }
        throw error;
      } finally {
        client.release(broken);
      }
    },
  };
}

/**
 * PGlite takes `SET client_encoding` too, and then misreads (LATIN1: results come back empty)
 * or fails every call (SJIS and the other encodings whose conversions it cannot load). The
 * ledger sets UTF-8 once per instance, before its first statement and outside any transaction,
 * which no rollback can undo; in process, it costs no round trip.
 */
async function pgliteUtf8(db: PGliteLike): Promise<void> {
  if (speaksUtf8(db)) return;
  try {
    await db.query(USE_UTF8);
  } catch (error) {
    throw new DriverError('connect', error);
  }
  markUtf8(db);
}

function pgliteDatabase(db: PGliteLike): Database {
  const query = plainQuery(db);
  return {
    async transaction(work, prepare) {
      await pgliteUtf8(db);
      let started = false;
      let finished = false;
      try {
        return await db.transaction(async (transaction) => {
          started = true;
          const runScript = (text: string) => statement(() => transaction.exec(text));
          const prepared = prepare && (await ensurePrepared(db, prepare, runScript));
          if (prepared) await runScript(INDEX_PLANS_ONLY);
          const result = await work({
            query: plainQuery(transaction),
            run: (calls) => runCalls(db, prepared, calls, runScript),
            // PGlite commits when the callback returns, in the same process: no round trip to save.
            commit: (calls) => runCalls(db, prepared, calls, runScript),
          });
          finished = true;
          return result;
        });
      } catch (error) {
        // Errors from inside the callback are already tagged, or are the caller's own.
        if (started && !finished) throw error;
        throw new DriverError(finished ? 'commit' : 'connect', error);
      }
    },

    async query(text, values) {
      await pgliteUtf8(db);
      return query(text, values);
    },
  };
}
