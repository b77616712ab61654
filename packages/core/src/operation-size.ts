/**
 * The most records one wallet operation writes: a transfer with an idempotency key writes two
 * wallets, two journal entries and one key. A store whose transactions have a size limit
 * divides that limit by this to declare its `maxCoalescedOperations`.
 *
 * @example
 * const maxCoalescedOperations = Math.floor(100 / MAX_RECORDS_PER_OPERATION); // 20
 */
export const MAX_RECORDS_PER_OPERATION = 5;
