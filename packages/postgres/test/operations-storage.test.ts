import { PGlite } from '@electric-sql/pglite';
import {
  createMemoryLedger,
  createWalletService,
  ENTRY_TYPE_FIELDS,
  JOURNAL_ENTRY_FIELDS,
  type JournalEntry,
  type LedgerRecord,
  type LedgerWrite,
  type WalletHold,
  type WalletRecord,
} from '@wallet/core';
import { expectWalletError, SUITE_CURRENCIES, steppingClock } from '@wallet/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueryableLike } from '../src/client.js';
import { openDatabase } from '../src/database.js';
import { DriverError } from '../src/driver-error.js';
import { translateError } from '../src/errors.js';
import { createPostgresLedger, type PostgresClient, type PostgresLedger } from '../src/index.js';
import { ledgerStatements } from '../src/ledger-statements.js';
import { MIGRATIONS } from '../src/migrations.js';
import { prefixUpperBound } from '../src/prefix-range.js';
import { renderCall } from '../src/prepared-statement.js';
import { sqlLiteral, sqlText } from '../src/sql-literal.js';
import { writeCalls } from '../src/write-calls.js';
import {
  dropSchema,
  requireServer,
  SERVER_URL,
  testPool,
  uniqueSchema,
} from './support/postgres-server.js';

await requireServer();

const GENESIS = '0'.repeat(64);
const T0 = '2030-01-01T00:00:00.000Z';

/** A write of nothing but `parts`. */
function write(parts: Partial<LedgerWrite>): LedgerWrite {
  return { wallets: [], entries: [], idempotency: [], records: [], ...parts };
}

/** A new wallet record with no balances, holding `holds`. */
function newWallet(accountId: string, holds: WalletHold[] = []): WalletRecord {
  return {
    accountId,
    balances: {},
    version: 0,
    sequence: 0,
    headHash: GENESIS,
    createdAt: T0,
    updatedAt: T0,
    metadata: null,
    holds,
  };
}

function hold(holdId: string, expiresAt: string): WalletHold {
  return { holdId, currency: 'GEMS', amount: '1', expiresAt };
}

/** Inserts new wallets in one transaction. */
async function insertWallets(ledger: PostgresLedger, wallets: WalletRecord[]): Promise<void> {
  await ledger.transact({
    accountIds: wallets.map((wallet) => wallet.accountId),
    idempotencyKeys: [],
    recordKeys: [],
    decide: () => ({ write: write({ wallets }), result: null }),
  });
}

/** Stores `record` as one transaction that read nothing. */
async function putRecord(ledger: PostgresLedger, record: LedgerRecord): Promise<void> {
  await ledger.transact({
    accountIds: [],
    idempotencyKeys: [],
    recordKeys: [record.key],
    decide: () => ({ write: write({ records: [record] }), result: null }),
  });
}

/** Replaces a wallet's holds, as core does when one is placed, captured or released. */
async function setHolds(ledger: PostgresLedger, accountId: string, holds: WalletHold[]) {
  await ledger.transact({
    accountIds: [accountId],
    idempotencyKeys: [],
    recordKeys: [],
    decide: (snapshot) => {
      const read = snapshot.wallets.get(accountId)!;
      return {
        write: write({ wallets: [{ ...read, version: read.version + 1, holds }] }),
        result: null,
      };
    },
  });
}

/** What EXPLAIN says the server would do for a statement. */
async function plan(client: QueryableLike, text: string, values: unknown[]): Promise<string> {
  const { rows } = await client.query(`EXPLAIN ${text}`, values);
  return (rows as Record<string, string>[]).map((row) => row['QUERY PLAN']).join('\n');
}

/**
 * Migration 4 on data written before it: a schema is built by migrations 1 to 3 alone, wallets
 * and journal entries are written into it as the ledger wrote them then (no holds, no type
 * fields), and `migrate()` then applies migration 4. Every wallet and entry must read back
 * exactly as before, and the wallets must take the new operations.
 */
