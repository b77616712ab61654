import { describe, expect } from 'vitest';
import { expectWalletError } from '../wallet-error.js';
import type { LedgerSuiteContext } from './suite-context.js';

/**
 * The `exchange` tests of `ledgerStoreSuite` with both amounts given: both legs in one
 * transaction, each amount at its own scale, and neither leg written when one is refused.
 *
 * @example
 * exchangeTests(context); // inside ledgerStoreSuite's describe
 */
export function exchangeTests(context: LedgerSuiteContext): void {
  const { service, wallet, journal, test: it } = context;

  describe('exchange', () => {
    it('debits one currency and credits another in one transaction', async () => {
      const accountId = await wallet({ GOLD: '20.00' });
      const result = await service().exchange({
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
        service().exchange({
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
        service().exchange({
          accountId,
          from: { currency: 'GOLD', amount: '1.00' },
          to: { currency: 'GEMS', amount: '1.5' },
        }),
        'INVALID_AMOUNT',
      );
      await expectWalletError(
        service().exchange({
          accountId,
          from: { currency: 'GOLD', amount: '1.001' },
          to: { currency: 'GEMS', amount: '1' },
        }),
        'INVALID_AMOUNT',
      );
      await expectWalletError(
        service().exchange({
          accountId,
          from: { currency: 'RUBY', amount: '1' },
          to: { currency: 'GEMS', amount: '1' },
        }),
        'UNKNOWN_CURRENCY',
      );
      await expectWalletError(
        service().exchange({
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
        service().exchange({
          accountId,
          from: { currency: 'GOLD', amount: '5.01' },
          to: { currency: 'GEMS', amount: '1' },
        }),
        'INSUFFICIENT_FUNDS',
      );
      await expectWalletError(
        service().exchange({
          accountId,
          from: { currency: 'GOLD', amount: '1.00' },
          to: { currency: 'TOKENS', amount: '1' },
        }),
        'BALANCE_LIMIT_EXCEEDED',
      );
      expect((await service().getFunds({ accountId })).balances).toMatchObject({
        GOLD: '5.00',
        GEMS: '0',
        TOKENS: '1000',
      });
      expect(await journal(accountId)).toHaveLength(2);
    });
  });
}
