import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  createMemoryLedger,
  createWalletService,
  GENESIS_HASH,
  hashEntry,
  type JournalEntry,
  type LedgerStore,
  MAX_REPORTED_PROBLEMS,
  renderAmount,
  type WalletRecord,
} from '@wallet/core';
import { tamperWallet } from '@wallet/core/testing';
import { describe, expect, it } from 'vitest';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** The `sequence`-th entry of a wallet credited 1 GEMS per entry, chained to `prevHash`. */
function entryAt(sequence: number, prevHash: string, corrupt: boolean): JournalEntry {
  const entry: JournalEntry = {
    transactionId: `tx-${sequence.toString().padStart(12, '0')}`,
    accountId: 'whale',
    sequence,
    type: 'CREDIT',
    currency: 'GEMS',
    amount: '1',
    balanceBefore: renderAmount(BigInt(sequence - 1), 0),
    balanceAfter: renderAmount(BigInt(sequence), 0),
    txTime: '2030-01-01T00:00:00.000Z',
    idempotencyKey: `deposit-${sequence}-${'x'.repeat(200)}`,
    counterparty: null,
    metadata: { note: 'a long journal, generated page by page'.repeat(4) },
    prevHash,
    hash: '',
  };
  entry.hash = corrupt ? '0'.repeat(64) : hashEntry(entry);
  return entry;
}

/**
 * A ledger holding one wallet with `count` entries that exist only while a page is read: each
 * page is generated on request, so whatever the verifier keeps is what stays in memory.
 */
function generatedLedger(count: number, options: { corrupt?: boolean } = {}) {
  let head = GENESIS_HASH;
  for (let sequence = 1; sequence <= count; sequence++) {
    head = entryAt(sequence, head, options.corrupt ?? false).hash;
  }
  const wallet: WalletRecord = {
    accountId: 'whale',
    balances: { GEMS: String(count) },
    version: count,
    sequence: count,
    headHash: head,
    createdAt: '2030-01-01T00:00:00.000Z',
    updatedAt: '2030-01-01T00:00:00.000Z',
    metadata: null,
    holds: [],
  };
  let prevHash = GENESIS_HASH;
  let peakHeap = 0;
  const pages: number[] = [];
  const ledger: LedgerStore = {
    ...createMemoryLedger(),
    transact: () => Promise.reject(new Error('read only')),
    getWallet: async () => wallet,
    async queryEntries(query) {
      expect(query.order).toBe('asc');
      const from = (query.startAfter ?? 0) + 1;
      pages.push(query.limit);
      const page: JournalEntry[] = [];
      for (let sequence = from; sequence <= count && page.length < query.limit; sequence++) {
        const entry = entryAt(sequence, prevHash, options.corrupt ?? false);
        prevHash = entry.hash;
        page.push(entry);
      }
      peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
      return page;
    },
  };
  return { ledger, pages, peakHeap: () => peakHeap };
}

describe('verifyWallet', () => {
  it('reads a long journal page by page and keeps memory bounded by one page', async () => {
    const count = 150_000;
    const { ledger, pages, peakHeap } = generatedLedger(count);
    const service = createWalletService({ ledger, currencies: [{ code: 'GEMS', scale: 0 }] });
    gc();
    const before = process.memoryUsage().heapUsed;
    const report = await service.verifyWallet({ accountId: 'whale' });
    expect(report).toMatchObject({ ok: true, entries: count, problems: [] });
    expect(pages.length).toBeGreaterThan(100);
    expect(Math.max(...pages)).toBeLessThanOrEqual(1000);
    // Every entry held at once would take well over 100 MB; one page a few hundred KB.
    expect(peakHeap() - before).toBeLessThan(48 * 1024 * 1024);
  }, 60_000);

  it(`lists at most ${MAX_REPORTED_PROBLEMS} problems of a journal broken everywhere, then counts the rest`, async () => {
    const { ledger } = generatedLedger(500, { corrupt: true });
    const service = createWalletService({ ledger, currencies: [{ code: 'GEMS', scale: 0 }] });
    const report = await service.verifyWallet({ accountId: 'whale' });
    expect(report.ok).toBe(false);
    expect(report.entries).toBe(500);
    expect(report.problems).toHaveLength(MAX_REPORTED_PROBLEMS + 1);
    expect(report.problems[0]).toMatch(/entry 1 \(sequence 1\): hash does not match/);
    expect(report.problems.at(-1)).toMatch(/^\.\.\. and \d+ more problems$/);
  });

  it("reports an active hold whose placedAt is not its HOLD entry's time", async () => {
    const ledger = createMemoryLedger();
    const service = createWalletService({ ledger, currencies: [{ code: 'GEMS', scale: 0 }] });
    await service.createWallet({ accountId: 'p' });
    await service.addFunds({ accountId: 'p', amount: '5' });
    const hold = await service.placeHold({ accountId: 'p', amount: '2' });
    expect(await service.verifyWallet({ accountId: 'p' })).toMatchObject({ ok: true });
    tamperWallet(ledger, 'p', (wallet) => ({
      ...wallet,
      holds: wallet.holds.map((held) => ({ ...held, placedAt: '2020-01-01T00:00:00.000Z' })),
    }));
    const report = await service.verifyWallet({ accountId: 'p' });
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      `wallet: hold ${hold.holdId} was placed at 2020-01-01T00:00:00.000Z, the journal's HOLD at ${hold.txTime}`,
    ]);
  });

  it('reads a hold an earlier version rewrote without placedAt, before it had a record, as active since its id was made', async () => {
    const ledger = createMemoryLedger();
    const service = createWalletService({ ledger, currencies: [{ code: 'GEMS', scale: 0 }] });
    await service.createWallet({ accountId: 'p' });
    await service.addFunds({ accountId: 'p', amount: '5' });
    const hold = await service.placeHold({ accountId: 'p', amount: '2' });
    tamperWallet(ledger, 'p', (wallet) => ({
      ...wallet,
      holds: wallet.holds.map(({ holdId, currency, amount, expiresAt }) => ({
        holdId,
        currency,
        amount,
        expiresAt,
      })),
    }));
    const read = await service.getHold({ holdId: hold.holdId });
    expect(read).toMatchObject({ status: 'active', amount: '2', available: '3' });
    // The id's time is when the placement was asked for, just before the hold's own time.
    const lead = Date.parse(hold.txTime) - Date.parse(read.txTime);
    expect(lead).toBeGreaterThanOrEqual(0);
    expect(lead).toBeLessThan(1000);
    expect(await service.verifyWallet({ accountId: 'p' })).toMatchObject({ ok: true });
  });
});
