import { createMemoryLedger, createWalletService, type MemoryLedger } from '@wallet/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CountableLedger,
  type VerifyAllProgress,
  verifyAllWallets,
} from '../src/verify-all.js';

const WALLETS = 4_500;
const currencies = [{ code: 'GEMS', scale: 0 }];

describe('verifyAllWallets', () => {
  let ledger: MemoryLedger;
  let service: ReturnType<typeof createWalletService>;

  beforeAll(async () => {
    ledger = createMemoryLedger();
    service = createWalletService({ ledger, currencies });
    for (let i = 0; i < WALLETS; i++) {
      await service.createWallet({ accountId: `p-${String(i).padStart(5, '0')}` });
    }
    await service.addFunds({
      accountId: 'p-00007',
      currency: 'GEMS',
      amount: '5',
      idempotencyKey: 'k1',
    });
  });

  /** The ledger's read methods, bound, for wrappers that replace some of them. */
  function reads(): CountableLedger {
    return {
      listWallets: ledger.listWallets.bind(ledger),
      queryEntries: ledger.queryEntries.bind(ledger),
      queryJournals: ledger.queryJournals.bind(ledger),
      getRecord: ledger.getRecord.bind(ledger),
    };
  }

  it('asks a store that counts its wallets first, and reports progress for every wallet, however slow the count', async () => {
    const calls: string[] = [];
    const slow: CountableLedger = {
      ...reads(),
      listWallets: (query) => {
        calls.push('listWallets');
        return ledger.listWallets(query);
      },
      countWallets: async (prefix) => {
        // Slower than checking every wallet of this ledger: a count running beside the checks
        // would answer after them, leaving no progress but the last line.
        await new Promise((resolve) => setTimeout(resolve, 200));
        calls.push('counted');
        return ledger.countWallets(prefix);
      },
    };
    const reports: VerifyAllProgress[] = [];
    const result = await verifyAllWallets(slow, service.currencies, {
      onProgress: (progress) => reports.push(progress),
    });
    expect(calls[0]).toBe('counted');
    expect(result).toMatchObject({ wallets: WALLETS, ok: WALLETS, failed: 0, entries: 1 });
    // One report per wallet checked, then the last.
    expect(reports).toHaveLength(WALLETS + 1);
    expect(reports[0]).toEqual({ checked: 1, total: WALLETS, failed: 0 });
    expect(reports.every(({ total }) => total === WALLETS)).toBe(true);
    expect(reports.at(-1)).toEqual({ checked: WALLETS, total: WALLETS, failed: 0 });
  });

  it('counts a store without countWallets by listing it beside the checks, progress starting once the count is in', async () => {
    // The count's listing (the first listWallets call: it starts before the checks) is held
    // until the checks list their fourth page, which they do once the first page is checked.
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let listings = 0;
    const listing: CountableLedger = {
      ...reads(),
      listWallets: async (query) => {
        listings++;
        if (listings === 1) await held;
        if (listings === 5) release();
        return ledger.listWallets(query);
      },
    };
    const reports: VerifyAllProgress[] = [];
    const result = await verifyAllWallets(listing, service.currencies, {
      onProgress: (progress) => reports.push(progress),
    });
    expect(result).toMatchObject({ wallets: WALLETS, ok: WALLETS, failed: 0 });
    expect(reports[0]!.checked).toBeGreaterThan(1_000);
    expect(reports.every(({ total }) => total === WALLETS)).toBe(true);
    const checked = reports.map((report) => report.checked);
    expect(checked).toEqual([...checked].sort((a, b) => a - b));
    expect(reports.at(-1)).toEqual({ checked: WALLETS, total: WALLETS, failed: 0 });
  });
});
