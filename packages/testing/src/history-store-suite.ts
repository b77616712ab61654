import {
  createMemoryLedger,
  createWalletService,
  type HistoryStore,
  type JournalEntry,
  type WalletService,
} from '@wallet/core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { SUITE_CURRENCIES, uniqueIds } from './fixtures.js';
import { namedTests } from './named-tests.js';
import { seededRandom } from './random.js';

/**
 * The names of the `historyStoreSuite` tests, to turn one off with a reason.
 *
 * @example
 * const name: HistoryStoreTest = 'keeps wallets apart and returns nothing for an unknown account';
 */
export type HistoryStoreTest = (typeof HISTORY_STORE_TESTS)[number];

/**
 * The `historyStoreSuite` tests, by name, in the order they run.
 *
 * @example
 * for (const name of HISTORY_STORE_TESTS) console.log(name);
 */
export const HISTORY_STORE_TESTS = [
  'returns entries exactly as written, every field and amount string intact',
  'keeps one copy of an entry put twice, or put again in a later batch',
  'orders entries by sequence whatever order they arrive in',
  'stores a batch larger than any single write request (over 100 entries)',
  'pages with startAfter and limit in both orders, and filters by currency',
  'keeps wallets apart and returns nothing for an unknown account',
  'serves a WalletService its history, cursor pages included',
] as const;

/**
 * A history store under test.
 *
 * @example
 * const fixture: HistoryFixture = { history: createMemoryHistory() };
 */
export interface HistoryFixture {
  /** The store the suite writes and reads. */
  history: HistoryStore;
  /** Releases connections; called once after the suite. */
  close?: () => Promise<void> | void;
}

/**
 * How to run the history conformance suite against one adapter.
 *
 * @example
 * const options: HistorySuiteOptions = { name: 'memory', createHistory: () => ({ history: createMemoryHistory() }) };
 */
export interface HistorySuiteOptions {
  /** Names the adapter in test titles, e.g. `dynamodb`. */
  name: string;
  /** Builds the store once for the suite; tests use fresh account ids. */
  createHistory: () => Promise<HistoryFixture> | HistoryFixture;
  /**
   * Tests not registered for this store, by name (`HISTORY_STORE_TESTS`), each with the reason
   * it cannot pass them. A name no test has fails the suite at collection.
   */
  skip?: Readonly<Partial<Record<HistoryStoreTest, string>>>;
}

/**
 * The `HistoryStore` conformance suite: exact round trips, idempotent and out-of-order writes,
 * ordering, filters and paging, and a `WalletService` reading its history from the store.
 *
 * @example
 * historyStoreSuite({ name: 'memory', createHistory: () => ({ history: createMemoryHistory() }) });
 */
