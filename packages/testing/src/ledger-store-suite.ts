import {
  type Clock,
  createWalletService,
  GENESIS_HASH,
  hashEntry,
  type JournalEntry,
  type LedgerStore,
  type WalletService,
  type WalletServiceOptions,
} from '@wallet/core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { runBankTest } from './bank-test.js';
import { digestSuite } from './digest-suite.js';
import { SUITE_CURRENCIES, SUITE_EXCHANGE_RATES, steppingClock, uniqueIds } from './fixtures.js';
import type { LedgerStoreTest } from './ledger-store-tests.js';
import { namedTests } from './named-tests.js';
import { operationsSuite } from './operations-suite.js';
import type { TamperHooks } from './tamper-hooks.js';
import { expectWalletError } from './wallet-error.js';

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

    describe('createWallet', () => {
      it('creates a wallet at version 0 with a zero balance in every configured currency', async () => {
        const accountId = ids.account();
        touched.add(accountId);
        const created = await service.createWallet({ accountId, metadata: { tier: 'gold' } });
        expect(created).toMatchObject({
          accountId,
          version: 0,
          balances: { GEMS: '0', GOLD: '0.00', CREDITS: '0.00', TOKENS: '0' },
          metadata: { tier: 'gold' },
        });
        expect(created.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        expect(await service.getFunds({ accountId })).toEqual(created);
      });

      it('rejects a second wallet for the same account with WALLET_ALREADY_EXISTS', async () => {
        const accountId = await wallet({ GEMS: '5' });
        await expectWalletError(service.createWallet({ accountId }), 'WALLET_ALREADY_EXISTS');
        expect(await balance(accountId, 'GEMS')).toBe('5');
      });

      it('rejects malformed account ids with INVALID_ACCOUNT_ID', async () => {
        for (const accountId of [
          '',
          '-lead',
          'a'.repeat(129),
          "x'; DROP TABLE wallets;--",
          'a b',
          'é',
          42,
          null,
        ]) {
          await expectWalletError(
            service.createWallet({ accountId: accountId as string }),
            'INVALID_ACCOUNT_ID',
          );
        }
      });

      it('accepts the longest valid account id of 128 characters', async () => {
        const accountId = `A${'x'.repeat(120)}${ids.account('').slice(-7)}`.slice(0, 128);
        touched.add(accountId);
        await expect(service.createWallet({ accountId })).resolves.toMatchObject({ accountId });
      });

      it('rejects metadata that is not a JSON object with VALIDATION_ERROR', async () => {
        for (const metadata of [[1], 'text', 7, { big: 'x'.repeat(5000) }]) {
          await expectWalletError(
            service.createWallet({ accountId: ids.account(), metadata: metadata as never }),
            'VALIDATION_ERROR',
          );
        }
      });
    });

    describe('getFunds', () => {
      it('fails with WALLET_NOT_FOUND for an account without a wallet', async () => {
        await expectWalletError(service.getFunds({ accountId: ids.account() }), 'WALLET_NOT_FOUND');
      });

      it('renders every balance with exactly its currency scale', async () => {
        const accountId = await wallet({ GOLD: '10.5', GEMS: '7' });
        expect((await service.getFunds({ accountId })).balances).toEqual({
          GEMS: '7',
          GOLD: '10.50',
          CREDITS: '0.00',
          TOKENS: '0',
        });
      });
    });

    describe('addFunds and withdrawFunds', () => {
      it('credit the default currency (the first configured) when none is named', async () => {
        const accountId = await wallet();
        const result = await service.addFunds({ accountId, amount: '12' });
        expect(result).toMatchObject({
          accountId,
          currency: 'GEMS',
          amount: '12',
          previousBalance: '0',
          currentBalance: '12',
          replayed: false,
        });
        expect(result.transactionId).toMatch(/^[0-9a-f-]{36}$/);
      });

      it('stamp txTime from the injected clock on the result and the entry', async () => {
        const accountId = await wallet();
        const timed = serviceWith(steppingClock('2031-02-03T04:05:06.789Z', 0));
        const result = await timed.addFunds({ accountId, amount: '1' });
        expect(result.txTime).toBe('2031-02-03T04:05:06.789Z');
        expect((await journal(accountId))[0]?.txTime).toBe('2031-02-03T04:05:06.789Z');
        expect((await service.getFunds({ accountId })).updatedAt).toBe('2031-02-03T04:05:06.789Z');
      });

      it('add and subtract exactly, with no floating-point drift', async () => {
        const accountId = await wallet();
        for (let i = 0; i < 10; i++) {
          await service.addFunds({ accountId, currency: 'GOLD', amount: '0.1' });
        }
        await service.addFunds({ accountId, currency: 'GOLD', amount: 0.2 });
        const result = await service.withdrawFunds({ accountId, currency: 'GOLD', amount: '0.30' });
        expect(result).toMatchObject({
          previousBalance: '1.20',
          currentBalance: '0.90',
          amount: '0.30',
        });
      });

      it('hold balances up to 18 integer digits exactly', async () => {
        const accountId = await wallet();
        const big = '999999999999999999';
        await service.addFunds({ accountId, amount: big });
        await service.withdrawFunds({ accountId, amount: '1' });
        expect(await balance(accountId, 'GEMS')).toBe('999999999999999998');
        await expectWalletError(
          service.addFunds({ accountId, amount: '2' }),
          'BALANCE_LIMIT_EXCEEDED',
        );
      });

      it('reject every malformed amount with INVALID_AMOUNT and write nothing', async () => {
        const accountId = await wallet({ GOLD: '5.00' });
        const bad: unknown[] = [
          '0',
          '-1',
          '0.00',
          '1.001',
          '1e3',
          ' 1',
          '1 ',
          '1.',
          '.5',
          '+1',
          '1,5',
          '0x10',
          '',
          'NaN',
          'Infinity',
          '1234567890123456789',
          '01',
          NaN,
          Number.POSITIVE_INFINITY,
          -1,
          0,
          2 ** 53 + 2,
          1e21,
          true,
          null,
          undefined,
          {},
          ['1'],
        ];
        for (const amount of bad) {
          await expectWalletError(
            service.addFunds({ accountId, currency: 'GOLD', amount: amount as string }),
            'INVALID_AMOUNT',
          );
          await expectWalletError(
            service.withdrawFunds({ accountId, currency: 'GOLD', amount: amount as string }),
            'INVALID_AMOUNT',
          );
        }
        expect(await balance(accountId, 'GOLD')).toBe('5.00');
        expect(await journal(accountId)).toHaveLength(1);
      });

      it('reject an unconfigured currency with UNKNOWN_CURRENCY', async () => {
        const accountId = await wallet();
        for (const currency of ['RUBIES', 'gems', 7]) {
          await expectWalletError(
            service.addFunds({ accountId, amount: '1', currency: currency as string }),
            'UNKNOWN_CURRENCY',
          );
        }
      });

      it('fail with WALLET_NOT_FOUND for an unknown wallet and create nothing', async () => {
        const accountId = ids.account();
        await expectWalletError(service.addFunds({ accountId, amount: '1' }), 'WALLET_NOT_FOUND');
        await expectWalletError(
          service.withdrawFunds({ accountId, amount: '1' }),
          'WALLET_NOT_FOUND',
        );
        await expectWalletError(service.getFunds({ accountId }), 'WALLET_NOT_FOUND');
      });

      it('refuse a withdrawal below the minimum with INSUFFICIENT_FUNDS, its context, and no write', async () => {
        const accountId = await wallet({ GOLD: '3.00' });
        const error = await expectWalletError(
          service.withdrawFunds({ accountId, currency: 'GOLD', amount: '3.01' }),
          'INSUFFICIENT_FUNDS',
        );
        expect(error).toMatchObject({
          accountId,
          currency: 'GOLD',
          balance: '3.00',
          requested: '3.01',
        });
        expect(await balance(accountId, 'GOLD')).toBe('3.00');
        expect((await service.getFunds({ accountId })).version).toBe(1);
        await service.withdrawFunds({ accountId, currency: 'GOLD', amount: '3.00' });
        expect(await balance(accountId, 'GOLD')).toBe('0.00');
      });

      it('allow an overdraft down to a negative minBalance exactly, and no further', async () => {
        const accountId = await wallet();
        const result = await service.withdrawFunds({
          accountId,
          currency: 'CREDITS',
          amount: '100.00',
        });
        expect(result.currentBalance).toBe('-100.00');
        await expectWalletError(
          service.withdrawFunds({ accountId, currency: 'CREDITS', amount: '0.01' }),
          'INSUFFICIENT_FUNDS',
        );
        await service.addFunds({ accountId, currency: 'CREDITS', amount: '0.5' });
        expect(await balance(accountId, 'CREDITS')).toBe('-99.50');
      });

      it('refuse a credit above maxBalance with BALANCE_LIMIT_EXCEEDED and no write', async () => {
        const accountId = await wallet({ TOKENS: '999' });
        const error = await expectWalletError(
          service.addFunds({ accountId, currency: 'TOKENS', amount: '2' }),
          'BALANCE_LIMIT_EXCEEDED',
        );
        expect(error).toMatchObject({ balance: '999', requested: '2', limit: '1000' });
        await service.addFunds({ accountId, currency: 'TOKENS', amount: '1' });
        expect(await balance(accountId, 'TOKENS')).toBe('1000');
      });

      it('keep operation metadata on the journal entry', async () => {
        const accountId = await wallet();
        await service.addFunds({
          accountId,
          amount: '3',
          metadata: { reason: 'quest', quest: 12 },
        });
        expect((await journal(accountId))[0]?.metadata).toEqual({ reason: 'quest', quest: 12 });
      });

      it('reject a malformed request object with VALIDATION_ERROR or a typed error, never a TypeError', async () => {
        await expectWalletError(service.addFunds(null as never), 'VALIDATION_ERROR');
        await expectWalletError(service.withdrawFunds('x' as never), 'VALIDATION_ERROR');
        await expectWalletError(
          service.addFunds({ accountId: ids.account(), amount: '1', idempotencyKey: '' }),
          'VALIDATION_ERROR',
        );
        await expectWalletError(
          service.addFunds({
            accountId: ids.account(),
            amount: '1',
            idempotencyKey: 'k'.repeat(256),
          }),
          'VALIDATION_ERROR',
        );
      });
    });

    describe('transfer', () => {
      it('moves funds atomically: two entries sharing one transactionId, each naming the other wallet', async () => {
        const from = await wallet({ GOLD: '10.00' }, 'from');
        const to = await wallet({}, 'to');
        const result = await service.transfer({
          fromAccountId: from,
          toAccountId: to,
          amount: '2.50',
          currency: 'GOLD',
          metadata: { note: 'gift' },
        });
        expect(result).toMatchObject({
          currency: 'GOLD',
          amount: '2.50',
          replayed: false,
          from: { accountId: from, previousBalance: '10.00', currentBalance: '7.50' },
          to: { accountId: to, previousBalance: '0.00', currentBalance: '2.50' },
        });
        const [out] = (await journal(from)).slice(-1);
        const [into] = await journal(to);
        expect(out).toMatchObject({
          type: 'TRANSFER_OUT',
          counterparty: to,
          transactionId: result.transactionId,
        });
        expect(into).toMatchObject({
          type: 'TRANSFER_IN',
          counterparty: from,
          transactionId: result.transactionId,
        });
        expect(into?.metadata).toEqual({ note: 'gift' });
      });

      it('rejects a transfer to the same wallet with VALIDATION_ERROR', async () => {
        const accountId = await wallet({ GEMS: '5' });
        await expectWalletError(
          service.transfer({ fromAccountId: accountId, toAccountId: accountId, amount: '1' }),
          'VALIDATION_ERROR',
        );
      });

      it('fails with WALLET_NOT_FOUND when either side is missing, and writes to neither', async () => {
        const existing = await wallet({ GEMS: '5' });
        const missing = ids.account();
        await expectWalletError(
          service.transfer({ fromAccountId: existing, toAccountId: missing, amount: '1' }),
          'WALLET_NOT_FOUND',
        );
        await expectWalletError(
          service.transfer({ fromAccountId: missing, toAccountId: existing, amount: '1' }),
          'WALLET_NOT_FOUND',
        );
        expect(await balance(existing, 'GEMS')).toBe('5');
        expect(await journal(existing)).toHaveLength(1);
      });

      it('writes nothing on either side when the sender lacks funds or the receiver would pass its limit', async () => {
        const from = await wallet({ TOKENS: '50' });
        const to = await wallet({ TOKENS: '990' });
        await expectWalletError(
          service.transfer({
            fromAccountId: from,
            toAccountId: to,
            amount: '51',
            currency: 'TOKENS',
          }),
          'INSUFFICIENT_FUNDS',
        );
        await expectWalletError(
          service.transfer({
            fromAccountId: from,
            toAccountId: to,
            amount: '11',
            currency: 'TOKENS',
          }),
          'BALANCE_LIMIT_EXCEEDED',
        );
        expect(await balance(from, 'TOKENS')).toBe('50');
        expect(await balance(to, 'TOKENS')).toBe('990');
        expect((await journal(from)).length + (await journal(to)).length).toBe(2);
      });

      it('validates both account ids and the amount', async () => {
        const accountId = await wallet({ GEMS: '5' });
        await expectWalletError(
          service.transfer({ fromAccountId: accountId, toAccountId: 'bad id', amount: '1' }),
          'INVALID_ACCOUNT_ID',
        );
        await expectWalletError(
          service.transfer({ fromAccountId: accountId, toAccountId: ids.account(), amount: '1.5' }),
          'INVALID_AMOUNT',
        );
      });
    });

    describe('exchange', () => {
      it('debits one currency and credits another in one transaction', async () => {
        const accountId = await wallet({ GOLD: '20.00' });
        const result = await service.exchange({
          accountId,
          from: { currency: 'GOLD', amount: '12.50' },
          to: { currency: 'GEMS', amount: '5' },
        });
        expect(result).toMatchObject({
          accountId,
          replayed: false,
          from: {
            currency: 'GOLD',
            amount: '12.50',
            previousBalance: '20.00',
            currentBalance: '7.50',
          },
          to: { currency: 'GEMS', amount: '5', previousBalance: '0', currentBalance: '5' },
        });
        const entries = await journal(accountId);
        expect(entries.map((e) => [e.sequence, e.type, e.currency])).toEqual([
          [1, 'CREDIT', 'GOLD'],
          [2, 'EXCHANGE_OUT', 'GOLD'],
          [3, 'EXCHANGE_IN', 'GEMS'],
        ]);
        expect(entries[1]?.transactionId).toBe(entries[2]?.transactionId);
      });

      it('rejects an exchange within one currency with VALIDATION_ERROR', async () => {
        const accountId = await wallet({ GEMS: '5' });
        await expectWalletError(
          service.exchange({
            accountId,
            from: { currency: 'GEMS', amount: '1' },
            to: { currency: 'GEMS', amount: '2' },
          }),
          'VALIDATION_ERROR',
        );
      });

      it('validates each amount against its own currency scale', async () => {
        const accountId = await wallet({ GOLD: '5.00' });
        await expectWalletError(
          service.exchange({
            accountId,
            from: { currency: 'GOLD', amount: '1.00' },
            to: { currency: 'GEMS', amount: '1.5' },
          }),
          'INVALID_AMOUNT',
        );
        await expectWalletError(
          service.exchange({
            accountId,
            from: { currency: 'GOLD', amount: '1.001' },
            to: { currency: 'GEMS', amount: '1' },
          }),
          'INVALID_AMOUNT',
        );
        await expectWalletError(
          service.exchange({
            accountId,
            from: { currency: 'RUBY', amount: '1' },
            to: { currency: 'GEMS', amount: '1' },
          }),
          'UNKNOWN_CURRENCY',
        );
        await expectWalletError(
          service.exchange({
            accountId,
            from: null as never,
            to: { currency: 'GEMS', amount: '1' },
          }),
          'VALIDATION_ERROR',
        );
      });

      it('writes neither leg when the debit is refused or the credit passes its limit', async () => {
        const accountId = await wallet({ GOLD: '5.00', TOKENS: '1000' });
        await expectWalletError(
          service.exchange({
            accountId,
            from: { currency: 'GOLD', amount: '5.01' },
            to: { currency: 'GEMS', amount: '1' },
          }),
          'INSUFFICIENT_FUNDS',
        );
        await expectWalletError(
          service.exchange({
            accountId,
            from: { currency: 'GOLD', amount: '1.00' },
            to: { currency: 'TOKENS', amount: '1' },
          }),
          'BALANCE_LIMIT_EXCEEDED',
        );
        expect((await service.getFunds({ accountId })).balances).toMatchObject({
          GOLD: '5.00',
          GEMS: '0',
          TOKENS: '1000',
        });
        expect(await journal(accountId)).toHaveLength(2);
      });
    });

    describe('idempotency', () => {
      it('returns the original result with replayed: true and writes nothing on a retry', async () => {
        const accountId = await wallet({ GEMS: '10' });
        const idempotencyKey = ids.key();
        const first = await service.withdrawFunds({ accountId, amount: '4', idempotencyKey });
        await service.addFunds({ accountId, amount: '100' });
        const again = await service.withdrawFunds({ accountId, amount: '4', idempotencyKey });
        expect(again).toEqual({ ...first, replayed: true });
        expect(await balance(accountId, 'GEMS')).toBe('106');
        expect(await journal(accountId)).toHaveLength(3);
        expect((await journal(accountId))[1]?.idempotencyKey).toBe(idempotencyKey);
      });

      it('accepts a number amount and its string form as the same request', async () => {
        const accountId = await wallet();
        const idempotencyKey = ids.key();
        await service.addFunds({ accountId, currency: 'GOLD', amount: 1.5, idempotencyKey });
        const again = await service.addFunds({
          accountId,
          currency: 'GOLD',
          amount: '1.50',
          idempotencyKey,
        });
        expect(again.replayed).toBe(true);
      });

      it('replays transfers and exchanges with their original balances', async () => {
        const from = await wallet({ GOLD: '10.00' });
        const to = await wallet();
        const transferKey = ids.key();
        const request = {
          fromAccountId: from,
          toAccountId: to,
          amount: '1.00',
          currency: 'GOLD',
          idempotencyKey: transferKey,
        };
        const first = await service.transfer(request);
        await service.transfer({ ...request, idempotencyKey: ids.key() });
        expect(await service.transfer(request)).toEqual({ ...first, replayed: true });

        const exchangeKey = ids.key();
        const swap = {
          accountId: from,
          from: { currency: 'GOLD', amount: '1.00' },
          to: { currency: 'GEMS', amount: '3' },
          idempotencyKey: exchangeKey,
        };
        const exchanged = await service.exchange(swap);
        expect(await service.exchange(swap)).toEqual({ ...exchanged, replayed: true });
        expect(await balance(from, 'GOLD')).toBe('7.00');
        expect(await balance(from, 'GEMS')).toBe('3');
      });

      it('rejects the same key with any other request with IDEMPOTENCY_KEY_REUSED', async () => {
        const accountId = await wallet({ GEMS: '50' });
        const other = await wallet();
        const idempotencyKey = ids.key();
        await service.addFunds({ accountId, amount: '5', idempotencyKey, metadata: { a: 1 } });
        const variants = [
          service.addFunds({ accountId, amount: '6', idempotencyKey, metadata: { a: 1 } }),
          service.addFunds({ accountId, amount: '5', idempotencyKey, metadata: { a: 2 } }),
          service.addFunds({ accountId, amount: '5', idempotencyKey }),
          service.addFunds({
            accountId,
            amount: '5',
            currency: 'TOKENS',
            idempotencyKey,
            metadata: { a: 1 },
          }),
          service.withdrawFunds({ accountId, amount: '5', idempotencyKey, metadata: { a: 1 } }),
          service.transfer({
            fromAccountId: accountId,
            toAccountId: other,
            amount: '5',
            idempotencyKey,
          }),
          service.exchange({
            accountId,
            from: { currency: 'GEMS', amount: '5' },
            to: { currency: 'TOKENS', amount: '5' },
            idempotencyKey,
          }),
        ];
        await Promise.all(variants.map((v) => expectWalletError(v, 'IDEMPOTENCY_KEY_REUSED')));
        expect(await balance(accountId, 'GEMS')).toBe('55');
        expect(await balance(other, 'GEMS')).toBe('0');
      });

      it('treats metadata with reordered keys as the same request', async () => {
        const accountId = await wallet();
        const idempotencyKey = ids.key();
        await service.addFunds({
          accountId,
          amount: '5',
          idempotencyKey,
          metadata: { a: 1, b: 2 },
        });
        const again = await service.addFunds({
          accountId,
          amount: '5',
          idempotencyKey,
          metadata: { b: 2, a: 1 },
        });
        expect(again.replayed).toBe(true);
      });

      it('consumes no key when the call is rejected', async () => {
        const accountId = await wallet({ GEMS: '1' });
        const idempotencyKey = ids.key();
        await expectWalletError(
          service.withdrawFunds({ accountId, amount: '5', idempotencyKey }),
          'INSUFFICIENT_FUNDS',
        );
        await service.addFunds({ accountId, amount: '10' });
        const result = await service.withdrawFunds({ accountId, amount: '5', idempotencyKey });
        expect(result).toMatchObject({ replayed: false, currentBalance: '6' });
      });

      it(
        'applies 20 concurrent calls with one key once, and all return the same transactionId',
        async () => {
          const accountId = await wallet({ GEMS: '100' });
          const idempotencyKey = ids.key();
          const results = await Promise.all(
            Array.from({ length: 20 }, () =>
              service.withdrawFunds({ accountId, amount: '7', idempotencyKey }),
            ),
          );
          expect(new Set(results.map((r) => r.transactionId)).size).toBe(1);
          expect(results.filter((r) => !r.replayed)).toHaveLength(1);
          expect(results.every((r) => r.currentBalance === '93')).toBe(true);
          expect(await balance(accountId, 'GEMS')).toBe('93');
          expect(await journal(accountId)).toHaveLength(2);
        },
        concurrencyTimeout,
      );

      it(
        'applies concurrent transfers with one key once per sending wallet, whichever wallet each call locks first',
        async () => {
          const a = await wallet({ GEMS: '100' });
          const b = await wallet({ GEMS: '100' });
          const idempotencyKey = ids.key();
          const results = await Promise.all(
            Array.from({ length: 10 }, (_, i) =>
              i % 2 === 0
                ? service.transfer({
                    fromAccountId: a,
                    toAccountId: b,
                    amount: '10',
                    idempotencyKey,
                  })
                : service.transfer({
                    fromAccountId: b,
                    toAccountId: a,
                    amount: '7',
                    idempotencyKey,
                  }),
            ),
          );
          // The key is scoped to the wallet each transfer debits: a->b and b->a are two operations.
          const applied = results.filter((r) => !r.replayed);
          expect(applied.map((r) => r.from.accountId).sort()).toEqual([a, b].sort());
          expect(new Set(results.map((r) => r.transactionId)).size).toBe(2);
          expect(await balance(a, 'GEMS')).toBe('97');
          expect(await balance(b, 'GEMS')).toBe('103');
          expect((await journal(a)).length + (await journal(b)).length).toBe(6);
        },
        concurrencyTimeout,
      );
    });

    describe('idempotency scope', () => {
      it('scopes a key to the wallet it debits or credits: the same key on two wallets is two operations', async () => {
        const a = await wallet({ GEMS: '10' });
        const b = await wallet({ GEMS: '10' });
        const idempotencyKey = ids.key();
        const onA = await service.withdrawFunds({ accountId: a, amount: '3', idempotencyKey });
        const onB = await service.addFunds({ accountId: b, amount: '4', idempotencyKey });
        expect(onA.replayed).toBe(false);
        expect(onB.replayed).toBe(false);
        expect(onB.transactionId).not.toBe(onA.transactionId);
        // Each still replays in its own scope, and refuses another request there.
        expect(await service.withdrawFunds({ accountId: a, amount: '3', idempotencyKey })).toEqual({
          ...onA,
          replayed: true,
        });
        await expectWalletError(
          service.addFunds({ accountId: b, amount: '5', idempotencyKey }),
          'IDEMPOTENCY_KEY_REUSED',
        );
        expect(await balance(a, 'GEMS')).toBe('7');
        expect(await balance(b, 'GEMS')).toBe('14');
      });

      it("scopes a transfer's key to the sender: a credit of the receiver with the same key is its own operation", async () => {
        const sender = await wallet({ GEMS: '10' });
        const receiver = await wallet();
        const idempotencyKey = ids.key();
        await service.transfer({
          fromAccountId: sender,
          toAccountId: receiver,
          amount: '2',
          idempotencyKey,
        });
        const credit = await service.addFunds({ accountId: receiver, amount: '5', idempotencyKey });
        expect(credit).toMatchObject({ replayed: false, currentBalance: '7' });
        await expectWalletError(
          service.withdrawFunds({ accountId: sender, amount: '2', idempotencyKey }),
          'IDEMPOTENCY_KEY_REUSED',
        );
      });

      it("keeps a namespace's keys apart from the servers' keys: no block, no replay, no probe", async () => {
        const accountId = await wallet({ GEMS: '100' });
        const idempotencyKey = ids.key('receipt');
        const player = { idempotencyNamespace: 'player-session:1' };
        // The player uses the storefront's next receipt id first...
        const spent = await service.withdrawFunds({
          accountId,
          amount: '5',
          idempotencyKey,
          ...player,
        });
        // ...and the storefront's credit with that receipt id still applies, once.
        const credited = await service.addFunds({ accountId, amount: '50', idempotencyKey });
        expect(credited).toMatchObject({ replayed: false, currentBalance: '145' });
        expect(await service.addFunds({ accountId, amount: '50', idempotencyKey })).toEqual({
          ...credited,
          replayed: true,
        });
        // The player's retry replays the player's own call, not the server's.
        expect(
          await service.withdrawFunds({ accountId, amount: '5', idempotencyKey, ...player }),
        ).toEqual({ ...spent, replayed: true });
        // A server key the player never used tells the player nothing: it is simply new to them.
        const serverOnly = ids.key('server');
        await service.withdrawFunds({ accountId, amount: '1', idempotencyKey: serverOnly });
        const probe = await service.withdrawFunds({
          accountId,
          amount: '2',
          idempotencyKey: serverOnly,
          idempotencyNamespace: 'player-session:2',
        });
        expect(probe.replayed).toBe(false);
        expect(await balance(accountId, 'GEMS')).toBe('142');
        const keyed = (await journal(accountId)).filter((e) => e.idempotencyKey !== null);
        // Entries record the caller's key as it was sent, without the scope.
        expect(keyed.map((e) => e.idempotencyKey)).toEqual([
          idempotencyKey,
          idempotencyKey,
          serverOnly,
          serverOnly,
        ]);
      });

      it('refuses a malformed namespace with VALIDATION_ERROR and writes nothing', async () => {
        const accountId = await wallet({ GEMS: '10' });
        for (const idempotencyNamespace of ['', 'has space', 'é', 'x'.repeat(129), 7]) {
          await expectWalletError(
            service.withdrawFunds({
              accountId,
              amount: '1',
              idempotencyKey: ids.key(),
              idempotencyNamespace: idempotencyNamespace as string,
            }),
            'VALIDATION_ERROR',
          );
        }
        expect(await journal(accountId)).toHaveLength(1);
      });

      it(
        'applies concurrent calls with one key once per wallet and namespace',
        async () => {
          const a = await wallet({ GEMS: '100' });
          const b = await wallet({ GEMS: '100' });
          const idempotencyKey = ids.key();
          const calls = Array.from({ length: 30 }, (_, i) =>
            service.withdrawFunds({
              accountId: i % 3 === 1 ? b : a,
              amount: '1',
              idempotencyKey,
              ...(i % 3 === 2 ? { idempotencyNamespace: 'player:a' } : {}),
            }),
          );
          const results = await Promise.all(calls);
          expect(results.filter((r) => !r.replayed)).toHaveLength(3);
          expect(new Set(results.map((r) => r.transactionId)).size).toBe(3);
          expect(await balance(a, 'GEMS')).toBe('98');
          expect(await balance(b, 'GEMS')).toBe('99');
        },
        concurrencyTimeout,
      );
    });

    describe('strings', () => {
      it('refuses idempotency keys outside 1..255 printable ASCII with VALIDATION_ERROR and writes nothing', async () => {
        const accountId = await wallet({ GEMS: '10' });
        const keys = [
          '',
          'has space',
          'ordér-1',
          'k-\ud800',
          'tab\t',
          'nul\u0000',
          'x'.repeat(256),
          '😀',
        ];
        for (const idempotencyKey of keys) {
          await expectWalletError(
            service.addFunds({ accountId, amount: '1', idempotencyKey }),
            'VALIDATION_ERROR',
          );
        }
        expect(
          await service.addFunds({ accountId, amount: '1', idempotencyKey: 'x'.repeat(255) }),
        ).toMatchObject({ replayed: false });
        expect(await journal(accountId)).toHaveLength(2);
      });

      it('refuses metadata holding a lone surrogate or U+0000, in a name or a value, with VALIDATION_ERROR and writes nothing', async () => {
        const accountId = await wallet({ GEMS: '10' });
        const other = await wallet();
        const bad: Record<string, unknown>[] = [
          { note: 'k-\ud800' },
          { note: '\udc00 trailing' },
          { note: 'a\u0000b' },
          { 'name\ud83d': 'value' },
          { 'na\u0000me': 'value' },
          { deep: [{ x: ['ok', 'bad\udfff'] }] },
        ];
        for (const metadata of bad) {
          await expectWalletError(
            service.addFunds({ accountId, amount: '1', metadata: metadata as never }),
            'VALIDATION_ERROR',
          );
          await expectWalletError(
            service.transfer({
              fromAccountId: accountId,
              toAccountId: other,
              amount: '1',
              metadata: metadata as never,
            }),
            'VALIDATION_ERROR',
          );
          const fresh = ids.account();
          await expectWalletError(
            service.createWallet({ accountId: fresh, metadata: metadata as never }),
            'VALIDATION_ERROR',
          );
          await expectWalletError(service.getFunds({ accountId: fresh }), 'WALLET_NOT_FOUND');
        }
        expect(await journal(accountId)).toHaveLength(1);
        expect(await journal(other)).toHaveLength(0);
      });

      it('stores astral characters, combining marks, U+2028, quotes, backslashes and $$ exactly as hashed', async () => {
        const metadata = {
          'cafe\u0301': 'e\u0301 \u00e9',
          '😀 𝄞': 'astral 🎮 \u{1F600} 𠀀',
          lines: 'a\u2028b\u2029c\r\n',
          quotes: `it's "quoted" \\ back\\slash \\' \\"`,
          dollars: '$$ $tag$ $1 $$;DROP TABLE x;$$',
          nested: ['\\x00', { $$: "''", '': '' }, 1.5, -0.25, true, null],
        };
        const idempotencyKey = `${ids.key()}'"\\$$!~{}`;
        const accountId = ids.account();
        touched.add(accountId);
        const created = await service.createWallet({ accountId, metadata });
        expect(created.metadata).toEqual(metadata);
        expect((await service.getFunds({ accountId })).metadata).toEqual(metadata);
        const first = await service.addFunds({ accountId, amount: '5', idempotencyKey, metadata });
        const other = await wallet();
        const transferKey = `${idempotencyKey}\\u2028`;
        await service.transfer({
          fromAccountId: accountId,
          toAccountId: other,
          amount: '2',
          idempotencyKey: transferKey,
          metadata,
        });
        const entries = await journal(accountId);
        expect(entries.map((e) => [e.idempotencyKey, e.metadata])).toEqual([
          [idempotencyKey, metadata],
          [transferKey, metadata],
        ]);
        expect((await journal(other))[0]).toMatchObject({ idempotencyKey: transferKey, metadata });
        for (const entry of entries) expect(hashEntry(entry)).toBe(entry.hash);
        expect(await service.verifyWallet({ accountId })).toMatchObject({ ok: true, problems: [] });
        expect(await service.verifyWallet({ accountId: other })).toMatchObject({ ok: true });
        // The stored key and fingerprint match the request again: a retry replays.
        expect(
          await service.addFunds({ accountId, amount: '5', idempotencyKey, metadata }),
        ).toEqual({ ...first, replayed: true });
      });
    });

    describe('exchange at configured rates', () => {
      it("credits from.amount times the rate, rounded down to the target's scale", async () => {
        const accountId = await wallet({ GEMS: '10', GOLD: '1.00' });
        const gold = await service.exchange({
          accountId,
          from: { currency: 'GEMS', amount: '3' },
          to: { currency: 'GOLD' },
        });
        // 3 GEMS at 0.125 is 0.375 GOLD: the player gets 0.37, never 0.38.
        expect(gold).toMatchObject({
          from: { currency: 'GEMS', amount: '3', currentBalance: '7' },
          to: { currency: 'GOLD', amount: '0.37', previousBalance: '1.00', currentBalance: '1.37' },
        });
        const gems = await service.exchange({
          accountId,
          from: { currency: 'GOLD', amount: '1.37' },
          to: { currency: 'GEMS', amount: null },
        });
        // 1.37 GOLD at 7.5 is 10.275 GEMS: 10.
        expect(gems.to).toMatchObject({ amount: '10', currentBalance: '17' });
        expect(await service.verifyWallet({ accountId })).toMatchObject({ ok: true });
      });

      it('refuses a result that rounds to 0 with INVALID_AMOUNT and a pair without a rate with VALIDATION_ERROR, writing nothing', async () => {
        const accountId = await wallet({ GEMS: '10', GOLD: '1.00' });
        await expectWalletError(
          service.exchange({
            accountId,
            from: { currency: 'GOLD', amount: '0.13' },
            to: { currency: 'GEMS' },
          }),
          'INVALID_AMOUNT',
        );
        await expectWalletError(
          service.exchange({
            accountId,
            from: { currency: 'GEMS', amount: '1' },
            to: { currency: 'TOKENS' },
          }),
          'VALIDATION_ERROR',
        );
        expect(await journal(accountId)).toHaveLength(2);
      });

      it('replays a keyed exchange at the rate, and treats it as another request than one with a to.amount', async () => {
        const accountId = await wallet({ GEMS: '16' });
        const idempotencyKey = ids.key();
        const request = {
          accountId,
          from: { currency: 'GEMS', amount: '8' },
          to: { currency: 'GOLD' },
          idempotencyKey,
        };
        const first = await service.exchange(request);
        expect(first.to.amount).toBe('1.00');
        expect(await service.exchange(request)).toEqual({ ...first, replayed: true });
        await expectWalletError(
          service.exchange({ ...request, to: { currency: 'GOLD', amount: '1.00' } }),
          'IDEMPOTENCY_KEY_REUSED',
        );
        expect(await balance(accountId, 'GOLD')).toBe('1.00');
      });
    });

    describe('getTransactionHistory', () => {
      async function busyWallet(): Promise<string> {
        const accountId = await wallet();
        for (let i = 1; i <= 7; i++) {
          await service.addFunds({
            accountId,
            amount: String(i),
            currency: i % 2 ? 'GEMS' : 'GOLD',
          });
        }
        return accountId;
      }

      it('lists entries newest first by default, and oldest first with order asc', async () => {
        const accountId = await busyWallet();
        const desc = await service.getTransactionHistory({ accountId });
        expect(desc.items.map((e) => e.sequence)).toEqual([7, 6, 5, 4, 3, 2, 1]);
        expect(desc.nextCursor).toBeNull();
        const asc = await service.getTransactionHistory({ accountId, order: 'asc' });
        expect(asc.items.map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      });

      it('pages through every entry once with nextCursor, in both orders and with a currency filter', async () => {
        const accountId = await busyWallet();
        for (const order of ['asc', 'desc'] as const) {
          for (const currency of [undefined, 'GEMS', 'GOLD']) {
            const seen: number[] = [];
            let cursor: string | null = null;
            do {
              const page: { items: JournalEntry[]; nextCursor: string | null } =
                await service.getTransactionHistory({
                  accountId,
                  order,
                  limit: 2,
                  cursor,
                  currency,
                });
              expect(page.items.length).toBeLessThanOrEqual(2);
              seen.push(...page.items.map((e) => e.sequence));
              cursor = page.nextCursor;
            } while (cursor);
            const all = [1, 2, 3, 4, 5, 6, 7].filter(
              (s) => currency === undefined || (currency === 'GEMS') === (s % 2 === 1),
            );
            expect(seen).toEqual(order === 'asc' ? all : all.reverse());
          }
        }
      });

      it('rejects a cursor reused with other filters, a malformed cursor and a bad limit or order with VALIDATION_ERROR', async () => {
        const accountId = await busyWallet();
        const { nextCursor } = await service.getTransactionHistory({ accountId, limit: 2 });
        expect(nextCursor).toEqual(expect.any(String));
        const cursor = nextCursor!;
        const other = await busyWallet();
        const invalid = [
          { accountId, limit: 2, cursor, order: 'asc' as const },
          { accountId, limit: 2, cursor, currency: 'GEMS' },
          { accountId: other, limit: 2, cursor },
          { accountId, cursor: 'not-a-cursor' },
          { accountId, cursor: Buffer.from('[1,-4]').toString('base64url') },
          { accountId, limit: 0 },
          { accountId, limit: 1001 },
          { accountId, limit: 2.5 },
          { accountId, order: 'sideways' as never },
        ];
        for (const input of invalid) {
          await expectWalletError(service.getTransactionHistory(input), 'VALIDATION_ERROR');
        }
        const page = await service.getTransactionHistory({ accountId, limit: 2, cursor });
        expect(page.items.map((e) => e.sequence)).toEqual([5, 4]);
      });

      it('fails with WALLET_NOT_FOUND for an unknown wallet and UNKNOWN_CURRENCY for an unknown filter', async () => {
        await expectWalletError(
          service.getTransactionHistory({ accountId: ids.account() }),
          'WALLET_NOT_FOUND',
        );
        const accountId = await wallet();
        await expectWalletError(
          service.getTransactionHistory({ accountId, currency: 'NOPE' }),
          'UNKNOWN_CURRENCY',
        );
        expect(await service.getTransactionHistory({ accountId })).toEqual({
          items: [],
          nextCursor: null,
        });
      });

      it('returns entries that follow the journal contract: gapless sequences, a hash chain, scaled amounts', async () => {
        const accountId = await wallet();
        const idempotencyKey = ids.key();
        await service.addFunds({ accountId, currency: 'GOLD', amount: '5', idempotencyKey });
        await service.withdrawFunds({ accountId, currency: 'GOLD', amount: '1.25' });
        const entries = await journal(accountId);
        expect(entries[0]).toEqual({
          transactionId: expect.any(String),
          accountId,
          sequence: 1,
          type: 'CREDIT',
          currency: 'GOLD',
          amount: '5.00',
          balanceBefore: '0.00',
          balanceAfter: '5.00',
          txTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
          idempotencyKey,
          counterparty: null,
          metadata: null,
          prevHash: GENESIS_HASH,
          hash: expect.stringMatching(/^[0-9a-f]{64}$/),
        });
        expect(entries[1]).toMatchObject({
          type: 'DEBIT',
          amount: '1.25',
          balanceBefore: '5.00',
          balanceAfter: '3.75',
          idempotencyKey: null,
        });
        expect(entries[1]?.prevHash).toBe(entries[0]?.hash);
        for (const entry of entries) expect(hashEntry(entry)).toBe(entry.hash);
      });
    });

    describe('verifyWallet', () => {
      it('verifies a new wallet with no entries', async () => {
        const accountId = await wallet();
        expect(await service.verifyWallet({ accountId })).toEqual({
          ok: true,
          entries: 0,
          headHash: GENESIS_HASH,
          problems: [],
        });
      });

      it('verifies a busy wallet and reports the last entry hash as its head', async () => {
        const accountId = await wallet({ GEMS: '10', GOLD: '3.00', CREDITS: '1.00' });
        const other = await wallet();
        await service.transfer({ fromAccountId: accountId, toAccountId: other, amount: '4' });
        await service.exchange({
          accountId,
          from: { currency: 'GOLD', amount: '1.00' },
          to: { currency: 'GEMS', amount: '2' },
        });
        await service.withdrawFunds({ accountId, currency: 'CREDITS', amount: '50.00' });
        const entries = await journal(accountId);
        expect(await service.verifyWallet({ accountId })).toEqual({
          ok: true,
          entries: 7,
          headHash: entries[6]?.hash,
          problems: [],
        });
      });

      it('fails with WALLET_NOT_FOUND for an unknown wallet', async () => {
        await expectWalletError(
          service.verifyWallet({ accountId: ids.account() }),
          'WALLET_NOT_FOUND',
        );
      });

      const tamperCases: TamperCase[] = [
        [
          'reports a changed amount',
          (e) => e.map((x) => (x.sequence === 2 ? { ...x, amount: '2', balanceAfter: '5' } : x)),
          /hash does not match/,
        ],
        [
          'reports a changed amount with its hash recomputed',
          (e) =>
            e.map((x) => (x.sequence === 2 ? rehash({ ...x, amount: '2', balanceAfter: '5' }) : x)),
          /prevHash does not match|differs from the journal/,
        ],
        [
          'reports a deleted entry',
          (e) => e.filter((x) => x.sequence !== 2),
          /missing or out of order/,
        ],
        [
          'reports the last entry deleted',
          (e) => e.slice(0, -1),
          /journal has 2 entries|head hash/,
        ],
        // Stores read by sequence, so a reordering shows as two entries trading sequences.
        [
          'reports reordered entries',
          (e) => [e[0]!, { ...e[2]!, sequence: 2 }, { ...e[1]!, sequence: 3 }],
          /prevHash does not match|hash does not match/,
        ],
      ];
      for (const [title, edit, problem] of tamperCases) {
        if (options.tamper !== true) continue;
        it(title, async () => {
          expect(fixture.tamper, 'the fixture provides tamper hooks').toBeDefined();
          const accountId = await wallet({ GEMS: '3' });
          tampered.add(accountId);
          await service.addFunds({ accountId, amount: '4' });
          await service.withdrawFunds({ accountId, amount: '2' });
          await fixture.tamper!.rewriteJournal(accountId, edit);
          const report = await service.verifyWallet({ accountId });
          expect(report.ok).toBe(false);
          expect(report.problems.join('\n')).toMatch(problem);
        });
      }
    });

    operationsSuite({
      service: () => service,
      ledger: () => fixture.ledger,
      serviceOptions: options.service ?? {},
      ids,
      wallet,
      touch: (accountId) => touched.add(accountId),
      concurrencyTimeout,
      test: it,
    });

    digestSuite({
      service: () => service,
      ledger: () => fixture.ledger,
      ...(options.tamper === true ? { tamper: () => fixture.tamper! } : {}),
      wallet,
      untouch: (accountId) => tampered.add(accountId),
      concurrencyTimeout,
      test: it,
    });

    describe('concurrency', () => {
      it(
        'double-spend burst: 64 concurrent withdrawals of 100 from 1000 succeed exactly 10 times',
        async () => {
          const accountId = await wallet({ GEMS: '1000' });
          const results = await Promise.allSettled(
            Array.from({ length: 64 }, () => service.withdrawFunds({ accountId, amount: '100' })),
          );
          const ok = results.filter((r) => r.status === 'fulfilled');
          expect(ok).toHaveLength(10);
          for (const r of results) {
            if (r.status === 'rejected')
              expect(r.reason).toMatchObject({ code: 'INSUFFICIENT_FUNDS' });
          }
          expect(await balance(accountId, 'GEMS')).toBe('0');
          const debits = (await journal(accountId)).filter((e) => e.type === 'DEBIT');
          expect(debits).toHaveLength(10);
        },
        concurrencyTimeout,
      );

      it(
        'loses no update: 100 concurrent credits of 1 leave 100 and sequences 1..100',
        async () => {
          const accountId = await wallet();
          await Promise.all(
            Array.from({ length: 100 }, () => service.addFunds({ accountId, amount: '1' })),
          );
          expect(await balance(accountId, 'GEMS')).toBe('100');
          expect((await journal(accountId)).map((e) => e.sequence)).toEqual(
            Array.from({ length: 100 }, (_, i) => i + 1),
          );
          expect((await service.getFunds({ accountId })).version).toBe(100);
        },
        concurrencyTimeout,
      );

      it(
        'creates a wallet once when 10 calls race to create it',
        async () => {
          const accountId = ids.account();
          touched.add(accountId);
          const results = await Promise.allSettled(
            Array.from({ length: 10 }, () => service.createWallet({ accountId })),
          );
          expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
          for (const r of results) {
            if (r.status === 'rejected')
              expect(r.reason).toMatchObject({ code: 'WALLET_ALREADY_EXISTS' });
          }
        },
        concurrencyTimeout,
      );

      it(
        'bank test: random concurrent transfers among 8 wallets keep the total, the minimums and every chain',
        async () => {
          const accountIds: string[] = [];
          for (let i = 0; i < 8; i++)
            accountIds.push(await wallet({ CREDITS: '100.00' }, `bank${i}`));
          const report = await runBankTest({
            service,
            accountIds,
            currency: 'CREDITS',
            durationMs: options.bankTestMs ?? 2000,
            workers: 16,
            maxAmount: 90,
            seed: 7,
          });
          expect(report.unexpected).toEqual([]);
          expect(report.transfers).toBeGreaterThan(0);
          let total = 0n;
          for (const accountId of accountIds) {
            const held = (await balance(accountId, 'CREDITS'))!;
            const units = BigInt(held.replace('.', ''));
            expect(units).toBeGreaterThanOrEqual(-10000n);
            total += units;
            const verified = await service.verifyWallet({ accountId });
            expect(verified.problems).toEqual([]);
          }
          expect(total).toBe(80000n);
        },
        concurrencyTimeout + (options.bankTestMs ?? 2000),
      );
    });

    rejectUnmatched();
  });
}

/** A tamper-evidence test: its title, the edit to the journal, the problem it must report. */
type TamperCase = [
  title: LedgerStoreTest,
  edit: (entries: JournalEntry[]) => JournalEntry[],
  problem: RegExp,
];

function rehash(entry: JournalEntry): JournalEntry {
  return { ...entry, hash: hashEntry(entry) };
}
