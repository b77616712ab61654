import type { QueryResultLike } from './client.js';
import type { PreparedStatement } from './prepared-statement.js';

/** What one connection has prepared, as far as the ledger knows. */
interface PreparedState {
  names: Set<string>;
  /** False for a new connection, or after the server disagreed (a statement missing or already there): ask it. */
  synced: boolean;
}

/**
 * Keyed by the connection object (a `pg` client, a PGlite instance). A connection seen for the
 * first time is asked what it holds, so a pool that hands out a new wrapper for each checkout
 * costs a round trip per transaction rather than failing. A second copy of this package on
 * the same connection costs a failed attempt: the server's duplicate-name error makes the next
 * attempt ask again.
 */
const connections = new WeakMap<object, PreparedState>();

/** Runs a script of statements without parameters, one result each. */
export type ScriptRunner = (text: string) => Promise<QueryResultLike[]>;

/**
 * Prepares on `connection` whichever of `statements` it lacks, in one round trip, and returns
 * the names it holds. A failure leaves the connection to be asked again next time.
 *
 * @example
 * const names = await ensurePrepared(client, [statements.lockWallets], (text) => client.query(text));
 */
export async function ensurePrepared(
  connection: object,
  statements: readonly PreparedStatement[],
  runScript: ScriptRunner,
): Promise<ReadonlySet<string>> {
  let state = connections.get(connection);
  if (state === undefined) {
    state = { names: new Set(), synced: false };
    connections.set(connection, state);
  }
  try {
    if (!state.synced) {
      const [result] = await runScript('SELECT name FROM pg_prepared_statements');
      state.names = new Set((result?.rows ?? []).map((row) => (row as { name: string }).name));
      state.synced = true;
    }
    const missing = statements.filter((statement) => !state.names.has(statement.name));
    if (missing.length > 0) {
      await runScript(missing.map((statement) => statement.prepare).join(';\n'));
      for (const statement of missing) state.names.add(statement.name);
    }
  } catch (error) {
    state.synced = false;
    throw error;
  }
  return state.names;
}

/**
 * Marks what `connection` holds as unknown, after the server said a statement is missing
 * (`DISCARD ALL` by a pooler, a `DEALLOCATE`): the next transaction asks the server.
 *
 * @example
 * if (sqlStateOf(error) === '26000') forgetPrepared(client);
 */
export function forgetPrepared(connection: object): void {
  const state = connections.get(connection);
  if (state) state.synced = false;
}
