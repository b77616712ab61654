import type { Clock, JournalEntry, WalletService, WalletServiceOptions } from '@wallet/core';
import type { uniqueIds } from '../fixtures.js';
import type { LedgerFixture } from '../ledger-store-suite.js';
import type { LedgerStoreTest } from '../ledger-store-tests.js';
import type { TestRegistrar } from '../named-tests.js';

/**
 * What `ledgerStoreSuite` hands each of its groups of tests: the ledger under test, the
 * suite's service over it and the helpers that keep track of every wallet a test touches. The
 * fixture and the service exist only once the suite's `beforeAll` has run, so they are read
 * through functions, inside the tests.
 *
 * @example
 * const balanceOf = (context: LedgerSuiteContext, accountId: string) => context.balance(accountId, 'GEMS');
 */
export interface LedgerSuiteContext {
  /** The suite's service over the ledger under test. */
  service: () => WalletService;
  /** The options every service of the suite is built with (coalescing). */
  serviceOptions: Pick<WalletServiceOptions, 'coalesce'>;
  /** Another service over the same ledger, with the suite's options, reading time from `clock`. */
  serviceWith: (clock: Clock) => WalletService;
  /** The ledger under test and its hooks, as `createLedger` built them. */
  fixture: () => LedgerFixture;
  /** `true` when every fixture has tamper hooks, so the tamper-evidence tests are registered. */
  canTamper: boolean;
  /** The suite's source of fresh account ids and idempotency keys. */
  ids: ReturnType<typeof uniqueIds>;
  /** A fresh wallet with these balances, checked by the suite once it is done. */
  wallet: (funds?: Record<string, string>, label?: string) => Promise<string>;
  /** A wallet's balance in `currency`, as `getFunds` renders it. */
  balance: (accountId: string, currency: string) => Promise<string | undefined>;
  /** A wallet's first 1,000 entries, oldest first. */
  journal: (accountId: string) => Promise<JournalEntry[]>;
  /** Registers a wallet made another way, to be verified once the suite is done. */
  touch: (accountId: string) => void;
  /** Keeps a wallet out of the suite's final check (a test tampered with it on purpose). */
  untouch: (accountId: string) => void;
  /** Per-test timeout of the concurrency tests, in milliseconds. */
  concurrencyTimeout: number;
  /** How long the bank test runs, in milliseconds. */
  bankTestMs: number;
  /** True when the store turns the test off by name. */
  skips: (name: LedgerStoreTest) => boolean;
  /** Registers each test (the suite's, which leaves out those turned off by name). */
  test: TestRegistrar<LedgerStoreTest>;
}
