import type { QueryResultLike } from './client.js';
import { DriverError, sqlStateOf } from './driver-error.js';
import { forgetPrepared, type ScriptRunner } from './prepared-connections.js';
import { renderCall, type StatementCall } from './prepared-statement.js';

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
 * One driver result as a {@link StatementResult}.
 *
 * @example
 * const results = (await transaction.exec(text)).map(resultOf);
 */
export function resultOf(result: QueryResultLike): StatementResult {
  return { rows: result.rows as Rows, count: result.rowCount ?? 0 };
}

/**
 * Runs calls as one script through `runScript`, each as `EXECUTE` if `prepared` names its
 * statement. When the server says a prepared statement is missing, the connection's record of
 * what it holds is dropped, so the retry that follows prepares again.
 *
 * @example
 * const results = await runCalls(client, prepared, calls, (text) => run(text));
 */
export async function runCalls(
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