async function oldDataSurvivesMigration4(
  client: PostgresClient & QueryableLike,
  schema: string,
): Promise<void> {
  const s = `"${schema}"`;
  await client.query(`CREATE SCHEMA ${s}`);
  await client.query(
    `CREATE TABLE ${s}.schema_migrations (version integer PRIMARY KEY, name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now())`,
  );
  for (const migration of MIGRATIONS.filter((m) => m.version <= 3)) {
    for (const statement of migration.statements(s)) await client.query(statement);
    await client.query(`INSERT INTO ${s}.schema_migrations (version, name) VALUES ($1, $2)`, [
      migration.version,
      migration.name,
    ]);
  }

  // The history, made by core on the reference ledger, then stored as the old ledger stored it.
  const memory = createMemoryLedger();
  const before = createWalletService({
    ledger: memory,
    currencies: SUITE_CURRENCIES,
    clock: steppingClock('2029-06-01T00:00:00.000Z', 1000),
  });
  await before.createWallet({ accountId: 'old-a', metadata: { tier: 'gold' } });
  await before.createWallet({ accountId: 'old-b' });
  await before.addFunds({ accountId: 'old-a', amount: '100', idempotencyKey: 'first' });
  await before.addFunds({ accountId: 'old-a', amount: '12.50', currency: 'GOLD' });
  const transfer = await before.transfer({
    fromAccountId: 'old-a',
    toAccountId: 'old-b',
    amount: '30',
    metadata: { note: 'gift' },
  });
  await before.withdrawFunds({ accountId: 'old-b', amount: '5' });
  const ids = ['old-a', 'old-b'];
  for (const id of ids) {
    const wallet = (await memory.getWallet(id))!;
    const currencies = Object.keys(wallet.balances);
    await client.query(
      `INSERT INTO ${s}.wallets (account_id, version, sequence, head_hash, currencies, balances,
          created_at, updated_at, metadata)
        VALUES ($1, $2, $3, $4, $5::text[], $6::numeric[], $7, $8, $9::jsonb)`,
      [
        id,
        wallet.version,
        wallet.sequence,
        wallet.headHash,
        currencies,
        currencies.map((currency) => wallet.balances[currency]),
        wallet.createdAt,
        wallet.updatedAt,
        wallet.metadata === null ? null : JSON.stringify(wallet.metadata),
      ],
    );
    const entries = await memory.queryEntries({ accountId: id, order: 'asc', limit: 100 });
    await client.query(
      `INSERT INTO ${s}.journal_entries (account_id, sequence, transaction_id, type, currency,
          amount, balance_before, balance_after, tx_time, idempotency_key, counterparty,
          metadata, prev_hash, hash)
        SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(account_id text, sequence bigint,
          transaction_id text, type text, currency text, amount numeric,
          balance_before numeric, balance_after numeric, tx_time timestamptz,
          idempotency_key text, counterparty text, metadata jsonb, prev_hash text, hash text)`,
      [
        JSON.stringify(
          entries.map((e) => ({
            account_id: e.accountId,
            sequence: e.sequence,
            transaction_id: e.transactionId,
            type: e.type,
            currency: e.currency,
            amount: e.amount,
            balance_before: e.balanceBefore,
            balance_after: e.balanceAfter,
            tx_time: e.txTime,
            idempotency_key: e.idempotencyKey,
            counterparty: e.counterparty,
            metadata: e.metadata,
            prev_hash: e.prevHash,
            hash: e.hash,
          })),
        ),
      ],
    );
  }

  const ledger = createPostgresLedger({ client, schema });
  await ledger.migrate();
  const { rows: applied } = await client.query(
    `SELECT version FROM ${s}.schema_migrations ORDER BY version`,
  );
  expect((applied as { version: number }[]).map((row) => row.version)).toEqual(
    MIGRATIONS.map((m) => m.version),
  );

  for (const id of ids) {
    // Exactly as written: no holds but an empty list, no field an entry did not have.
    expect(await ledger.getWallet(id)).toStrictEqual(await memory.getWallet(id));
    const entries = await ledger.queryEntries({ accountId: id, order: 'asc', limit: 100 });
    expect(entries).toStrictEqual(
      await memory.queryEntries({ accountId: id, order: 'asc', limit: 100 }),
    );
    for (const entry of entries) expect(Object.keys(entry)).toEqual([...JOURNAL_ENTRY_FIELDS]);
  }
  expect(
    (await ledger.queryTransaction(transfer.transactionId)).map((e) => e.accountId).sort(),
  ).toEqual(ids);
  expect(await ledger.listWallets({ limit: 10 })).toStrictEqual([
    await memory.getWallet('old-a'),
    await memory.getWallet('old-b'),
  ]);
  const { rows: documents } = await client.query(
    `SELECT document FROM ${s}.wallet_documents ORDER BY account_id`,
  );
  expect(
    (documents as { document: { holds: unknown } }[]).map((row) => row.document.holds),
  ).toEqual([[], []]);

  // The old wallets take the new operations, and their chains still verify.
  const after = createWalletService({
    ledger,
    currencies: SUITE_CURRENCIES,
    clock: steppingClock('2029-06-02T00:00:00.000Z', 1000),
  });
  const placed = await after.placeHold({ accountId: 'old-a', amount: '10' });
  await after.reverseTransaction({
    transactionId: transfer.transactionId,
    amount: '20',
    reason: 'support',
  });
  expect(await after.getFunds({ accountId: 'old-a' })).toMatchObject({
    balances: { GEMS: '90', GOLD: '12.50' },
    held: { GEMS: '10' },
  });
  await after.captureHold({ holdId: placed.holdId, amount: '4' });
  for (const accountId of ids) {
    expect((await after.verifyWallet({ accountId })).ok).toBe(true);
  }
  expect((await after.getFunds({ accountId: 'old-a' })).balances.GEMS).toBe('86');
  expect((await after.getFunds({ accountId: 'old-b' })).balances.GEMS).toBe('5');
}

describe('migration 4 (holds, records, reversal and hold fields)', () => {
  it('keeps wallets and entries written before it readable, exactly, on PostgreSQL', async () => {
    const pool = testPool(2);
    const schema = uniqueSchema('upgrade');
    try {
      await oldDataSurvivesMigration4(pool, schema);
    } finally {
      await dropSchema(pool, schema);
      await pool.end();
    }
  });

  it('keeps wallets and entries written before it readable, exactly, on PGlite', async () => {
    const db = new PGlite();
    try {
      await oldDataSurvivesMigration4(db, 'ledger');
    } finally {
      await db.close();
    }
  }, 60_000);
});

