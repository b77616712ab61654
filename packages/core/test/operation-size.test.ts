import { describe, expect, it } from 'vitest';
import { MAX_RECORDS_PER_OPERATION } from '../src/adapter.js';
import {
  createMemoryLedger,
  createWalletService,
  type LedgerStore,
  MAX_POSTING_LEGS,
} from '../src/index.js';

describe('MAX_RECORDS_PER_OPERATION', () => {
  it('bounds the records every operation writes, and the reversal of a 16-leg posting over 16 wallets writes exactly that many', async () => {
    const inner = createMemoryLedger();
    const sizes: Record<string, number> = {};
    let current = '';
    const ledger: LedgerStore = {
      ...inner,
      transact: (transaction) =>
        inner.transact({
          ...transaction,
          decide: (snapshot) => {
            const decision = transaction.decide(snapshot);
            const write = decision.write;
            if (write && current !== '') {
              sizes[current] =
                write.wallets.length +
                write.entries.length +
                write.idempotency.length +
                write.records.length;
            }
            return decision;
          },
        }),
    };
    const service = createWalletService({
      ledger,
      currencies: [
        { code: 'GEMS', scale: 0 },
        { code: 'GOLD', scale: 2 },
      ],
    });
    const step = async <T>(name: string, call: () => Promise<T>): Promise<T> => {
      current = name;
      try {
        return await call();
      } finally {
        current = '';
      }
    };
    const ids = Array.from({ length: MAX_POSTING_LEGS }, (_, i) => `w${i}`);
    for (const accountId of ids) await service.createWallet({ accountId });
    await step('addFunds', () =>
      service.addFunds({ accountId: 'w0', amount: '1000', idempotencyKey: 'k1' }),
    );
    await step('withdrawFunds', () =>
      service.withdrawFunds({ accountId: 'w0', amount: '1', idempotencyKey: 'k2' }),
    );
    await step('exchange', () =>
      service.exchange({
        accountId: 'w0',
        from: { currency: 'GEMS', amount: '10' },
        to: { currency: 'GOLD', amount: '1.00' },
        idempotencyKey: 'k3',
      }),
    );
    await step('transfer', () =>
      service.transfer({
        fromAccountId: 'w0',
        toAccountId: 'w1',
        amount: '5',
        idempotencyKey: 'k4',
      }),
    );
    const hold = await step('placeHold', () =>
      service.placeHold({ accountId: 'w0', amount: '10', idempotencyKey: 'k5' }),
    );
    await step('captureHold', () =>
      service.captureHold({
        holdId: hold.holdId,
        amount: '4',
        toAccountId: 'w1',
        idempotencyKey: 'k6',
      }),
    );
    const another = await service.placeHold({ accountId: 'w0', amount: '10' });
    await step('releaseHold', () =>
      service.releaseHold({ holdId: another.holdId, idempotencyKey: 'k7' }),
    );
    // 15 wallets pay 1 each to the 16th: 16 legs over 16 wallets.
    for (const accountId of ids.slice(1)) await service.addFunds({ accountId, amount: '1' });
    const posting = await step('post', () =>
      service.post({
        legs: [
          ...ids
            .slice(1)
            .map((accountId) => ({ accountId, direction: 'debit' as const, amount: '1' })),
          { accountId: 'w0', direction: 'credit' as const, amount: String(ids.length - 1) },
        ],
        idempotencyKey: 'k8',
      }),
    );
    await step('reverseTransaction', () =>
      service.reverseTransaction({ transactionId: posting.transactionId, idempotencyKey: 'k9' }),
    );
    expect(Object.keys(sizes).sort()).toEqual(
      [
        'addFunds',
        'captureHold',
        'exchange',
        'placeHold',
        'post',
        'releaseHold',
        'reverseTransaction',
        'transfer',
        'withdrawFunds',
      ].sort(),
    );
    for (const size of Object.values(sizes)) {
      expect(size).toBeLessThanOrEqual(MAX_RECORDS_PER_OPERATION);
    }
    expect(sizes.reverseTransaction).toBe(MAX_RECORDS_PER_OPERATION);
    expect(MAX_RECORDS_PER_OPERATION).toBeLessThanOrEqual(40); // QLDB's document quota
  });
});
