import { ConcurrencyConflictError, OutcomeUnknownError, StoreUnavailableError } from '@wallet/core';
import {
  backoffDelay,
  type FailureKind,
  type LedgerRetryPolicy,
  ledgerRetryPolicy,
  type RetryEvent,
  retryTransaction,
  TransactionTooLargeError,
} from '@wallet/core/adapter';
import { describe, expect, it } from 'vitest';

const POLICY: LedgerRetryPolicy = {
  maxConflictAttempts: 4,
  maxUnavailableRetries: 2,
  maxUnknownRetries: 1,
  baseDelayMs: 5,
  maxDelayMs: 1000,
};

/** A failure tagged with the kind the test's classifier gives it. */
class Failure extends Error {
  constructor(readonly kind: FailureKind) {
    super(kind);
  }
}

const classify = (error: unknown): FailureKind =>
  error instanceof Failure
    ? error.kind
    : error instanceof TransactionTooLargeError
      ? 'too-large'
      : 'fatal';

/** Runs the loop over attempts that throw `failures` in turn, then answer 'done'. */
async function run(failures: unknown[], policy: LedgerRetryPolicy = POLICY) {
  const waits: number[] = [];
  const events: RetryEvent[] = [];
  let attempts = 0;
  const outcome = await retryTransaction(
    async (attemptNumber) => {
      attempts++;
      expect(attemptNumber).toBe(attempts);
      const failure = failures[attempts - 1];
      if (failure !== undefined) throw failure;
      return 'done';
    },
    {
      classify,
      policy,
      random: () => 1,
      sleep: async (ms) => {
        waits.push(ms);
      },
      onRetry: (event) => events.push(event),
    },
  ).catch((error: unknown) => error);
  return { outcome, attempts, waits, events };
}

describe('retryTransaction', () => {
  it('answers the first success, after retrying conflicts', async () => {
    const { outcome, attempts, waits } = await run([
      new Failure('conflict'),
      new Failure('conflict'),
    ]);
    expect(outcome).toBe('done');
    expect(attempts).toBe(3);
    expect(waits).toEqual([5, 10]);
  });

  it('retries a conflict up to maxConflictAttempts attempts, then throws CONCURRENCY_CONFLICT with the last failure as cause', async () => {
    const failures = Array.from({ length: 10 }, () => new Failure('conflict'));
    const { outcome, attempts, waits, events } = await run(failures);
    expect(outcome).toBeInstanceOf(ConcurrencyConflictError);
    expect((outcome as ConcurrencyConflictError).attempts).toBe(4);
    expect((outcome as ConcurrencyConflictError).cause).toBe(failures[3]);
    expect(attempts).toBe(4);
    expect(waits).toEqual([5, 10, 20]);
    expect(events.map((e) => [e.kind, e.retry, e.delayMs])).toEqual([
      ['conflict', 1, 5],
      ['conflict', 2, 10],
      ['conflict', 3, 20],
    ]);
  });

  it('makes one attempt only when maxConflictAttempts is 1', async () => {
    const { outcome, attempts, waits } = await run([new Failure('conflict')], {
      ...POLICY,
      maxConflictAttempts: 1,
    });
    expect(outcome).toBeInstanceOf(ConcurrencyConflictError);
    expect(attempts).toBe(1);
    expect(waits).toEqual([]);
  });

  it('retries an unavailable store maxUnavailableRetries times, then throws STORE_UNAVAILABLE', async () => {
    const failures = Array.from({ length: 10 }, () => new Failure('unavailable'));
    const { outcome, attempts, waits } = await run(failures);
    expect(outcome).toBeInstanceOf(StoreUnavailableError);
    expect((outcome as StoreUnavailableError).cause).toBe(failures[2]);
    expect(attempts).toBe(3);
    expect(waits).toEqual([5, 10]);
  });

  it('retries an unknown outcome maxUnknownRetries times, then throws OUTCOME_UNKNOWN', async () => {
    const { outcome, attempts } = await run([
      new Failure('unknown-outcome'),
      new Failure('unknown-outcome'),
    ]);
    expect(outcome).toBeInstanceOf(OutcomeUnknownError);
    expect(attempts).toBe(2);
  });

  it('keeps one budget per kind, and backs off by the count of the kind that failed', async () => {
    const { outcome, attempts, waits } = await run([
      new Failure('conflict'),
      new Failure('unavailable'),
      new Failure('conflict'),
      new Failure('unavailable'),
      new Failure('unknown-outcome'),
    ]);
    expect(outcome).toBe('done');
    expect(attempts).toBe(6);
    expect(waits).toEqual([5, 5, 10, 10, 5]);
  });

  it('never retries a write too large, and throws it unchanged', async () => {
    const tooLarge = new TransactionTooLargeError(120, 100);
    const { outcome, attempts, waits } = await run([tooLarge]);
    expect(outcome).toBe(tooLarge);
    expect(attempts).toBe(1);
    expect(waits).toEqual([]);
  });

  it('never retries a fatal error, and throws it unchanged', async () => {
    const fatal = new Error('decide threw');
    const { outcome, attempts } = await run([fatal]);
    expect(outcome).toBe(fatal);
    expect(attempts).toBe(1);
  });

  it('throws what giveUp returns', async () => {
    const replaced = new Error('replaced');
    const seen: [FailureKind, number][] = [];
    const outcome = await retryTransaction(() => Promise.reject(new Failure('unavailable')), {
      classify,
      policy: { ...POLICY, maxUnavailableRetries: 1 },
      sleep: async () => {},
      giveUp: (kind, _error, failures) => {
        seen.push([kind, failures]);
        return replaced;
      },
    }).catch((error: unknown) => error);
    expect(outcome).toBe(replaced);
    expect(seen).toEqual([['unavailable', 2]]);
  });
});

