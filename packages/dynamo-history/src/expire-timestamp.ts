const SECONDS_PER_DAY = 86_400;

/**
 * When a history item expires (DynamoDB's TTL attribute `expire_timestamp`): the entry's
 * `txTime` in epoch seconds plus `ttlDays` days, rounded down to a whole second. The store
 * computes it for every entry when it has `ttlDays`; code that sets an entry's own expiry can
 * compute it the same way.
 *
 * @throws {RangeError} when `txTime` is not a date or `ttlDays` is not a positive number
 * @example
 * expireTimestamp('2030-01-01T00:00:00.000Z', 30); // 1896134400
 */
export function expireTimestamp(txTime: string, ttlDays: number): number {
  checkTtlDays(ttlDays);
  const millis = Date.parse(txTime);
  if (Number.isNaN(millis)) throw new RangeError(`txTime ${JSON.stringify(txTime)} is not a date`);
  return Math.floor(millis / 1000 + ttlDays * SECONDS_PER_DAY);
}

/**
 * Rejects a `ttlDays` that would give items no sensible expiry, at configuration time rather
 * than on the first write.
 *
 * @throws {RangeError} when `ttlDays` is not a positive finite number
 * @example
 * checkTtlDays(90);
 */
export function checkTtlDays(ttlDays: number): void {
  if (!Number.isFinite(ttlDays) || ttlDays <= 0) {
    throw new RangeError(`ttlDays must be a positive number of days, got ${ttlDays}`);
  }
}
