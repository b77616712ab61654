import {
  ConcurrencyConflictError,
  OutcomeUnknownError,
  StoreUnavailableError,
  type WalletError,
} from '@wallet/core';

/** Where a transaction was when it failed: the commit is the only step whose outcome can be unknown. */
export type TransactionPhase = 'statements' | 'commit';

/** QLDB answered "too busy": nothing was written. */
const REFUSALS = new Set([
  'CapacityExceededException',
  'RateExceededException',
  'LimitExceededException',
]);

/** Socket errors that mean the request never reached QLDB. */
const NOT_REACHED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** Socket and SDK errors after which QLDB may or may not have acted on the request. */
const LOST = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED']);

interface ErrorFields {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: number };
}

function isLostResponse(error: ErrorFields): boolean {
  if (typeof error.code === 'string' && LOST.has(error.code)) return true;
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return true;
  // A 5xx answer, or the driver finding QLDB's commit digest different from its own.
  return (error.$metadata?.httpStatusCode ?? 0) >= 500 || error.name === 'ClientError';
}

/**
 * Translates what `QldbDriver.executeLambda` threw (after the driver's own retries) into the
 * wallet error codes, keeping the original as `cause`; returns undefined for errors that are no
 * QLDB or network failure, which the caller rethrows unchanged.
 *
 * - `OccConflictException`: the driver's OCC retries ran out, so `CONCURRENCY_CONFLICT`.
 * - Capacity, rate or limit exceeded, an invalid or expired session or transaction, a refused
 *   statement, a closed driver or an empty session pool, a connection refused: nothing was
 *   committed, so `STORE_UNAVAILABLE`.
 * - A lost or 5xx answer to the commit: `OUTCOME_UNKNOWN` (before the commit it is
 *   `STORE_UNAVAILABLE`).
 *
 * @example
 * const translated = translateQldbError(err, { phase: 'commit', attempts: 3 });
 */
export function translateQldbError(
  error: unknown,
  context: { phase: TransactionPhase; attempts: number },
): WalletError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const fields = error as ErrorFields;
  const name = typeof fields.name === 'string' ? fields.name : '';
  const message = typeof fields.message === 'string' ? fields.message : name;
  const options = { cause: error };
  if (name === 'OccConflictException')
    return new ConcurrencyConflictError(context.attempts, options);
  if (REFUSALS.has(name))
    return new StoreUnavailableError(`QLDB refused the transaction: ${message}`, options);
  if (name === 'InvalidSessionException' || name === 'BadRequestException') {
    return new StoreUnavailableError(`QLDB rejected the transaction: ${message}`, options);
  }
  if (name === 'SessionPoolEmptyError' || name === 'DriverClosedError') {
    return new StoreUnavailableError(
      `the QLDB driver cannot run the transaction: ${message}`,
      options,
    );
  }
  if (typeof fields.code === 'string' && NOT_REACHED.has(fields.code)) {
    return new StoreUnavailableError(`QLDB could not be reached: ${message}`, options);
  }
  if (isLostResponse(fields)) {
    return context.phase === 'commit'
      ? new OutcomeUnknownError(options)
      : new StoreUnavailableError(`QLDB did not answer: ${message}`, options);
  }
  return undefined;
}