describe('backoffDelay', () => {
  const bounds = { baseDelayMs: 5, maxDelayMs: 30 };

  it('draws below a cap that doubles per retry up to maxDelayMs (full jitter)', () => {
    const caps = [1, 2, 3, 4, 5, 40].map((retry) => backoffDelay(retry, bounds, () => 1));
    expect(caps).toEqual([5, 10, 20, 30, 30, 30]);
    expect(backoffDelay(3, bounds, () => 0.5)).toBe(10);
    expect(backoffDelay(3, bounds, () => 0)).toBe(0);
    for (let retry = 1; retry < 20; retry++) {
      const delay = backoffDelay(retry, bounds);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(30);
    }
  });
});

describe('ledgerRetryPolicy', () => {
  it('fills in the defaults under the options given', () => {
    expect(ledgerRetryPolicy(undefined, POLICY)).toEqual(POLICY);
    expect(ledgerRetryPolicy({ maxConflictAttempts: 9, maxDelayMs: 50 }, POLICY)).toEqual({
      ...POLICY,
      maxConflictAttempts: 9,
      maxDelayMs: 50,
    });
  });

  it('refuses counts and delays out of range', () => {
    expect(() => ledgerRetryPolicy({ maxConflictAttempts: 0 }, POLICY)).toThrow(RangeError);
    expect(() => ledgerRetryPolicy({ maxUnknownRetries: 1.5 }, POLICY)).toThrow(RangeError);
    expect(() => ledgerRetryPolicy({ maxUnavailableRetries: -1 }, POLICY)).toThrow(RangeError);
    expect(() => ledgerRetryPolicy({ baseDelayMs: -1 }, POLICY)).toThrow(RangeError);
    expect(() => ledgerRetryPolicy({ maxDelayMs: Number.NaN }, POLICY)).toThrow(RangeError);
    expect(
      ledgerRetryPolicy({ maxUnavailableRetries: 0, maxUnknownRetries: 0 }, POLICY),
    ).toMatchObject({
      maxUnavailableRetries: 0,
      maxUnknownRetries: 0,
    });
  });
});
