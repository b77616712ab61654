import { randomUUID } from 'node:crypto';
import {
  GENESIS_HASH,
  hashEntry,
  type IdempotencyRecord,
  isWalletError,
  type JournalEntry,
  type LedgerRecord,
  type LedgerSnapshot,
  type LedgerStore,
  type LedgerWrite,
  type WalletRecord,
} from '@wallet/core';
import { TransactionTooLargeError } from '@wallet/core/adapter';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { uniqueIds } from './fixtures.js';
import type { LedgerFixture } from './ledger-store-suite.js';
import { namedTests } from './named-tests.js';

/**
 * The names of the port-level tests, to turn one off with a reason.
 *
 * @example
 * const name: LedgerPortTest = 'queryJournals reads several journals in (account id, sequence) order';
 */
export type LedgerPortTest = (typeof LEDGER_PORT_TESTS)[number];

/**
 * The port-level tests, by name, in the order they run.
 *
 * @example
 * for (const name of LEDGER_PORT_TESTS) console.log(name);
 */
export const LEDGER_PORT_TESTS = [
  'commits an insert and reads the wallet back exactly',
  'conflicts on an insert of a wallet that exists by then',
  'conflicts on an entry whose (account id, sequence) is taken',
  'conflicts on an idempotency key that is already stored',
  'inserts a record at version 1 and replaces it only from the version before',
  'rethrows an error of decide unchanged and writes nothing',
  'commits nothing for a null write and resolves to the result',
  'retries decide on a fresh snapshot: 16 concurrent increments all land',
  'refuses a write over maxRecordsPerTransaction before writing any of it',
  'returns entries exactly as written, in either order, from a sequence, by currency',
  'returns every entry of a transaction across its wallets',
  'lists wallets in code point order, by prefix, after an id, up to a limit',
  'lists wallets whose holds are due',
  'queryJournals reads several journals in (account id, sequence) order',
  'listHeads lists the heads listWallets would, three fields each',
  'countWallets counts the wallets of a prefix',
] as const;

/**
 * How to run the port-level suite against one adapter.
 *
 * @example
 * const options: LedgerPortSuiteOptions = { name: 'memory', createLedger: () => ({ ledger: createMemoryLedger() }) };
 */
export interface LedgerPortSuiteOptions {
  /** Names the adapter in test titles, e.g. `postgres`. */
  name: string;
  /** Builds the ledger once for the suite; tests use fresh account ids, so it may hold data. */
  createLedger: () => Promise<LedgerFixture> | LedgerFixture;
  /** Tests not registered for this store, each with the reason. */
  skip?: Partial<Record<LedgerPortTest, string>>;
}

const CREATED = '2030-01-01T00:00:00.000Z';

/**
 * The `LedgerStore` port suite: every guarantee of `ports.ts` checked by calling the port
 * directly with hand-built writes, no `WalletService` in between, so a new adapter learns what
 * breaks before any money rule is involved. A store without an optional method
 * (`queryJournals`, `countWallets`) skips its test by name, with the reason. Every adapter runs
 * it beside `ledgerStoreSuite`.
 *
 * @example
 * ledgerPortSuite({ name: 'memory', createLedger: () => ({ ledger: createMemoryLedger() }) });
 */
