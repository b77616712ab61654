import { PGlite } from '@electric-sql/pglite';
import { createWalletService, type JournalEntry } from '@wallet/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresLedger, type PostgresLedger } from '../src/index.js';
import { dropSchema, requireServer, testPool, uniqueSchema } from './support/postgres-server.js';

await requireServer();

const pool = testPool(4);
const schema = uniqueSchema('journals');
let pglite: PGlite;

beforeAll(async () => {
  pglite = await PGlite.create();
});
afterAll(async () => {
  await dropSchema(pool, schema);
  await pool.end();
  await pglite.close();
});

describe.each([
  ['PostgreSQL', () => createPostgresLedger({ client: pool, schema })],
  ['PGlite', () => createPostgresLedger({ client: pglite })],
])('queryJournals on %s', (_name, makeLedger) => {
  let ledger: PostgresLedger;
  const ids = ['j-a', 'j-b', 'j-c', 'j-d'];

  beforeAll(async () => {
    ledger = makeLedger();
    await ledger.migrate();
    const service = createWalletService({ ledger, currencies: [{ code: 'GEMS', scale: 0 }] });
    for (const [i, accountId] of ids.entries()) {
      await service.createWallet({ accountId });
      for (let n = 0; n <= i; n++) await service.addFunds({ accountId, amount: String(n + 1) });
    }
  });

  const position = (entries: JournalEntry[]) =>
    entries.map((entry) => `${entry.accountId}#${entry.sequence}`);

  it('returns the named wallets’ entries in (account id, sequence) order, exactly as queryEntries does', async () => {
    const page = await ledger.queryJournals({ accountIds: ['j-d', 'j-b'], limit: 100 });
    expect(position(page)).toEqual(['j-b#1', 'j-b#2', 'j-d#1', 'j-d#2', 'j-d#3', 'j-d#4']);
    const single = await ledger.queryEntries({ accountId: 'j-d', order: 'asc', limit: 10 });
    expect(page.slice(2)).toStrictEqual(single);
  });

  it('pages after a position, across wallets, with none left out or repeated', async () => {
    const seen: string[] = [];
    let after: { accountId: string; sequence: number } | undefined;
    for (;;) {
      const page = await ledger.queryJournals({
        accountIds: ids,
        limit: 3,
        ...(after === undefined ? {} : { after }),
      });
      seen.push(...position(page));
      if (page.length < 3) break;
      after = { accountId: page.at(-1)!.accountId, sequence: page.at(-1)!.sequence };
    }
    expect(seen).toEqual(
      ids.flatMap((accountId, i) =>
        Array.from({ length: i + 1 }, (_, n) => `${accountId}#${n + 1}`),
      ),
    );
  });

  it('returns nothing for wallets it does not hold', async () => {
    expect(await ledger.queryJournals({ accountIds: ['nobody'], limit: 10 })).toEqual([]);
  });

  it('counts the wallets listWallets would list, with a prefix whose _ and % are no wildcards', async () => {
    const service = createWalletService({ ledger, currencies: [{ code: 'GEMS', scale: 0 }] });
    for (const accountId of ['c_1', 'c_2', 'cx1', 'c.3']) await service.createWallet({ accountId });
    expect(await ledger.countWallets('j-')).toBe(4);
    expect(await ledger.countWallets('c_')).toBe(2);
    expect(await ledger.countWallets('c%')).toBe(0);
    expect(await ledger.countWallets('zz')).toBe(0);
    expect(await ledger.countWallets('')).toBe((await ledger.listWallets({ limit: 1000 })).length);
  });
});
