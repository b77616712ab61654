/**
 * Where the service reads the time. Inject a fixed or stepping clock in tests.
 *
 * @example
 * const clock: Clock = () => new Date('2026-01-01T00:00:00.000Z');
 */
export type Clock = () => Date;

/** The system clock. */
export const systemClock: Clock = () => new Date();
