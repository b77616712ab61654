import { OutcomeUnknownError, StoreUnavailableError, ValidationError } from '@wallet/core';
import { DriverError, sqlStateOf } from './driver-error.js';

/**
 * SQLSTATEs that mean "another transaction got there first": the work is safe to run again on
 * a fresh snapshot. A unique violation can only be a conflict here, because every unique
 * index of the schema guards a conflict the port defines (a wallet inserted twice, a taken
 * `(account_id, sequence)`, an idempotency key committed twice, a ledger record inserted twice).
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

/**
 * SQLSTATEs that mean the data was refused: text the database's encoding cannot hold, a value
 * too long or out of range, a malformed JSON or number literal, a value too large for an index.
 * Core checks requests before anything reaches the database, so these are the database's own
 * limits (a `LATIN1` database that cannot hold a character, say): the caller is told, with the
 * database's error as `cause`. Other data exceptions (a division by zero, say) can only come from
 * a defect and stay unexpected errors.
 */
const REFUSED_DATA_STATES = new Set([
  '22001', // string_data_right_truncation
  '22003', // numeric_value_out_of_range
  '22021', // character_not_in_repertoire
  '22026', // string_data_length_mismatch
  '22P02', // invalid_text_representation (but see the version guard below)
  '22P05', // untranslatable_character
  '54000', // program_limit_exceeded (an index row too large)
]);

/**
 * True when a failed statement refused the data it was given. Two 22P02s are not about data:
 * the version guard of `updateWallet` raises it ("stale wallet version") when a write finds a
 * version it did not read, which only a defect can cause (the wallet is locked); that of
 * `updateRecord` ("stale record version") when a record changed since it was read, a conflict
 * (see {@link isStaleRecord}). A `SQL_ASCII` database refuses the `\u` escapes of non-ASCII
 * text with 0A000 ("conversion between UTF8 and SQL_ASCII is not supported").
 */
function isRefusedData(state: string, cause: unknown): boolean {
  const message = messageOf(cause);
  if (state === '0A000') return /conversion between/i.test(message);
  return REFUSED_DATA_STATES.has(state) && !/stale (wallet|record) version/.test(message);
}

/**
 * True when the version guard of `updateRecord` refused a write: the ledger record is not at
 * the version the transaction read, because another transaction replaced it since (records are
 * read, not locked), so the work runs again on a fresh snapshot. The text is the guard's own,
 * quoted in the server's message whatever language the server speaks.
 */
function isStaleRecord(state: string, cause: unknown): boolean {
  return state === '22P02' && /"stale record version: /.test(messageOf(cause));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What a failed database call means to the ledger. */
export type Translation =
  /** Run the transaction again on a fresh snapshot. */
  | { retry: true; cause: unknown }
  /**
   * Give up and throw this; `unavailable` when the server could not be reached before
   * anything was sent that could commit (worth retrying after a pause).
   */
  | { retry: false; error: unknown; unavailable?: boolean };

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
  if (
    state !== undefined &&
    (CONFLICT_STATES.has(state) ||
      PREPARED_STATEMENT_STATES.has(state) ||
      isStaleRecord(state, cause))
  ) {
    return { retry: true, cause };
  }
  if (state === undefined || state.startsWith('08') || UNAVAILABLE_STATES.has(state)) {
    return error.phase === 'commit'
      ? { retry: false, error: new OutcomeUnknownError({ cause }) }
      : {
          retry: false,
          error: new StoreUnavailableError('the PostgreSQL ledger could not be reached', { cause }),
          unavailable: true,
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
  if (isRefusedData(state, cause)) {
    return {
      retry: false,
      error: new ValidationError(
        'the request holds data this PostgreSQL database cannot store',
        undefined,
        { cause },
      ),
    };
  }
  return { retry: false, error: cause };
}
