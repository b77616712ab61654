import { describe, expect } from 'vitest';
import { expectWalletError } from '../wallet-error.js';
import type { LedgerSuiteContext } from './suite-context.js';

/**
 * The idempotency tests of `ledgerStoreSuite`: a retry replays the original result and writes
 * nothing, a key reused for another request is refused, and concurrent calls with one key
 * apply once.
 *
 * @example
 * idempotencyTests(context); // inside ledgerStoreSuite's describe
 */
export function idempotencyTests(context: LedgerSuiteContext): void {
  const { service, ids, wallet, balance, journal, concurrencyTimeout, test: it } = context;

  describe('idempotency', () => {
    it('returns the original result with replayed: true and writes nothing on a retry', async () => {
      const accountId = await wallet({ GEMS: '10' });
      const idempotencyKey = ids.key();
      const first = await service().withdrawFunds({ accountId, amount: '4', idempotencyKey });
      await service().addFunds({ accountId, amount: '100' });
      const again = await service().withdrawFunds({ accountId, amount: '4', idempotencyKey });
      expect(again).toEqual({ ...first, replayed: true });
      expect(await balance(accountId, 'GEMS')).toBe('106');
      expect(await journal(accountId)).toHaveLength(3);
      expect((await journal(accountId))[1]?.idempotencyKey).toBe(idempotencyKey);
    });

    it('accepts a number amount and its string form as the same request', async () => {
      const accountId = await wallet();
      const idempotencyKey = ids.key();
      await service().addFunds({ accountId, currency: 'GOLD', amount: 1.5, idempotencyKey });
      const again = await service().addFunds({
        accountId,
        currency: 'GOLD',
        amount: '1.50',
        idempotencyKey,
      });
      expect(again.replayed).toBe(true);
    });

    it('replays transfers and exchanges with their original balances', async () => {
      const from = await wallet({ GOLD: '10.00' });
      const to = await wallet();
      const transferKey = ids.key();
      const request = {
        fromAccountId: from,
        toAccountId: to,
        amount: '1.00',
        currency: 'GOLD',
        idempotencyKey: transferKey,
      };
      const first = await service().transfer(request);
      await service().transfer({ ...request, idempotencyKey: ids.key() });
      expect(await service().transfer(request)).toEqual({ ...first, replayed: true });

      const exchangeKey = ids.key();
      const swap = {
        accountId: from,
        from: { currency: 'GOLD', amount: '1.00' },
        to: { currency: 'GEMS', amount: '3' },
        idempotencyKey: exchangeKey,
      };
      const exchanged = await service().exchange(swap);
      expect(await service().exchange(swap)).toEqual({ ...exchanged, replayed: true });
      expect(await balance(from, 'GOLD')).toBe('7.00');
      expect(await balance(from, 'GEMS')).toBe('3');
    });

    it('rejects the same key with any other request with IDEMPOTENCY_KEY_REUSED', async () => {
      const accountId = await wallet({ GEMS: '50' });
      const other = await wallet();
      const idempotencyKey = ids.key();
      await service().addFunds({ accountId, amount: '5', idempotencyKey, metadata: { a: 1 } });
      const variants = [
        service().addFunds({ accountId, amount: '6', idempotencyKey, metadata: { a: 1 } }),
        service().addFunds({ accountId, amount: '5', idempotencyKey, metadata: { a: 2 } }),
        service().addFunds({ accountId, amount: '5', idempotencyKey }),
        service().addFunds({
          accountId,
          amount: '5',
          currency: 'TOKENS',
          idempotencyKey,
          metadata: { a: 1 },
        }),
        service().withdrawFunds({ accountId, amount: '5', idempotencyKey, metadata: { a: 1 } }),
        service().transfer({
          fromAccountId: accountId,
          toAccountId: other,
          amount: '5',
          idempotencyKey,
        }),
        service().exchange({
          accountId,
          from: { currency: 'GEMS', amount: '5' },
          to: { currency: 'TOKENS', amount: '5' },
          idempotencyKey,
        }),
      ];
      await Promise.all(variants.map((v) => expectWalletError(v, 'IDEMPOTENCY_KEY_REUSED')));
      expect(await balance(accountId, 'GEMS')).toBe('55');
      expect(await balance(other, 'GEMS')).toBe('0');
    });

    it('treats metadata with reordered keys as the same request', async () => {
      const accountId = await wallet();
      const idempotencyKey = ids.key();
      await service().addFunds({
        accountId,
        amount: '5',
        idempotencyKey,
        metadata: { a: 1, b: 2 },
      });
      const again = await service().addFunds({
        accountId,
        amount: '5',
        idempotencyKey,
        metadata: { b: 2, a: 1 },
      });
      expect(again.replayed).toBe(true);
    });

    it('consumes no key when the call is rejected', async () => {
      const accountId = await wallet({ GEMS: '1' });
      const idempotencyKey = ids.key();
      await expectWalletError(
        service().withdrawFunds({ accountId, amount: '5', idempotencyKey }),
        'INSUFFICIENT_FUNDS',
      );
      await service().addFunds({ accountId, amount: '10' });
      const result = await service().withdrawFunds({ accountId, amount: '5', idempotencyKey });
      expect(result).toMatchObject({ replayed: false, currentBalance: '6' });
    });

    it(
      'applies 20 concurrent calls with one key once, and all return the same transactionId',
      async () => {
        const accountId = await wallet({ GEMS: '100' });
        const idempotencyKey = ids.key();
        const results = await Promise.all(
          Array.from({ length: 20 }, () =>
            service().withdrawFunds({ accountId, amount: '7', idempotencyKey }),
          ),
        );
        expect(new Set(results.map((r) => r.transactionId)).size).toBe(1);
        expect(results.filter((r) => !r.replayed)).toHaveLength(1);
        expect(results.every((r) => r.currentBalance === '93')).toBe(true);
        expect(await balance(accountId, 'GEMS')).toBe('93');
        expect(await journal(accountId)).toHaveLength(2);
      },
      concurrencyTimeout,
    );

    it(
      'applies concurrent transfers with one key once per sending wallet, whichever wallet each call locks first',
      async () => {
        const a = await wallet({ GEMS: '100' });
        const b = await wallet({ GEMS: '100' });
        const idempotencyKey = ids.key();
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            i % 2 === 0
              ? service().transfer({
                  fromAccountId: a,
                  toAccountId: b,
                  amount: '10',
                  idempotencyKey,
                })
              : service().transfer({
                  fromAccountId: b,
                  toAccountId: a,
                  amount: '7',
                  idempotencyKey,
                }),
          ),
        );
        // The key is scoped to the wallet each transfer debits: a->b and b->a are two operations.
        const applied = results.filter((r) => !r.replayed);
        expect(applied.map((r) => r.from.accountId).sort()).toEqual([a, b].sort());
        expect(new Set(results.map((r) => r.transactionId)).size).toBe(2);
        expect(await balance(a, 'GEMS')).toBe('97');
        expect(await balance(b, 'GEMS')).toBe('103');
        expect((await journal(a)).length + (await journal(b)).length).toBe(6);
      },
      concurrencyTimeout,
    );
  });
}
