import { describe, expect } from 'vitest';
import { runBankTest } from '../bank-test.js';
import type { LedgerSuiteContext } from './suite-context.js';

/**
 * The concurrency tests of `ledgerStoreSuite`, run last: a double-spend burst, lost updates, a
 * race to create one wallet, and the bank test.
 *
 * @example
 * concurrencyTests(context); // inside ledgerStoreSuite's describe
 */
export function concurrencyTests(context: LedgerSuiteContext): void {
  const {
    service,
    ids,
    wallet,
    balance,
    journal,
    touch,
    concurrencyTimeout,
    bankTestMs,
    test: it,
  } = context;

  describe('concurrency', () => {
    it(
      'double-spend burst: 64 concurrent withdrawals of 100 from 1000 succeed exactly 10 times',
      async () => {
        const accountId = await wallet({ GEMS: '1000' });
        const results = await Promise.allSettled(
          Array.from({ length: 64 }, () => service().withdrawFunds({ accountId, amount: '100' })),
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
          Array.from({ length: 100 }, () => service().addFunds({ accountId, amount: '1' })),
        );
        expect(await balance(accountId, 'GEMS')).toBe('100');
        expect((await journal(accountId)).map((e) => e.sequence)).toEqual(
          Array.from({ length: 100 }, (_, i) => i + 1),
        );
        expect((await service().getFunds({ accountId })).version).toBe(100);
      },
      concurrencyTimeout,
    );

    it(
      'creates a wallet once when 10 calls race to create it',
      async () => {
        const accountId = ids.account();
        touch(accountId);
        const results = await Promise.allSettled(
          Array.from({ length: 10 }, () => service().createWallet({ accountId })),
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
          service: service(),
          accountIds,
          currency: 'CREDITS',
          durationMs: bankTestMs,
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
          const verified = await service().verifyWallet({ accountId });
          expect(verified.problems).toEqual([]);
        }
        expect(total).toBe(80000n);
      },
      concurrencyTimeout + bankTestMs,
    );
  });
}
