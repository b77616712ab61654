import type { PgPoolClientLike, QueryResultLike } from './client.js';
import { asError, DriverError, sqlStateOf, statement } from './driver-error.js';
import {
  ensurePrepared,
  INDEX_PLANS_ONLY,
  markUtf8,
  speaksUtf8,
  USE_UTF8,
} from './prepared-connections.js';
import type { PreparedStatement, StatementCall } from './prepared-statement.js';
import { type Rows, runCalls, type Session, type StatementResult } from './session.js';

/**
 * `pg` resolves a script of several statements to an array, one statement to its result.
 *
 * @example
 * const [first] = resultList(await client.query('SELECT 1'));
 */
export function resultList(result: QueryResultLike | QueryResultLike[]): QueryResultLike[] {
  return Array.isArray(result) ? result : [result];
}

/**
 * One transaction on a connection checked out of a `pg` pool. `BEGIN` is sent with the first
 * statement, and `COMMIT` with the last calls when the ledger has any ({@link commit}), so a
 * read-then-write transaction costs two round trips.
 *
 * It tracks what decides a failure's meaning: whether the connection was lost before a script
 * went out (then nothing was sent), and whether the connection can go back to the pool.
 *
 * On a connection the ledger has not yet made speak UTF-8 (and that {@link prepare} did not),
 * the setting of the client encoding ({@link USE_UTF8}) rides along with `BEGIN`, so the results
 * of the first script are already read back as UTF-8. A setting changed inside a transaction is
 * undone by its rollback, so the connection counts as speaking UTF-8 only once the transaction
 * has committed.
 *
 * @example
 * const transaction = new PoolTransaction(await pool.connect());
 * try {
 *   await transaction.query('SELECT 1');
 *   await transaction.finish();
 * } catch (error) {
 *   await transaction.abort();
 *   throw error;
 * } finally {
 *   transaction.release();
 * }
 */
export class PoolTransaction implements Session {
  readonly #client: PgPoolClientLike;
  /**
   * A checked-out client that loses its server between statements emits `error`; with no
   * listener Node would crash the process. Remembering it also proves that a script sent after
   * it never reached the server.
   */
  #lost: Error | undefined;
  /** Set when the connection must be destroyed instead of going back to the pool. */
  #broken: Error | undefined;
  #begun = false;
  #committed = false;
  /** Set when this transaction's `BEGIN` carried the setting of the client encoding. */
  #settingUtf8 = false;
  /** How many statements the script that opened the transaction had before the caller's. */
  #opening = 1;
  #prepared: ReadonlySet<string> | undefined;
  readonly #onError = (error: Error) => {
    this.#lost ??= error;
  };

  constructor(client: PgPoolClientLike) {
    this.#client = client;
    client.on?.('error', this.#onError);
  }

  /** Has `statements` prepared on the connection, before BEGIN: PREPARE is not transactional. */
  async prepare(statements: readonly PreparedStatement[]): Promise<void> {
    this.#prepared = await ensurePrepared(this.#client, statements, (text) => this.#send(text));
  }

  async query(text: string, values?: unknown[]): Promise<Rows> {
    if (!this.#begun) await this.#send(this.#begin());
    return (await this.#send(text, values))[0]!.rows as Rows;
  }

  run(calls: readonly StatementCall[]): Promise<StatementResult[]> {
    return runCalls(this.#client, this.#prepared, calls, (text) => this.#inTransaction(text));
  }

  commit(calls: readonly StatementCall[]): Promise<StatementResult[]> {
    return runCalls(this.#client, this.#prepared, calls, async (text) => {
      const lostBefore = this.#lost;
      this.#committed = true;
      try {
        const results = (await this.#inTransaction(`${text};\nCOMMIT`)).slice(0, -1);
        this.#committedUtf8();
        return results;
      } catch (error) {
        const cause = (error as DriverError).cause;
        // A server error ends the script before its COMMIT, leaving a transaction to roll
        // back; anything else leaves the connection unusable and the outcome unknown.
        if (sqlStateOf(cause) === undefined) this.#broken = asError(cause);
        else this.#committed = false;
        throw lostBefore ? error : new DriverError('commit', cause);
      }
    });
  }

  /** Commits, unless {@link commit} already did or nothing was begun. */
  async finish(): Promise<void> {
    if (this.#committed) return;
    if (this.#lost) throw new DriverError('statement', this.#lost);
    if (!this.#begun) return;
    try {
      await this.#client.query('COMMIT');
      this.#committedUtf8();
    } catch (error) {
      this.#broken = asError(error);
      throw new DriverError('commit', error);
    }
  }

  /** Rolls back after a failure, when a transaction may still be open on a usable connection. */
  async abort(): Promise<void> {
    if (this.#broken || !this.#begun || this.#committed) return;
    try {
      await this.#client.query('ROLLBACK');
    } catch (error) {
      this.#broken = asError(error);
    }
  }

  /** Returns the connection to the pool, or has the pool destroy it when it is broken or lost. */
  release(): void {
    this.#client.off?.('error', this.#onError);
    this.#client.release(this.#broken ?? this.#lost);
  }

  async #send(text: string, values?: unknown[]): Promise<QueryResultLike[]> {
    return resultList(await statement(() => this.#client.query(text, values)));
  }

  /** Sends a script in the transaction, opening it with the first one. */
  async #inTransaction(text: string): Promise<QueryResultLike[]> {
    if (this.#begun) return this.#send(text);
    const begin = this.#begin();
    return (await this.#send(`${begin};\n${text}`)).slice(this.#opening);
  }

  /**
   * The script that opens the transaction: `BEGIN`, the setting of the encoding when needed, and
   * with prepared statements {@link INDEX_PLANS_ONLY}.
   */
  #begin(): string {
    this.#begun = true;
    this.#settingUtf8 = !speaksUtf8(this.#client);
    const opening = ['BEGIN'];
    if (this.#settingUtf8) opening.push(USE_UTF8);
    if (this.#prepared !== undefined) opening.push(INDEX_PLANS_ONLY);
    this.#opening = opening.length;
    return opening.join(';\n');
  }

  /** After the commit: the setting that rode along with `BEGIN` has taken effect. */
  #committedUtf8(): void {
    if (this.#settingUtf8) markUtf8(this.#client);
  }
}
