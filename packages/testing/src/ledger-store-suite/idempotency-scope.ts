import { describe, expect } from 'vitest';
import { expectWalletError } from '../wallet-error.js';
import type { LedgerSuiteContext } from './suite-context.js';

/**
 * The idempotency scope tests of `ledgerStoreSuite`: a key belongs to the wallet it debits or
 * credits and to its namespace, so the same key elsewhere is another operation.
 *
 * @example
 * idempotencyScopeTests(context); // inside ledgerStoreSuite's describe
 */
export function idempotencyScopeTests(context: LedgerSuiteContext): void {
  const { service, ids, wallet, balance, journal, concurrencyTimeout, test: it } = context;

  describe('idempotency scope', () => {
    it('scopes a key to the wallet it debits or credits: the same key on two wallets is two operations', async () => {
      const a = await wallet({ GEMS: '10' });
      const b = await wallet({ GEMS: '10' });
      const idempotencyKey = ids.key();
      const onA = await service().withdrawFunds({ accountId: a, amount: '3', idempotencyKey });
      const onB = await service().addFunds({ accountId: b, amount: '4', idempotencyKey });
      expect(onA.replayed).toBe(false);
      expect(onB.replayed).toBe(false);
      expect(onB.transactionId).not.toBe(onA.transactionId);
      // Each still replays in its own scope, and refuses another request there.
      expect(await service().withdrawFunds({ accountId: a, amount: '3', idempotencyKey })).toEqual({
        ...onA,
        replayed: true,
      });
      await expectWalletError(
        service().addFunds({ accountId: b, amount: '5', idempotencyKey }),
        'IDEMPOTENCY_KEY_REUSED',
      );
      expect(await balance(a, 'GEMS')).toBe('7');
      expect(await balance(b, 'GEMS')).toBe('14');
    });

    it("scopes a transfer's key to the sender: a credit of the receiver with the same key is its own operation", async () => {
      const sender = await wallet({ GEMS: '10' });
      const receiver = await wallet();
      const idempotencyKey = ids.key();
      await service().transfer({
        fromAccountId: sender,
        toAccountId: receiver,
        amount: '2',
        idempotencyKey,
      });
      const credit = await service().addFunds({ accountId: receiver, amount: '5', idempotencyKey });
      expect(credit).toMatchObject({ replayed: false, currentBalance: '7' });
      await expectWalletError(
        service().withdrawFunds({ accountId: sender, amount: '2', idempotencyKey }),
        'IDEMPOTENCY_KEY_REUSED',
      );
    });

    it("keeps a namespace's keys apart from the servers' keys: no block, no replay, no probe", async () => {
      const accountId = await wallet({ GEMS: '100' });
      const idempotencyKey = ids.key('receipt');
      const player = { idempotencyNamespace: 'player-session:1' };
      // The player uses the storefront's next receipt id first...
      const spent = await service().withdrawFunds({
        accountId,
        amount: '5',
        idempotencyKey,
        ...player,
      });
      // ...and the storefront's credit with that receipt id still applies, once.
      const credited = await service().addFunds({ accountId, amount: '50', idempotencyKey });
      expect(credited).toMatchObject({ replayed: false, currentBalance: '145' });
      expect(await service().addFunds({ accountId, amount: '50', idempotencyKey })).toEqual({
        ...credited,
        replayed: true,
      });
      // The player's retry replays the player's own call, not the server's.
      expect(
        await service().withdrawFunds({ accountId, amount: '5', idempotencyKey, ...player }),
      ).toEqual({ ...spent, replayed: true });
      // A server key the player never used tells the player nothing: it is simply new to them.
      const serverOnly = ids.key('server');
      await service().withdrawFunds({ accountId, amount: '1', idempotencyKey: serverOnly });
      const probe = await service().withdrawFunds({
        accountId,
        amount: '2',
        idempotencyKey: serverOnly,
        idempotencyNamespace: 'player-session:2',
      });
      expect(probe.replayed).toBe(false);
      expect(await balance(accountId, 'GEMS')).toBe('142');
      const keyed = (await journal(accountId)).filter((e) => e.idempotencyKey !== null);
      // Entries record the caller's key as it was sent, without the scope.
      expect(keyed.map((e) => e.idempotencyKey)).toEqual([
        idempotencyKey,
        idempotencyKey,
        serverOnly,
        serverOnly,
      ]);
    });

    it('refuses a malformed namespace with VALIDATION_ERROR and writes nothing', async () => {
      const accountId = await wallet({ GEMS: '10' });
      for (const idempotencyNamespace of ['', 'has space', 'é', 'x'.repeat(129), 7]) {
        await expectWalletError(
          service().withdrawFunds({
            accountId,
            amount: '1',
            idempotencyKey: ids.key(),
            idempotencyNamespace: idempotencyNamespace as string,
          }),
          'VALIDATION_ERROR',
        );
      }
      expect(await journal(accountId)).toHaveLength(1);
    });

    it(
      'applies concurrent calls with one key once per wallet and namespace',
      async () => {
        const a = await wallet({ GEMS: '100' });
        const b = await wallet({ GEMS: '100' });
        const idempotencyKey = ids.key();
        const calls = Array.from({ length: 30 }, (_, i) =>
          service().withdrawFunds({
            accountId: i % 3 === 1 ? b : a,
            amount: '1',
            idempotencyKey,
            ...(i % 3 === 2 ? { idempotencyNamespace: 'player:a' } : {}),
          }),
        );
        const results = await Promise.all(calls);
        expect(results.filter((r) => !r.replayed)).toHaveLength(3);
        expect(new Set(results.map((r) => r.transactionId)).size).toBe(3);
        expect(await balance(a, 'GEMS')).toBe('98');
        expect(await balance(b, 'GEMS')).toBe('99');
      },
      concurrencyTimeout,
    );
  });
}
