/**
 * The bounds of an exponential backoff: the cap of the first wait, and the largest cap.
 *
 * @example
 * const bounds: BackoffBounds = { baseDelayMs: 5, maxDelayMs: 1000 };
 */
export interface BackoffBounds {
  /** The cap of the first wait; each later cap doubles. */
  readonly baseDelayMs: number;
  /** No cap grows beyond this. */
  readonly maxDelayMs: number;
}

/**
 * How long to wait before retry number `retry` (1 for the first): the cap is
 * `min(maxDelayMs, baseDelayMs × 2^(retry - 1))`, and the wait a random draw below it ("full
 * jitter"), so callers that collided once spread out instead of colliding again in lockstep.
 *
 * @param random the jitter's source, in [0, 1); replaceable in tests
 * @example
 * await sleep(backoffDelay(2, { baseDelayMs: 5, maxDelayMs: 1000 })); // below 10 ms
 */
export function backoffDelay(
  retry: number,
  bounds: BackoffBounds,
  random: () => number = Math.random,
): number {
  const cap = Math.min(bounds.maxDelayMs, bounds.baseDelayMs * 2 ** (retry - 1));
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
