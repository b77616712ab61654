import { describe, expect, it } from 'vitest';
import {
  createMemoryLedger,
  createWalletService,
  type LedgerStore,
  MAX_RECORDS_PER_OPERATION,
} from '../src/index.js';

describe('MAX_RECORDS_PER_OPERATION', () => {
  it('bounds the records any one operation writes, and a keyed transfer writes exactly that many', async () => {
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
            if (write) {
              sizes[current] =
                write.wallets.length + write.entries.length + write.idempotency.length;
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
    const step = async (name: string, call: () => Promise<unknown>) => {
      current = name;
      await call();
    };
    await step('create', () => service.createWallet({ accountId: 'a' }));
    await service.createWallet({ accountId: 'b' });
    await step('addFunds', () =>
      service.addFunds({ accountId: 'a', amount: '100', idempotencyKey: 'k1' }),
    );
    await step('withdrawFunds', () =>
      service.withdrawFunds({ accountId: 'a', amount: '1', idempotencyKey: 'k2' }),
    );
    await step('exchange', () =>
      service.exchange({
        accountId: 'a',
        from: { currency: 'GEMS', amount: '10' },
        to: { currency: 'GOLD', amount: '1.00' },
        idempotencyKey: 'k3',
      }),
    );
    await step('transfer', () =>
      service.transfer({ fromAccountId: 'a', toAccountId: 'b', amount: '5', idempotencyKey: 'k4' }),
    );
    for (const size of Object.values(sizes)) {
      expect(size).toBeLessThanOrEqual(MAX_RECORDS_PER_OPERATION);
    }
    expect(Object.keys(sizes).sort()).toEqual(
      ['addFunds', 'create', 'exchange', 'transfer', 'withdrawFunds'].sort(),
    );
    expect(sizes.transfer).toBe(MAX_RECORDS_PER_OPERATION);
  });
});
