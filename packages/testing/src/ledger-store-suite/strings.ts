import { hashEntry } from '@wallet/core';
import { describe, expect } from 'vitest';
import { expectWalletError } from '../wallet-error.js';
import type { LedgerSuiteContext } from './suite-context.js';

/**
 * The string tests of `ledgerStoreSuite`: idempotency keys and metadata the service refuses,
 * and text the store must keep exactly as it was hashed.
 *
 * @example
 * stringTests(context); // inside ledgerStoreSuite's describe
 */
export function stringTests(context: LedgerSuiteContext): void {
  const { service, ids, wallet, journal, touch, test: it } = context;

  describe('strings', () => {
    it('refuses idempotency keys outside 1..255 printable ASCII with VALIDATION_ERROR and writes nothing', async () => {
      const accountId = await wallet({ GEMS: '10' });
      const keys = [
        '',
        'has space',
        'ordér-1',
        'k-\ud800',
        'tab\t',
        'nul\u0000',
        'x'.repeat(256),
        '😀',
      ];
      for (const idempotencyKey of keys) {
        await expectWalletError(
          service().addFunds({ accountId, amount: '1', idempotencyKey }),
          'VALIDATION_ERROR',
        );
      }
      expect(
        await service().addFunds({ accountId, amount: '1', idempotencyKey: 'x'.repeat(255) }),
      ).toMatchObject({ replayed: false });
      expect(await journal(accountId)).toHaveLength(2);
    });

    it('refuses metadata holding a lone surrogate or U+0000, in a name or a value, with VALIDATION_ERROR and writes nothing', async () => {
      const accountId = await wallet({ GEMS: '10' });
      const other = await wallet();
      const bad: Record<string, unknown>[] = [
        { note: 'k-\ud800' },
        { note: '\udc00 trailing' },
        { note: 'a\u0000b' },
        { 'name\ud83d': 'value' },
        { 'na\u0000me': 'value' },
        { deep: [{ x: ['ok', 'bad\udfff'] }] },
      ];
      for (const metadata of bad) {
        await expectWalletError(
          service().addFunds({ accountId, amount: '1', metadata: metadata as never }),
          'VALIDATION_ERROR',
        );
        await expectWalletError(
          service().transfer({
            fromAccountId: accountId,
            toAccountId: other,
            amount: '1',
            metadata: metadata as never,
          }),
          'VALIDATION_ERROR',
        );
        const fresh = ids.account();
        await expectWalletError(
          service().createWallet({ accountId: fresh, metadata: metadata as never }),
          'VALIDATION_ERROR',
        );
        await expectWalletError(service().getFunds({ accountId: fresh }), 'WALLET_NOT_FOUND');
      }
      expect(await journal(accountId)).toHaveLength(1);
      expect(await journal(other)).toHaveLength(0);
    });

    it('stores astral characters, combining marks, U+2028, quotes, backslashes and $$ exactly as hashed', async () => {
      const metadata = {
        'cafe\u0301': 'e\u0301 \u00e9',
        '😀 𝄞': 'astral 🎮 \u{1F600} 𠀀',
        lines: 'a\u2028b\u2029c\r\n',
        quotes: `it's "quoted" \\ back\\slash \\' \\"`,
        dollars: '$$ $tag$ $1 $$;DROP TABLE x;$$',
        nested: ['\\x00', { $$: "''", '': '' }, 1.5, -0.25, true, null],
      };
      const idempotencyKey = `${ids.key()}'"\\$$!~{}`;
      const accountId = ids.account();
      touch(accountId);
      const created = await service().createWallet({ accountId, metadata });
      expect(created.metadata).toEqual(metadata);
      expect((await service().getFunds({ accountId })).metadata).toEqual(metadata);
      const first = await service().addFunds({ accountId, amount: '5', idempotencyKey, metadata });
      const other = await wallet();
      const transferKey = `${idempotencyKey}\\u2028`;
      await service().transfer({
        fromAccountId: accountId,
        toAccountId: other,
        amount: '2',
        idempotencyKey: transferKey,
        metadata,
      });
      const entries = await journal(accountId);
      expect(entries.map((e) => [e.idempotencyKey, e.metadata])).toEqual([
        [idempotencyKey, metadata],
        [transferKey, metadata],
      ]);
      expect((await journal(other))[0]).toMatchObject({ idempotencyKey: transferKey, metadata });
      for (const entry of entries) expect(hashEntry(entry)).toBe(entry.hash);
      expect(await service().verifyWallet({ accountId })).toMatchObject({ ok: true, problems: [] });
      expect(await service().verifyWallet({ accountId: other })).toMatchObject({ ok: true });
      // The stored key and fingerprint match the request again: a retry replays.
      expect(
        await service().addFunds({ accountId, amount: '5', idempotencyKey, metadata }),
      ).toEqual({ ...first, replayed: true });
    });
  });
}
