import { describe, expect } from 'vitest';
import { expectWalletError } from '../wallet-error.js';
import type { LedgerSuiteContext } from './suite-context.js';

/**
 * The `transfer` tests of `ledgerStoreSuite`: both entries in one transaction, and nothing
 * written on either side when a wallet is missing, short of funds or at its limit.
 *
 * @example
 * transferTests(context); // inside ledgerStoreSuite's describe
 */
export function transferTests(context: LedgerSuiteContext): void {
  const { service, ids, wallet, balance, journal, test: it } = context;

  describe('transfer', () => {
    it('moves funds atomically: two entries sharing one transactionId, each naming the other wallet', async () => {
      const from = await wallet({ GOLD: '10.00' }, 'from');
      const to = await wallet({}, 'to');
      const result = await service().transfer({
        fromAccountId: from,
        toAccountId: to,
        amount: '2.50',
        currency: 'GOLD',
        metadata: { note: 'gift' },
      });
      expect(result).toMatchObject({
        currency: 'GOLD',
        amount: '2.50',
        replayed: false,
        from: { accountId: from, previousBalance: '10.00', currentBalance: '7.50' },
        to: { accountId: to, previousBalance: '0.00', currentBalance: '2.50' },
      });
      const [out] = (await journal(from)).slice(-1);
      const [into] = await journal(to);
      expect(out).toMatchObject({
        type: 'TRANSFER_OUT',
        counterparty: to,
        transactionId: result.transactionId,
      });
      expect(into).toMatchObject({
        type: 'TRANSFER_IN',
        counterparty: from,
        transactionId: result.transactionId,
      });
      expect(into?.metadata).toEqual({ note: 'gift' });
    });

    it('rejects a transfer to the same wallet with VALIDATION_ERROR', async () => {
      const accountId = await wallet({ GEMS: '5' });
      await expectWalletError(
        service().transfer({ fromAccountId: accountId, toAccountId: accountId, amount: '1' }),
        'VALIDATION_ERROR',
      );
    });

    it('fails with WALLET_NOT_FOUND when either side is missing, and writes to neither', async () => {
      const existing = await wallet({ GEMS: '5' });
      const missing = ids.account();
      await expectWalletError(
        service().transfer({ fromAccountId: existing, toAccountId: missing, amount: '1' }),
        'WALLET_NOT_FOUND',
      );
      await expectWalletError(
        service().transfer({ fromAccountId: missing, toAccountId: existing, amount: '1' }),
        'WALLET_NOT_FOUND',
      );
      expect(await balance(existing, 'GEMS')).toBe('5');
      expect(await journal(existing)).toHaveLength(1);
    });

    it('writes nothing on either side when the sender lacks funds or the receiver would pass its limit', async () => {
      const from = await wallet({ TOKENS: '50' });
      const to = await wallet({ TOKENS: '990' });
      await expectWalletError(
        service().transfer({
          fromAccountId: from,
          toAccountId: to,
          amount: '51',
          currency: 'TOKENS',
        }),
        'INSUFFICIENT_FUNDS',
      );
      await expectWalletError(
        service().transfer({
          fromAccountId: from,
          toAccountId: to,
          amount: '11',
          currency: 'TOKENS',
        }),
        'BALANCE_LIMIT_EXCEEDED',
      );
      expect(await balance(from, 'TOKENS')).toBe('50');
      expect(await balance(to, 'TOKENS')).toBe('990');
      expect((await journal(from)).length + (await journal(to)).length).toBe(2);
    });

    it('validates both account ids and the amount', async () => {
      const accountId = await wallet({ GEMS: '5' });
      await expectWalletError(
        service().transfer({ fromAccountId: accountId, toAccountId: 'bad id', amount: '1' }),
        'INVALID_ACCOUNT_ID',
      );
      await expectWalletError(
        service().transfer({ fromAccountId: accountId, toAccountId: ids.account(), amount: '1.5' }),
        'INVALID_AMOUNT',
      );
    });
  });
}
