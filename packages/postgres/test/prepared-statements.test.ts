import { PGlite } from '@electric-sql/pglite';
import { createWalletService, type WalletRecord } from '@wallet/core';
import { SUITE_CURRENCIES, uniqueIds } from '@wallet/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/database.js';
import { createPostgresLedger, type PostgresLedgerOptions } from '../src/index.js';
import { ledgerStatements } from '../src/ledger-statements.js';
import { sqlText, sqlTextArray } from '../src/sql-literal.js';
import { writeCalls } from '../src/write-calls.js';
import { interceptedPool } from './support/intercepted-pool.js';
import { dropSchema, requireServer, testPool, uniqueSchema } from './support/postgres-server.js';

await requireServer();

interface PreparedRow {
  name: string;
  generic_plans: string;
  custom_plans: string;
}

describe('prepared statements', () => {
  const schema = uniqueSchema('prepared');
  const ids = uniqueIds('prepared');
  let admin: pg.Pool;

  beforeAll(async () => {
    admin = testPool(1);
    await createPostgresLedger({ client: admin, schema }).migrate();
  });

  afterAll(async () => {
    await dropSchema(admin, schema);
    await admin.end();
  });

  function serviceOn(client: PostgresLedgerOptions['client'], preparedStatements?: boolean) {
    const ledger = createPostgresLedger({
      client,
      schema,
      ...(preparedStatements === undefined ? {} : { preparedStatements }),
    });
    return createWalletService({ ledger, currencies: SUITE_CURRENCIES });
  }

  /** What the one connection of a single-connection pool has prepared. */
  async function preparedOn(pool: pg.Pool): Promise<PreparedRow[]> {
    const { rows } = await pool.query<PreparedRow>(
      `SELECT name, generic_plans::text, custom_plans::text FROM pg_prepared_statements
        WHERE name LIKE 'wallet\\_%' ORDER BY name`,
    );
    return rows;
  }

  async function withdrawals(service: ReturnType<typeof serviceOn>, count: number) {
    const accountId = ids.account();
    await service.createWallet({ accountId });
    await service.addFunds({ accountId, amount: '1000' });
    for (let i = 0; i < count; i++) {
      await service.withdrawFunds({ accountId, amount: '1', idempotencyKey: ids.key() });
    }
    return accountId;
  }

  it('a connection prepares the ledger statements once and runs the hot ones on generic plans', async () => {
    const pool = testPool(1);
    try {
      const service = serviceOn(pool);
      const accountId = await withdrawals(service, 20);
      expect((await service.getFunds({ accountId })).balances.GEMS).toBe('980');
      const rows = await preparedOn(pool);
      const names = Object.values(ledgerStatements(`"${schema}"`)).map((s) => s.name);
      expect(rows.map((row) => row.name).sort()).toEqual([...names].sort());
      const plansOf = (prefix: string) => rows.find((row) => row.name.startsWith(prefix))!;
      // The locking read, the key read and the fused write ran about 20 times each: after the
      // first five runs the server settled on one generic plan, planned once.
      for (const prefix of ['wallet_lock_', 'wallet_key_', 'wallet_write_keyed_']) {
        const plans = plansOf(prefix);
        expect(Number(plans.generic_plans), prefix).toBeGreaterThanOrEqual(15);
        expect(Number(plans.custom_plans), prefix).toBeLessThanOrEqual(5);
      }
    } finally {
      await pool.end();
    }
  });

  it('plans its reads by index on tables analysed while they were small, as after a new deployment', async () => {
    // Statistics gathered at one row make a sequential scan the cheapest plan, and a generic
    // plan keeps it while the table grows: every keyed call then reads every stored key.
    const small = uniqueSchema('small_stats');
    const pool = testPool(1);
    try {
      const ledger = createPostgresLedger({ client: pool, schema: small });
      await ledger.migrate();
      const service = createWalletService({ ledger, currencies: SUITE_CURRENCIES });
      await service.createWallet({ accountId: 'p1' });
      await service.addFunds({ accountId: 'p1', amount: '1000', idempotencyKey: 'seed' });
      await pool.query(`ANALYZE "${small}".wallets, "${small}".idempotency_keys`);
      const scans = async () => {
        // Flushes this connection's table counters at the end of this statement.
        await pool.query('SELECT pg_stat_force_next_flush()');
        const { rows } = await pool.query<{ relname: string; seq: string; idx: string }>(
          `SELECT relname, seq_scan::text AS seq, coalesce(idx_scan, 0)::text AS idx
            FROM pg_stat_user_tables WHERE schemaname = $1`,
          [small],
        );
        return new Map(
          rows.map((row) => [row.relname, { seq: Number(row.seq), idx: Number(row.idx) }]),
        );
      };
      const before = await scans();
      for (let i = 0; i < 20; i++) {
        await service.withdrawFunds({ accountId: 'p1', amount: '1', idempotencyKey: `w${i}` });
      }
      const after = await scans();
      for (const table of ['wallets', 'idempotency_keys']) {
        const seq = after.get(table)!.seq - before.get(table)!.seq;
        const idx = after.get(table)!.idx - before.get(table)!.idx;
        expect({ table, seq }).toEqual({ table, seq: 0 });
        expect(idx, table).toBeGreaterThanOrEqual(20);
      }
      expect((await service.getFunds({ accountId: 'p1' })).balances.GEMS).toBe('980');
    } finally {
      await dropSchema(pool, small);
      await pool.end();
    }
  });

  it('a connection that lost its statements (DEALLOCATE ALL, as a pooler resets it) prepares them again, and the call succeeds once', async () => {
    const pool = testPool(1);
    try {
      const service = serviceOn(pool);
      const accountId = await withdrawals(service, 2);
      await pool.query('DEALLOCATE ALL');
      expect(await preparedOn(pool)).toEqual([]);
      await service.withdrawFunds({ accountId, amount: '1' });
      expect((await service.getFunds({ accountId })).balances.GEMS).toBe('997');
      expect((await service.verifyWallet({ accountId })).ok).toBe(true);
      expect((await preparedOn(pool)).length).toBeGreaterThan(0);
    } finally {
      await pool.end();
    }
  });

  it('a pool that wraps each checkout in a new object asks the server what it holds, and prepares nothing twice', async () => {
    const pool = testPool(1);
    const sent: string[] = [];
    try {
      const wrapped = interceptedPool(pool, (text, forward) => {
        sent.push(text);
        return forward();
      });
      const service = serviceOn(wrapped);
      const accountId = await withdrawals(service, 5);
      expect((await service.getFunds({ accountId })).balances.GEMS).toBe('995');
      expect(sent.filter((text) => text.startsWith('PREPARE ')).length).toBe(1);
      const transactions = sent.filter((text) => text.startsWith('BEGIN')).length;
      expect(sent.filter((text) => text.includes('pg_prepared_statements')).length).toBe(
        transactions,
      );
    } finally {
      await pool.end();
    }
  });

  for (const preparedStatements of [true, false]) {
    it(`writes a coalesced batch of withdrawals from 40 wallets in one statement, whatever its size (preparedStatements: ${preparedStatements})`, async () => {
      const accounts = Array.from({ length: 40 }, () => ids.account());
      const setUp = serviceOn(admin);
      for (const accountId of accounts) {
        await setUp.createWallet({ accountId });
        await setUp.addFunds({ accountId, amount: '100' });
      }
      const scripts: string[] = [];
      const pool = interceptedPool(admin, (text, forward) => {
        if (text.endsWith('COMMIT')) scripts.push(text);
        return forward();
      });
      const ledger = createPostgresLedger({ client: pool, schema, preparedStatements });
      const batches: number[] = [];
      const service = createWalletService({
        ledger,
        currencies: SUITE_CURRENCIES,
        coalesce: true,
        instrumentation: { onBatch: ({ operations }) => batches.push(operations) },
      });
      await Promise.all(
        accounts.map((accountId) =>
          service.withdrawFunds({ accountId, amount: '1', idempotencyKey: ids.key() }),
        ),
      );
      expect(batches).toEqual([40]);
      expect(scripts).toHaveLength(1);
      // One statement writes the 40 wallets, their 40 entries and 40 keys; COMMIT follows.
      const statements = scripts[0]!.split(/;\n(?=EXECUTE |COMMIT|WITH |INSERT |UPDATE )/);
      expect(statements).toHaveLength(2);
      expect(statements[0]).toMatch(
        preparedStatements ? /^EXECUTE wallet_write_batch_/ : /^WITH wallet AS \(UPDATE /,
      );
      for (const accountId of accounts) {
        expect((await service.getFunds({ accountId })).balances.GEMS).toBe('99');
        await expect(service.verifyWallet({ accountId })).resolves.toMatchObject({
          ok: true,
          entries: 2,
        });
      }
    });
  }

  it('with preparedStatements: false nothing is prepared and the statements run as plain text', async () => {
    const pool = testPool(1);
    try {
      const service = serviceOn(pool, false);
      const accountId = await withdrawals(service, 3);
      expect((await service.getFunds({ accountId })).balances.GEMS).toBe('997');
      expect(await preparedOn(pool)).toEqual([]);
    } finally {
      await pool.end();
    }
  });

  it('PGlite prepares them once too', async () => {
    const db = new PGlite();
    try {
      const ledger = createPostgresLedger({ client: db });
      await ledger.migrate();
      const service = createWalletService({ ledger, currencies: SUITE_CURRENCIES });
      const accountId = await withdrawals(service, 8);
      expect((await service.getFunds({ accountId })).balances.GEMS).toBe('992');
      const { rows } = await db.query<PreparedRow>(
        `SELECT name, generic_plans::text, custom_plans::text FROM pg_prepared_statements
          WHERE name LIKE 'wallet\\_write\\_keyed\\_%'`,
      );
      expect(rows).toHaveLength(1);
      expect(Number(rows[0]!.generic_plans)).toBeGreaterThan(0);
    } finally {
      await db.close();
    }
    // PGlite alone takes several seconds to start on a busy machine.
  }, 60_000);

  describe('a write whose wallet version is not the one its lock read (a bug)', () => {
    const statements = ledgerStatements(`"${schema}"`);

    async function heldWallet(): Promise<WalletRecord> {
      const accountId = await withdrawals(serviceOn(admin), 1);
      const wallet = await createPostgresLedger({ client: admin, schema }).getWallet(accountId);
      return wallet!;
    }

    const shapes = [
      'the fused write',
      'a wallet update alone',
      'the batch write of two wallets and eight entries',
    ];
    for (const shape of shapes) {
      it(`raises in the server and writes nothing (${shape})`, async () => {
        const wallet = await heldWallet();
        const other = shape === shapes[2] ? await heldWallet() : undefined;
        const database = openDatabase(admin);
        const stale = { ...wallet, version: wallet.version - 1 };
        const next = { ...wallet, version: wallet.version + 1, sequence: wallet.sequence + 1 };
        const entry = {
          transactionId: 'forged',
          accountId: wallet.accountId,
          sequence: next.sequence,
          type: 'CREDIT' as const,
          currency: 'GEMS',
          amount: '5',
          balanceBefore: wallet.balances.GEMS!,
          balanceAfter: '1004',
          txTime: next.updatedAt,
          idempotencyKey: null,
          counterparty: null,
          metadata: null,
          prevHash: wallet.headHash,
          hash: 'f'.repeat(64),
        };
        const read = new Map([[wallet.accountId, stale]]);
        const wallets = [next];
        if (other) {
          // The other wallet's version is the one read: only the first one's guard fails.
          read.set(other.accountId, other);
          wallets.push({ ...other, version: other.version + 1, updatedAt: next.updatedAt });
        }
        const calls = writeCalls(
          statements,
          {
            wallets,
            entries:
              shape === 'a wallet update alone'
                ? []
                : // A batch statement takes eight entries or more.
                  Array.from({ length: other ? 8 : 1 }, (_, i) => ({
                    ...entry,
                    sequence: entry.sequence + i,
                  })),
            idempotency: [],
            records: [],
          },
          read,
        );
        expect(calls.map((call) => call.statement.name)).toEqual([
          {
            'the fused write': statements.updateWalletWithEntry,
            'a wallet update alone': statements.updateWallet,
            'the batch write of two wallets and eight entries': statements.writeBatch,
          }[shape]!.name,
        ]);
        await expect(
          database.transaction(async (session) => {
            await session.run([
              {
                statement: other ? statements.lockWallets : statements.lockWallet,
                args: [
                  other
                    ? sqlTextArray([wallet.accountId, other.accountId])
                    : sqlText(wallet.accountId),
                ],
              },
            ]);
            await session.commit(calls);
          }, Object.values(statements)),
        ).rejects.toMatchObject({ cause: { code: '22P02' } });
        const ledger = createPostgresLedger({ client: admin, schema });
        expect(await ledger.getWallet(wallet.accountId)).toEqual(wallet);
        if (other) expect(await ledger.getWallet(other.accountId)).toEqual(other);
        const entries = await ledger.queryEntries({
          accountId: wallet.accountId,
          order: 'desc',
          limit: 10,
        });
        expect(entries.map((e) => e.transactionId)).not.toContain('forged');
      });
    }
  });
});
