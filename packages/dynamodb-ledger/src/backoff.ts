/**
 * How hard a DynamoDB ledger retries. Each kind of failure has its own budget, because each
 * means something different: a conflict needs a fresh snapshot, throttling needs time, and an
 * ambiguous failure needs the very same request again.
 *
 * @example
 * createDynamoDbLedger({ client, tableName, retry: { maxConflictAttempts: 60, maxDelayMs: 250 } });
 */
export interface RetryOptions {
  /**
   * Attempts of one transaction, each on a fresh snapshot, while its writes keep meeting
   * concurrent ones (a failed version condition, `TransactionConflict`); then
   * `CONCURRENCY_CONFLICT`. Default 30.
   */
  maxConflictAttempts?: number;
  /**
   * Resends of one request after DynamoDB throttled it or the connection never reached
   * DynamoDB; then `STORE_UNAVAILABLE`. Default 8.
   */
  maxUnavailableRetries?: number;
  /**
   * Resends of one `TransactWriteItems`, with the same `ClientRequestToken`, after a failure that
   * leaves its outcome unknown (a timeout, a dropped connection, a 5xx); then `OUTCOME_UNKNOWN`.
   * Default 3.
   */
  maxUnknownRetries?: number;
  /** The cap of the first backoff; each later one doubles, with full jitter. Default 5 ms. */
  baseDelayMs?: number;
  /**
   * The largest backoff cap. Default 1000 ms: a hundred callers contending for one wallet need
   * about a second to spread out (measured on DynamoDB Local); coalescing is the better cure.
   */
  maxDelayMs?: number;
}

/** {@link RetryOptions} with every default filled in. */
export type RetryPolicy = Required<RetryOptions>;

/**
 * Fills in the defaults of {@link RetryOptions} and checks the values.
 *
 * @throws {RangeError} when a count is not a positive integer (or 0 for the retry counts) or a
 *   delay is negative
 * @example
 * const policy = retryPolicy({ maxConflictAttempts: 10 });
 */
export function retryPolicy(options: RetryOptions = {}): RetryPolicy {
  const policy: RetryPolicy = {
    maxConflictAttempts: options.maxConflictAttempts ?? 30,
    maxUnavailableRetries: options.maxUnavailableRetries ?? 8,
    maxUnknownRetries: options.maxUnknownRetries ?? 3,
    baseDelayMs: options.baseDelayMs ?? 5,
    maxDelayMs: options.maxDelayMs ?? 1000,
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
 * How long to wait before retry number `retry` (1 for the first): "full jitter", a uniform draw
 * below a cap that doubles per retry, so callers that collided once spread out instead of
 * colliding again in lockstep.
 *
 * @example
 * await sleep(backoffDelay(attempt, policy));
 */
export function backoffDelay(
  retry: number,
  policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>,
  random: () => number = Math.random,
): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return random() * cap;
}

/**
 * Resolves after `ms` milliseconds.
 *
 * @example
 * await sleep(10);
 */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
