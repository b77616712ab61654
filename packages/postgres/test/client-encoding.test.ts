import { PGlite } from '@electric-sql/pglite';
import { createWalletService, type Metadata, type WalletService } from '@wallet/core';
import { uniqueIds } from '@wallet/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresLedger, type PostgresClient } from '../src/index.js';
import { sqlLiteral, sqlText } from '../src/sql-literal.js';
import {
  dropSchema,
  requireServer,
  SERVER_URL,
  testPool,
  uniqueSchema,
} from './support/postgres-server.js';

await requireServer();

/**
 * The session settings of the multibyte escape injection: the server re-reads the UTF-8 bytes
 * node-postgres sends as Shift-JIS, and takes `\'` as an escaped quote.
 */
const SHIFT_JIS = "SET client_encoding TO 'SJIS'; SET backslash_quote TO on";

/**
 * A pool whose connections speak Shift-JIS. node-postgres always asks for UTF8 in its startup
 * message, which wins over `options: '-c client_encoding=SJIS'` and its own `client_encoding`
 * setting, so a studio's pool gets there the way this one does: a hook that sets it on each
 * new connection (or any code given a connection).
 */
function shiftJisPool(max: number): pg.Pool {
  const pool = new pg.Pool({
    connectionString: SERVER_URL,
    max,
    onConnect: async (client) => {
      await client.query(SHIFT_JIS);
    },
  });
  pool.on('error', () => {});
  return pool;
}

/**
 * Characters whose last UTF-8 byte (0x81) is a Shift-JIS lead byte, and whose other bytes read
 * as whole Shift-JIS characters: read as Shift-JIS, each swallows the backslash after it.
 */
const SWALLOWERS = ['Á', 'ā', 'Ё', 'ő', 'ρ', 'ぁ'];

for (const character of SWALLOWERS) {
  const bytes = Buffer.from(character);
  const last = bytes[bytes.length - 1]!;
  if (!((last >= 0x81 && last <= 0x9f) || (last >= 0xe0 && last <= 0xfc))) {
    throw new Error(`${character} does not end with a Shift-JIS lead byte`);
  }
}

/** `\'` after a swallowing character, then SQL: the classic payload. */
function payload(character: string, sql: string): string {
  return `${character}\\'; ${sql}; --`;
}

/** What `sqlText` wrote before it escaped non-ASCII: backslashes and quotes doubled, nothing else. */
function escapedAsBefore(value: string): string {
  return `E'${value.replace(/[\\']/g, '$&$&')}'`;
}

async function tableExists(pool: pg.Pool, name: string): Promise<boolean> {
  const { rows } = await pool.query('SELECT to_regclass($1) IS NOT NULL AS present', [name]);
  return rows[0].present as boolean;
}

/** The UTF-8 bytes the server holds for a SQL expression, as hex, which reads the same in every encoding. */
async function serverBytes(client: pg.PoolClient, expression: string): Promise<string> {
  const { rows } = await client.query(
    `SELECT encode(convert_to(${expression}, 'UTF8'), 'hex') AS hex`,
  );
  return rows[0].hex as string;
}

describe('a Shift-JIS connection with backslash_quote on', () => {
  let pool: pg.Pool;
  let client: pg.PoolClient;

  beforeAll(async () => {
    pool = shiftJisPool(1);
    client = await pool.connect();
    await client.query('CREATE TEMPORARY TABLE victim (x int)');
  });

  afterAll(async () => {
    client.release(true);
    await pool.end();
  });

  it('runs the payload of a string escaped as before (the attack)', async () => {
    expect((await client.query('SHOW client_encoding')).rows[0].client_encoding).toBe('SJIS');
    await client.query(`SELECT ${escapedAsBefore(payload('Á', 'DROP TABLE victim'))}`);
    expect((await client.query("SELECT to_regclass('pg_temp.victim') AS t")).rows[0].t).toBe(null);
    await client.query('CREATE TEMPORARY TABLE victim (x int)');
  });

  it('reads every sqlText literal back as the exact string, payloads included, and runs none', async () => {
    const values = [
      ...SWALLOWERS.map((character) => payload(character, 'DROP TABLE victim')),
      ...SWALLOWERS.map((character) => `${character}\\\\'' OR true; --`),
      payload('ぁ', 'INSERT INTO victim VALUES (1)'),
      'ソ表能 🎮 e\u0301 \u2028 $$ \\ \' "',
    ];
    for (const value of values) {
      // A literal that broke out would run the rest of the string as statements of this query
      // (the result itself may not convert to Shift-JIS: that error is not the point here).
      await client.query(`SELECT ${sqlText(value)} AS value`).catch(() => {});
      expect((await client.query('SELECT count(*)::int AS n FROM victim')).rows[0].n).toBe(0);
      const utf8 = Buffer.from(value).toString('hex');
      expect(await serverBytes(client, sqlText(value))).toBe(utf8);
      const json = sqlLiteral(JSON.stringify({ [value]: value }), 'jsonb');
      expect(await serverBytes(client, `${json} ->> ${sqlText(value)}`)).toBe(utf8);
      expect(sqlText(value)).toMatch(/^[ -~]*$/);
    }
  });
});

