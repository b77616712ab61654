/**
 * Admits at most `limit` transactions at a time and queues the rest in arrival order. The QLDB
 * driver's own session pool refuses work beyond its size (SessionPoolEmptyError) instead of
 * waiting; queueing here keeps bursts from failing, and keeps the number of transactions
 * competing for one hot document (and so the OCC retries) bounded.
 *
 * @example
 * const limiter = createTransactionLimiter(16);
 * await limiter.run(() => driver.executeLambda(work));
 */
export interface TransactionLimiter {
  run<T>(task: () => Promise<T>): Promise<T>;
}

/**
 * A {@link TransactionLimiter}; `Infinity` admits everything at once.
 *
 * @example
 * const limiter = createTransactionLimiter(Number.POSITIVE_INFINITY);
 */
export function createTransactionLimiter(limit: number): TransactionLimiter {
  if (!(limit >= 1))
    throw new RangeError(`maxConcurrentTransactions must be at least 1, got ${limit}`);
  let running = 0;
  const waiting: (() => void)[] = [];
  return {
    async run<T>(task: () => Promise<T>): Promise<T> {
      if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
      else running++;
      try {
        return await task();
      } finally {
        // The slot passes straight to the next waiter, so `running` stays counted for it.
        const next = waiting.shift();
        if (next) next();
        else running--;
      }
    },
  };
}