describe('ledger records on PostgreSQL', () => {
  const schema = uniqueSchema('records');
  let pool: pg.Pool;
  let ledger: PostgresLedger;

  beforeAll(async () => {
    pool = testPool(8);
    ledger = createPostgresLedger({ client: pool, schema, maxAttempts: 200 });
    await ledger.migrate();
  });

  afterAll(async () => {
    await dropSchema(pool, schema);
    await pool.end();
  });

  /** Stores `record` as one transaction that read nothing. */
  async function put(record: LedgerRecord): Promise<void> {
    await ledger.transact({
      accountIds: [],
      idempotencyKeys: [],
      recordKeys: [record.key],
      decide: () => ({ write: write({ records: [record] }), result: null }),
    });
  }

  /**
   * A transaction on `key` whose first decision writes `first` whatever it read (as if the
   * record had changed between its read and its write) and whose later decisions write the
   * next version of what they read. Resolves to how many times it decided.
   */
  async function racing(key: string, first: LedgerRecord, accountIds: string[] = []) {
    let decisions = 0;
    await ledger.transact({
      accountIds,
      idempotencyKeys: [],
      recordKeys: [key],
      decide: (snapshot) => {
        decisions++;
        const read = snapshot.records.get(key);
        const record =
          decisions === 1
            ? first
            : { key, version: (read?.version ?? 0) + 1, data: { by: 'retry' } };
        return { write: write({ records: [record] }), result: null };
      },
    });
    return decisions;
  }

  it('stores a record and reads it back exactly, inside a transaction and alone', async () => {
    const data = { accountId: 'p1', amount: '10.50', nested: { list: [1, 'two', null] }, n: 1.25 };
    await put({ key: 'hold:one', version: 1, data });
    expect(await ledger.getRecord('hold:one')).toStrictEqual({ key: 'hold:one', version: 1, data });
    expect(await ledger.getRecord('hold:none')).toBeNull();
    const snapshot = await ledger.transact({
      accountIds: [],
      idempotencyKeys: [],
      recordKeys: ['hold:one', 'hold:none'],
      decide: (read) => ({ write: null, result: read.records }),
    });
    expect([...snapshot]).toStrictEqual([['hold:one', { key: 'hold:one', version: 1, data }]]);
  });

  it('retries an insert of a key another transaction inserted by then, and the retry sees it', async () => {
    await put({ key: 'taken', version: 1, data: { by: 'other' } });
    expect(await racing('taken', { key: 'taken', version: 1, data: { by: 'stale' } })).toBe(2);
    expect(await ledger.getRecord('taken')).toStrictEqual({
      key: 'taken',
      version: 2,
      data: { by: 'retry' },
    });
  });

  it('retries a replacement of a version that is no longer stored, and of a record that is not', async () => {
    await put({ key: 'moved', version: 1, data: { by: 'other' } });
    // As if it had read version 2 (another transaction's), while version 1 is stored.
    expect(await racing('moved', { key: 'moved', version: 3, data: { by: 'stale' } })).toBe(2);
    expect(await ledger.getRecord('moved')).toMatchObject({ version: 2, data: { by: 'retry' } });
    expect(await racing('absent', { key: 'absent', version: 2, data: { by: 'stale' } })).toBe(2);
    expect(await ledger.getRecord('absent')).toMatchObject({ version: 1, data: { by: 'retry' } });
  });

  it('raises the stale-version guard in the server, which the ledger takes for a conflict', async () => {
    await put({ key: 'guarded', version: 1, data: {} });
    // The ledger's own statement, prepared and as plain text: version 3 over a stored version 1.
    const { updateRecord } = ledgerStatements(`"${schema}"`);
    const call = {
      statement: updateRecord,
      args: [sqlText('guarded'), '3', sqlLiteral('{}', 'jsonb')],
    };
    // A connection of its own, which the ledger has prepared nothing on.
    const client = new pg.Client({ connectionString: SERVER_URL });
    await client.connect();
    try {
      await client.query(updateRecord.prepare);
      for (const prepared of [true, false]) {
        let raised: unknown;
        try {
          await client.query(renderCall(call, prepared));
        } catch (error) {
          raised = error;
        }
        expect(raised).toMatchObject({
          code: '22P02',
          message: expect.stringContaining('stale record version: 0 of guarded at version 2'),
        });
        expect(translateError(new DriverError('statement', raised))).toMatchObject({
          retry: true,
        });
      }
      // At the version before it, the same statement replaces the record and raises nothing.
      const next = {
        statement: updateRecord,
        args: [sqlText('guarded'), '2', sqlLiteral(JSON.stringify({ n: 2 }), 'jsonb')],
      };
      await client.query(renderCall(next, true));
    } finally {
      await client.end();
    }
    expect(await ledger.getRecord('guarded')).toStrictEqual({
      key: 'guarded',
      version: 2,
      data: { n: 2 },
    });
    let thrown: unknown;
    let decisions = 0;
    try {
      await createPostgresLedger({ client: pool, schema, maxAttempts: 2 }).transact({
        accountIds: [],
        idempotencyKeys: [],
        recordKeys: ['guarded'],
        decide: () => {
          decisions++;
          return {
            write: write({ records: [{ key: 'guarded', version: 5, data: {} }] }),
            result: 0,
          };
        },
      });
    } catch (error) {
      thrown = error;
    }
    expect(decisions).toBe(2);
    expect(thrown).toMatchObject({ code: 'CONCURRENCY_CONFLICT', cause: { code: '22P02' } });
    expect(await ledger.getRecord('guarded')).toMatchObject({ version: 2 });
  });

  it('loses no update when many transactions replace one record at once', async () => {
    const key = 'counter:free';
    let decisions = 0;
    const writers = 16;
    await Promise.all(
      Array.from({ length: writers }, () =>
        ledger.transact({
          accountIds: [],
          idempotencyKeys: [],
          recordKeys: [key],
          decide: (snapshot) => {
            decisions++;
            const read = snapshot.records.get(key);
            const count = ((read?.data.count as number | undefined) ?? 0) + 1;
            const record = { key, version: (read?.version ?? 0) + 1, data: { count } };
            return { write: write({ records: [record] }), result: null };
          },
        }),
      ),
    );
    expect(await ledger.getRecord(key)).toStrictEqual({
      key,
      version: writers,
      data: { count: writers },
    });
    expect(decisions).toBeGreaterThanOrEqual(writers);
  });

  it('reads a record after the wallet lock, so transactions queued on one wallet never conflict on it', async () => {
    const key = 'counter:locked';
    await insertWallets(ledger, [newWallet('locker')]);
    let decisions = 0;
    const writers = 12;
    await Promise.all(
      Array.from({ length: writers }, () =>
        ledger.transact({
          accountIds: ['locker'],
          idempotencyKeys: [],
          recordKeys: [key],
          decide: (snapshot) => {
            decisions++;
            const read = snapshot.records.get(key);
            const record = { key, version: (read?.version ?? 0) + 1, data: {} };
            return { write: write({ records: [record] }), result: null };
          },
        }),
      ),
    );
    expect(await ledger.getRecord(key)).toMatchObject({ version: writers });
    // Each waited for the lock, then read what the one before it committed: no retries.
    expect(decisions).toBe(writers);
  });
});

