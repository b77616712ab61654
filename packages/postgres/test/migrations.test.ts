import { PGlite } from '@electric-sql/pglite';
import { createWalletService } from '@wallet/core';
import { afterAll, describe, expect, it } from 'vitest';
import type { QueryableLike } from '../src/client.js';
import { createPostgresLedger, type MigrationProgress, type PostgresClient } from '../src/index.js';
import { MIGRATIONS } from '../src/migrations.js';
import { dropSchema, requireServer, testPool, uniqueSchema } from './support/postgres-server.js';

await requireServer();

describe('migrate() on PostgreSQL', () => {
  const schema = uniqueSchema('migrate');
  const pools = [testPool(2), testPool(2)];

  afterAll(async () => {
    await dropSchema(pools[0]!, schema);
    await Promise.all(pools.map((pool) => pool.end()));
  });

  it('applies every migration exactly once when two processes start at once', async () => {
    const ledgers = pools.map((client) => createPostgresLedger({ client, schema }));
    await Promise.all(ledgers.map((ledger) => ledger.migrate()));
    const { rows } = await pools[0]!.query(
      `SELECT version FROM "${schema}".schema_migrations ORDER BY version`,
    );
    expect(rows.map((row) => row.version)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('reports each migration in order: applied on a new schema, found applied on the next run', async () => {
    const fresh = uniqueSchema('migrate_progress');
    const ledger = createPostgresLedger({ client: pools[0]!, schema: fresh });
    try {
      const first: MigrationProgress[] = [];
      await ledger.migrate({ onProgress: (progress) => first.push(progress) });
      const expected = MIGRATIONS.map((migration, index) => ({
        version: migration.version,
        name: migration.name,
        applied: true,
        done: index + 1,
        total: MIGRATIONS.length,
      }));
      expect(first).toEqual(expected);
      const again: MigrationProgress[] = [];
      await ledger.migrate({ onProgress: (progress) => again.push(progress) });
      expect(again).toEqual(expected.map((step) => ({ ...step, applied: false })));
    } finally {
      await dropSchema(pools[0]!, fresh);
    }
  });

  it('is a no-op when run again, keeping the data', async () => {
    const ledger = createPostgresLedger({ client: pools[1]!, schema });
    await ledger.transact({
      accountIds: ['kept'],
      idempotencyKeys: [],
      recordKeys: [],
      decide: () => ({
        write: {
          wallets: [
            {
              accountId: 'kept',
              balances: { GOLD: '1.50' },
              version: 0,
              sequence: 0,
              headHash: '0'.repeat(64),
              createdAt: '2030-01-01T00:00:00.000Z',
              updatedAt: '2030-01-01T00:00:00.000Z',
              metadata: null,
              holds: [],
            },
          ],
          entries: [],
          idempotency: [],
          records: [],
        },
        result: null,
      }),
    });
    await ledger.migrate();
    const { rows } = await pools[1]!.query(
      `SELECT count(*)::int AS n, max(applied_at) AS last FROM "${schema}".schema_migrations`,
    );
    expect(rows[0].n).toBe(MIGRATIONS.length);
    expect(await ledger.getWallet('kept')).toMatchObject({ balances: { GOLD: '1.50' } });
  });

  it('stores balances and journal amounts as numeric', async () => {
    const { rows } = await pools[0]!.query(
      `SELECT table_name, column_name, udt_name FROM information_schema.columns
        WHERE table_schema = $1 AND column_name IN ('balances', 'amount', 'balance_before', 'balance_after')
        ORDER BY table_name, column_name`,
      [schema],
    );
    // Balances are a numeric[] beside the wallet's currency codes.
    expect(rows.map((row) => row.udt_name)).toEqual(['numeric', 'numeric', 'numeric', '_numeric']);
    expect(rows).toHaveLength(4);
  });
});

describe('migrate() on PGlite', () => {
  it('can run twice on one database', async () => {
    const db = new PGlite();
    try {
      const ledger = createPostgresLedger({ client: db, schema: 'ledger' });
      await ledger.migrate();
      await ledger.migrate();
      const { rows } = await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM ledger.schema_migrations',
      );
      expect(rows[0]?.n).toBe(MIGRATIONS.length);
    } finally {
      await db.close();
    }
  }, 60_000);
});

/**
 * Migration 3 on keys written before keys were scoped: keyed calls are made, their key rows
 * are put back in the pre-scoping form (the bare key), migration 3 is marked unapplied, and
 * `migrate()` runs again. Each retry must then replay, and the same key on another wallet must
 * be a new operation.
 */
async function keysSurviveScoping(
  client: PostgresClient & QueryableLike,
  schema: string,
): Promise<void> {
  const ledger = createPostgresLedger({ client, schema });
  await ledger.migrate();
  const wallets = createWalletService({
    ledger,
    currencies: [
      { code: 'GEMS', scale: 0 },
      { code: 'GOLD', scale: 2 },
    ],
  });
  for (const accountId of ['alice', 'bob']) {
    await wallets.createWallet({ accountId });
    await wallets.addFunds({ accountId, amount: '100' });
  }
  const credit = { accountId: 'alice', amount: '5', idempotencyKey: 'legacy-credit' };
  const transfer = {
    fromAccountId: 'bob',
    toAccountId: 'alice',
    amount: '7',
    idempotencyKey: 'legacy-transfer',
  };
  const exchange = {
    accountId: 'alice',
    from: { currency: 'GEMS', amount: '2' },
    to: { currency: 'GOLD', amount: '0.50' },
    idempotencyKey: 'legacy-exchange',
  };
  const first = [
    await wallets.addFunds(credit),
    await wallets.transfer(transfer),
    await wallets.exchange(exchange),
  ];
  const s = `"${schema}"`;
  await client.query(`UPDATE ${s}.idempotency_keys SET key = split_part(key, ' ', 2)`);
  const { rows: legacy } = await client.query(`SELECT key FROM ${s}.idempotency_keys ORDER BY key`);
  expect(legacy).toEqual([
    { key: 'legacy-credit' },
    { key: 'legacy-exchange' },
    { key: 'legacy-transfer' },
  ]);
  await client.query(`DELETE FROM ${s}.schema_migrations WHERE version = 3`);

  await ledger.migrate();

  expect(await wallets.addFunds(credit)).toEqual({ ...first[0], replayed: true });
  expect(await wallets.transfer(transfer)).toEqual({ ...first[1], replayed: true });
  expect(await wallets.exchange(exchange)).toEqual({ ...first[2], replayed: true });
  // Scoped now: bob's own credit with alice's old key is its own operation.
  const bobs = await wallets.addFunds({ ...credit, accountId: 'bob' });
  expect(bobs.replayed).toBe(false);
  expect((await wallets.getFunds({ accountId: 'alice' })).balances).toEqual({
    GEMS: '110',
    GOLD: '0.50',
  });
}

describe('migration 3 (idempotency keys scoped per wallet)', () => {
  it('keeps keys committed before the upgrade working on PostgreSQL', async () => {
    const pool = testPool(2);
    const schema = uniqueSchema('scoping');
    try {
      await keysSurviveScoping(pool, schema);
    } finally {
      await dropSchema(pool, schema);
      await pool.end();
    }
  });

  it('keeps keys committed before the upgrade working on PGlite', async () => {
    const db = new PGlite();
    try {
      await keysSurviveScoping(db, 'ledger');
    } finally {
      await db.close();
    }
  }, 60_000);
});

describe('createPostgresLedger options', () => {
  // Options are checked before the client is used, so a client that never connects will do.
  const client = { connect: () => Promise.reject(new Error('not used')) };

  it('rejects a schema name that is not a plain lowercase identifier', () => {
    for (const schema of ['Wallet', 'a-b', 'x"; DROP TABLE y; --', '']) {
      expect(() => createPostgresLedger({ client, schema })).toThrow(/schema/);
    }
  });

  it('rejects a maxAttempts below 1', () => {
    expect(() => createPostgresLedger({ client, maxAttempts: 0 })).toThrow(/maxAttempts/);
  });
});
