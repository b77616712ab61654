import { PGlite } from '@electric-sql/pglite';
import { isWalletError } from '@wallet/core';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresLedger } from '../src/index.js';
import { sqlArray, sqlLiteral, sqlText, sqlTextArray } from '../src/sql-literal.js';
import { compareAccountIds } from '../src/write-calls.js';
import { dropSchema, requireServer, testPool, uniqueSchema } from './support/postgres-server.js';

await requireServer();

const HOSTILE = [
  "o'neil",
  "''",
  '\\',
  "\\'; DROP TABLE x; --",
  '$$',
  '$tag$ $$ $',
  "E'\\x41'",
  '\\\\n\\t',
  '"quoted"',
  'ünï 🎮 \u{10FFFF}',
  '\r\n\t',
  '',
  // Astral characters next to hex digits, which an escape must not swallow.
  '\u{1F3AE}0\u{10000}f\u{1D11E}',
  // Combining marks, kept as written (no normalization).
  'e\u0301 a\u0308\u0304 \u0915\u094D\u0937',
  // Line and paragraph separators, a byte order mark, DEL and other control characters.
  'a\u2028b\u2029c\uFEFF\u007F\u0001\u001F',
  // A character whose last UTF-8 byte is a Shift-JIS lead byte, before a backslash and a quote.
  "Á\\'; DROP TABLE x; --",
  '\uFFFF\uE000 表',
];

describe('SQL literals', () => {
  let pool: pg.Pool;
  let db: PGlite;

  beforeAll(async () => {
    pool = testPool(2);
    // PGlite takes seconds to start: here, under the hook timeout, not in the first test.
    db = new PGlite();
    await db.waitReady;
  });

  afterAll(async () => {
    await Promise.all([pool.end(), db.close()]);
  });

  /** `select`'s one row is `expected` on the server with either string setting and on PGlite. */
  async function expectEverywhere(select: string, expected: unknown): Promise<void> {
    const client = await pool.connect();
    try {
      for (const setting of ['on', 'off']) {
        await client.query(`SET standard_conforming_strings = ${setting}`);
        expect((await client.query(select)).rows[0]).toEqual(expected);
      }
    } finally {
      client.release(true);
    }
    expect((await db.query(select)).rows[0]).toEqual(expected);
  }

  it('read back every hostile string unchanged, on the server with either string setting and on PGlite', async () => {
    const select = `SELECT ${HOSTILE.map((value, i) => `${sqlText(value)} AS v${i}`).join(', ')}`;
    const expected = Object.fromEntries(HOSTILE.map((value, i) => [`v${i}`, value]));
    await expectEverywhere(select, expected);
  });

  it('reads back an array of every hostile string unchanged, with either string setting and on PGlite', async () => {
    const select = `SELECT ${sqlTextArray(HOSTILE)}::text[] AS values, ${sqlTextArray([])}::text[] AS none`;
    await expectEverywhere(select, { values: HOSTILE, none: [] });
  });

  it('writes NULL for null and JSON as jsonb', async () => {
    const value = { quote: "it's", slash: '\\', nested: [1, null, '$$'] };
    const json = JSON.stringify(value);
    const { rows } = await pool.query(
      `SELECT ${sqlLiteral(null, 'text')} AS none, ${sqlLiteral(json, 'jsonb')} AS json,
        ${sqlLiteral(null, 'jsonb')} AS nothing, ${sqlLiteral('42', 'bigint')}::int AS number`,
    );
    expect(rows[0]).toEqual({ none: null, json: value, nothing: null, number: 42 });
  });

  it('reads back a column of every hostile string, nulls among them, as one array literal, with either string setting and on PGlite', async () => {
    const column = [...HOSTILE, null];
    const json = HOSTILE.map((value) => JSON.stringify({ value }));
    const select = `SELECT ${sqlArray(column, 'text[]')} AS values, ${sqlArray([], 'text[]')} AS none,
      ${sqlArray([...json, null], 'jsonb[]')} AS json`;
    const expected = {
      values: column,
      none: [],
      json: [...HOSTILE.map((value) => ({ value })), null],
    };
    await expectEverywhere(select, expected);
  });

  it('writes a bigint only from digits, and refuses anything else written bare', () => {
    expect(sqlLiteral('-42', 'bigint')).toBe('-42');
    for (const value of ['1; DROP TABLE x', '', '1.5', ' 1', '0x1']) {
      expect(() => sqlLiteral(value, 'bigint')).toThrow(RangeError);
    }
  });

  it('refuses U+0000, which would end the query text, as a VALIDATION_ERROR', () => {
    let thrown: unknown;
    try {
      sqlText('a\u0000b');
    } catch (error) {
      thrown = error;
    }
    expect(isWalletError(thrown) && thrown.code).toBe('VALIDATION_ERROR');
  });

  it('writes every literal as printable ASCII, escaping each character outside it by its code point', () => {
    for (const value of HOSTILE) expect(sqlText(value)).toMatch(/^E'[ -~]*'$/);
    expect(sqlTextArray(HOSTILE)).toMatch(/^E'[ -~]*'$/);
    expect(sqlText("it's \\ plain")).toBe("E'it''s \\\\ plain'");
    expect(sqlText("é'\\")).toBe("E'\\u00e9''\\\\'");
    expect(sqlText('\u{1F3AE}')).toBe("E'\\U0001f3ae'");
    expect(sqlText('\u{10FFFF}\u2028\n')).toBe("E'\\U0010ffff\\u2028\\u000a'");
  });

  it('refuses a lone surrogate as it refuses U+0000, rather than writing an invalid escape', () => {
    for (const value of ['\uD83C', 'a\uDFAEb', '\uDFAE\uD83C', `${'x'.repeat(50)}\uD800`]) {
      let thrown: unknown;
      try {
        sqlText(value);
      } catch (error) {
        thrown = error;
      }
      expect(isWalletError(thrown) && thrown.code).toBe('VALIDATION_ERROR');
    }
  });

  it('orders account ids as the "C" collation does, above U+FFFF too', async () => {
    const ids = ['b', 'a', '\u{1F3AE}', '\uFFFD', 'ab', 'a\u{10000}', 'a\uE000', ''];
    const { rows } = await pool.query(
      'SELECT id FROM unnest($1::text[]) AS id ORDER BY id COLLATE "C"',
      [ids],
    );
    expect([...ids].sort(compareAccountIds)).toEqual(rows.map((row) => row.id));
  });
});

