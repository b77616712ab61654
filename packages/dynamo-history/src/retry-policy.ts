import { StoreUnavailableError } from '@wallet/core';
import { type BackoffBounds, type LedgerRetryPolicy, retryTransaction } from '@wallet/core/adapter';
import { errorName } from './dynamo-client.js';

/**
 * How hard the store retries DynamoDB when it throttles or leaves `UnprocessedItems`.
 * These retries come on top of the SDK client's own.
 *
 * @example
 * createDynamoHistory({ client, tableName: 'wallet-history', retry: { attempts: 5, maxDelayMs: 500 } });
 */
export interface RetryOptions {
  /** Calls per request before giving up with `StoreUnavailableError`, at least 1. Default 8. */
  attempts?: number;
  /** The pause before the first retry; it doubles with every retry. Default 25 ms. */
  baseDelayMs?: number;
  /** The longest pause between two calls. Default 1000 ms. */
  maxDelayMs?: number;
}

/**
 * A bounded exponential backoff with jitter: `attempts` calls at most, the pause before
 * retry `n` a random time between half and all of `min(maxDelayMs, baseDelayMs × 2^(n-1))`
 * (core's backoff with equal jitter: many Lambda invocations throttled at the same moment
 * spread out, and none comes back at once).
 *
 * @example
 * const policy = retryPolicy({ attempts: 3 });
 * await sleep(backoffDelay(1, policy));
 */
export type RetryPolicy = LedgerRetryPolicy & BackoffBounds;

/**
 * Builds a {@link RetryPolicy} from options, filling in the defaults.
 *
 * @throws {RangeError} when `attempts` is not a positive integer or a delay is negative
 * @example
 * const policy = retryPolicy({ attempts: 5, baseDelayMs: 10 });
 */
export function retryPolicy(options: RetryOptions = {}): RetryPolicy {
  const { attempts = 8, baseDelayMs = 25, maxDelayMs = 1000 } = options;
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw new RangeError(`retry.attempts must be a positive integer, got ${attempts}`);
  }
  if (!(baseDelayMs >= 0 && maxDelayMs >= 0)) {
    throw new RangeError('retry.baseDelayMs and retry.maxDelayMs must not be negative');
  }
  return {
    // Only throttling and passing faults are retried here; nothing conflicts or is ambiguous.
    maxConflictAttempts: 1,
    maxUnknownRetries: 0,
    maxUnavailableRetries: attempts - 1,
    baseDelayMs,
    maxDelayMs,
    jitter: 'equal',
  };
}

// DynamoDB answers these when a partition or the account is over its throughput for a moment,
// or on a passing fault of its own; the same request succeeds later. Anything else (a missing
// table, a bad request, missing permissions) fails the same way however often it is sent.
const RETRYABLE_ERRORS = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
]);

/**
 * True for the DynamoDB errors worth retrying after a pause: throttling and internal errors.
 *
 * @example
 * isRetryable(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} })); // true
 */
export function isRetryable(error: unknown): boolean {
  const name = errorName(error);
  return name !== undefined && RETRYABLE_ERRORS.has(name);
}

/**
 * Runs one DynamoDB call, retrying throttling and internal errors under `policy`; translates
 * what finally fails into `StoreUnavailableError` with the SDK error as `cause`.
 *
 * @example
 * const output = await withRetries(policy, 'Query on wallet-history', () => client.send(command));
 */
export function withRetries<T>(
  policy: RetryPolicy,
  operation: string,
  call: () => Promise<T>,
): Promise<T> {
  return retryTransaction(call, {
    policy,
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
