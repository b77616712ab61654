import { createMemoryLedger, createWalletService, type MemoryLedger } from '@wallet/core';
import { tamperJournal, tamperWallet } from '@wallet/core/testing';
import { describe, expect, it } from 'vitest';

async function ledgerWithWallet(): Promise<MemoryLedger> {
  const ledger = createMemoryLedger();
  const service = createWalletService({ ledger, currencies: [{ code: 'GEMS', scale: 0 }] });
  await service.createWallet({ accountId: 'p1' });
  await service.addFunds({ accountId: 'p1', amount: '5' });
  await service.addFunds({ accountId: 'p1', amount: '7' });
  return ledger;
}

describe('@wallet/core/testing', () => {
  it('tamperJournal stores what the edit returns as the journal, and verifyWallet catches it', async () => {
    const ledger = await ledgerWithWallet();
    const service = createWalletService({ ledger, currencies: [{ code: 'GEMS', scale: 0 }] });
    tamperJournal(ledger, 'p1', (entries) =>
      entries.map((entry) => (entry.sequence === 1 ? { ...entry, amount: '500' } : entry)),
    );
    const stored = await ledger.queryEntries({ accountId: 'p1', order: 'asc', limit: 10 });
    expect(stored.map((entry) => entry.amount)).toEqual(['500', '7']);
    const report = await service.verifyWallet({ accountId: 'p1' });
    expect(report.ok).toBe(false);
    expect(report.problems).toContainEqual(
      expect.stringMatching(/hash does not match its contents/),
    );
  });

  it('tamperWallet edits a copy of the stored wallet and stores the result, frozen', async () => {
    const ledger = await ledgerWithWallet();
    const before = (await ledger.getWallet('p1'))!;
    tamperWallet(ledger, 'p1', (wallet) => {
      wallet.balances.GEMS = '1000000';
      return wallet;
    });
    const after = (await ledger.getWallet('p1'))!;
    expect(after.balances).toEqual({ GEMS: '1000000' });
    expect(before.balances).toEqual({ GEMS: '12' });
    expect(Object.isFrozen(after)).toBe(true);
  });

  it('tamperWallet leaves a wallet the ledger does not hold absent', async () => {
    const ledger = await ledgerWithWallet();
    tamperWallet(ledger, 'nobody', (wallet) => wallet);
    expect(await ledger.getWallet('nobody')).toBeNull();
  });

  it('refuses a ledger createMemoryLedger did not return, a copy with its methods spread included', async () => {
    const copy: MemoryLedger = { ...(await ledgerWithWallet()) };
    expect(() => tamperJournal(copy, 'p1', (entries) => entries)).toThrow(TypeError);
    expect(() => tamperWallet(copy, 'p1', (wallet) => wallet)).toThrow(/no tamper hooks/);
  });
});