describe('one statement for a wallet, an entry, a key and a record (holds) on PostgreSQL', () => {
  const schema = uniqueSchema('fused');
  const statements = ledgerStatements(`"${schema}"`);
  let admin: pg.Pool;

  beforeAll(async () => {
    admin = testPool(2);
    await createPostgresLedger({ client: admin, schema }).migrate();
  });

  afterAll(async () => {
    await dropSchema(admin, schema);
    await admin.end();
  });

  /** How many times the one connection of `pool` ran each ledger statement, by statement. */
  async function runs(pool: pg.Pool): Promise<Map<string, number>> {
    const { rows } = await pool.query<{ name: string; runs: string }>(
      `SELECT name, (generic_plans + custom_plans)::text AS runs FROM pg_prepared_statements
        WHERE name LIKE 'wallet\\_%'`,
    );
    return new Map(rows.map((row) => [row.name, Number(row.runs)]));
  }

  /** Runs `work` and answers which statements it ran, how many times each, by their field. */
  async function ran(pool: pg.Pool, work: () => Promise<unknown>) {
    const before = await runs(pool);
    await work();
    const after = await runs(pool);
    const counts: Record<string, number> = {};
    for (const [field, statement] of Object.entries(statements)) {
      const count = (after.get(statement.name) ?? 0) - (before.get(statement.name) ?? 0);
      if (count > 0) counts[field] = count;
    }
    return counts;
  }

  it('places a hold as it writes a withdrawal, and captures or releases it with one write statement each, inserting the record of how it ended', async () => {
    const pool = testPool(1);
    try {
      const ledger = createPostgresLedger({ client: pool, schema });
      const service = createWalletService({ ledger, currencies: SUITE_CURRENCIES });
      await service.createWallet({ accountId: 'holder' });
      await service.addFunds({ accountId: 'holder', amount: '100' });

      let placed: Awaited<ReturnType<typeof service.placeHold>> | undefined;
      expect(
        await ran(pool, async () => {
          placed = await service.placeHold({
            accountId: 'holder',
            amount: '10',
            idempotencyKey: 'place',
          });
        }),
      ).toEqual({ lockWallet: 1, readKey: 1, updateWalletWithEntryAndKey: 1 });
      const capture = { holdId: placed!.holdId, idempotencyKey: 'capture' };
      expect(await ran(pool, () => service.captureHold(capture))).toEqual({
        lockWallet: 1,
        readKeyAndRecord: 1,
        updateWalletWithEntryKeyAndNewRecord: 1,
      });
      // A replay reads the key (and the record) and writes nothing.
      expect(await ran(pool, () => service.captureHold(capture))).toEqual({
        lockWallet: 1,
        readKeyAndRecord: 1,
      });

      // Without keys.
      let unkeyed: Awaited<ReturnType<typeof service.placeHold>> | undefined;
      expect(
        await ran(pool, async () => {
          unkeyed = await service.placeHold({ accountId: 'holder', amount: '5' });
        }),
      ).toEqual({ lockWallet: 1, updateWalletWithEntry: 1 });
      expect(await ran(pool, () => service.releaseHold({ holdId: unkeyed!.holdId }))).toEqual({
        lockWallet: 1,
        readRecord: 1,
        updateWalletWithEntryAndNewRecord: 1,
      });

      // A partial capture writes two entries: the general path, a statement per row.
      const partial = await service.placeHold({ accountId: 'holder', amount: '7' });
      expect(
        await ran(pool, () =>
          service.captureHold({ holdId: partial.holdId, amount: '3', idempotencyKey: 'part' }),
        ),
      ).toEqual({
        lockWallet: 1,
        readKeyAndRecord: 1,
        updateWallet: 1,
        insertEntry: 2,
        insertKey: 1,
        insertRecord: 1,
      });

      expect(await service.getFunds({ accountId: 'holder' })).toMatchObject({
        balances: { GEMS: '87' },
        held: {},
      });
      expect((await service.verifyWallet({ accountId: 'holder' })).ok).toBe(true);
      expect(await ledger.getRecord(`hold:${placed!.holdId}`)).toMatchObject({
        version: 1,
        data: { status: 'captured', captured: '10' },
      });
      expect(await ledger.getRecord(`hold:${unkeyed!.holdId}`)).toMatchObject({
        version: 1,
        data: { status: 'released' },
      });
    } finally {
      await pool.end();
    }
  });

  /**
   * A write of the held wallet with one credit entry, the key `key` and `record`, as a
   * transaction that decided on `read` would write it.
   */
  function walletWrite(read: WalletRecord, key: string, record: LedgerRecord): LedgerWrite {
    const transactionId = `tx-${key}`;
    const balance = String(Number(read.balances.GEMS ?? '0') + 1);
    const updatedAt = '2030-01-01T00:00:01.000Z';
    return write({
      wallets: [
        {
          ...read,
          version: read.version + 1,
          sequence: read.sequence + 1,
          balances: { GEMS: balance },
          updatedAt,
        },
      ],
      entries: [
        {
          transactionId,
          accountId: read.accountId,
          sequence: read.sequence + 1,
          type: 'CREDIT',
          currency: 'GEMS',
          amount: '1',
          balanceBefore: read.balances.GEMS ?? '0',
          balanceAfter: balance,
          txTime: updatedAt,
          idempotencyKey: key,
          counterparty: null,
          metadata: null,
          prevHash: read.headHash,
          hash: 'e'.repeat(64),
        },
      ],
      idempotency: [
        { key, fingerprint: 'f', transactionId, result: { ok: true }, createdAt: updatedAt },
      ],
      records: [record],
    });
  }

  for (const preparedStatements of [true, false]) {
    it(`retries a record replaced since it was read, caught by the fused write's version guard (${preparedStatements ? 'prepared' : 'plain'})`, async () => {
      const pool = testPool(1);
      const accountId = `stale-${preparedStatements}`;
      const key = `counter:${accountId}`;
      try {
        const ledger = createPostgresLedger({ client: pool, schema, preparedStatements });
        await insertWallets(ledger, [newWallet(accountId)]);
        await putRecord(ledger, { key, version: 1, data: {} });
        let decisions = 0;
        const counts = await ran(pool, () =>
          ledger.transact({
            accountIds: [accountId],
            idempotencyKeys: [`key-${accountId}`],
            recordKeys: [key],
            decide: (snapshot) => {
              decisions++;
              const read = snapshot.records.get(key);
              // The first decision writes version 3, as if it had read a version 2 that
              // another transaction wrote; then what it read. Version 1 is stored.
              const version = decisions === 1 ? 3 : (read?.version ?? 0) + 1;
              const data = { decision: decisions };
              const wallet = snapshot.wallets.get(accountId)!;
              return {
                write: walletWrite(wallet, `key-${accountId}`, { key, version, data }),
                result: null,
              };
            },
          }),
        );
        // Both attempts ran the fused statement, the first raising and rolling back.
        expect(decisions).toBe(2);
        if (preparedStatements) {
          expect(counts).toEqual({
            lockWallet: 2,
            readKeyAndRecord: 2,
            updateWalletWithEntryKeyAndRecord: 2,
          });
        }
        expect(await ledger.getRecord(key)).toStrictEqual({
          key,
          version: 2,
          data: { decision: 2 },
        });
        const wallet = await ledger.getWallet(accountId);
        expect(wallet).toMatchObject({ version: 1, sequence: 1, balances: { GEMS: '1' } });
        const entries = await ledger.queryEntries({ accountId, order: 'asc', limit: 10 });
        expect(entries.map((entry) => entry.sequence)).toEqual([1]);
      } finally {
        await pool.end();
      }
    });
  }

  it('raises the record version guard of the fused write in the server, prepared and plain, and writes nothing', async () => {
    const accountId = 'guarded-fused';
    const key = `counter:${accountId}`;
    const ledger = createPostgresLedger({ client: admin, schema });
    await insertWallets(ledger, [newWallet(accountId)]);
    await putRecord(ledger, { key, version: 1, data: {} });
    const read = (await ledger.getWallet(accountId))!;
    const stale = walletWrite(read, `key-${accountId}`, { key, version: 3, data: {} });
    const [call, ...others] = writeCalls(statements, stale, new Map([[accountId, read]]));
    expect(others).toEqual([]);
    expect(call!.statement).toBe(statements.updateWalletWithEntryKeyAndRecord);
    const database = openDatabase(admin);
    for (const prepared of [true, false]) {
      let raised: unknown;
      try {
        await database.transaction(
          async (session) => {
            await session.run([{ statement: statements.lockWallet, args: [sqlText(accountId)] }]);
            await session.commit([call!]);
          },
          prepared ? Object.values(statements) : undefined,
        );
      } catch (error) {
        raised = error;
      }
      expect(raised).toMatchObject({
        cause: {
          code: '22P02',
          message: expect.stringContaining(`stale record version: 0 of ${key} at version 2`),
        },
      });
      expect(translateError(raised)).toMatchObject({ retry: true });
    }
    // Nothing of the write was kept: not the wallet, the entry, the key nor the record.
    expect(await ledger.getWallet(accountId)).toStrictEqual(read);
    expect(await ledger.queryEntries({ accountId, order: 'asc', limit: 10 })).toEqual([]);
    expect(await ledger.getRecord(key)).toStrictEqual({ key, version: 1, data: {} });
    const { rows } = await admin.query(
      `SELECT key FROM "${schema}".idempotency_keys WHERE key = $1`,
      [`key-${accountId}`],
    );
    expect(rows).toEqual([]);
  });

  it('retries a record another transaction created since the read, caught by the fused insert', async () => {
    const pool = testPool(1);
    const accountId = 'taken-fused';
    const key = `counter:${accountId}`;
    try {
      const ledger = createPostgresLedger({ client: pool, schema });
      await insertWallets(ledger, [newWallet(accountId)]);
      await putRecord(ledger, { key, version: 1, data: {} });
      let decisions = 0;
      const counts = await ran(pool, () =>
        ledger.transact({
          accountIds: [accountId],
          idempotencyKeys: [`key-${accountId}`],
          recordKeys: [key],
          decide: (snapshot) => {
            decisions++;
            // The first decision inserts version 1, as if it had read no record (another
            // transaction created it in between): a unique violation, retried.
            const read = decisions === 1 ? undefined : snapshot.records.get(key);
            const record = { key, version: (read?.version ?? 0) + 1, data: { n: decisions } };
            const wallet = snapshot.wallets.get(accountId)!;
            return { write: walletWrite(wallet, `key-${accountId}`, record), result: null };
          },
        }),
      );
      expect(decisions).toBe(2);
      expect(counts).toEqual({
        lockWallet: 2,
        readKeyAndRecord: 2,
        updateWalletWithEntryKeyAndNewRecord: 1,
        updateWalletWithEntryKeyAndRecord: 1,
      });
      expect(await ledger.getRecord(key)).toStrictEqual({ key, version: 2, data: { n: 2 } });
      expect(await ledger.getWallet(accountId)).toMatchObject({ version: 1, sequence: 1 });
    } finally {
      await pool.end();
    }
  });
});

