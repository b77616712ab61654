import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createWalletService } from '@wallet/core';
import { SUITE_CURRENCIES } from '@wallet/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresLedger } from '../src/index.js';

describe('PGlite in a data directory', () => {
  let dataDir: string;

  afterAll(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps wallets and journals across close and reopen', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'wallet-pglite-'));
    const open = async () => {
      const db = await PGlite.create(dataDir);
      const ledger = createPostgresLedger({ client: db });
      await ledger.migrate();
      return { db, service: createWalletService({ ledger, currencies: SUITE_CURRENCIES }) };
    };

    const first = await open();
    await first.service.createWallet({ accountId: 'durable', metadata: { tier: 'gold' } });
    await first.service.addFunds({ accountId: 'durable', currency: 'GOLD', amount: '12.50' });
    await first.service.addFunds({ accountId: 'durable', amount: '7', idempotencyKey: 'once' });
    const before = await first.service.getFunds({ accountId: 'durable' });
    const history = await first.service.getTransactionHistory({ accountId: 'durable' });
    await first.db.close();

    const second = await open();
    try {
      expect(await second.service.getFunds({ accountId: 'durable' })).toEqual(before);
      expect(await second.service.getTransactionHistory({ accountId: 'durable' })).toEqual(history);
      expect((await second.service.verifyWallet({ accountId: 'durable' })).ok).toBe(true);
      const again = await second.service.addFunds({
        accountId: 'durable',
        amount: '7',
        idempotencyKey: 'once',
      });
      expect(again.replayed).toBe(true);
    } finally {
      await second.db.close();
    }
  }, 60_000);
});
