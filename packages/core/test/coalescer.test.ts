import {
  createMemoryLedger,
  createWalletService,
  type LedgerStore,
  StoreUnavailableError,
} from '@wallet/core';
import { describe, expect, it } from 'vitest';

const currencies = [{ code: 'GEMS', scale: 0 }];

/** The memory ledger, counting transactions and failing them on demand. */
function countingLedger() {
  const inner = createMemoryLedger();
  const state = { transactions: 0, fail: false };
  const ledger: LedgerStore = {
    ...inner,
    async transact(transaction) {
      state.transactions++;
      if (state.fail) throw new StoreUnavailableError('down');
      return inner.transact(transaction);
    },
  };
  return { ledger, state };
}

describe('coalescing', () => {
  it('commits 100 concurrent credits to one wallet in a few transactions, with sequences and versions as if alone', async () => {
    const { ledger, state } = countingLedger();
    const wallets = createWalletService({ ledger, currencies, coalesce: true });
    await wallets.createWallet({ accountId: 'hot' });
    state.transactions = 0;
    const results = await Promise.all(
      Array.from({ length: 100 }, () => wallets.addFunds({ accountId: 'hot', amount: '1' })),
    );
    expect(state.transactions).toBeLessThanOrEqual(2);
    expect(results.map((r) => r.currentBalance)).toEqual(
      Array.from({ length: 100 }, (_, i) => String(i + 1)),
    );
    expect((await wallets.getFunds({ accountId: 'hot' })).version).toBe(100);
    expect(await wallets.verifyWallet({ accountId: 'hot' })).toMatchObject({
      ok: true,
      entries: 100,
    });
  });

  it('fails only the refused operation of a batch, in arrival order, and its neighbours commit', async () => {
    const { ledger } = countingLedger();
    const wallets = createWalletService({ ledger, currencies, coalesce: true });
    await wallets.createWallet({ accountId: 'p' });
    await wallets.addFunds({ accountId: 'p', amount: '10' });
    const calls = [
      wallets.withdrawFunds({ accountId: 'p', amount: '6' }),
      wallets.withdrawFunds({ accountId: 'p', amount: '6' }), // only 4 left: refused
      wallets.withdrawFunds({ accountId: 'p', amount: '4' }),
      wallets.addFunds({ accountId: 'nobody', amount: '1' }),
      wallets.addFunds({ accountId: 'p', amount: '1', idempotencyKey: 'k' }),
      wallets.addFunds({ accountId: 'p', amount: '2', idempotencyKey: 'k' }), // same key, other request
      wallets.addFunds({ accountId: 'p', amount: '1', idempotencyKey: 'k' }), // a duplicate: replays
    ];
    const settled = await Promise.allSettled(calls);
    const summary = settled.map((s) =>
      s.status === 'fulfilled'
        ? `${s.value.currentBalance}${s.value.replayed ? ' replayed' : ''}`
        : (s.reason as { code: string }).code,
    );
    expect(summary).toEqual([
      '4',
      'INSUFFICIENT_FUNDS',
      '0',
      'WALLET_NOT_FOUND',
      '1',
      'IDEMPOTENCY_KEY_REUSED',
      '1 replayed',
    ]);
    expect((await wallets.getFunds({ accountId: 'p' })).balances.GEMS).toBe('1');
    expect(await wallets.verifyWallet({ accountId: 'p' })).toMatchObject({ ok: true, entries: 4 });
  });

  it('fails every operation of a batch with the store error when the transaction fails, and writes nothing', async () => {
    const { ledger, state } = countingLedger();
    const wallets = createWalletService({ ledger, currencies, coalesce: { maxBatch: 64 } });
    await wallets.createWallet({ accountId: 'p' });
    state.fail = true;
    const settled = await Promise.allSettled(
      Array.from({ length: 10 }, () => wallets.addFunds({ accountId: 'p', amount: '1' })),
    );
    expect(
      settled.every(
        (s) =>
          s.status === 'rejected' && (s.reason as { code: string }).code === 'STORE_UNAVAILABLE',
      ),
    ).toBe(true);
    state.fail = false;
    expect((await wallets.getFunds({ accountId: 'p' })).balances.GEMS).toBe('0');
  });

  it('keeps batches within maxBatch', async () => {
    const { ledger, state } = countingLedger();
    const wallets = createWalletService({ ledger, currencies, coalesce: { maxBatch: 10 } });
    await wallets.createWallet({ accountId: 'p' });
    state.transactions = 0;
    await Promise.all(
      Array.from({ length: 95 }, () => wallets.addFunds({ accountId: 'p', amount: '1' })),
    );
    expect(state.transactions).toBeGreaterThanOrEqual(10);
    expect((await wallets.getFunds({ accountId: 'p' })).balances.GEMS).toBe('95');
  });
});