describe('wallet listing and holds on PostgreSQL', () => {
  const schema = uniqueSchema('listing');
  let pool: pg.Pool;
  let ledger: PostgresLedger;
  const ids = [
    'te',
    'teaM',
    'team',
    'team%',
    'team%b',
    'team&',
    'teamXa2',
    'teamYb',
    'team_',
    'team_a1',
    'team`',
    'tean',
  ];

  beforeAll(async () => {
    pool = testPool(4);
    ledger = createPostgresLedger({ client: pool, schema });
    await ledger.migrate();
    await insertWallets(
      ledger,
      [...ids].reverse().map((id) => newWallet(id)),
    );
  });

  afterAll(async () => {
    await dropSchema(pool, schema);
    await pool.end();
  });

  async function listed(query: Parameters<PostgresLedger['listWallets']>[0]): Promise<string[]> {
    return (await ledger.listWallets(query)).map((wallet) => wallet.accountId);
  }

  it('lists by account id in code point order, after a cursor, up to a limit', async () => {
    expect(await listed({ limit: 100 })).toEqual(ids);
    expect(await listed({ limit: 3 })).toEqual(ids.slice(0, 3));
    expect(await listed({ startAfter: 'team&', limit: 2 })).toEqual(['teamXa2', 'teamYb']);
    expect(await listed({ startAfter: 'tean', limit: 5 })).toEqual([]);
    expect(await listed({ prefix: '', limit: 2 })).toEqual(['te', 'teaM']);
    expect((await ledger.listWallets({ limit: 1 }))[0]).toStrictEqual(newWallet('te'));
  });

  it('takes `_` and `%` in a prefix literally, never as wildcards', async () => {
    expect(await listed({ prefix: 'team_', limit: 100 })).toEqual(['team_', 'team_a1']);
    expect(await listed({ prefix: 'team%', limit: 100 })).toEqual(['team%', 'team%b']);
    expect(await listed({ prefix: 'team_', startAfter: 'team_', limit: 100 })).toEqual(['team_a1']);
    expect(await listed({ prefix: 'team', limit: 100 })).toEqual(
      ids.filter((id) => id.startsWith('team')),
    );
    expect(await listed({ prefix: 'tea', startAfter: 'team_a1', limit: 100 })).toEqual([
      'team`',
      'tean',
    ]);
    expect(await listed({ prefix: 'teamZ', limit: 100 })).toEqual([]);
    expect(await listed({ prefix: 'team_', startAfter: 'a', limit: 1 })).toEqual(['team_']);
  });

  it('computes the least string above a prefix', () => {
    expect(prefixUpperBound('team_')).toBe('team`');
    expect(prefixUpperBound('a%')).toBe('a&');
    expect(prefixUpperBound('z~')).toBe('z\u007f');
    expect(prefixUpperBound('a\u{1F3AE}')).toBe('a\u{1F3AF}');
    expect(prefixUpperBound('a\uD7FF')).toBe('a\uE000');
    expect(prefixUpperBound('a\u{10FFFF}')).toBeNull();
  });

  it('stores holds with the wallet, reads them back exactly, and indexes the earliest expiry', async () => {
    const holds = [
      hold('h-late', '2030-01-01T10:05:00.000Z'),
      hold('h-early', '2030-01-01T09:00:00.000Z'),
    ];
    await insertWallets(ledger, [
      newWallet('due-a', [hold('h-a', '2030-01-01T10:00:00.000Z')]),
      newWallet('due-b', holds),
      newWallet('due-c', [hold('h-c', '2030-01-01T11:00:00.000Z')]),
    ]);
    expect((await ledger.getWallet('due-b'))?.holds).toStrictEqual(holds);
    expect((await ledger.getWallet('team'))?.holds).toStrictEqual([]);
    const expiry = async (id: string) =>
      (
        await pool.query(
          `SELECT to_char(next_hold_expiry AT TIME ZONE 'UTC', 'HH24:MI') AS at
            FROM "${schema}".wallets WHERE account_id = $1`,
          [id],
        )
      ).rows[0].at;
    expect(await expiry('due-b')).toBe('09:00');
    expect(await expiry('team')).toBeNull();
    const { rows } = await pool.query(
      `SELECT document->'holds' AS holds FROM "${schema}".wallet_documents WHERE account_id = 'due-b'`,
    );
    expect(rows[0].holds).toEqual(holds);
  });

  it('finds the wallets with a hold expired by a time, at or before it, through the partial index', async () => {
    const due = (dueBy: string, limit = 100) =>
      ledger.listWalletsWithExpiredHolds({ dueBy, limit });
    // due-a, due-b and due-c from the test before.
    expect(await due('2030-01-01T08:59:59.999Z')).toEqual([]);
    expect(await due('2030-01-01T10:00:00.000Z')).toEqual(['due-b', 'due-a']);
    expect(await due('2030-01-01T10:00:00.000Z', 1)).toEqual(['due-b']);
    expect((await due('2030-01-02T00:00:00.000Z')).sort()).toEqual(['due-a', 'due-b', 'due-c']);
    // Releasing the earliest hold moves the wallet's expiry to its next one; the last, to none.
    await setHolds(ledger, 'due-b', [hold('h-late', '2030-01-01T10:05:00.000Z')]);
    expect(await due('2030-01-01T10:00:00.000Z')).toEqual(['due-a']);
    await setHolds(ledger, 'due-a', []);
    expect(await due('2030-01-01T10:00:00.000Z')).toEqual([]);
    expect((await ledger.getWallet('due-a'))?.holds).toStrictEqual([]);
  });
});

