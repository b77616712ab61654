import { StoreUnavailableError } from '@wallet/core';
import {
  type LedgerRetryOptions,
  type LedgerRetryPolicy,
  ledgerRetryPolicy,
  type RetrySettings,
  retryTransaction,
} from '@wallet/core/adapter';
import { errorName, isThrottling } from '@wallet/dynamodb-shared';

/**
 * How hard the store retries DynamoDB when it throttles or leaves `UnprocessedItems`: core's
 * {@link LedgerRetryOptions}, the `retry` option of every ledger, so one object configures every
 * store. These retries come on top of the SDK client's own. What applies here:
 * `maxUnavailableRetries` (default 7: 8 calls per request at most), `baseDelayMs` (default 25)
 * and `maxDelayMs` (default 1000). `maxConflictAttempts` and `maxUnknownRetries` are checked but
 * have no effect: a put of an entry leaves the same item however often it is sent, so nothing
 * conflicts, and only throttling and DynamoDB's internal errors are retried here (timeouts and
 * dropped connections are left to the SDK client).
 *
 * @example
 * createDynamoDbHistory({ client, tableName: 'wallet-history', retry: { maxUnavailableRetries: 4, maxDelayMs: 500 } });
 */
export interface RetryOptions extends LedgerRetryOptions {
  /**
   * The same as `maxUnavailableRetries` + 1, which wins when both are given: how many calls a
   * request gets before `StoreUnavailableError`, at least 1. The option's name before it took
   * `LedgerRetryOptions`; it still works.
   */
  attempts?: number;
}

/** The store's retry defaults (see {@link RetryOptions}). */
export const RETRY_DEFAULTS: LedgerRetryPolicy = {
  // maxConflictAttempts and maxUnknownRetries are never drawn on here (see RetryOptions).
  maxConflictAttempts: 1,
  maxUnavailableRetries: 7,
  maxUnknownRetries: 0,
  baseDelayMs: 25,
  maxDelayMs: 1000,
};

/**
 * Fills in the store's defaults under `options`, reading the older `attempts` as
 * `maxUnavailableRetries` + 1, and checks the values as every ledger does. The backoff is core's:
 * capped exponential with full jitter.
 *
 * @throws {RangeError} when `attempts` is not an integer >= 1, or a value is out of the range
 *   `ledgerRetryPolicy` allows
 * @example
 * const policy = historyRetryPolicy({ maxUnavailableRetries: 4, baseDelayMs: 10 });
 */
export function historyRetryPolicy(options: RetryOptions | undefined): LedgerRetryPolicy {
  const attempts = options?.attempts;
  if (attempts === undefined) return ledgerRetryPolicy(options, RETRY_DEFAULTS);
  if (!Number.isSafeInteger(attempts) || attempts < 1) {
    throw new RangeError('retry.attempts must be an integer >= 1');
  }
  return ledgerRetryPolicy(options, { ...RETRY_DEFAULTS, maxUnavailableRetries: attempts - 1 });
}

/**
 * True for the DynamoDB errors worth retrying after a pause: throttling, and a passing fault of
 * DynamoDB's own (`InternalServerError`); the same request succeeds later. Anything else (a
 * missing table, a bad request, missing permissions) fails the same way however often it is
 * sent. Every request here is a read or a put of an item that is the same however often it is
 * sent, so an internal error's unknown outcome is safe to repeat.
 *
 * @example
 * isRetryable(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} })); // true
 */
export function isRetryable(error: unknown): boolean {
  return isThrottling(error) || errorName(error) === 'InternalServerError';
}

/**
 * Runs one DynamoDB call, retrying throttling and internal errors under `retry`; translates
 * what finally fails into `StoreUnavailableError` with the SDK error as `cause`.
 *
 * @example
 * const output = await withRetries(retry, 'Query on wallet-history', () => client.send(command));
 */
export function withRetries<T>(
  retry: RetrySettings,
  operation: string,
  call: () => Promise<T>,
): Promise<T> {
  return retryTransaction(call, {
    ...retry,
    classify: (error) => (isRetryable(error) ? 'unavailable' : 'fatal'),
    giveUp: (kind, error, attempts) =>
      kind === 'unavailable'
        ? new StoreUnavailableError(`${operation} was still failing after ${attempts} attempts`, {
            cause: error,
          })
        : refused(operation, error),
  });
}

/**
 * The `StoreUnavailableError` for a DynamoDB error that retrying cannot fix (a missing table,
 * a rejected request, missing permissions), keeping it as `cause`.
 *
 * @example
 * if (!isRetryable(error)) throw refused('BatchWriteItem on wallet-history', error);
 */
export function refused(operation: string, error: unknown): StoreUnavailableError {
  return new StoreUnavailableError(`${operation} failed: ${errorName(error) ?? String(error)}`, {
    cause: error,
  });
}
