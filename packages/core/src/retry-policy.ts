import { randomUUID } from 'node:crypto';
import { backoffDelay, sleep as defaultSleep } from './backoff.js';
import { isWalletError, type WalletError } from './errors.js';
import type { WalletService } from './wallet-service.js';

/**
 * How {@link withRetries} retries.
 *
 * @example
 * const policy: RetryPolicy = { maxAttempts: 8, baseDelayMs: 10 };
 */
export interface RetryPolicy {
  /** Attempts per call, the first included. Default 6. */
  maxAttempts?: number;
  /** The first backoff; each later one doubles, with full jitter. Default 25 ms. */
  baseDelayMs?: number;
  /** The longest single backoff. Default 2000 ms. */
  maxDelayMs?: number;
  /** Makes a key for a mutating call that has none. Default: `retry:` + a random UUID. */
  newIdempotencyKey?: () => string;
  /** The jitter's source of randomness, in [0, 1); replaceable in tests. Default `Math.random`. */
  random?: () => number;
  /** Waits out a backoff of `ms`; replaceable in tests. Default: a `setTimeout` promise. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * How each call is retried. A `Record` over every method, so a method added to the service does
 * not compile until it is placed here (a wrapper that lost it would answer `undefined`):
 * - `keyed`: a write, retried under one idempotency key (the caller's, or a new one);
 * - `read`: writes nothing a retry could duplicate. Releasing expired holds is idempotent; a
 *   `createDigest` retried after an unknown outcome may leave one more digest, as valid as any.
 * - `create`: `createWallet`, which answers the wallet an earlier attempt created.
 */
const RETRIED: {
  readonly [K in Exclude<keyof WalletService, 'currencies'>]: 'keyed' | 'read' | 'create';
} = {
  createWallet: 'create',
  addFunds: 'keyed',
  withdrawFunds: 'keyed',
  transfer: 'keyed',
  exchange: 'keyed',
  reverseTransaction: 'keyed',
  placeHold: 'keyed',
  captureHold: 'keyed',
  releaseHold: 'keyed',
  post: 'keyed',
  getFunds: 'read',
  getTransactionHistory: 'read',
  verifyWallet: 'read',
  getTransaction: 'read',
  getHold: 'read',
  listWallets: 'read',
  releaseExpiredHolds: 'read',
  createDigest: 'read',
  getDigest: 'read',
  listDigests: 'read',
  getProof: 'read',
};

/**
 * A `WalletService` whose calls survive store faults: every mutating call gets an idempotency
 * key (the caller's, or a new one) and is retried with that same key while the error is
 * retryable (`OUTCOME_UNKNOWN`, `STORE_UNAVAILABLE`, `CONCURRENCY_CONFLICT`), so an operation
 * whose outcome was unknown is applied exactly once and answered with its original result.
 * Reads are retried too. Business errors are never retried.
 *
 * A `createWallet` retried after a retryable failure that then meets `WALLET_ALREADY_EXISTS`
 * returns the wallet: the earlier attempt (or a concurrent caller) created it.
 *
 * @example
 * const wallets = withRetries(createWalletService({ ledger, currencies }), { maxAttempts: 8 });
 * await wallets.addFunds({ accountId: 'p1', amount: '5', idempotencyKey: 'receipt-1' });
 */
export function withRetries(service: WalletService, policy: RetryPolicy = {}): WalletService {
  const maxAttempts = policy.maxAttempts ?? 6;
  const baseDelayMs = policy.baseDelayMs ?? 25;
  const maxDelayMs = policy.maxDelayMs ?? 2000;
  const random = policy.random ?? Math.random;
  const sleep = policy.sleep ?? defaultSleep;
  const newKey = policy.newIdempotencyKey ?? (() => `retry:${randomUUID()}`);

  async function attempt<T>(
    call: () => Promise<T>,
    onRetriedError?: (error: WalletError) => Promise<T> | undefined,
  ): Promise<T> {
    let retried = false;
    for (let attemptNumber = 1; ; attemptNumber++) {
      try {
        return await call();
      } catch (error) {
        if (retried && isWalletError(error) && onRetriedError) {
          const recovered = onRetriedError(error);
          if (recovered) return recovered;
        }
        if (!isWalletError(error) || !error.retryable || attemptNumber >= maxAttempts) throw error;
        retried = true;
        await sleep(Math.floor(backoffDelay(attemptNumber, { baseDelayMs, maxDelayMs }, random)));
      }
    }
  }

  const wrapped: Partial<WalletService> = { currencies: service.currencies };
  const call = (name: keyof typeof RETRIED, input: unknown) =>
    (service[name] as (i: unknown) => Promise<unknown>)(input);
  for (const [name, kind] of Object.entries(RETRIED) as [keyof typeof RETRIED, string][]) {
    if (kind === 'keyed') {
      wrapped[name] = ((input: { idempotencyKey?: string | null }) => {
        const keyed =
          typeof input === 'object' && input !== null && (input.idempotencyKey ?? null) === null
            ? { ...input, idempotencyKey: newKey() }
            : input;
        return attempt(() => call(name, keyed));
      }) as never;
    } else if (kind === 'read') {
      wrapped[name] = ((input: unknown) => attempt(() => call(name, input))) as never;
    }
  }
  wrapped.createWallet = (input) =>
    attempt(
      () => service.createWallet(input),
      (error) =>
        error.code === 'WALLET_ALREADY_EXISTS'
          ? service.getFunds({ accountId: input.accountId })
          : undefined,
    );
  return wrapped as WalletService;
}