describe('a ledger on a pool whose connections speak Shift-JIS', () => {
  const schema = uniqueSchema('encoding');
  const s = `"${schema}"`;
  const ids = uniqueIds('encoding');
  let admin: pg.Pool;
  const pools: pg.Pool[] = [];

  beforeAll(async () => {
    admin = testPool(2);
    await createPostgresLedger({ client: admin, schema }).migrate();
  });

  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.end()));
    await dropSchema(admin, schema);
    await admin.end();
  });

  function serviceOn(client: PostgresClient, preparedStatements: boolean): WalletService {
    const ledger = createPostgresLedger({ client, schema, preparedStatements });
    return createWalletService({ ledger, currencies: [{ code: 'GOLD', scale: 2 }] });
  }

  function sjis(max: number): pg.Pool {
    const pool = shiftJisPool(max);
    pools.push(pool);
    return pool;
  }

  /** Payloads that would drop the journal, or set every balance, if they ran. */
  const attacks = (victim: string) => [
    payload('Á', `DROP TABLE ${s}.journal_entries`),
    payload('ぁ', `UPDATE ${s}.wallets SET balances = ARRAY[1000000]::numeric[]`),
    payload('ő', `DELETE FROM ${s}.wallets WHERE account_id = $$${victim}$$`),
    `${payload('ρ', `DROP SCHEMA ${s} CASCADE`)} and ソ表能 🎮 e\u0301 \u2028`,
  ];

  async function storedEntryMetadata(accountId: string): Promise<unknown[]> {
    const { rows } = await admin.query(
      `SELECT metadata FROM ${s}.journal_entries WHERE account_id = $1 ORDER BY sequence`,
      [accountId],
    );
    return rows.map((row) => row.metadata);
  }

  for (const preparedStatements of [true, false]) {
    it(`stores and reads back payloads in metadata names and values exactly, and runs none: ${preparedStatements ? 'prepared' : 'plain'} statements`, async () => {
      const pool = sjis(2);
      const service = serviceOn(pool, preparedStatements);
      const victim = ids.account('victim');
      const attacker = ids.account('attacker');
      const [drop, update, remove, schemaDrop] = attacks(victim);
      const walletMetadata: Metadata = { [drop!]: update!, note: schemaDrop!, list: [remove!] };

      await service.createWallet({ accountId: victim, metadata: { name: remove! } });
      await service.addFunds({ accountId: victim, amount: '10.00' });
      await service.createWallet({ accountId: attacker, metadata: walletMetadata });
      const written: Metadata[] = [
        { [update!]: drop!, reason: remove! },
        { note: schemaDrop!, [remove!]: 1 },
        { [schemaDrop!]: [drop!, update!] },
      ];
      const key = ids.key();
      await service.addFunds({
        accountId: attacker,
        amount: '5.00',
        idempotencyKey: key,
        metadata: written[0],
      });
      const replay = await service.addFunds({
        accountId: attacker,
        amount: '5.00',
        idempotencyKey: key,
        metadata: written[0],
      });
      expect(replay.replayed).toBe(true);
      await service.withdrawFunds({
        accountId: attacker,
        amount: '1.00',
        idempotencyKey: ids.key(),
        metadata: written[1],
      });
      await service.transfer({
        fromAccountId: attacker,
        toAccountId: victim,
        amount: '1.50',
        idempotencyKey: ids.key(),
        metadata: written[2],
      });

      expect(await tableExists(admin, `${schema}.journal_entries`)).toBe(true);
      expect(await tableExists(admin, `${schema}.wallets`)).toBe(true);
      const funds = await service.getFunds({ accountId: attacker });
      expect(funds.balances).toEqual({ GOLD: '2.50' });
      expect(funds.metadata).toEqual(walletMetadata);
      const victimFunds = await service.getFunds({ accountId: victim });
      expect(victimFunds.balances).toEqual({ GOLD: '11.50' });
      expect(victimFunds.metadata).toEqual({ name: remove });

      const history = await service.getTransactionHistory({ accountId: attacker, order: 'asc' });
      expect(history.items.map((entry) => entry.metadata)).toEqual(written);
      expect(await storedEntryMetadata(attacker)).toEqual(written);
      const stored = await admin.query(`SELECT metadata FROM ${s}.wallets WHERE account_id = $1`, [
        attacker,
      ]);
      expect(stored.rows[0].metadata).toEqual(walletMetadata);
      expect(await service.verifyWallet({ accountId: attacker })).toMatchObject({
        ok: true,
        problems: [],
      });
      expect(await service.verifyWallet({ accountId: victim })).toMatchObject({ ok: true });
    });
  }

  it('changes no session setting on a connection that already speaks UTF-8', async () => {
    // The server reports every change of client_encoding (a ParameterStatus message), which is
    // what a pooler or proxy tracks; the ledger's check must cause none.
    const reported: string[] = [];
    const pool = testPool(1);
    pools.push(pool);
    pool.on('connect', (client) => {
      const connection = (client as unknown as { connection: NodeJS.EventEmitter }).connection;
      connection.on('parameterStatus', (message: { parameterName: string }) => {
        reported.push(message.parameterName);
      });
    });
    for (const preparedStatements of [true, false]) {
      const service = serviceOn(pool, preparedStatements);
      const accountId = ids.account();
      await service.createWallet({ accountId, metadata: { note: 'ぁ 🎮' } });
      await service.addFunds({ accountId, amount: '1.00' });
      expect((await service.getFunds({ accountId })).metadata).toEqual({ note: 'ぁ 🎮' });
    }
    expect(reported).not.toContain('client_encoding');
  });

  it('sets the connection to UTF-8 once, and again after a first transaction that rolled back', async () => {
    const pool = sjis(1);
    const ledger = createPostgresLedger({ client: pool, schema, preparedStatements: false });
    const encoding = async () => (await pool.query('SHOW client_encoding')).rows[0].client_encoding;
    expect(await encoding()).toBe('SJIS');
    const refused = new Error('decided against it');
    await expect(
      ledger.transact({
        accountIds: [ids.account()],
        idempotencyKeys: [],
        recordKeys: [],
        decide: () => {
          throw refused;
        },
      }),
    ).rejects.toBe(refused);
    // Its SET went with its BEGIN, so the rollback undid it.
    expect(await encoding()).toBe('SJIS');
    const service = createWalletService({ ledger, currencies: [{ code: 'GOLD', scale: 2 }] });
    const accountId = ids.account();
    const metadata = { [payload('Á', `DROP TABLE ${s}.wallets`)]: 'ぁ 🎮' };
    await service.createWallet({ accountId, metadata });
    expect(await encoding()).toBe('UTF8');
    expect((await service.getFunds({ accountId })).metadata).toEqual(metadata);
  });

  it('keeps literals inert on a connection set back to Shift-JIS after the ledger first used it', async () => {
    // Code sharing the pool sets Shift-JIS again after the ledger set UTF-8 (as an `acquire`
    // hook would): the literals of the write alone must keep the payloads strings.
    const pool = sjis(1);
    const ledger = createPostgresLedger({ client: pool, schema });
    await ledger.getWallet(ids.account());
    const shared = await pool.connect();
    await shared.query(SHIFT_JIS);
    shared.release();
    const accountId = ids.account();
    const victim = ids.account('victim');
    const metadata: Metadata = Object.fromEntries(
      attacks(victim).map((attack, i) => [`${attack}${i}`, attack]),
    );
    await ledger.transact({
      accountIds: [accountId],
      idempotencyKeys: [],
      recordKeys: [],
      decide: () => ({
        write: {
          wallets: [
            {
              accountId,
              balances: { GOLD: '1.00' },
              version: 0,
              sequence: 0,
              headHash: '0'.repeat(64),
              createdAt: '2030-01-01T00:00:00.000Z',
              updatedAt: '2030-01-01T00:00:00.000Z',
              metadata,
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
    // The ledger had already set this connection once, so the write went out under Shift-JIS.
    const { rows } = await pool.query('SHOW client_encoding');
    expect(rows[0].client_encoding).toBe('SJIS');
    expect(await tableExists(admin, `${schema}.journal_entries`)).toBe(true);
    const stored = await admin.query(
      `SELECT metadata, balances::text[] AS balances FROM ${s}.wallets WHERE account_id = $1`,
      [accountId],
    );
    expect(stored.rows).toEqual([{ metadata, balances: ['1.00'] }]);
  });
});

describe('a ledger on PGlite whose session was set to another client encoding', () => {
  let db: PGlite;

  beforeAll(async () => {
    db = new PGlite();
    await db.waitReady;
  });

  afterAll(async () => {
    await db.close();
  });

  it('sets it back to UTF-8 before its first statement, and reads back what it wrote', async () => {
    await db.exec("SET client_encoding TO 'LATIN1'");
    const ledger = createPostgresLedger({ client: db });
    await ledger.migrate();
    const service = createWalletService({ ledger, currencies: [{ code: 'GOLD', scale: 2 }] });
    const metadata = { [payload('Á', 'DROP TABLE wallet.wallets')]: 'é ぁ 🎮' };
    await service.createWallet({ accountId: 'p1', metadata });
    await service.addFunds({ accountId: 'p1', amount: '1.00', metadata });
    expect((await db.query('SHOW client_encoding')).rows).toEqual([{ client_encoding: 'UTF8' }]);
    expect((await service.getFunds({ accountId: 'p1' })).metadata).toEqual(metadata);
    const history = await service.getTransactionHistory({ accountId: 'p1' });
    expect(history.items.map((entry) => entry.metadata)).toEqual([metadata]);
    expect((await service.verifyWallet({ accountId: 'p1' })).ok).toBe(true);
  });
});
