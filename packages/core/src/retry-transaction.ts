import { backoffDelay, sleep as wait } from './backoff.js';
import { ConcurrencyConflictError, OutcomeUnknownError, StoreUnavailableError } from './errors.js';

/**
 * How hard a store retries, one budget per kind of failure, because each means something
 * different: a conflict needs a fresh snapshot, throttling needs time, and an ambiguous failure
 * needs the very same request again. Every ledger's `retry` option has this shape; each ledger
 * keeps its own defaults (see its README).
 *
 * @example
 * createDynamoDbLedger({ client, tableName, retry: { maxConflictAttempts: 60, maxDelayMs: 250 } });
 */
export interface LedgerRetryOptions {
  /**
   * Attempts of one transaction, the first included, each on a fresh snapshot, while it keeps
   * meeting concurrent writes; then `CONCURRENCY_CONFLICT`.
   */
  maxConflictAttempts?: number;
  /** Retries after the store throttled or could not be reached; then `STORE_UNAVAILABLE`. */
  maxUnavailableRetries?: number;
  /**
   * Retries after a failure that leaves the outcome unknown (a timeout, a dropped connection),
   * for stores that can resend the very same request safely; then `OUTCOME_UNKNOWN`.
   */
  maxUnknownRetries?: number;
  /** The cap of the first backoff; each later one doubles, with full jitter. */
  baseDelayMs?: number;
  /** The largest backoff cap. */
  maxDelayMs?: number;
}

/**
 * {@link LedgerRetryOptions} with every value filled in.
 *
 * @example
 * const policy: LedgerRetryPolicy = ledgerRetryPolicy({}, POSTGRES_DEFAULTS);
 */
export type LedgerRetryPolicy = Required<LedgerRetryOptions>;

/**
 * Fills in a store's defaults under the options given and checks the values.
 *
 * @throws {RangeError} when `maxConflictAttempts` is not an integer >= 1, a retry count not an
 *   integer >= 0, or a delay negative (or NaN)
 * @example
 * const policy = ledgerRetryPolicy(options.retry, {
 *   maxConflictAttempts: 30, maxUnavailableRetries: 8, maxUnknownRetries: 3, baseDelayMs: 5, maxDelayMs: 1000,
 * });
 */
export function ledgerRetryPolicy(
  options: LedgerRetryOptions | undefined,
  defaults: LedgerRetryPolicy,
): LedgerRetryPolicy {
  const policy: LedgerRetryPolicy = {
    maxConflictAttempts: options?.maxConflictAttempts ?? defaults.maxConflictAttempts,
    maxUnavailableRetries: options?.maxUnavailableRetries ?? defaults.maxUnavailableRetries,
    maxUnknownRetries: options?.maxUnknownRetries ?? defaults.maxUnknownRetries,
    baseDelayMs: options?.baseDelayMs ?? defaults.baseDelayMs,
    maxDelayMs: options?.maxDelayMs ?? defaults.maxDelayMs,
  };
  const counts = [
    ['maxConflictAttempts', 1],
    ['maxUnavailableRetries', 0],
    ['maxUnknownRetries', 0],
  ] as const;
  for (const [name, least] of counts) {
    if (!Number.isSafeInteger(policy[name]) || policy[name] < least) {
      throw new RangeError(`retry.${name} must be an integer >= ${least}`);
    }
  }
  for (const name of ['baseDelayMs', 'maxDelayMs'] as const) {
    if (!(policy[name] >= 0)) throw new RangeError(`retry.${name} must be >= 0`);
  }
  return policy;
}

/**
 * What a store's failure means for a retry:
 * - `conflict`: a concurrent write got there first and nothing was written; run the attempt
 *   again (on a fresh snapshot), up to `maxConflictAttempts` attempts;
 * - `unavailable`: throttled or unreachable, nothing written; retry after a backoff, up to
 *   `maxUnavailableRetries` times;
 * - `unknown-outcome`: may have committed; retry (the attempt must resend the very same
 *   request, so a commit is not applied twice), up to `maxUnknownRetries` times;
 * - `too-large`: more than one transaction holds, nothing written; never retried (the
 *   coalescer splits the batch);
 * - `fatal`: anything else; never retried.
 *
 * @example
 * const classify = (error: unknown): FailureKind => (isSerializationFailure(error) ? 'conflict' : 'fatal');
 */
export type FailureKind = 'conflict' | 'unavailable' | 'unknown-outcome' | 'too-large' | 'fatal';

/**
 * One retry {@link retryTransaction} is about to make.
 *
 * @example
 * const onRetry = (event: RetryEvent) => logger.debug('retrying', event.kind, event.retry);
 */
