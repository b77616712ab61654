/** The first retry waits up to this long; each later one up to twice the previous. */
const BASE_DELAY_MS = 2;
/** No retry waits longer than this. */
const MAX_DELAY_MS = 100;

/**
 * How long to wait before attempt `attempt + 1` after `attempt` conflicted: "full jitter"
 * (a uniform draw below an exponentially growing cap), so transactions that collided once
 * spread out instead of colliding again in lockstep.
 *
 * @example
 * await sleep(backoffDelay(attempt));
 */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const cap = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - 1));
  return random() * cap;
}

/**
 * Resolves after `ms` milliseconds.
 *
 * @example
 * await sleep(5);
 */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