export function historyStoreSuite(options: HistorySuiteOptions): void {
  describe(`HistoryStore conformance: ${options.name}`, () => {
    let fixture: HistoryFixture;
    const ids = uniqueIds(`${options.name}-h`);
    // The entries under test come from a real service, so they are exactly what a ledger writes.
    const source = createWalletService({
      ledger: createMemoryLedger(),
      currencies: SUITE_CURRENCIES,
    });

    beforeAll(async () => {
      fixture = await options.createHistory();
    });

    afterAll(async () => {
      await fixture?.close?.();
    });

    const { test: it, rejectUnmatched } = namedTests<HistoryStoreTest>(options.skip);

    it('returns entries exactly as written, every field and amount string intact', async () => {
      const [entries, accountId] = await journalOf(source, ids.account(), 6);
      await fixture.history.putEntries(entries);
      const read = await fixture.history.queryEntries({ accountId, order: 'asc', limit: 100 });
      expect(read).toEqual(entries);
    });

    it('keeps one copy of an entry put twice, or put again in a later batch', async () => {
      const [entries, accountId] = await journalOf(source, ids.account(), 5);
      await fixture.history.putEntries(entries);
      await fixture.history.putEntries([...entries.slice(2), ...entries.slice(0, 3)]);
      const read = await fixture.history.queryEntries({ accountId, order: 'asc', limit: 100 });
      expect(read).toEqual(entries);
    });

    it('orders entries by sequence whatever order they arrive in', async () => {
      const [entries, accountId] = await journalOf(source, ids.account(), 40);
      const random = seededRandom(3);
      const shuffled = [...entries].sort(() => random() - 0.5);
      for (let i = 0; i < shuffled.length; i += 7) {
        await fixture.history.putEntries(shuffled.slice(i, i + 7));
      }
      const desc = await fixture.history.queryEntries({ accountId, order: 'desc', limit: 1000 });
      expect(desc.map((e) => e.sequence)).toEqual(entries.map((e) => e.sequence).reverse());
    });

    it('stores a batch larger than any single write request (over 100 entries)', async () => {
      const [entries, accountId] = await journalOf(source, ids.account(), 100);
      expect(entries.length).toBeGreaterThan(100);
      await fixture.history.putEntries(entries);
      const read = await fixture.history.queryEntries({ accountId, order: 'asc', limit: 1001 });
      expect(read).toEqual(entries);
    });

    it('pages with startAfter and limit in both orders, and filters by currency', async () => {
      const [entries, accountId] = await journalOf(source, ids.account(), 10);
      await fixture.history.putEntries(entries);
      const query = fixture.history.queryEntries.bind(fixture.history);
      expect(
        (await query({ accountId, order: 'asc', startAfter: 3, limit: 4 })).map((e) => e.sequence),
      ).toEqual([4, 5, 6, 7]);
      expect(
        (await query({ accountId, order: 'desc', startAfter: 3, limit: 4 })).map((e) => e.sequence),
      ).toEqual([2, 1]);
      expect(await query({ accountId, order: 'desc', limit: 3 })).toEqual(
        entries.slice(-3).reverse(),
      );
      // The ends of the range a cursor can name: nothing beyond them, and no store error.
      const max = Number.MAX_SAFE_INTEGER;
      expect(await query({ accountId, order: 'asc', startAfter: max, limit: 4 })).toEqual([]);
      expect(await query({ accountId, order: 'desc', startAfter: 0, limit: 4 })).toEqual([]);
      const gold = await query({ accountId, currency: 'GOLD', order: 'asc', limit: 100 });
      expect(gold.length).toBeGreaterThan(0);
      expect(gold).toEqual(entries.filter((e) => e.currency === 'GOLD'));
      const goldAfter = await query({
        accountId,
        currency: 'GOLD',
        order: 'asc',
        startAfter: gold[0]!.sequence,
        limit: 2,
      });
      expect(goldAfter).toEqual(gold.slice(1, 3));
    });

    it('keeps wallets apart and returns nothing for an unknown account', async () => {
      const [first, a] = await journalOf(source, ids.account(), 2);
      const [second, b] = await journalOf(source, ids.account(), 3);
      await fixture.history.putEntries([...first, ...second]);
      expect(
        await fixture.history.queryEntries({ accountId: a, order: 'asc', limit: 100 }),
      ).toEqual(first);
      expect(
        await fixture.history.queryEntries({ accountId: b, order: 'asc', limit: 100 }),
      ).toEqual(second);
      expect(
        await fixture.history.queryEntries({ accountId: ids.account(), order: 'asc', limit: 10 }),
      ).toEqual([]);
    });

    it('serves a WalletService its history, cursor pages included', async () => {
      const ledger = createMemoryLedger();
      const writer = createWalletService({ ledger, currencies: SUITE_CURRENCIES });
      const [entries, accountId] = await journalOf(writer, ids.account(), 5);
      await fixture.history.putEntries(entries);
      const reader = createWalletService({
        ledger,
        history: fixture.history,
        currencies: SUITE_CURRENCIES,
      });
      const first = await reader.getTransactionHistory({ accountId, limit: 4 });
      const rest = await reader.getTransactionHistory({
        accountId,
        limit: 4,
        cursor: first.nextCursor,
      });
      expect([...first.items, ...rest.items]).toEqual([...entries].reverse());
      expect(rest.nextCursor).toBeNull();
    });

    rejectUnmatched();
  });
}

/**
 * A wallet's journal with `operations` varied operations after two opening credits:
 * credits, debits, exchanges and transfers, with metadata and counterparties.
 */
async function journalOf(
  service: WalletService,
  accountId: string,
  operations: number,
): Promise<[JournalEntry[], string]> {
  const peer = `${accountId}.peer`;
  await service.createWallet({ accountId, metadata: { source: 'history-suite' } });
  await service.createWallet({ accountId: peer });
  await service.addFunds({ accountId, amount: '1000' });
  await service.addFunds({
    accountId,
    currency: 'GOLD',
    amount: '1000.00',
    idempotencyKey: `${accountId}:open`,
  });
  for (let i = 0; i < operations; i++) {
    switch (i % 4) {
      case 0:
        await service.addFunds({
          accountId,
          currency: 'GOLD',
          amount: `${i}.25`,
          metadata: { i, tags: ['a', 'b'], nested: { ok: true } },
        });
        break;
      case 1:
        await service.withdrawFunds({ accountId, amount: '3' });
        break;
      case 2:
        await service.transfer({ fromAccountId: accountId, toAccountId: peer, amount: '2' });
        break;
      default:
        await service.exchange({
          accountId,
          from: { currency: 'GOLD', amount: '1.50' },
          to: { currency: 'GEMS', amount: '1' },
        });
    }
  }
  const { items } = await service.getTransactionHistory({ accountId, order: 'asc', limit: 1000 });
  return [items, accountId];
}
