import {
  type Clock,
  createWalletService,
  type JournalEntry,
  type LedgerStore,
  type WalletService,
  type WalletServiceOptions,
} from '@wallet/core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { digestSuite } from './digest-suite.js';
import { SUITE_CURRENCIES, SUITE_EXCHANGE_RATES, uniqueIds } from './fixtures.js';
import { concurrencyTests } from './ledger-store-suite/concurrency.js';
import { configuredRateTests } from './ledger-store-suite/configured-rates.js';
import { createWalletTests } from './ledger-store-suite/create-wallet.js';
import { exchangeTests } from './ledger-store-suite/exchange.js';
import { fundsTests } from './ledger-store-suite/funds.js';
import { getFundsTests } from './ledger-store-suite/get-funds.js';
import { historyTests } from './ledger-store-suite/history.js';
import { hotWalletTests } from './ledger-store-suite/hot-wallets.js';
import { idempotencyTests } from './ledger-store-suite/idempotency.js';
import { idempotencyScopeTests } from './ledger-store-suite/idempotency-scope.js';
import { stringTests } from './ledger-store-suite/strings.js';
import type { LedgerSuiteContext } from './ledger-store-suite/suite-context.js';
import { transferTests } from './ledger-store-suite/transfer.js';
import { verifyWalletTests } from './ledger-store-suite/verify-wallet.js';
import type { LedgerStoreTest } from './ledger-store-tests.js';
import { namedTests } from './named-tests.js';
import { operationsSuite } from './operations-suite.js';
import type { TamperHooks } from './tamper-hooks.js';

/**
 * A ledger under test and what the suite may do with it.
 *
 * @example
 * const fixture: LedgerFixture = { ledger: createPostgresLedger({ client: pool }), close: () => pool.end() };
 */
export interface LedgerFixture {
  /** The store the suite's services run on. */
  ledger: LedgerStore;
  /** Present when the store lets a test tamper with its journal. */
  tamper?: TamperHooks;
  /** Releases connections; called once after the suite. */
  close?: () => Promise<void> | void;
}

/**
 * How to run the ledger conformance suite against one adapter.
 *
 * @example
 * const options: LedgerSuiteOptions = { name: 'memory', createLedger: () => ({ ledger: createMemoryLedger() }), tamper: { reason: 'no hooks' } };
 */
export interface LedgerSuiteOptions {
  /** Names the adapter in test titles, e.g. `postgres`. */
  name: string;
  /** Builds the ledger once for the suite; tests use fresh account ids, so it may hold data. */
  createLedger: () => Promise<LedgerFixture> | LedgerFixture;
  /**
   * `true` when every fixture has `tamper` hooks; otherwise the reason the store cannot let a
   * test tamper with its journal, and the tamper-evidence tests are not registered.
   */
  tamper:
    | true
    | {
        /** Why the store cannot let a test tamper with its journal. */
        reason: string;
      };
  /** Options passed to every `createWalletService` of the suite, e.g. `{ coalesce: true }`. */
  service?: Pick<WalletServiceOptions, 'coalesce'>;
  /** How long the bank test runs; default 2000 ms. */
  bankTestMs?: number;
  /** Per-test timeout for the concurrency tests; default 30 s. */
  concurrencyTimeoutMs?: number;
  /**
   * Tests not registered for this store, by name (`LEDGER_STORE_TESTS`), each with the reason it
   * cannot pass them. A name no test has fails the suite at collection.
   */
  skip?: Readonly<Partial<Record<LedgerStoreTest, string>>>;
}

/**
 * The `LedgerStore` conformance suite: every call and error code of `WalletService` over the
 * store, idempotency, the hash chain, tamper evidence and real concurrency. Every adapter
 * runs it; so should a studio's own adapter.
 *
 * @example
 * const ledger = createMemoryLedger(); // its tamper hooks come from `@wallet/core/testing`
 * const tamper: TamperHooks = {
 *   rewriteJournal: (accountId, edit) => tamperJournal(ledger, accountId, edit),
 *   rewriteWallet: (accountId, edit) => tamperWallet(ledger, accountId, edit),
 * };
 * ledgerStoreSuite({ name: 'memory', tamper: true, createLedger: () => ({ ledger, tamper }) });
 */
