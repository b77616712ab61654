import { GENESIS_HASH, hashEntry, type JournalEntry } from '@wallet/core';
import { describe, expect } from 'vitest';
import { expectWalletError } from '../wallet-error.js';
import type { LedgerSuiteContext } from './suite-context.js';

/**
 * The `getTransactionHistory` tests of `ledgerStoreSuite`: order, paging with cursors, what it
 * refuses, and entries that follow the journal contract.
 *
 * @example
 * historyTests(context); // inside ledgerStoreSuite's describe
 */
export function historyTests(context: LedgerSuiteContext): void {
  const { service, ids, wallet, journal, test: it } = context;

  describe('getTransactionHistory', () => {
    async function busyWallet(): Promise<string> {
      const accountId = await wallet();
      for (let i = 1; i <= 7; i++) {
        await service().addFunds({
          accountId,
          amount: String(i),
          currency: i % 2 ? 'GEMS' : 'GOLD',
        });
      }
      return accountId;
    }

    it('lists entries newest first by default, and oldest first with order asc', async () => {
      const accountId = await busyWallet();
      const desc = await service().getTransactionHistory({ accountId });
      expect(desc.items.map((e) => e.sequence)).toEqual([7, 6, 5, 4, 3, 2, 1]);
      expect(desc.nextCursor).toBeNull();
      const asc = await service().getTransactionHistory({ accountId, order: 'asc' });
      expect(asc.items.map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    });

    it('pages through every entry once with nextCursor, in both orders and with a currency filter', async () => {
      const accountId = await busyWallet();
      for (const order of ['asc', 'desc'] as const) {
        for (const currency of [undefined, 'GEMS', 'GOLD']) {
          const seen: number[] = [];
          let cursor: string | null = null;
          do {
            const page: { items: JournalEntry[]; nextCursor: string | null } =
              await service().getTransactionHistory({
                accountId,
                order,
                limit: 2,
                cursor,
                currency,
              });
            expect(page.items.length).toBeLessThanOrEqual(2);
            seen.push(...page.items.map((e) => e.sequence));
            cursor = page.nextCursor;
          } while (cursor);
          const all = [1, 2, 3, 4, 5, 6, 7].filter(
            (s) => currency === undefined || (currency === 'GEMS') === (s % 2 === 1),
          );
          expect(seen).toEqual(order === 'asc' ? all : all.reverse());
        }
      }
    });

    it('rejects a cursor reused with other filters, a malformed cursor and a bad limit or order with VALIDATION_ERROR', async () => {
      const accountId = await busyWallet();
      const { nextCursor } = await service().getTransactionHistory({ accountId, limit: 2 });
      expect(nextCursor).toEqual(expect.any(String));
      const cursor = nextCursor!;
      const other = await busyWallet();
      const invalid = [
        { accountId, limit: 2, cursor, order: 'asc' as const },
        { accountId, limit: 2, cursor, currency: 'GEMS' },
        { accountId: other, limit: 2, cursor },
        { accountId, cursor: 'not-a-cursor' },
        { accountId, cursor: Buffer.from('[1,-4]').toString('base64url') },
        { accountId, limit: 0 },
        { accountId, limit: 1001 },
        { accountId, limit: 2.5 },
        { accountId, order: 'sideways' as never },
      ];
      for (const input of invalid) {
        await expectWalletError(service().getTransactionHistory(input), 'VALIDATION_ERROR');
      }
      const page = await service().getTransactionHistory({ accountId, limit: 2, cursor });
      expect(page.items.map((e) => e.sequence)).toEqual([5, 4]);
    });

    it('fails with WALLET_NOT_FOUND for an unknown wallet and UNKNOWN_CURRENCY for an unknown filter', async () => {
      await expectWalletError(
        service().getTransactionHistory({ accountId: ids.account() }),
        'WALLET_NOT_FOUND',
      );
      const accountId = await wallet();
      await expectWalletError(
        service().getTransactionHistory({ accountId, currency: 'NOPE' }),
        'UNKNOWN_CURRENCY',
      );
      expect(await service().getTransactionHistory({ accountId })).toEqual({
        items: [],
        nextCursor: null,
      });
    });

    it('returns entries that follow the journal contract: gapless sequences, a hash chain, scaled amounts', async () => {
      const accountId = await wallet();
      const idempotencyKey = ids.key();
      await service().addFunds({ accountId, currency: 'GOLD', amount: '5', idempotencyKey });
      await service().withdrawFunds({ accountId, currency: 'GOLD', amount: '1.25' });
      const entries = await journal(accountId);
      expect(entries[0]).toEqual({
        transactionId: expect.any(String),
        accountId,
        sequence: 1,
        type: 'CREDIT',
        currency: 'GOLD',
        amount: '5.00',
        balanceBefore: '0.00',
        balanceAfter: '5.00',
        txTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        idempotencyKey,
        counterparty: null,
        metadata: null,
        prevHash: GENESIS_HASH,
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      expect(entries[1]).toMatchObject({
        type: 'DEBIT',
        amount: '1.25',
        balanceBefore: '5.00',
        balanceAfter: '3.75',
        idempotencyKey: null,
      });
      expect(entries[1]?.prevHash).toBe(entries[0]?.hash);
      for (const entry of entries) expect(hashEntry(entry)).toBe(entry.hash);
    });
  });
}