describe('a ledger given hostile account ids, keys, records and holds', () => {
  const schema = uniqueSchema('literals');
  let pool: pg.Pool;

  beforeAll(async () => {
    pool = testPool(2);
  });

  afterAll(async () => {
    await dropSchema(pool, schema);
    await pool.end();
  });

  const shapes = {
    'one wallet and key': HOSTILE.filter((value) => value !== '').slice(3, 4),
    'two wallets and keys': HOSTILE.filter((value) => value !== '').slice(0, 2),
    'every one at once': HOSTILE.filter((value) => value !== ''),
  };
  for (const preparedStatements of [true, false]) {
    for (const [shape, ids] of Object.entries(shapes)) {
      it(`stores and reads them back exactly: ${shape}, ${preparedStatements ? 'prepared' : 'plain'} statements`, async () => {
        const ledger = createPostgresLedger({ client: pool, schema, preparedStatements });
        await ledger.migrate();
        const tag = `${shape}:${preparedStatements}:`;
        const tagged = ids.map((id) => `${tag}${id}`);
        await ledger.transact({
          accountIds: tagged,
          idempotencyKeys: tagged,
          recordKeys: tagged,
          decide: (snapshot) => {
            expect(snapshot.wallets.size).toBe(0);
            expect(snapshot.records.size).toBe(0);
            return {
              write: {
                wallets: tagged.map((accountId) => ({
                  accountId,
                  balances: { [accountId]: '1.50' },
                  version: 0,
                  sequence: 0,
                  headHash: '0'.repeat(64),
                  createdAt: '2030-01-01T00:00:00.000Z',
                  updatedAt: '2030-01-01T00:00:00.000Z',
                  metadata: { note: accountId },
                  holds: [
                    {
                      holdId: accountId,
                      currency: accountId,
                      amount: '1.00',
                      expiresAt: '2030-01-01T00:15:00.000Z',
                    },
                  ],
                })),
                entries: [],
                idempotency: tagged.map((key) => ({
                  key,
                  fingerprint: key,
                  transactionId: key,
                  result: { key },
                  createdAt: '2030-01-01T00:00:00.000Z',
                })),
                records: tagged.map((key) => ({ key, version: 1, data: { [key]: key } })),
              },
              result: null,
            };
          },
        });
        const snapshot = await ledger.transact({
          accountIds: tagged,
          idempotencyKeys: tagged,
          recordKeys: tagged,
          decide: (read) => ({ write: null, result: read }),
        });
        expect(snapshot.wallets.size).toBe(tagged.length);
        for (const id of tagged) {
          expect(snapshot.wallets.get(id)).toMatchObject({
            balances: { [id]: '1.50' },
            metadata: { note: id },
          });
          expect(snapshot.idempotency.get(id)).toMatchObject({
            fingerprint: id,
            result: { key: id },
          });
          expect(snapshot.wallets.get(id)?.holds).toEqual([
            { holdId: id, currency: id, amount: '1.00', expiresAt: '2030-01-01T00:15:00.000Z' },
          ]);
          expect(snapshot.records.get(id)).toEqual({ key: id, version: 1, data: { [id]: id } });
          expect(await ledger.getRecord(id)).toEqual(snapshot.records.get(id));
          expect(await ledger.getWallet(id)).toEqual(snapshot.wallets.get(id));
        }
      });
    }
  }
});
