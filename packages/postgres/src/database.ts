import type {
  PGliteLike,
  PgPoolClientLike,
  PgPoolLike,
  PostgresClient,
  QueryableLike,
} from './client.js';

/**
 * Where a driver call failed, which decides what the failure means: before COMMIT was sent
 * nothing can have been written; while COMMIT was in flight the outcome is unknown.
 */
export type Phase = 'connect' | 'statement' | 'commit';

/**
 * An error the database or its driver raised, tagged with the phase it was raised in. Errors
 * thrown by the ledger's own code (and by `decide`) are never wrapped, so they pass unchanged.
 *
 * @example
 * if (error instanceof DriverError && error.phase === 'commit') throw new OutcomeUnknownError({ cause: error.cause });
 */
export class DriverError extends Error {
  constructor(
    readonly phase: Phase,
    cause: unknown,
  ) {
    super(`database call failed during ${phase}`, { cause });
    this.name = 'DriverError';
  }
}

/** One statement's rows, as the driver parsed them. */
export type Rows = Record<string, unknown>[];

/** Runs statements inside an open transaction. */
export interface Session {
  query(text: string, values?: unknown[]): Promise<Rows>;
}

/**
 * The one shape the ledger uses, whatever client it was given.
 *
 * @example
 * const database = openDatabase(pool);
 * await database.transaction(async (session) => session.query('SELECT 1'));
 */
export interface Database {
  /** Runs `work` in one transaction, committing when it resolves and rolling back when it throws. */
  transaction<T>(work: (session: Session) => Promise<T>): Promise<T>;
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

function sessionOf(queryable: QueryableLike): Session {
  return {
    async query(text, values) {
      try {
        return (await queryable.query(text, values)).rows as Rows;
      } catch (error) {
        throw new DriverError('statement', error);
      }
    },
  };
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
    async transaction(work) {
      const client = await checkout();
      // A checked-out pg client that loses its server between statements emits `error`; with
      // no listener Node would crash the process. Remembering it also proves the transaction
      // died before COMMIT was sent, so its outcome is known: nothing was written.
      let lost: Error | undefined;
      const onError = (error: Error) => {
        lost ??= error;
      };
      client.on?.('error', onError);
      let broken: Error | undefined;
      const session = sessionOf(client);
      try {
        await session.query('BEGIN');
        const result = await work(session);
        if (lost) throw new DriverError('statement', lost);
        try {
          await client.query('COMMIT');
        } catch (error) {
          broken = asError(error);
          throw new DriverError(lost ? 'statement' : 'commit', error);
        }
        return result;
      } catch (error) {
        if (!broken) {
          try {
            await client.query('ROLLBACK');
          } catch (rollbackError) {
            broken = asError(rollbackError);
          }
        }
        throw error;
      } finally {
        client.off?.('error', onError);
        // Passing an error makes the pool destroy the connection instead of reusing it.
        client.release(broken ?? lost);
      }
    },

    async query(text, values) {
      const client = await checkout();
      let broken: Error | undefined;
      try {
        return await sessionOf(client).query(text, values);
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

function pgliteDatabase(db: PGliteLike): Database {
  return {
    async transaction(work) {
      let started = false;
      let finished = false;
      try {
        return await db.transaction(async (transaction) => {
          started = true;
          const result = await work(sessionOf(transaction));
          finished = true;
          return result;
        });
      } catch (error) {
        // Errors from inside the callback are already tagged, or are the caller's own.
        if (started && !finished) throw error;
        throw new DriverError(finished ? 'commit' : 'connect', error);
      }
    },

    query: (text, values) => sessionOf(db).query(text, values),
  };
}

/** The SQLSTATE of a server error, or undefined for anything else (sockets, timeouts, bugs). */
export function sqlStateOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, severity } = error as { code?: unknown; severity?: unknown };
  return typeof code === 'string' && typeof severity === 'string' ? code : undefined;
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
