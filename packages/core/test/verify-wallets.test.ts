import { describe, expect, it } from 'vitest';
import {
  createMemoryLedger,
  createWalletService,
  type JournalsQuery,
  verifyWallets,
  type WalletCheck,
} from '../src/index.js';
import { tamperJournal } from '../src/testing.js';

async function collect(checks: AsyncIterable<WalletCheck>): Promise<WalletCheck[]> {
  const all: WalletCheck[] = [];
  for await (const check of checks) all.push(check);
  return all;
}

describe('verifyWallets on the memory ledger', () => {
  it('reads journals across pages of wallets and of entries, and finds the one tampered wallet', async () => {
    const ledger = createMemoryLedger();
    const service = createWalletService({ ledger, currencies: [{ code: 'GEMS', scale: 0 }] });
    const ids = Array.from({ length: 1_200 }, (_, i) => `v-${String(i).padStart(4, '0')}`);
    for (const accountId of ids) {
      await service.createWallet({ accountId });
      await service.addFunds({ accountId, amount: '10' });
    }
    // One long journal, so a page of 10,000 entries ends inside a wallet.
    for (let i = 0; i < 10_050; i++) await service.addFunds({ accountId: 'v-0500', amount: '1' });
    await service.createWallet({ accountId: 'w-other' });
    const queries: JournalsQuery[] = [];
    const counting = {
      listWallets: ledger.listWallets.bind(ledger),
      queryEntries: ledger.queryEntries.bind(ledger),
      getRecord: ledger.getRecord.bind(ledger),
      queryJournals(query: JournalsQuery) {
        queries.push(query);
        return ledger.queryJournals(query);
      },
    };

    const clean = await collect(verifyWallets(counting, service.currencies, { prefix: 'v-' }));
    expect(clean.map((check) => check.accountId)).toEqual(ids);
    expect(clean.every((check) => check.report.ok)).toBe(true);
    expect(clean[500]!.report).toEqual(await service.verifyWallet({ accountId: 'v-0500' }));
    expect(clean[500]!.report.entries).toBe(10_051);
    // Two pages of wallets; the first one's 11,050 entries take two reads, the second read
    // asked for before the next page of wallets is listed.
    expect(queries.map((query) => [query.accountIds.length, query.after?.accountId])).toEqual([
      [1000, undefined],
      [1000, 'v-0500'],
      [200, undefined],
    ]);

    tamperJournal(ledger, 'v-0999', (entries) =>
      entries.map((entry) => ({ ...entry, amount: '11' })),
    );
    const tampered = await collect(verifyWallets(ledger, service.currencies));
    expect(tampered.filter((check) => !check.report.ok).map((check) => check.accountId)).toEqual([
      'v-0999',
    ]);
    expect(tampered.at(-1)).toEqual({
      accountId: 'w-other',
      report: expect.objectContaining({ ok: true, entries: 0 }),
    });
  });

  it('counts wallets by prefix as listWallets lists them', async () => {
    const ledger = createMemoryLedger();
    const service = createWalletService({ ledger, currencies: [{ code: 'GEMS', scale: 0 }] });
    for (const accountId of ['a1', 'a2', 'ab', 'b1']) await service.createWallet({ accountId });
    expect(await ledger.countWallets('a')).toBe(3);
    expect(await ledger.countWallets('ab')).toBe(1);
    expect(await ledger.countWallets('c')).toBe(0);
    expect(await ledger.countWallets('')).toBe(4);
  });

  it('reads a store without queryJournals one wallet at a time, with the same reports', async () => {
    const ledger = createMemoryLedger();
    const service = createWalletService({ ledger, currencies: [{ code: 'GEMS', scale: 0 }] });
    for (const accountId of ['a', 'b', 'c']) {
      await service.createWallet({ accountId });
      await service.addFunds({ accountId, amount: '3' });
    }
    const plain = {
      listWallets: ledger.listWallets.bind(ledger),
      queryEntries: ledger.queryEntries.bind(ledger),
      getRecord: ledger.getRecord.bind(ledger),
    };
    expect(await collect(verifyWallets(plain, service.currencies))).toEqual(
      await collect(verifyWallets(ledger, service.currencies)),
    );
  });
});
