import { describe, expect } from 'vitest';
import { expectWalletError } from '../wallet-error.js';
import type { LedgerSuiteContext } from './suite-context.js';

/**
 * The tests of `ledgerStoreSuite` for an `exchange` at the configured rates: the credit
 * rounded down to the target's scale, results it refuses, and replays.
 *
 * @example
 * configuredRateTests(context); // inside ledgerStoreSuite's describe
 */
export function configuredRateTests(context: LedgerSuiteContext): void {
  const { service, ids, wallet, balance, journal, test: it } = context;

  describe('exchange at configured rates', () => {
    it("credits from.amount times the rate, rounded down to the target's scale", async () => {
      const accountId = await wallet({ GEMS: '10', GOLD: '1.00' });
      const gold = await service().exchange({
        accountId,
        from: { currency: 'GEMS', amount: '3' },
        to: { currency: 'GOLD' },
      });
      // 3 GEMS at 0.125 is 0.375 GOLD: the player gets 0.37, never 0.38.
      expect(gold).toMatchObject({
        from: { currency: 'GEMS', amount: '3', currentBalance: '7' },
        to: { currency: 'GOLD', amount: '0.37', previousBalance: '1.00', currentBalance: '1.37' },
      });
      const gems = await service().exchange({
        accountId,
        from: { currency: 'GOLD', amount: '1.37' },
        to: { currency: 'GEMS', amount: null },
      });
      // 1.37 GOLD at 7.5 is 10.275 GEMS: 10.
      expect(gems.to).toMatchObject({ amount: '10', currentBalance: '17' });
      expect(await service().verifyWallet({ accountId })).toMatchObject({ ok: true });
    });

    it('refuses a result that rounds to 0 with INVALID_AMOUNT and a pair without a rate with VALIDATION_ERROR, writing nothing', async () => {
      const accountId = await wallet({ GEMS: '10', GOLD: '1.00' });
      await expectWalletError(
        service().exchange({
          accountId,
          from: { currency: 'GOLD', amount: '0.13' },
          to: { currency: 'GEMS' },
        }),
        'INVALID_AMOUNT',
      );
      await expectWalletError(
        service().exchange({
          accountId,
          from: { currency: 'GEMS', amount: '1' },
          to: { currency: 'TOKENS' },
        }),
        'VALIDATION_ERROR',
      );
      expect(await journal(accountId)).toHaveLength(2);
    });

    it('replays a keyed exchange at the rate, and treats it as another request than one with a to.amount', async () => {
      const accountId = await wallet({ GEMS: '16' });
      const idempotencyKey = ids.key();
      const request = {
        accountId,
        from: { currency: 'GEMS', amount: '8' },
        to: { currency: 'GOLD' },
        idempotencyKey,
      };
      const first = await service().exchange(request);
      expect(first.to.amount).toBe('1.00');
      expect(await service().exchange(request)).toEqual({ ...first, replayed: true });
      await expectWalletError(
        service().exchange({ ...request, to: { currency: 'GOLD', amount: '1.00' } }),
        'IDEMPOTENCY_KEY_REUSED',
      );
      expect(await balance(accountId, 'GOLD')).toBe('1.00');
    });
  });
}
