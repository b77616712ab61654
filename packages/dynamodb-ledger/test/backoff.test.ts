import { describe, expect, it } from 'vitest';
import { backoffDelay, retryPolicy } from '../src/backoff.js';

describe('backoff', () => {
  const policy = { baseDelayMs: 5, maxDelayMs: 1000 };

  it('draws each delay uniformly below a cap that doubles per retry up to maxDelayMs', () => {
    const caps = [1, 2, 3, 4, 8, 9, 20].map((retry) => backoffDelay(retry, policy, () => 1));
    expect(caps).toEqual([5, 10, 20, 40, 640, 1000, 1000]);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(10);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
  });

  it('fills in the documented defaults', () => {
    expect(retryPolicy()).toEqual({
      maxConflictAttempts: 30,
      maxUnavailableRetries: 8,
      maxUnknownRetries: 3,
      baseDelayMs: 5,
      maxDelayMs: 1000,
    });
  });

  it('refuses budgets that are not whole numbers in range, and negative delays', () => {
    expect(() => retryPolicy({ maxConflictAttempts: 0 })).toThrow(RangeError);
    expect(() => retryPolicy({ maxUnknownRetries: 1.5 })).toThrow(RangeError);
    expect(() => retryPolicy({ maxUnavailableRetries: -1 })).toThrow(RangeError);
    expect(() => retryPolicy({ baseDelayMs: -1 })).toThrow(RangeError);
    expect(() => retryPolicy({ maxDelayMs: Number.NaN })).toThrow(RangeError);
    expect(retryPolicy({ maxUnknownRetries: 0, maxUnavailableRetries: 0 })).toMatchObject({
      maxUnknownRetries: 0,
      maxUnavailableRetries: 0,
    });
  });
});