describe('the hold expiry hint on PostgreSQL', () => {
  const schema = uniqueSchema('hint');
  const s = `"${schema}"`;
  let pool: pg.Pool;
  let ledger: PostgresLedger;

  beforeAll(async () => {
    // One connection: the statistics a test reads are flushed by the backend that wrote them.
    pool = testPool(1);
    ledger = createPostgresLedger({ client: pool, schema });
    await ledger.migrate();
  });

  afterAll(async () => {
    await dropSchema(pool, schema);
    await pool.end();
  });

  const hint = async (id: string) =>
    (
      await pool.query(
        `SELECT to_char(next_hold_expiry AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at
          FROM ${s}.wallets WHERE account_id = $1`,
        [id],
      )
    ).rows[0].at as string | null;

  /** The wallets table's updates so far, and how many of them were HOT. */
  async function updates(): Promise<{ all: number; hot: number }> {
    await pool.query('SELECT pg_stat_force_next_flush()');
    const { rows } = await pool.query(
      `SELECT n_tup_upd AS all, n_tup_hot_upd AS hot FROM pg_stat_user_tables
        WHERE schemaname = $1 AND relname = 'wallets'`,
      [schema],
    );
    return { all: Number(rows[0].all), hot: Number(rows[0].hot) };
  }

  it('keeps the hint through a hold captured and the next one placed, so both updates are HOT', async () => {
    const service = createWalletService({
      ledger,
      currencies: SUITE_CURRENCIES,
      clock: steppingClock('2029-06-01T00:00:00.000Z', 1000),
    });
    await service.createWallet({ accountId: 'hint-a' });
    await service.addFunds({ accountId: 'hint-a', currency: 'GEMS', amount: '10' });
    const first = await service.placeHold({ accountId: 'hint-a', currency: 'GEMS', amount: '3' });
    expect(await hint('hint-a')).toBe(first.expiresAt);
    const before = await updates();
    await service.captureHold({ holdId: first.holdId });
    // The wallet holds nothing now; the hint still names the captured hold's expiry.
    expect(await hint('hint-a')).toBe(first.expiresAt);
    const second = await service.placeHold({ accountId: 'hint-a', currency: 'GEMS', amount: '3' });
    expect(second.expiresAt > first.expiresAt).toBe(true);
    expect(await hint('hint-a')).toBe(first.expiresAt);
    const after = await updates();
    expect(after.all - before.all).toBe(2);
    expect(after.hot - before.hot).toBe(2);
    // Released too, the wallet holds nothing; its due hint is the next test's to set right.
    await service.releaseHold({ holdId: second.holdId });
    expect(await hint('hint-a')).toBe(first.expiresAt);
  });

  it('answers only wallets with a hold due, setting right the due hints that stand for none, however many more than the limit stand first', async () => {
    const stale = ['stale-1', 'stale-2', 'stale-3', 'stale-4', 'stale-5'];
    await insertWallets(ledger, [
      ...stale.map((id) => newWallet(id, [hold(`h-${id}`, '2030-01-01T09:00:00.000Z')])),
      newWallet('real', [hold('h-real', '2030-01-01T09:30:00.000Z')]),
      newWallet('later', [hold('h-later', '2030-01-01T09:00:00.000Z')]),
    ]);
    // Their holds settled: the hints stay at 09:00, earlier than any hold (none, or 11:00).
    for (const id of stale) await setHolds(ledger, id, []);
    await setHolds(ledger, 'later', [hold('h-later-2', '2030-01-01T11:00:00.000Z')]);
    expect(await hint('stale-1')).toBe('2030-01-01T09:00:00.000Z');
    expect(await hint('later')).toBe('2030-01-01T09:00:00.000Z');
    // The first six candidates by hint (hint-a's too), more than the limit of two, hold nothing
    // due by 10:00.
    expect(
      await ledger.listWalletsWithExpiredHolds({ dueBy: '2030-01-01T10:00:00.000Z', limit: 2 }),
    ).toEqual(['real']);
    for (const id of [...stale, 'hint-a']) expect(await hint(id)).toBeNull();
    expect(await hint('later')).toBe('2030-01-01T11:00:00.000Z');
    expect(await hint('real')).toBe('2030-01-01T09:30:00.000Z');
    // Nothing is set right twice.
    const before = await updates();
    expect(
      await ledger.listWalletsWithExpiredHolds({ dueBy: '2030-01-01T10:00:00.000Z', limit: 2 }),
    ).toEqual(['real']);
    expect((await updates()).all).toBe(before.all);
  });

  /** `count` wallets `prefix-<i>` holding `holds` (a JSON array or NULL) under `hint`. */
  async function bulkWallets(prefix: string, count: number, hint: string, holds: string | null) {
    await pool.query(
      `INSERT INTO ${s}.wallets (account_id, version, sequence, head_hash, currencies, balances,
          created_at, updated_at, metadata, holds, next_hold_expiry)
        SELECT $1 || '-' || i, 1, 0, repeat('0', 64), '{}', '{}', $2, $2, NULL, $3::jsonb, $4
        FROM generate_series(1, $5::int) AS i`,
      [prefix, T0, holds, hint, count],
    );
  }

  it('answers a wallet due behind thousands of hints that stood for nothing, setting them right', async () => {
    await bulkWallets('void', 2500, '2030-01-01T08:00:00.000Z', null);
    await insertWallets(ledger, [
      newWallet('behind', [hold('h-behind', '2030-01-01T09:45:00.000Z')]),
    ]);
    // 'real' from the test before, due at 09:30, then 'behind'.
    expect(
      await ledger.listWalletsWithExpiredHolds({ dueBy: '2030-01-01T10:00:00.000Z', limit: 2 }),
    ).toEqual(['real', 'behind']);
    const { rows } = await pool.query(
      `SELECT count(*)::int AS n FROM ${s}.wallets WHERE account_id LIKE 'void-%' AND next_hold_expiry IS NOT NULL`,
    );
    expect(rows[0].n).toBe(0);
    await setHolds(ledger, 'behind', []);
  });

  it('never answers a wallet whose hold was settled while the sweep was reading', async () => {
    // Due wallets ahead of the target keep the sweep busy locking them while the target's hold
    // is captured and committed: the sweep's snapshot still shows the hold, the row it locks
    // does not.
    const holds = JSON.stringify([hold('h', '2030-01-01T09:00:00.000Z')]);
    await bulkWallets('ahead', 3000, '2030-01-01T09:00:00.000Z', holds);
    await insertWallets(ledger, [newWallet('target', [])]);
    const writerPool = testPool(1);
    const writer = await writerPool.connect();
    const sweepRuns = `SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active'
      AND query LIKE '%FOR UPDATE SKIP LOCKED%' AND pid <> pg_backend_pid()`;
    /**
     * One race: the capture's update as the ledger writes it (the hint kept), committed while
     * the sweep runs and before it locks the target. Whether it raced, and whether the sweep
     * answered the target.
     */
    async function race(): Promise<{ raced: boolean; answered: boolean }> {
      await setHolds(ledger, 'target', [hold('h-target', '2030-01-01T09:30:00.000Z')]);
      let settled = false;
      const sweep = ledger
        .listWalletsWithExpiredHolds({ dueBy: '2030-01-01T10:00:00.000Z', limit: 5000 })
        .finally(() => {
          settled = true;
        });
      while (!settled && (await writer.query(sweepRuns)).rows[0].n === 0) {
        await new Promise((resolve) => setImmediate(resolve));
      }
      let raced = false;
      await writer.query('BEGIN');
      try {
        // 55P03: the sweep holds the target already, so this round cannot race.
        await writer.query(
          `SELECT 1 FROM ${s}.wallets WHERE account_id = 'target' FOR UPDATE NOWAIT`,
        );
        await writer.query(
          `UPDATE ${s}.wallets SET holds = NULL, version = version + 1 WHERE account_id = 'target'`,
        );
        raced = !settled && (await writer.query(sweepRuns)).rows[0].n > 0;
      } catch (error) {
        if ((error as { code?: string }).code !== '55P03') throw error;
      } finally {
        await writer.query(raced ? 'COMMIT' : 'ROLLBACK');
      }
      const due = await sweep;
      return { raced, answered: raced && due.includes('target') };
    }
    let raced = 0;
    let answered = 0;
    try {
      for (let round = 0; round < 30; round++) {
        const outcome = await race();
        if (outcome.raced) raced++;
        if (outcome.answered) answered++;
      }
    } finally {
      writer.release();
      await writerPool.end();
      await pool.query(`DELETE FROM ${s}.wallets WHERE account_id LIKE 'ahead-%'`);
    }
    expect(raced).toBeGreaterThan(5);
    expect(answered).toBe(0);
  });

  it('keeps every hint at or before its wallet’s earliest hold while sweeps run beside writers', async () => {
    const pools = [testPool(2), testPool(4)];
    const sweeper = createPostgresLedger({ client: pools[0]!, schema });
    const writers = createPostgresLedger({ client: pools[1]!, schema });
    const ids = Array.from({ length: 12 }, (_, i) => `race-${i}`);
    await insertWallets(
      ledger,
      ids.map((id) => newWallet(id)),
    );
    const expiries = [
      '2030-01-01T09:00:00.000Z',
      '2030-01-01T12:00:00.000Z',
      '2030-01-02T00:00:00.000Z',
    ];
    let writing = true;
    let found = 0;
    const sweeps = (async () => {
      while (writing) {
        const due = await sweeper.listWalletsWithExpiredHolds({
          dueBy: '2030-01-01T12:00:00.000Z',
          limit: 3,
        });
        found += due.length;
      }
    })();
    try {
      for (let round = 0; round < 30; round++) {
        await Promise.all(
          ids.map((id, i) =>
            setHolds(
              writers,
              id,
              (round + i) % 4 === 0 ? [] : [hold(`h-${id}-${round}`, expiries[(round * i) % 3]!)],
            ),
          ),
        );
      }
    } finally {
      writing = false;
      await sweeps;
      await Promise.all(pools.map((client) => client.end()));
    }
    expect(found).toBeGreaterThan(0);
    const { rows } = await pool.query(
      `SELECT account_id FROM ${s}.wallets AS w WHERE account_id LIKE 'race-%' AND holds IS NOT NULL
        AND (next_hold_expiry IS NULL OR next_hold_expiry > (SELECT min((hold->>'expiresAt')::timestamptz)
          FROM jsonb_array_elements(w.holds) AS hold))`,
    );
    expect(rows).toEqual([]);
  });
});

