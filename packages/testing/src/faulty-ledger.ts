import {
  ConcurrencyConflictError,
  type HeadQuery,
  type JournalsQuery,
  type LedgerStore,
  type LedgerTransaction,
  OutcomeUnknownError,
  StoreUnavailableError,
} from '@wallet/core';
import { hash32, seededRandom } from './random.js';

/**
 * Which faults to inject, each a probability from 0 to 1 per call.
 *
 * @example
 * const plan: FaultPlan = { seed: 42, failBefore: 0.05, failAfter: 0.05, conflict: 0.05, delay: 0.1 };
 */
export interface FaultPlan {
  /** Drives every decision; the same seed gives the same faults for the same calls. */
  seed: number;
  /** The call fails before the store runs it: `STORE_UNAVAILABLE`, nothing written. */
  failBefore?: number;
  /** The store commits, then the answer is lost: `OUTCOME_UNKNOWN`. */
  failAfter?: number;
  /** The call fails with the store's conflict error before it runs. */
  conflict?: number;
  /** The error a conflict throws: the store's own; `CONCURRENCY_CONFLICT` by default. */
  conflictError?: () => unknown;
  /** The call waits up to `maxDelayMs` before it runs. */
  delay?: number;
  /** Each delay is drawn from 0 up to this, in milliseconds. Default 20. */
  maxDelayMs?: number;
  /** A read (`getWallet`, `queryEntries`) fails with `STORE_UNAVAILABLE`. */
  failRead?: number;
}

/**
 * How many faults were injected, by kind.
 *
 * @example
 * const { failedAfter, transactions }: FaultStats = ledger.stats;
 */
export interface FaultStats {
  /** `transact` calls made, faulty or not. */
  transactions: number;
  /** Calls failed before the store ran them (`failBefore`). */
  failedBefore: number;
  /** Calls the store committed whose answer was then lost (`failAfter`). */
  failedAfter: number;
  /** Calls failed with the conflict error (`conflict`). */
  conflicts: number;
  /** Calls delayed before they ran (`delay`). */
  delayed: number;
  /** Reads failed (`failRead`). */
  failedReads: number;
}

/**
 * A ledger that injects faults, and what it injected.
 *
 * @example
 * const ledger: FaultyLedger = createFaultyLedger(createMemoryLedger(), { seed: 7, failAfter: 0.1 });
 * console.log(ledger.stats.failedAfter);
 */
export interface FaultyLedger extends LedgerStore {
  /** Live counters of the calls and the faults injected. */
  readonly stats: FaultStats;
}

/**
 * Wraps a ledger so calls fail before the store runs them, fail after it committed (the
 * response lost), wait, or meet the store's conflict error, as a seeded plan says.
 *
 * Each decision is drawn from the seed, the call's idempotency keys (or account ids) and how
 * many times that same call was made before, not from the order calls happen to arrive in, so a
 * failing seed injects the same faults into the same calls when it is replayed.
 *
 * @example
 * const ledger = createFaultyLedger(createMemoryLedger(), { seed: 7, failAfter: 0.1 });
 * const wallets = withRetries(createWalletService({ ledger, currencies }));
 */
export function createFaultyLedger(inner: LedgerStore, plan: FaultPlan): FaultyLedger {
  const stats: FaultStats = {
    transactions: 0,
    failedBefore: 0,
    failedAfter: 0,
    conflicts: 0,
    delayed: 0,
    failedReads: 0,
  };
  const attempts = new Map<string, number>();
  let lookups = 0;

  /** Independent draws in [0, 1) for one call: the same call on the same attempt draws the same. */
  function draws(identity: string): () => number {
    const attempt = (attempts.get(identity) ?? 0) + 1;
    attempts.set(identity, attempt);
    return seededRandom(hash32(`${plan.seed}|${identity}|${attempt}`));
  }

  async function read<T>(identity: string, call: () => Promise<T>): Promise<T> {
    if (draws(`read|${identity}`)() < (plan.failRead ?? 0)) {
      stats.failedReads++;
      throw new StoreUnavailableError('injected fault: read failed');
    }
    return call();
  }

  return {
    stats,
    // The wrapped store's size limit still caps what the coalescer hands it.
    ...(inner.maxRecordsPerTransaction === undefined
      ? {}
      : { maxRecordsPerTransaction: inner.maxRecordsPerTransaction }),

    async transact<T>(transaction: LedgerTransaction<T>): Promise<T> {
      stats.transactions++;
      const identity =
        transaction.idempotencyKeys.length > 0
          ? `keys|${transaction.idempotencyKeys.join(',')}`
          : `accounts|${transaction.accountIds.join(',')}`;
      const draw = draws(identity);
      const [delay, before, conflict, after] = [draw(), draw(), draw(), draw()];
      if (delay < (plan.delay ?? 0)) {
        stats.delayed++;
        await new Promise((resolve) =>
          setTimeout(resolve, Math.floor(draw() * (plan.maxDelayMs ?? 20))),
        );
      }
      if (before < (plan.failBefore ?? 0)) {
        stats.failedBefore++;
        throw new StoreUnavailableError('injected fault: failed before the store ran');
      }
      if (conflict < (plan.conflict ?? 0)) {
        stats.conflicts++;
        throw plan.conflictError?.() ?? new ConcurrencyConflictError(1);
      }
      const result = await inner.transact(transaction);
      if (after < (plan.failAfter ?? 0)) {
        stats.failedAfter++;
        throw new OutcomeUnknownError({
          cause: new Error('injected fault: the response was lost'),
        });
      }
      return result;
    },

    getWallet: (accountId) => read(`wallet|${accountId}`, () => inner.getWallet(accountId)),

    queryEntries: (query) =>
      read(`entries|${query.accountId}|${query.startAfter ?? ''}`, () => inner.queryEntries(query)),

    // Hold and transaction ids are random: reads by them are told apart by their order instead,
    // so a seed still replays the same faults.
    getRecord: (key) => read(`record|${++lookups}`, () => inner.getRecord(key)),

    queryTransaction: (transactionId) =>
      read(`transaction|${++lookups}`, () => inner.queryTransaction(transactionId)),

    listWallets: (query) =>
      read(`wallets|${query.prefix ?? ''}|${query.startAfter ?? ''}`, () =>
        inner.listWallets(query),
      ),

    listWalletsWithExpiredHolds: (query) =>
      read(`expired|${query.dueBy}`, () => inner.listWalletsWithExpiredHolds(query)),

    // Only where the wrapped store has it, so bulk readers fall back exactly as they would.
    ...(inner.queryJournals
      ? {
          queryJournals: (query: JournalsQuery) =>
            read(
              `journals|${query.accountIds[0] ?? ''}|${query.after?.accountId ?? ''}|${query.after?.sequence ?? ''}`,
              () => inner.queryJournals!(query),
            ),
        }
      : {}),
    ...(inner.listHeads
      ? {
          listHeads: (query: HeadQuery) =>
            read(`heads|${query.startAfter ?? ''}|${query.limit}`, () => inner.listHeads!(query)),
        }
      : {}),
  };
}
