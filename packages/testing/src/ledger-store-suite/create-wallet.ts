import { describe, expect } from 'vitest';
import { expectWalletError } from '../wallet-error.js';
import type { LedgerSuiteContext } from './suite-context.js';

/**
 * The `createWallet` tests of `ledgerStoreSuite`: a new wallet's version, balances and
 * metadata, one wallet per account, and the account ids and metadata it refuses.
 *
 * @example
 * createWalletTests(context); // inside ledgerStoreSuite's describe
 */
export function createWalletTests(context: LedgerSuiteContext): void {
  const { service, ids, wallet, balance, touch, test: it } = context;

  describe('createWallet', () => {
    it('creates a wallet at version 0 with a zero balance in every configured currency', async () => {
      const accountId = ids.account();
      touch(accountId);
      const created = await service().createWallet({ accountId, metadata: { tier: 'gold' } });
      expect(created).toMatchObject({
        accountId,
        version: 0,
        balances: { GEMS: '0', GOLD: '0.00', CREDITS: '0.00', TOKENS: '0' },
        metadata: { tier: 'gold' },
      });
      expect(created.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(await service().getFunds({ accountId })).toEqual(created);
    });

    it('rejects a second wallet for the same account with WALLET_ALREADY_EXISTS', async () => {
      const accountId = await wallet({ GEMS: '5' });
      await expectWalletError(service().createWallet({ accountId }), 'WALLET_ALREADY_EXISTS');
      expect(await balance(accountId, 'GEMS')).toBe('5');
    });

    it('rejects malformed account ids with INVALID_ACCOUNT_ID', async () => {
      for (const accountId of [
        '',
        '-lead',
        'a'.repeat(129),
        "x'; DROP TABLE wallets;--",
        'a b',
        'é',
        42,
        null,
      ]) {
        await expectWalletError(
          service().createWallet({ accountId: accountId as string }),
          'INVALID_ACCOUNT_ID',
        );
      }
    });

    it('accepts the longest valid account id of 128 characters', async () => {
      const accountId = `A${'x'.repeat(120)}${ids.account('').slice(-7)}`.slice(0, 128);
      touch(accountId);
      await expect(service().createWallet({ accountId })).resolves.toMatchObject({ accountId });
    });

    it('rejects metadata that is not a JSON object with VALIDATION_ERROR', async () => {
      for (const metadata of [[1], 'text', 7, { big: 'x'.repeat(5000) }]) {
        await expectWalletError(
          service().createWallet({ accountId: ids.account(), metadata: metadata as never }),
          'VALIDATION_ERROR',
        );
      }
    });
  });
}
