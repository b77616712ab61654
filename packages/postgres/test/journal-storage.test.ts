import { PGlite } from '@electric-sql/pglite';
import {
  createMemoryLedger,
  createWalletService,
  type JournalEntry,
  type WalletService,
} from '@wallet/core';
import { expectWalletError, SUITE_CURRENCIES } from '@wallet/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresLedger, type PostgresLedger } from '../src/index.js';

describe('the journal in PostgreSQL (on PGlite)', () => {
  let db: PGlite;
  let ledger: PostgresLedger;
  let service: WalletService;

  beforeAll(async () => {
    db = new PGlite();
    ledger = createPostgresLedger({ client: db, schema: 'books' });
    await ledger.migrate();
    service = createWalletService({ ledger, currencies: SUITE_CURRENCIES });
  }, 60_000);

  afterAll(() => db.close());

  async function entriesOf(accountId: string): Promise<JournalEntry[]> {
    return ledger.queryEntries({ accountId, order: 'asc', limit: 1000 });
  }

  it('keeps amounts as numeric at their currency scale and reads them back as the same strings', async () => {
    await service.createWallet({ accountId: 'scale' });
    await service.addFunds({
      accountId: 'scale',
      currency: 'GOLD',
      amount: '999999999999999999.5',
    });
    await service.withdrawFunds({ accountId: 'scale', currency: 'GOLD', amount: '0.50' });
    const { rows } = await db.query<{ balances: string[]; kind: string }>(
      `SELECT balances::text[] AS balances, pg_typeof(balances)::text AS kind
        FROM books.wallets WHERE account_id = 'scale'`,
    );
    expect(rows).toEqual([{ balances: ['999999999999999999.00'], kind: 'numeric[]' }]);
    expect((await entriesOf('scale')).map((e) => [e.amount, e.balanceAfter])).toEqual([
      ['999999999999999999.50', '999999999999999999.50'],
      ['0.50', '999999999999999999.00'],
    ]);
  });

  it('round-trips metadata values, nulls and nested objects exactly', async () => {
    await service.createWallet({
      accountId: 'meta',
      metadata: { nested: { list: [1, 'two', null] } },
    });
    const metadata = { z: 1.25, a: [true, false], unicode: 'ünï 🎮', empty: {}, none: null };
    await service.addFunds({ accountId: 'meta', amount: '1', metadata });
    const [entry] = await entriesOf('meta');
    expect(entry?.metadata).toEqual(metadata);
    expect(entry?.counterparty).toBeNull();
    expect((await service.getFunds({ accountId: 'meta' })).metadata).toEqual({
      nested: { list: [1, 'two', null] },
    });
    expect((await service.verifyWallet({ accountId: 'meta' })).ok).toBe(true);
  });

  it('rejects text PostgreSQL cannot store (U+0000) with VALIDATION_ERROR and writes nothing', async () => {
    await service.createWallet({ accountId: 'nul' });
    await expectWalletError(
      service.addFunds({ accountId: 'nul', amount: '1', metadata: { note: 'a\u0000b' } }),
      'VALIDATION_ERROR',
    );
    await expectWalletError(
      service.addFunds({ accountId: 'nul', amount: '1', idempotencyKey: 'k\u0000' }),
      'VALIDATION_ERROR',
    );
    expect(await entriesOf('nul')).toEqual([]);
  });

  it('serves putEntries for wallets it does not hold, storing each entry once', async () => {
    const elsewhere = createWalletService({
      ledger: createMemoryLedger(),
      currencies: SUITE_CURRENCIES,
    });
    await elsewhere.createWallet({ accountId: 'imported' });
    await elsewhere.addFunds({ accountId: 'imported', amount: '5', metadata: { from: 'qldb' } });
    await elsewhere.withdrawFunds({ accountId: 'imported', amount: '2' });
    const { items } = await elsewhere.getTransactionHistory({
      accountId: 'imported',
      order: 'asc',
    });
    await ledger.putEntries(items);
    await ledger.putEntries([...items].reverse());
    expect(await entriesOf('imported')).toEqual(items);
  });

  it('treats its own entries put again as already stored', async () => {
    await service.createWallet({ accountId: 'own' });
    await service.addFunds({ accountId: 'own', amount: '3' });
    const entries = await entriesOf('own');
    await ledger.putEntries(entries);
    expect(await entriesOf('own')).toEqual(entries);
  });

  it('refuses, writing nothing, an entry missing from the journal of a wallet it holds', async () => {
    await service.createWallet({ accountId: 'held' });
    await service.addFunds({ accountId: 'held', amount: '3' });
    const [first] = await entriesOf('held');
    const forged = { ...first!, sequence: 2, prevHash: first!.hash };
    const other = { ...forged, accountId: 'unheld', sequence: 1 };
    await expectWalletError(ledger.putEntries([other, forged]), 'VALIDATION_ERROR');
    expect(await entriesOf('held')).toHaveLength(1);
    expect(await entriesOf('unheld')).toEqual([]);
  });

  it('refuses entries that would not read back exactly as given', async () => {
    await service.createWallet({ accountId: 'template' });
    await service.addFunds({ accountId: 'template', amount: '3' });
    const [entry] = await entriesOf('template');
    const base = { ...entry!, accountId: 'odd' };
    for (const odd of [
      { txTime: '2030-01-01T00:00:00Z' },
      { txTime: '2030-01-01T01:00:00.000+01:00' },
      { amount: '03' },
      { amount: '3e0' },
      { balanceBefore: '-0' },
      { sequence: 0 },
      { type: 'GIFT' },
    ]) {
      await expectWalletError(
        ledger.putEntries([{ ...base, ...odd } as JournalEntry]),
        'VALIDATION_ERROR',
      );
    }
    expect(await entriesOf('odd')).toEqual([]);
  });

  it('rethrows an error thrown by decide unchanged, writing nothing', async () => {
    const thrown = new Error('decided against it');
    await expect(
      ledger.transact({
        accountIds: ['template'],
        idempotencyKeys: [],
        recordKeys: [],
        decide: () => {
          throw thrown;
        },
      }),
    ).rejects.toBe(thrown);
    expect((await ledger.getWallet('template'))?.version).toBe(1);
  });

  it('serializes concurrent transactions on the single PGlite session without losing updates', async () => {
    await service.createWallet({ accountId: 'busy' });
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        service.addFunds({ accountId: 'busy', amount: '1', idempotencyKey: `busy-${i}` }),
      ),
    );
    expect((await service.getFunds({ accountId: 'busy' })).balances.GEMS).toBe('50');
  });
});
