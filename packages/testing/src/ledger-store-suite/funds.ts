import { describe, expect } from 'vitest';
import { steppingClock } from '../fixtures.js';
import { expectWalletError } from '../wallet-error.js';
import type { LedgerSuiteContext } from './suite-context.js';

/**
 * The `addFunds` and `withdrawFunds` tests of `ledgerStoreSuite`: exact arithmetic, the
 * injected clock, amounts and currencies they refuse, and the minimum and maximum balances.
 *
 * @example
 * fundsTests(context); // inside ledgerStoreSuite's describe
 */
export function fundsTests(context: LedgerSuiteContext): void {
  const { service, serviceWith, ids, wallet, balance, journal, test: it } = context;

  describe('addFunds and withdrawFunds', () => {
    it('credit the default currency (the first configured) when none is named', async () => {
      const accountId = await wallet();
      const result = await service().addFunds({ accountId, amount: '12' });
      expect(result).toMatchObject({
        accountId,
        currency: 'GEMS',
        amount: '12',
        previousBalance: '0',
        currentBalance: '12',
        replayed: false,
      });
      expect(result.transactionId).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('stamp txTime from the injected clock on the result and the entry', async () => {
      const accountId = await wallet();
      const timed = serviceWith(steppingClock('2031-02-03T04:05:06.789Z', 0));
      const result = await timed.addFunds({ accountId, amount: '1' });
      expect(result.txTime).toBe('2031-02-03T04:05:06.789Z');
      expect((await journal(accountId))[0]?.txTime).toBe('2031-02-03T04:05:06.789Z');
      expect((await service().getFunds({ accountId })).updatedAt).toBe('2031-02-03T04:05:06.789Z');
    });

    it('add and subtract exactly, with no floating-point drift', async () => {
      const accountId = await wallet();
      for (let i = 0; i < 10; i++) {
        await service().addFunds({ accountId, currency: 'GOLD', amount: '0.1' });
      }
      await service().addFunds({ accountId, currency: 'GOLD', amount: 0.2 });
      const result = await service().withdrawFunds({ accountId, currency: 'GOLD', amount: '0.30' });
      expect(result).toMatchObject({
        previousBalance: '1.20',
        currentBalance: '0.90',
        amount: '0.30',
      });
    });

    it('hold balances up to 18 integer digits exactly', async () => {
      const accountId = await wallet();
      const big = '999999999999999999';
      await service().addFunds({ accountId, amount: big });
      await service().withdrawFunds({ accountId, amount: '1' });
      expect(await balance(accountId, 'GEMS')).toBe('999999999999999998');
      await expectWalletError(
        service().addFunds({ accountId, amount: '2' }),
        'BALANCE_LIMIT_EXCEEDED',
      );
    });

    it('take a number past 2^53 as the integer String(n) names, and hold it exactly', async () => {
      const accountId = await wallet();
      const result = await service().addFunds({ accountId, currency: 'GOLD', amount: 2 ** 53 + 2 });
      expect(result.amount).toBe('9007199254740994.00');
      await service().withdrawFunds({ accountId, currency: 'GOLD', amount: '0.01' });
      expect(await balance(accountId, 'GOLD')).toBe('9007199254740993.99');
    });

    it('reject every malformed amount with INVALID_AMOUNT and write nothing', async () => {
      const accountId = await wallet({ GOLD: '5.00' });
      const bad: unknown[] = [
        '0',
        '-1',
        '0.00',
        '1.001',
        '1e3',
        ' 1',
        '1 ',
        '1.',
        '.5',
        '+1',
        '1,5',
        '0x10',
        '',
        'NaN',
        'Infinity',
        '1234567890123456789',
        '01',
        NaN,
        Number.POSITIVE_INFINITY,
        -1,
        0,
        1e18,
        1e21,
        true,
        null,
        undefined,
        {},
        ['1'],
      ];
      for (const amount of bad) {
        await expectWalletError(
          service().addFunds({ accountId, currency: 'GOLD', amount: amount as string }),
          'INVALID_AMOUNT',
        );
        await expectWalletError(
          service().withdrawFunds({ accountId, currency: 'GOLD', amount: amount as string }),
          'INVALID_AMOUNT',
        );
      }
      expect(await balance(accountId, 'GOLD')).toBe('5.00');
      expect(await journal(accountId)).toHaveLength(1);
    });

    it('reject an unconfigured currency with UNKNOWN_CURRENCY', async () => {
      const accountId = await wallet();
      for (const currency of ['RUBIES', 'gems', 7]) {
        await expectWalletError(
          service().addFunds({ accountId, amount: '1', currency: currency as string }),
          'UNKNOWN_CURRENCY',
        );
      }
    });

    it('fail with WALLET_NOT_FOUND for an unknown wallet and create nothing', async () => {
      const accountId = ids.account();
      await expectWalletError(service().addFunds({ accountId, amount: '1' }), 'WALLET_NOT_FOUND');
      await expectWalletError(
        service().withdrawFunds({ accountId, amount: '1' }),
        'WALLET_NOT_FOUND',
      );
      await expectWalletError(service().getFunds({ accountId }), 'WALLET_NOT_FOUND');
    });

    it('refuse a withdrawal below the minimum with INSUFFICIENT_FUNDS, its context, and no write', async () => {
      const accountId = await wallet({ GOLD: '3.00' });
      const error = await expectWalletError(
        service().withdrawFunds({ accountId, currency: 'GOLD', amount: '3.01' }),
        'INSUFFICIENT_FUNDS',
      );
      expect(error).toMatchObject({
        accountId,
        currency: 'GOLD',
        balance: '3.00',
        requested: '3.01',
      });
      expect(await balance(accountId, 'GOLD')).toBe('3.00');
      expect((await service().getFunds({ accountId })).version).toBe(1);
      await service().withdrawFunds({ accountId, currency: 'GOLD', amount: '3.00' });
      expect(await balance(accountId, 'GOLD')).toBe('0.00');
    });

    it('allow an overdraft down to a negative minBalance exactly, and no further', async () => {
      const accountId = await wallet();
      const result = await service().withdrawFunds({
        accountId,
        currency: 'CREDITS',
        amount: '100.00',
      });
      expect(result.currentBalance).toBe('-100.00');
      await expectWalletError(
        service().withdrawFunds({ accountId, currency: 'CREDITS', amount: '0.01' }),
        'INSUFFICIENT_FUNDS',
      );
      await service().addFunds({ accountId, currency: 'CREDITS', amount: '0.5' });
      expect(await balance(accountId, 'CREDITS')).toBe('-99.50');
    });

    it('refuse a credit above maxBalance with BALANCE_LIMIT_EXCEEDED and no write', async () => {
      const accountId = await wallet({ TOKENS: '999' });
      const error = await expectWalletError(
        service().addFunds({ accountId, currency: 'TOKENS', amount: '2' }),
        'BALANCE_LIMIT_EXCEEDED',
      );
      expect(error).toMatchObject({ balance: '999', requested: '2', limit: '1000' });
      await service().addFunds({ accountId, currency: 'TOKENS', amount: '1' });
      expect(await balance(accountId, 'TOKENS')).toBe('1000');
    });

    it('keep operation metadata on the journal entry', async () => {
      const accountId = await wallet();
      await service().addFunds({
        accountId,
        amount: '3',
        metadata: { reason: 'quest', quest: 12 },
      });
      expect((await journal(accountId))[0]?.metadata).toEqual({ reason: 'quest', quest: 12 });
    });

    it('reject a malformed request object with VALIDATION_ERROR or a typed error, never a TypeError', async () => {
      await expectWalletError(service().addFunds(null as never), 'VALIDATION_ERROR');
      await expectWalletError(service().withdrawFunds('x' as never), 'VALIDATION_ERROR');
      await expectWalletError(
        service().addFunds({ accountId: ids.account(), amount: '1', idempotencyKey: '' }),
        'VALIDATION_ERROR',
      );
      await expectWalletError(
        service().addFunds({
          accountId: ids.account(),
          amount: '1',
          idempotencyKey: 'k'.repeat(256),
        }),
        'VALIDATION_ERROR',
      );
    });
  });
}
