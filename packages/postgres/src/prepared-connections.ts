import type { QueryResultLike } from './client.js';
import type { PreparedStatement } from './prepared-statement.js';

/**
 * Makes the session's client encoding UTF-8, which is what node-postgres and PGlite always send
 * and decode whatever the session says (node-postgres asks for UTF8 at startup, but code given
 * the connection, such as a pool's `onConnect` hook, can `SET client_encoding` to something
 * else). The text is ASCII, so the server reads it right under any client encoding. It is
 * `SET client_encoding TO 'UTF8'` only where the encoding is another: on the usual connection
 * it changes nothing, so a pooler or proxy sees no change of session state.
 *
 * The ledger sets it rather than refusing such a connection: no other encoding can be right on
 * a connection whose driver writes and reads UTF-8 bytes (every non-ASCII string is misread
 * both ways, as mojibake or as an error), so setting it cannot break a correct user of the
 * connection, while refusing would turn a setting nobody can rely on into an outage.
 */
export const USE_UTF8 =
  "SELECT set_config('client_encoding', 'UTF8', false) WHERE current_setting('client_encoding') <> 'UTF8'";

/**
 * What a ledger transaction running prepared statements opens with: no sequential scans while
 * its statements are planned. Every statement the ledger prepares reads or writes rows by a key
 * or an index, yet PostgreSQL plans a prepared statement once for all executions (a generic
 * plan, from the sixth on) with the statistics of that moment: on tables analysed while they
 * were small (a new deployment, where autovacuum analyses after the first 50 rows, or a test
 * database), it picks a sequential scan and keeps it while the table grows, until statistics are
 * gathered again. Measured on one hot wallet with coalescing at 32 clients, tables analysed at
 * one row: 456 sequential scans of `idempotency_keys` reading 3.3 million rows in 5 s, 1,754
 * against 6,822 withdrawals/s. With this setting the plans are index plans whatever the
 * statistics say. `SET LOCAL` ends with the transaction, so the connection goes back to the
 * pool as it came; PostgreSQL has no hint per statement.
 */
export const INDEX_PLANS_ONLY = 'SET LOCAL enable_seqscan = off';

/** What the ledger knows of one connection. */
interface ConnectionState {
  /** The names of the statements it has prepared. */
  names: Set<string>;
  /** False for a new connection, or after the server disagreed (a statement missing or already there): ask it. */
  synced: boolean;
  /** Whether {@link USE_UTF8} took effect on it (committed, not rolled back). */
  utf8: boolean;
}

/**
 * Keyed by the connection object (a `pg` client, a PGlite instance). A connection seen for the
 * first time is asked what it holds, so a pool that hands out a new wrapper for each checkout
 * costs a round trip per transaction rather than failing. A second copy of this package on
 * the same connection costs a failed attempt: the server's duplicate-name error makes the next
 * attempt ask again.
 */
const connections = new WeakMap<object, ConnectionState>();

function stateOf(connection: object): ConnectionState {
  let state = connections.get(connection);
  if (state === undefined) {
    state = { names: new Set(), synced: false, utf8: false };
    connections.set(connection, state);
  }
  return state;
}

/**
 * Whether the ledger has made `connection` speak UTF-8 (see {@link USE_UTF8}). It does so once
 * per connection: with the first question of {@link ensurePrepared}, with the first `BEGIN`,
 * or before the first autocommit statement.
 *
 * @example
 * if (!speaksUtf8(client)) await client.query(USE_UTF8);
 */
export function speaksUtf8(connection: object): boolean {
  return stateOf(connection).utf8;
}

/**
 * Records that {@link USE_UTF8} took effect on `connection`: it ran outside a transaction, or
 * in one that committed.
 *
 * @example
 * await client.query(USE_UTF8);
 * markUtf8(client);
 */
export function markUtf8(connection: object): void {
  stateOf(connection).utf8 = true;
}

/** Runs a script of statements without parameters, one result each. */
export type ScriptRunner = (text: string) => Promise<QueryResultLike[]>;

/**
 * Prepares on `connection` whichever of `statements` it lacks, in one round trip, and returns
 * the names it holds; a connection whose holdings the ledger does not know (a new one, or one
 * the server disagreed about) is first asked, in one round trip more. A failure leaves the
 * connection to be asked again next time. On a connection that does not speak UTF-8 yet, the
 * question sets it (see {@link USE_UTF8}): the caller runs this before `BEGIN`, so no rollback
 * can undo it (PGlite, which runs it in its transaction, has its instance set beforehand).
 *
 * @example
 * const names = await ensurePrepared(client, [statements.lockWallets], (text) => client.query(text));
 */
export async function ensurePrepared(
  connection: object,
  statements: readonly PreparedStatement[],
  runScript: ScriptRunner,
): Promise<ReadonlySet<string>> {
  const state = stateOf(connection);
  try {
    if (!state.synced) {
      // The encoding rides along with the question: no round trip of its own.
      const setUtf8 = !state.utf8;
      const question = 'SELECT name FROM pg_prepared_statements';
      const results = await runScript(setUtf8 ? `${USE_UTF8};\n${question}` : question);
      const result = results[results.length - 1];
      state.names = new Set((result?.rows ?? []).map((row) => (row as { name: string }).name));
      state.synced = true;
      if (setUtf8) state.utf8 = true;
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
