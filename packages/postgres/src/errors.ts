import { OutcomeUnknownError, StoreUnavailableError, ValidationError } from '@wallet/core';
import { DriverError, sqlStateOf } from './driver-error.js';

/**
 * SQLSTATEs that mean "another transaction got there first": the work is safe to run again on
 * a fresh snapshot. A unique violation can only be a conflict here, because every unique
 * index of the schema guards a conflict the port defines (a wallet inserted twice, a taken
 * `(account_id, sequence)`, an idempotency key committed twice).
 */
const CONFLICT_STATES = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available (lock_timeout)
  '23505', // unique_violation
]);

/**
 * SQLSTATEs that mean the ledger's record of a connection's prepared statements was wrong
 * (a pooler ran `DISCARD ALL`, or another copy of the package prepared them): the next
 * attempt asks the server what it holds and prepares again.
 */
const PREPARED_STATEMENT_STATES = new Set([
  '26000', // invalid_sql_statement_name: a prepared statement is missing
  '42P05', // duplicate_prepared_statement
]);

/** SQLSTATEs that mean the server went away or would not take the work. */
const UNAVAILABLE_STATES = new Set([
  '57P01', // admin_shutdown, e.g. pg_terminate_backend
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, failing over)
  '53300', // too_many_connections
]);

/** SQLSTATEs that mean the schema was never migrated in this database. */
const MISSING_SCHEMA_STATES = new Set([
  '3F000', // invalid_schema_name
  '42P01', // undefined_table
  '42883', // undefined_function
]);

/** SQLSTATEs of text PostgreSQL cannot store, such as U+0000 in a key or in metadata. */
const UNSTORABLE_TEXT_STATES = new Set([
  '22021', // character_not_in_repertoire
  '22P05', // untranslatable_character
]);

/** What a failed database call means to the ledger. */
export type Translation =
  /** Run the transaction again on a fresh snapshot. */
  | { retry: true; cause: unknown }
  /** Give up and throw this. */
  | { retry: false; error: unknown };

/**
 * Translates what a database call threw into a core error, a retry, or (for anything that is
 * not the database's doing, such as an error thrown by `decide`) the error unchanged.
 * The database's own error is always kept as `cause`.
 *
 * @example
 * const outcome = translateError(error);
 * if (!outcome.retry) throw outcome.error;
 */
export function translateError(error: unknown): Translation {
  if (!(error instanceof DriverError)) return { retry: false, error };
  const cause = error.cause;
  const state = sqlStateOf(cause);
  if (state !== undefined && (CONFLICT_STATES.has(state) || PREPARED_STATEMENT_STATES.has(state))) {
    return { retry: true, cause };
  }
  if (state === undefined || state.startsWith('08') || UNAVAILABLE_STATES.has(state)) {
    return {
      retry: false,
      error:
        error.phase === 'commit'
          ? new OutcomeUnknownError({ cause })
          : new StoreUnavailableError('the PostgreSQL ledger could not be reached', { cause }),
    };
  }
  if (MISSING_SCHEMA_STATES.has(state)) {
    return {
      retry: false,
      error: new StoreUnavailableError(
        'the wallet schema is missing or out of date in this database: run migrate()',
        { cause },
      ),
    };
  }
  if (UNSTORABLE_TEXT_STATES.has(state)) {
    return {
      retry: false,
      error: new ValidationError(
        'the request holds text PostgreSQL cannot store (such as the character U+0000)',
        undefined,
        { cause },
      ),
    };
  }
  return { retry: false, error: cause };
}