describe('query plans on PostgreSQL, over a few thousand wallets and entries', () => {
  const schema = uniqueSchema('plans');
  const s = `"${schema}"`;
  let pool: pg.Pool;

  beforeAll(async () => {
    pool = testPool(2);
    const ledger = createPostgresLedger({ client: pool, schema });
    await ledger.migrate();
    await pool.query(
      `INSERT INTO ${s}.wallets (account_id, version, sequence, head_hash, currencies, balances,
          created_at, updated_at, metadata)
        SELECT 'bulk-' || i, 1, 1, repeat('0', 64), '{GEMS}', '{1}', now(), now(), NULL
        FROM generate_series(1, 3000) AS i`,
    );
    await pool.query(
      `INSERT INTO ${s}.journal_entries (account_id, sequence, transaction_id, type, currency,
          amount, balance_before, balance_after, tx_time, prev_hash, hash)
        SELECT 'bulk-' || i, 1, 'tx-' || i, 'CREDIT', 'GEMS', 1, 0, 1, now(), repeat('0', 64),
          repeat('f', 64)
        FROM generate_series(1, 3000) AS i`,
    );
    await insertWallets(ledger, [
      newWallet('held-1', [hold('h1', '2030-01-01T10:00:00.000Z')]),
      newWallet('held-2', [hold('h2', '2030-01-01T11:00:00.000Z')]),
    ]);
    await pool.query(`ANALYZE ${s}.wallets`);
    await pool.query(`ANALYZE ${s}.journal_entries`);
  });

  afterAll(async () => {
    await dropSchema(pool, schema);
    await pool.end();
  });

  it('finds wallets with expired holds through the partial index on next_hold_expiry', async () => {
    const shown = await plan(
      pool,
      `SELECT account_id FROM ${s}.wallets WHERE next_hold_expiry <= $1::timestamptz
        ORDER BY next_hold_expiry LIMIT $2`,
      ['2030-01-01T10:30:00.000Z', 100],
    );
    expect(shown).toMatch(/Index Scan using wallets_by_next_hold_expiry/);
    const ledger = createPostgresLedger({ client: pool, schema });
    expect(
      await ledger.listWalletsWithExpiredHolds({ dueBy: '2030-01-01T10:30:00.000Z', limit: 10 }),
    ).toEqual(['held-1']);
  });

  it('finds a transaction’s entries through the index on transaction_id', async () => {
    const shown = await plan(
      pool,
      `SELECT account_id FROM ${s}.journal_entries WHERE transaction_id = $1`,
      ['tx-42'],
    );
    expect(shown).toMatch(/journal_entries_by_transaction/);
    const ledger = createPostgresLedger({ client: pool, schema });
    expect(
      (await ledger.queryTransaction('tx-42')).map(({ accountId, sequence }) => ({
        accountId,
        sequence,
      })),
    ).toEqual([{ accountId: 'bulk-42', sequence: 1 }]);
  });

  it('reads a prefix as a range of the primary key', async () => {
    const shown = await plan(
      pool,
      `SELECT account_id FROM ${s}.wallets WHERE account_id >= $1 AND account_id < $2
        ORDER BY account_id LIMIT 50`,
      ['bulk-12', prefixUpperBound('bulk-12')],
    );
    // An index scan, or a bitmap of one: either way a range of the key, not the whole table.
    expect(shown).toMatch(/Index (Only )?Scan (using|on) wallets_pkey/);
    expect(shown).toMatch(/Index Cond: \(\(account_id >= .*\) AND \(account_id < .*\)\)/);
    const ledger = createPostgresLedger({ client: pool, schema });
    const page = await ledger.listWallets({ prefix: 'bulk-12', limit: 3 });
    expect(page.map((wallet) => wallet.accountId)).toEqual(['bulk-12', 'bulk-120', 'bulk-1200']);
  });
});

