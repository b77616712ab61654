import { describe, expect, it } from 'vitest';
import { checkTtlDays, expireTimestamp } from '../src/index.js';

describe('expireTimestamp', () => {
  it('is txTime in whole epoch seconds plus ttlDays days', () => {
    expect(expireTimestamp('2030-01-01T00:00:00.999Z', 1)).toBe(1_893_456_000 + 86_400);
    expect(expireTimestamp('2030-01-01T00:00:00.000Z', 0.5)).toBe(1_893_456_000 + 43_200);
  });

  it('rejects a txTime that is not a date and a ttlDays that is not positive', () => {
    expect(() => expireTimestamp('yesterday', 1)).toThrow(RangeError);
    expect(() => expireTimestamp('2030-01-01T00:00:00.000Z', 0)).toThrow(RangeError);
    expect(() => expireTimestamp('2030-01-01T00:00:00.000Z', Number.NaN)).toThrow(RangeError);
  });
});

describe('checkTtlDays', () => {
  it('accepts any positive finite number of days, fractions included', () => {
    expect(() => checkTtlDays(365)).not.toThrow();
    expect(() => checkTtlDays(0.5)).not.toThrow();
  });

  it('rejects zero, negative, NaN and infinite days with a RangeError naming the value', () => {
    for (const ttlDays of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => checkTtlDays(ttlDays)).toThrow(
        new RangeError(`ttlDays must be a positive number of days, got ${ttlDays}`),
      );
    }
  });
});
