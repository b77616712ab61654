import type {
  PGliteLike,
  PgPoolClientLike,
  PgPoolLike,
  PostgresClient,
  QueryableLike,
  QueryResultLike,
} from './client.js';
import { ensurePrepared, forgetPrepared, type ScriptRunner } from './prepared-connections.js';
import { type PreparedStatement, renderCall, type StatementCall } from './prepared-statement.js';

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

/** One statement's result within a script. */
export interface StatementResult {
  rows: Rows;
  /** The rows it returned, inserted, updated or deleted. */
  count: number;
}

/** Runs statements inside an open transaction. */
export interface Session {
  query(text: string, values?: unknown[]): Promise<Rows>;
  /**
   * Runs calls of prepared statements in one round trip (a script over the simple protocol,
   * arguments written in as literals): as `EXECUTE` where the connection has prepared the
   * statement, as its plain text where not. On `pg` the transaction's `BEGIN` rides along with
   * the first script, which saves a round trip.
   */
  run(calls: readonly StatementCall[]): Promise<StatementResult[]>;
  /**
   * Runs the transaction's last calls and commits, in one round trip on `pg`; nothing may run
   * after it. A connection lost while the script was in flight is a failure in the `commit`
   * phase, since the COMMIT may have been applied.
   */
  commit(calls: readonly StatementCall[]): Promise<StatementResult[]>;
}

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

/** Runs a driver call, tagging its failure as a statement's. */
async function statement<R>(call: () => Promise<R>): Promise<R> {
  try {
    return await call();
  } catch (error) {
    throw new DriverError('statement', error);
  }
}

function resultOf(result: QueryResultLike): StatementResult {
  return { rows: result.rows as Rows, count: result.rowCount ?? 0 };
}

/** `pg` resolves a script of several statements to an array, one statement to its result. */
function listOf(result: QueryResultLike | QueryResultLike[]): QueryResultLike[] {
  return Array.isArray(result) ? result : [result];
}

function plainQuery(queryable: QueryableLike): Session['query'] {
  return async (text, values) =>
    (await statement(() => queryable.query(text, values))).rows as Rows;
}

/**
 * Runs calls as one script through `runScript`, each as `EXECUTE` if `prepared` names its
 * statement. When the server says a prepared statement is missing, the connection's record of
 * what it holds is dropped, so the retry that follows prepares again.
 */
async function runCalls(
  connection: object,
  prepared: ReadonlySet<string> | undefined,
  calls: readonly StatementCall[],
  runScript: ScriptRunner,
): Promise<StatementResult[]> {
  const text = calls
    .map((call) => renderCall(call, prepared?.has(call.statement.name) ?? false))
    .join(';\n');
  try {
    return (await runScript(text)).map(resultOf);
  } catch (error) {
    if (error instanceof DriverError && sqlStateOf(error.cause) === '26000') {
      forgetPrepared(connection);
    }
    throw error;
  }
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
      // BEGIN is sent lazily, with the first statement of `work`.
      let begun = false;
      let committed = false;
      let prepared: ReadonlySet<string> | undefined;
      const run = async (text: string, values?: unknown[]) =>
        listOf(await statement(() => client.query(text, values)));
      /** Runs a script in the transaction, opening it with the first one. */
      const runInTransaction = async (text: string) => {
        if (begun) return run(text);
        begun = true;
        return (await run(`BEGIN;\n${text}`)).slice(1);
      };
      const session: Session = {
        async query(text, values) {
          if (!begun) {
            begun = true;
            await run('BEGIN');
          }
          return (await run(text, values))[0]!.rows as Rows;
        },
        run: (calls) => runCalls(client, prepared, calls, runInTransaction),
        commit: (calls) =>
          runCalls(client, prepared, calls, async (text) => {
            // Known to be lost before the script went out: then nothing was sent.
            const lostBefore = lost;
            committed = true;
            try {
              return (await runInTransaction(`${text};\nCOMMIT`)).slice(0, -1);
            } catch (error) {
              const cause = (error as DriverError).cause;
              // A server error ends the script before its COMMIT, leaving a transaction to
              // roll back; anything else leaves the connection unusable.
              if (sqlStateOf(cause) === undefined) broken = asError(cause);
              else committed = false;
              throw lostBefore ? error : new DriverError('commit', cause);
            }
          }),
      };
      try {
        // Once per connection, before BEGIN: PREPARE is not part of any transaction anyway.
        if (prepare) prepared = await ensurePrepared(client, prepare, (text) => run(text));
        const result = await work(session);
        if (committed) return result;
        if (lost) throw new DriverError('statement', lost);
        if (!begun) return result;
        try {
          await client.query('COMMIT');
        } catch (error) {
          broken = asError(error);
          throw new DriverError('commit', error);
        }
        return result;
      } catch (error) {
        if (!broken && begun && !committed) {
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
        return listOf(await statement(() => client.query(text, values)))[0]!.rows as Rows;
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
    async transaction(work, prepare) {
      let started = false;
      let finished = false;
      try {
        return await db.transaction(async (transaction) => {
          started = true;
          const runScript = (text: string) => statement(() => transaction.exec(text));
          const prepared = prepare && (await ensurePrepared(db, prepare, runScript));
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

    query: plainQuery(db),
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
