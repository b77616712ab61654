import { describe, expect } from 'vitest';
import { expectWalletError } from '../wallet-error.js';
import type { LedgerSuiteContext } from './suite-context.js';

/**
 * The `getFunds` tests of `ledgerStoreSuite`: an unknown wallet, and every balance at its
 * currency's scale.
 *
 * @example
 * getFundsTests(context); // inside ledgerStoreSuite's describe
 */
export function getFundsTests(context: LedgerSuiteContext): void {
  const { service, ids, wallet, test: it } = context;

  describe('getFunds', () => {
    it('fails with WALLET_NOT_FOUND for an account without a wallet', async () => {
      await expectWalletError(service().getFunds({ accountId: ids.account() }), 'WALLET_NOT_FOUND');
    });

    it('renders every balance with exactly its currency scale', async () => {
      const accountId = await wallet({ GOLD: '10.5', GEMS: '7' });
      expect((await service().getFunds({ accountId })).balances).toEqual({
        GEMS: '7',
        GOLD: '10.50',
        CREDITS: '0.00',
        TOKENS: '0',
      });
    });
  });
}