export function ledgerPortSuite(options: LedgerPortSuiteOptions): void {
  describe(`LedgerStore port: ${options.name}`, () => {
    let fixture: LedgerFixture;
    const ids = uniqueIds(`${options.name}-port`);
    const ledger = () => fixture.ledger;

    beforeAll(async () => {
      fixture = await options.createLedger();
    });
    afterAll(async () => {
      await fixture?.close?.();
    });

    const registrar = namedTests(options.skip);
    const test = (name: LedgerPortTest, body: () => Promise<void>, timeout?: number) =>
      registrar.test(name, body, timeout);

    /** Commits `write` as is, whatever the snapshot holds. */
    const commit = (write: Partial<LedgerWrite>, reads: Partial<Reads> = {}) =>
      ledger().transact({
        accountIds: reads.accountIds ?? [],
        idempotencyKeys: reads.idempotencyKeys ?? [],
        recordKeys: reads.recordKeys ?? [],
        decide: () => ({ write: { ...EMPTY_WRITE, ...write }, result: 'committed' }),
      });

    /** A new wallet with one GEMS entry of `amount`, committed; its record and entry. */
    async function seeded(amount = '5', label = 'w') {
      const accountId = ids.account(label);
      const entry = entryOf(accountId, 1, amount, GENESIS_HASH);
      const wallet = walletOf(accountId, { sequence: 1, headHash: entry.hash, version: 0 }, amount);
      await commit({ wallets: [wallet], entries: [entry] }, { accountIds: [accountId] });
      return { accountId, wallet, entry };
    }

    test('commits an insert and reads the wallet back exactly', async () => {
      const accountId = ids.account();
      const wallet = {
        ...walletOf(accountId, { sequence: 0, headHash: GENESIS_HASH, version: 0 }),
        metadata: { region: 'eu', tags: ['vip', 3], nested: { ok: true, none: null } },
        // A hold as placed now (with `placedAt`), and one placed before that field existed.
        holds: [
          {
            holdId: `${randomUUID()}~${accountId}`,
            currency: 'GEMS',
            amount: '1',
            expiresAt: '2031-01-01T00:00:00.000Z',
            placedAt: '2030-12-31T23:45:00.123Z',
          },
          {
            holdId: `${randomUUID()}~${accountId}`,
            currency: 'GEMS',
            amount: '2',
            expiresAt: '2031-01-02T00:00:00.000Z',
          },
        ],
      };
      expect(await commit({ wallets: [wallet] }, { accountIds: [accountId] })).toBe('committed');
      expect(await ledger().getWallet(accountId)).toEqual(wallet);
      expect(await ledger().getWallet(ids.account())).toBeNull();
    });

    test('conflicts on an insert of a wallet that exists by then', async () => {
      const { accountId, wallet } = await seeded();
      // Built as if the wallet did not exist (the snapshot does not read it), however often the
      // store retries: an insert, and the wallet exists.
      const again = commit({ wallets: [{ ...wallet, balances: { GEMS: '999' } }] });
      await expectCode(again, 'CONCURRENCY_CONFLICT');
      expect((await ledger().getWallet(accountId))?.balances).toEqual({ GEMS: '5' });
    });

    test('conflicts on an entry whose (account id, sequence) is taken', async () => {
      const { accountId, entry } = await seeded();
      const copy = { ...entry, transactionId: randomUUID(), amount: '7' };
      const entries = [{ ...copy, hash: hashEntry(copy) }];
      // With the wallet read and without: a store may tell from the snapshot, or must look.
      await expectCode(commit({ entries }, { accountIds: [accountId] }), 'CONCURRENCY_CONFLICT');
      await expectCode(commit({ entries }), 'CONCURRENCY_CONFLICT');
      expect(await ledger().queryEntries({ accountId, order: 'asc', limit: 10 })).toEqual([entry]);
    });

    test('conflicts on an idempotency key that is already stored', async () => {
      const key = ids.key('port');
      const record: IdempotencyRecord = {
        key,
        fingerprint: 'a'.repeat(64),
        transactionId: randomUUID(),
        result: { ok: true, amount: '5' },
        createdAt: CREATED,
      };
      await commit({ idempotency: [record] }, { idempotencyKeys: [key] });
      const read = await ledger().transact({
        accountIds: [],
        idempotencyKeys: [key],
        recordKeys: [],
        decide: (snapshot: LedgerSnapshot) => ({
          write: null,
          result: snapshot.idempotency.get(key),
        }),
      });
      expect(read).toEqual(record);
      const again = { idempotency: [{ ...record, transactionId: randomUUID() }] };
      await expectCode(commit(again, { idempotencyKeys: [key] }), 'CONCURRENCY_CONFLICT');
      await expectCode(commit(again), 'CONCURRENCY_CONFLICT');
    });

    test('inserts a record at version 1 and replaces it only from the version before', async () => {
      const key = `port:${ids.key('record')}`;
      const first: LedgerRecord = {
        key,
        version: 1,
        data: { list: [1, 'two', { three: [3] }], flag: false },
      };
      await commit({ records: [first] }, { recordKeys: [key] });
      expect(await ledger().getRecord(key)).toEqual(first);
      await expectCode(commit({ records: [first] }, { recordKeys: [key] }), 'CONCURRENCY_CONFLICT');
      await expectCode(
        commit({ records: [{ key, version: 3, data: {} }] }, { recordKeys: [key] }),
        'CONCURRENCY_CONFLICT',
      );
      const second = { key, version: 2, data: { replaced: true } };
      await commit({ records: [second] }, { recordKeys: [key] });
      expect(await ledger().getRecord(key)).toEqual(second);
      expect(await ledger().getRecord(`port:${ids.key('absent')}`)).toBeNull();
    });

    test('rethrows an error of decide unchanged and writes nothing', async () => {
      const accountId = ids.account();
      const failure = new Error('the decision refused');
      const attempt = ledger().transact({
        accountIds: [accountId],
        idempotencyKeys: [],
        recordKeys: [],
        decide: () => {
          throw failure;
        },
      });
      await expect(attempt).rejects.toBe(failure);
      expect(await ledger().getWallet(accountId)).toBeNull();
    });

    test('commits nothing for a null write and resolves to the result', async () => {
      const accountId = ids.account();
      const result = await ledger().transact({
        accountIds: [accountId],
        idempotencyKeys: [],
        recordKeys: [],
        decide: (snapshot) => ({ write: null, result: { seen: snapshot.wallets.size } }),
      });
      expect(result).toEqual({ seen: 0 });
      expect(await ledger().getWallet(accountId)).toBeNull();
    });

    test('retries decide on a fresh snapshot: 16 concurrent increments all land', async () => {
      const { accountId } = await seeded('0', 'count');
      await Promise.all(
        Array.from({ length: 16 }, () =>
          ledger().transact({
            accountIds: [accountId],
            idempotencyKeys: [],
            recordKeys: [],
            decide: (snapshot) => {
              const stored = snapshot.wallets.get(accountId)!;
              const next = String(BigInt(stored.balances.GEMS ?? '0') + 1n);
              return {
                write: {
                  ...EMPTY_WRITE,
                  wallets: [{ ...stored, version: stored.version + 1, balances: { GEMS: next } }],
                },
                result: null,
              };
            },
          }),
        ),
      );
      expect(await ledger().getWallet(accountId)).toMatchObject({
        version: 16,
        balances: { GEMS: '16' },
      });
    }, 30_000);

    test('refuses a write over maxRecordsPerTransaction before writing any of it', async () => {
      const limit = ledger().maxRecordsPerTransaction;
      if (limit === undefined) {
        // No limit: a large write commits whole.
        const records = Array.from({ length: 150 }, (_, i) => ({
          key: `port:${ids.key(`big${i}`)}`,
          version: 1,
          data: { i },
        }));
        await commit({ records });
        expect(await ledger().getRecord(records[149]!.key)).toEqual(records[149]);
        return;
      }
      const records = Array.from({ length: limit + 1 }, (_, i) => ({
        key: `port:${ids.key(`big${i}`)}`,
        version: 1,
        data: { i },
      }));
      await expect(commit({ records })).rejects.toBeInstanceOf(TransactionTooLargeError);
      for (const record of [records[0]!, records[limit]!]) {
        expect(await ledger().getRecord(record.key)).toBeNull();
      }
    });

    test('returns entries exactly as written, in either order, from a sequence, by currency', async () => {
      const accountId = ids.account('journal');
      const entries: JournalEntry[] = [];
      let prevHash = GENESIS_HASH;
      for (let sequence = 1; sequence <= 6; sequence++) {
        const currency = sequence % 2 === 0 ? 'GOLD' : 'GEMS';
        const extra: Partial<JournalEntry> =
          sequence === 4
            ? { type: 'REVERSAL_CREDIT', reverses: randomUUID(), reason: 'refund "4471" ✓' }
            : sequence === 5
              ? { type: 'HOLD', holdId: `${randomUUID()}~${accountId}` }
              : {};
        const entry = entryOf(accountId, sequence, '1.50', prevHash, currency, extra);
        entries.push(entry);
        prevHash = entry.hash;
      }
      const wallet = walletOf(accountId, { sequence: 6, headHash: prevHash, version: 0 });
      await commit({ wallets: [wallet], entries }, { accountIds: [accountId] });
      const read = (query: Partial<Parameters<LedgerStore['queryEntries']>[0]>) =>
        ledger().queryEntries({ accountId, order: 'asc', limit: 100, ...query });
      expect(await read({})).toEqual(entries);
      expect(await read({ order: 'desc', limit: 2 })).toEqual([entries[5], entries[4]]);
      expect(await read({ startAfter: 4 })).toEqual(entries.slice(4));
      expect(await read({ order: 'desc', startAfter: 3 })).toEqual([entries[1], entries[0]]);
      // The ends of the range a cursor can name: nothing beyond them, and no store error.
      expect(await read({ startAfter: Number.MAX_SAFE_INTEGER })).toEqual([]);
      expect(await read({ order: 'desc', startAfter: 0 })).toEqual([]);
      expect(await read({ order: 'desc', startAfter: Number.MAX_SAFE_INTEGER, limit: 1 })).toEqual([
        entries[5],
      ]);
      expect(await read({ currency: 'GOLD' })).toEqual(
        entries.filter((e) => e.currency === 'GOLD'),
      );
      expect(await read({ accountId: ids.account() })).toEqual([]);
    });

    test('returns every entry of a transaction across its wallets', async () => {
      const from = ids.account('tx');
      const to = ids.account('tx');
      const transactionId = randomUUID();
      const out = entryOf(from, 1, '2', GENESIS_HASH, 'GEMS', {
        transactionId,
        type: 'TRANSFER_OUT',
        counterparty: to,
      });
      const into = entryOf(to, 1, '2', GENESIS_HASH, 'GEMS', {
        transactionId,
        type: 'TRANSFER_IN',
        counterparty: from,
      });
      await commit(
        {
          wallets: [
            walletOf(from, { sequence: 1, headHash: out.hash, version: 0 }),
            walletOf(to, { sequence: 1, headHash: into.hash, version: 0 }),
          ],
          entries: [out, into],
        },
        { accountIds: [from, to] },
      );
      const found = await ledger().queryTransaction(transactionId);
      expect([...found].sort((a, b) => a.accountId.localeCompare(b.accountId))).toEqual(
        [out, into].sort((a, b) => a.accountId.localeCompare(b.accountId)),
      );
      expect(await ledger().queryTransaction(randomUUID())).toEqual([]);
    });

    test('lists wallets in code point order, by prefix, after an id, up to a limit', async () => {
      const base = ids.account('list');
      // Code point order: digits < upper case < lower case; '-' < '.' < ':' < '@' < '_'.
      const suffixes = ['B', 'a', '0', '-x', '.x', ':x', '@x', '_x', 'b'];
      const accountIds = suffixes.map((suffix) => `${base}${suffix}`);
      await commit(
        {
          wallets: accountIds.map((id) =>
            walletOf(id, { sequence: 0, headHash: GENESIS_HASH, version: 0 }),
          ),
        },
        { accountIds },
      );
      const sorted = [...accountIds].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const listed = await ledger().listWallets({ prefix: base, limit: 100 });
      expect(listed.map((w) => w.accountId)).toEqual(sorted);
      const page = await ledger().listWallets({ prefix: base, startAfter: sorted[2], limit: 3 });
      expect(page.map((w) => w.accountId)).toEqual(sorted.slice(3, 6));
      expect(
        (await ledger().listWallets({ prefix: `${base}_`, limit: 10 })).map((w) => w.accountId),
      ).toEqual([`${base}_x`]);
      expect(await ledger().listWallets({ prefix: `${base}zz`, limit: 10 })).toEqual([]);
    });

    test('lists wallets whose holds are due', async () => {
      const due = ids.account('due');
      const later = ids.account('due');
      const hold = (accountId: string, expiresAt: string) => ({
        holdId: `${randomUUID()}~${accountId}`,
        currency: 'GEMS',
        amount: '1',
        expiresAt,
      });
      await commit(
        {
          wallets: [
            {
              ...walletOf(due, { sequence: 0, headHash: GENESIS_HASH, version: 0 }),
              holds: [hold(due, '2000-01-01T00:00:00.000Z')],
            },
            {
              ...walletOf(later, { sequence: 0, headHash: GENESIS_HASH, version: 0 }),
              holds: [hold(later, '2999-01-01T00:00:00.000Z')],
            },
          ],
        },
        { accountIds: [due, later] },
      );
      const listed = await ledger().listWalletsWithExpiredHolds({
        dueBy: '2001-01-01T00:00:00.000Z',
        limit: 1000,
      });
      expect(listed).toContain(due);
      expect(listed).not.toContain(later);
    });

    test('queryJournals reads several journals in (account id, sequence) order', async () => {
      const { queryJournals } = ledger();
      if (queryJournals === undefined)
        throw new Error('the store has no queryJournals: skip this test by name, with the reason');
      const made = [await seeded('1', 'jr'), await seeded('2', 'jr'), await seeded('3', 'jr')];
      const [a, b, c] = [...made].sort((x, y) => (x.accountId < y.accountId ? -1 : 1));
      const second = entryOf(a!.accountId, 2, '1', a!.entry.hash);
      await commit(
        {
          wallets: [{ ...a!.wallet, version: 1, sequence: 2, headHash: second.hash }],
          entries: [second],
        },
        { accountIds: [a!.accountId] },
      );
      const accountIds = [a!.accountId, c!.accountId];
      const all = await queryJournals.call(ledger(), { accountIds, limit: 100 });
      expect(all).toEqual([a!.entry, second, c!.entry]);
      expect(all.some((e) => e.accountId === b!.accountId)).toBe(false);
      const after = await queryJournals.call(ledger(), {
        accountIds,
        after: { accountId: a!.accountId, sequence: 1 },
        limit: 1,
      });
      expect(after).toEqual([second]);
    });

    test('listHeads lists the heads listWallets would, three fields each', async () => {
      const { listHeads } = ledger();
      if (listHeads === undefined) {
        throw new Error('the store has no listHeads: skip this test by name, with the reason');
      }
      const made = [await seeded('1', 'hd'), await seeded('2', 'hd'), await seeded('3', 'hd')];
      const ids = made.map((m) => m.accountId).sort((a, b) => (a < b ? -1 : 1));
      // From just before the first of them: the store may hold other wallets after them.
      const before = ids[0]!.slice(0, -1);
      const heads = await listHeads.call(ledger(), { startAfter: before, limit: 1001 });
      const wallets = await ledger().listWallets({ startAfter: before, limit: 1001 });
      expect(heads).toEqual(
        wallets.map(({ accountId, sequence, headHash }) => ({ accountId, sequence, headHash })),
      );
      for (const { accountId, entry } of made) {
        expect(heads).toContainEqual({ accountId, sequence: 1, headHash: entry.hash });
      }
      const page = await listHeads.call(ledger(), { startAfter: ids[0]!, limit: 1 });
      expect(page.map((h) => h.accountId)).toEqual([
        wallets[wallets.findIndex((w) => w.accountId === ids[0]) + 1]!.accountId,
      ]);
      expect((await listHeads.call(ledger(), { limit: 2 })).length).toBeGreaterThan(0);
    });

    test('countWallets counts the wallets of a prefix', async () => {
      const { countWallets } = ledger();
      if (countWallets === undefined)
        throw new Error('the store has no countWallets: skip this test by name, with the reason');
      const base = ids.account('count');
      const accountIds = [`${base}a`, `${base}b`, `${base}c`];
      await commit(
        {
          wallets: accountIds.map((id) =>
            walletOf(id, { sequence: 0, headHash: GENESIS_HASH, version: 0 }),
          ),
        },
        { accountIds },
      );
      expect(await countWallets.call(ledger(), base)).toBe(3);
      expect(await countWallets.call(ledger(), `${base}b`)).toBe(1);
    });

    registrar.rejectUnmatched();
  });
}