describe('entries of reversals and holds (on PGlite)', () => {
  let db: PGlite;
  let ledger: PostgresLedger;

  beforeAll(async () => {
    db = new PGlite();
    ledger = createPostgresLedger({ client: db, schema: 'books' });
    await ledger.migrate();
  }, 60_000);

  afterAll(() => db.close());

  it('carry their fields, and only they do, exactly as hashed, through the journal and putEntries', async () => {
    const service = createWalletService({
      ledger,
      currencies: SUITE_CURRENCIES,
      clock: steppingClock('2030-01-01T00:00:00.000Z', 1000),
    });
    await service.createWallet({ accountId: 'p1' });
    await service.createWallet({ accountId: 'p2' });
    const credit = await service.addFunds({ accountId: 'p1', amount: '100', idempotencyKey: 'c' });
    await service.reverseTransaction({ transactionId: credit.transactionId, amount: '10' });
    await service.reverseTransaction({
      transactionId: credit.transactionId,
      amount: '5',
      reason: 'chargeback ü',
    });
    const captured = await service.placeHold({ accountId: 'p1', amount: '20' });
    await service.captureHold({ holdId: captured.holdId, amount: '15', toAccountId: 'p2' });
    const released = await service.placeHold({ accountId: 'p1', amount: '7' });
    await service.releaseHold({ holdId: released.holdId });
    await service.post({
      legs: [
        { accountId: 'p1', direction: 'debit', amount: '3' },
        { accountId: 'p2', direction: 'credit', amount: '3' },
      ],
    });

    const entries: JournalEntry[] = [];
    for (const accountId of ['p1', 'p2']) {
      entries.push(...(await ledger.queryEntries({ accountId, order: 'asc', limit: 100 })));
      expect((await service.verifyWallet({ accountId })).ok).toBe(true);
    }
    expect(new Set(entries.map((entry) => entry.type))).toEqual(
      new Set([
        'CREDIT',
        'REVERSAL_DEBIT',
        'HOLD',
        'HOLD_CAPTURE',
        'TRANSFER_IN',
        'HOLD_RELEASE',
        'POSTING_OUT',
        'POSTING_IN',
      ]),
    );
    for (const entry of entries) {
      expect(Object.keys(entry)).toEqual([
        ...JOURNAL_ENTRY_FIELDS,
        ...(ENTRY_TYPE_FIELDS[entry.type] ?? []),
      ]);
    }
    const reversals = entries.filter((entry) => entry.type === 'REVERSAL_DEBIT');
    expect(reversals.map(({ reverses, reason }) => ({ reverses, reason }))).toEqual([
      { reverses: credit.transactionId, reason: null },
      { reverses: credit.transactionId, reason: 'chargeback ü' },
    ]);
    expect(
      entries.filter((entry) => entry.holdId === captured.holdId).map((entry) => entry.type),
    ).toEqual(['HOLD', 'HOLD_CAPTURE', 'HOLD_RELEASE']);

    const transaction = await ledger.queryTransaction(reversals[0]!.transactionId);
    expect(transaction).toStrictEqual([reversals[0]]);
    expect(await ledger.queryTransaction('no-such-transaction')).toEqual([]);

    // Imported into a ledger that does not hold these wallets, they read back the same.
    const copy = createPostgresLedger({ client: db, schema: 'copy' });
    await copy.migrate();
    await copy.putEntries(entries);
    for (const accountId of ['p1', 'p2']) {
      expect(await copy.queryEntries({ accountId, order: 'asc', limit: 100 })).toStrictEqual(
        entries.filter((entry) => entry.accountId === accountId),
      );
    }
  });

  it('refuses to import an entry whose type fields would not read back as given', async () => {
    const [credit] = await ledger.queryEntries({ accountId: 'p1', order: 'asc', limit: 1 });
    const [hold] = (
      await ledger.queryEntries({ accountId: 'p1', order: 'asc', limit: 100 })
    ).filter((entry) => entry.type === 'HOLD');
    const [reversal] = (
      await ledger.queryEntries({ accountId: 'p1', order: 'asc', limit: 100 })
    ).filter((entry) => entry.type === 'REVERSAL_DEBIT');
    const { holdId: _holdId, ...holdWithoutId } = hold!;
    const { reason: _reason, ...reversalWithoutReason } = reversal!;
    for (const odd of [
      { ...credit!, holdId: 'h' },
      { ...credit!, reverses: 't', reason: null },
      holdWithoutId,
      { ...hold!, reason: 'why' },
      reversalWithoutReason,
      { ...reversal!, holdId: 'h' },
    ]) {
      await expectWalletError(
        ledger.putEntries([{ ...odd, accountId: 'elsewhere' } as JournalEntry]),
        'VALIDATION_ERROR',
      );
    }
    expect(await ledger.queryEntries({ accountId: 'elsewhere', order: 'asc', limit: 5 })).toEqual(
      [],
    );
  });
});