export interface RetryEvent {
  /** What the failure was classified as. */
  readonly kind: 'conflict' | 'unavailable' | 'unknown-outcome';
  /** How many failures of this kind so far, this one included. */
  readonly retry: number;
  /** The backoff before the next attempt. */
  readonly delayMs: number;
  /** What the attempt threw. */
  readonly error: unknown;
}

/**
 * How {@link retryTransaction} classifies and retries.
 *
 * @example
 * const options: RetryTransactionOptions = { classify: () => 'fatal', policy };
 */
export interface RetryTransactionOptions {
  /** Maps what an attempt threw to its {@link FailureKind}; may keep state across calls. */
  classify(error: unknown): FailureKind;
  /** Budgets and backoff bounds, from {@link ledgerRetryPolicy}. */
  policy: LedgerRetryPolicy;
  /**
   * The error to throw when a failure is not retried (its budget spent, or `too-large` or
   * `fatal`); `failures` counts the failures of that kind, this one included. Default:
   * `ConcurrencyConflictError(failures)`, `StoreUnavailableError` and `OutcomeUnknownError`
   * with the failure as `cause`, and the failure itself for `too-large` and `fatal`.
   */
  giveUp?(kind: FailureKind, error: unknown, failures: number): unknown;
  /** Told before each backoff (instrumentation). */
  onRetry?(event: RetryEvent): void;
  /** The jitter's source of randomness, in [0, 1). Default `Math.random`. */
  random?: () => number;
  /** Waits out a backoff; replaceable in tests. Default: a `setTimeout` promise. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * What a store hands down to each request it retries: the budgets and backoff of its `retry`
 * option, and the `onRetry` of its `instrumentation` (from `retryReporter`; undefined without
 * one). The store adds its own `classify` and `giveUp` per request.
 *
 * @example
 * const retry: RetrySettings = { policy: ledgerRetryPolicy(options.retry, DEFAULTS), onRetry: retryReporter(options.instrumentation, 'my-store') };
 */
export type RetrySettings = Pick<RetryTransactionOptions, 'policy' | 'onRetry'>;

/**
 * Runs `attempt` until it succeeds or a failure is not to be retried: the one retry loop every
 * store uses. The store only classifies its errors; this loop owns the attempt budgets of
 * `policy`, one per kind, and the backoff between attempts (capped exponential, full jitter:
 * the wait after the n-th failure of a kind is `backoffDelay(n, policy)`).
 *
 * @param attempt one try, given its number (1 for the first)
 * @throws what `giveUp` returns (by default a `ConcurrencyConflictError`,
 *   `StoreUnavailableError` or `OutcomeUnknownError` once a budget is spent; a `too-large` or
 *   `fatal` failure unchanged)
 * @example
 * const result = await retryTransaction(() => runInTransaction(work), {
 *   classify: (error) => (isSerializationFailure(error) ? 'conflict' : 'fatal'),
 *   policy: ledgerRetryPolicy({}, DEFAULTS),
 * });
 */
export async function retryTransaction<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  options: RetryTransactionOptions,
): Promise<T> {
  const { classify, policy } = options;
  const giveUp = options.giveUp ?? defaultGiveUp;
  const sleep = options.sleep ?? wait;
  let conflicts = 0;
  let unavailable = 0;
  let unknown = 0;
  for (let attemptNumber = 1; ; attemptNumber++) {
    try {
      return await attempt(attemptNumber);
    } catch (error) {
      const kind = classify(error);
      let failures: number;
      let spent: boolean;
      switch (kind) {
        case 'conflict':
          failures = ++conflicts;
          spent = failures >= policy.maxConflictAttempts;
          break;
        case 'unavailable':
          failures = ++unavailable;
          spent = failures > policy.maxUnavailableRetries;
          break;
        case 'unknown-outcome':
          failures = ++unknown;
          spent = failures > policy.maxUnknownRetries;
          break;
        default:
          throw giveUp(kind, error, 1);
      }
      if (spent) throw giveUp(kind, error, failures);
      const delayMs = backoffDelay(failures, policy, options.random);
      options.onRetry?.({ kind, retry: failures, delayMs, error });
      await sleep(delayMs);
    }
  }
}

function defaultGiveUp(kind: FailureKind, error: unknown, failures: number): unknown {
  switch (kind) {
    case 'conflict':
      return new ConcurrencyConflictError(failures, { cause: error });
    case 'unavailable':
      return new StoreUnavailableError(`the store was still unavailable after ${failures} tries`, {
        cause: error,
      });
    case 'unknown-outcome':
      return new OutcomeUnknownError({ cause: error });
    default:
      return error;
  }
}
