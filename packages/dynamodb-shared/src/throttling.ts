import { errorName } from './client.js';

/**
 * The exception names DynamoDB answers with when a partition or the account is over its
 * throughput for a moment: nothing was done, and the same request succeeds later.
 *
 * @example
 * THROTTLING_ERRORS.has('ThrottlingException'); // true
 */
export const THROTTLING_ERRORS: ReadonlySet<string> = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
]);

/**
 * True for an error DynamoDB throttled with (see {@link THROTTLING_ERRORS}).
 *
 * @example
 * if (isThrottling(error)) await sleep(backoff);
 */
export function isThrottling(error: unknown): boolean {
  const name = errorName(error);
  return name !== undefined && THROTTLING_ERRORS.has(name);
}