export function ledgerStoreSuite(options: LedgerSuiteOptions): void {
  const variant = options.service?.coalesce ? ' (coalescing)' : '';
  describe(`LedgerStore conformance: ${options.name}${variant}`, () => {
    let fixture: LedgerFixture;
    let service: WalletService;
    const ids = uniqueIds(options.name);
    /** Every wallet a test touched; each must verify once the suite is done. */
    const touched = new Set<string>();
    const tampered = new Set<string>();
    const concurrencyTimeout = options.concurrencyTimeoutMs ?? 30_000;
    const { test: it, rejectUnmatched } = namedTests<LedgerStoreTest>(options.skip);

    const serviceWith = (clock?: Clock) =>
      createWalletService({
        ledger: fixture.ledger,
        currencies: SUITE_CURRENCIES,
        exchangeRates: SUITE_EXCHANGE_RATES,
        ...options.service,
        ...(clock ? { clock } : {}),
      });

    async function wallet(funds: Record<string, string> = {}, label = 'w'): Promise<string> {
      const accountId = ids.account(label);
      touched.add(accountId);
      await service.createWallet({ accountId });
      for (const [currency, amount] of Object.entries(funds)) {
        await service.addFunds({ accountId, currency, amount });
      }
      return accountId;
    }

    async function balance(accountId: string, currency: string): Promise<string | undefined> {
      return (await service.getFunds({ accountId })).balances[currency];
    }

    async function journal(accountId: string): Promise<JournalEntry[]> {
      return (await service.getTransactionHistory({ accountId, order: 'asc', limit: 1000 })).items;
    }

    beforeAll(async () => {
      // Here, not at the end of this callback: vitest collects the groups' nested describes
      // only after it returns.
      rejectUnmatched();
      fixture = await options.createLedger();
      service = serviceWith();
    });

    afterAll(async () => {
      try {
        for (const accountId of touched) {
          if (tampered.has(accountId)) continue;
          const report = await service.verifyWallet({ accountId });
          expect(report.problems, `wallet ${accountId} verifies`).toEqual([]);
        }
      } finally {
        await fixture?.close?.();
      }
    }, 120_000);

    const context: LedgerSuiteContext = {
      service: () => service,
      serviceWith,
      serviceOptions: options.service ?? {},
      fixture: () => fixture,
      canTamper: options.tamper === true,
      ids,
      wallet,
      balance,
      journal,
      touch: (accountId) => touched.add(accountId),
      untouch: (accountId) => tampered.add(accountId),
      concurrencyTimeout,
      bankTestMs: options.bankTestMs ?? 2000,
      skips: (name) => options.skip?.[name] !== undefined,
      test: it,
    };

    createWalletTests(context);
    getFundsTests(context);
    fundsTests(context);
    transferTests(context);
    exchangeTests(context);
    idempotencyTests(context);
    idempotencyScopeTests(context);
    stringTests(context);
    configuredRateTests(context);
    historyTests(context);
    verifyWalletTests(context);
    hotWalletTests(context);

    operationsSuite({
      service: context.service,
      ledger: () => fixture.ledger,
      serviceOptions: options.service ?? {},
      ids,
      wallet,
      touch: context.touch,
      concurrencyTimeout,
      test: it,
    });

    digestSuite({
      service: context.service,
      ledger: () => fixture.ledger,
      ...(context.canTamper ? { tamper: () => fixture.tamper! } : {}),
      wallet,
      untouch: context.untouch,
      concurrencyTimeout,
      test: it,
    });

    concurrencyTests(context);
  });
}