interface Reads {
  accountIds: string[];
  idempotencyKeys: string[];
  recordKeys: string[];
}

const EMPTY_WRITE: LedgerWrite = { wallets: [], entries: [], idempotency: [], records: [] };

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(isWalletError(error) ? error.code : error).toBe(code);
}

function walletOf(
  accountId: string,
  head: { sequence: number; headHash: string; version: number },
  gems?: string,
): WalletRecord {
  return {
    accountId,
    balances: gems === undefined ? {} : { GEMS: gems },
    version: head.version,
    sequence: head.sequence,
    headHash: head.headHash,
    createdAt: CREATED,
    updatedAt: CREATED,
    metadata: null,
    holds: [],
  };
}

function entryOf(
  accountId: string,
  sequence: number,
  amount: string,
  prevHash: string,
  currency = 'GEMS',
  extra: Partial<JournalEntry> = {},
): JournalEntry {
  const fields = {
    transactionId: randomUUID(),
    accountId,
    sequence,
    type: 'CREDIT' as const,
    currency,
    amount,
    balanceBefore: '0',
    balanceAfter: amount,
    txTime: CREATED,
    idempotencyKey: null,
    counterparty: null,
    metadata: null,
    prevHash,
    ...extra,
  };
  return { ...fields, hash: hashEntry(fields) };
}
