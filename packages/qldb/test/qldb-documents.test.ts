import {
  ConcurrencyConflictError,
  createWalletService,
  ENTRY_TYPE_FIELDS,
  JOURNAL_ENTRY_FIELDS,
  type JsonValue,
  type LedgerRecord,
  type WalletRecord,
} from '@wallet/core';
import { TransactionTooLargeError } from '@wallet/core/adapter';
import { SUITE_CURRENCIES } from '@wallet/testing';
import { type dom, IonTypes, load } from 'ion-js';
import { afterEach, describe, expect, it } from 'vitest';
import { createQldbLedger, createSchema, LEDGER_TABLES } from '../src/index.js';
import { type QldbFakeOptions, startQldbFake } from '../src/testing/index.js';
import { HOT_WALLET_RETRIES } from './qldb-fixture.js';

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const T0 = Date.parse('2030-01-01T00:00:00.000Z');

async function setup(options: QldbFakeOptions = {}) {
  const fake = await startQldbFake(options);
  cleanups.push(() => fake.close());
  const driver = fake.createDriver({ retryConfig: HOT_WALLET_RETRIES });
  cleanups.push(() => driver.close());
  await createSchema(driver);
  const ledger = createQldbLedger({ driver, maxConcurrentTransactions: 8 });
  const clock = { now: T0 };
  const service = createWalletService({
    ledger,
    currencies: SUITE_CURRENCIES,
    clock: () => new Date(clock.now),
  });
  /** The current `data` of the one document of `table` whose `field` is `value`. */
  const document = (table: string, field: string, value: string): dom.Value => {
    const found = fake
      .documents(table)
      .filter((d) => d.data.get(field)?.stringValue() === value)
      .map((d) => d.data);
    expect(found).toHaveLength(1);
    return found[0]!;
  };
  return { fake, driver, ledger, service, clock, document };
}

function wallet(accountId: string): WalletRecord {
  return {
    accountId,
    balances: {},
    version: 0,
    sequence: 0,
    headHash: '0'.repeat(64),
    createdAt: '2030-01-01T00:00:00.000Z',
    updatedAt: '2030-01-01T00:00:00.000Z',
    metadata: null,
    holds: [],
  };
}

function record(key: string, version: number, data: { [key: string]: JsonValue }): LedgerRecord {
  return { key, version, data };
}

const NO_WRITE = { wallets: [], entries: [], idempotency: [], records: [] };

describe('QLDB documents of holds, reversals and ledger records', () => {
  it('createSchema creates Records and the new indexes, also on a ledger an earlier version created', async () => {
    const fake = await startQldbFake();
    cleanups.push(() => fake.close());
    const driver = fake.createDriver();
    cleanups.push(() => driver.close());
    // The schema of the previous release: three tables, one index each, and a wallet in it.
    for (const statement of [
      'CREATE TABLE Wallets',
      'CREATE INDEX ON Wallets (accountId)',
      'CREATE TABLE JournalEntries',
      'CREATE INDEX ON JournalEntries (accountId)',
      'CREATE TABLE IdempotencyKeys',
      'CREATE INDEX ON IdempotencyKeys (idempotencyKey)',
    ]) {
      await driver.executeLambda((txn) => txn.execute(statement));
    }
    await createSchema(driver);
    const rows = await driver.executeLambda(async (txn) =>
      (
        await txn.execute('SELECT name, indexes FROM information_schema.user_tables')
      ).getResultList(),
    );
    const indexes = Object.fromEntries(
      rows.map((row) => [
        row.get('name')!.stringValue(),
        row
          .get('indexes')!
          .elements()
          .map((index) => index.get('expr')!.stringValue())
          .sort(),
      ]),
    );
    expect(indexes).toEqual({
      Wallets: ['[accountId]', '[hasHolds]'],
      JournalEntries: ['[accountId]', '[transactionId]'],
      IdempotencyKeys: ['[idempotencyKey]'],
      Records: ['[recordKey]'],
    });
    expect(LEDGER_TABLES.map((table) => table.name)).toEqual(Object.keys(indexes));
    // Within QLDB's quota of 5 indexes per table.
    for (const table of LEDGER_TABLES) expect(table.indexes.length).toBeLessThanOrEqual(5);
  });

  it('keeps a wallet’s holds in its Wallets document (Ion decimals at the scale, millisecond timestamps) with hasHolds and the earliest expiry, and reads them back exactly', async () => {
    const { ledger, service, document } = await setup();
    await service.createWallet({ accountId: 'p1' });
    await service.addFunds({ accountId: 'p1', currency: 'GOLD', amount: '10' });
    const late = await service.placeHold({
      accountId: 'p1',
      currency: 'GOLD',
      amount: '2.5',
      expiresInSeconds: 600,
    });
    const early = await service.placeHold({
      accountId: 'p1',
      currency: 'GOLD',
      amount: '1',
      expiresInSeconds: 60,
    });
    const data = document('Wallets', 'accountId', 'p1');
    const holds = data.get('holds')!;
    expect(holds.getType()).toBe(IonTypes.LIST);
    expect(holds.elements()).toHaveLength(2);
    const first = holds.elements()[0]!;
    expect(first.get('amount')?.getType()).toBe(IonTypes.DECIMAL);
    expect(first.get('amount')?.decimalValue()?.toString()).toBe('2.50');
    expect(first.get('expiresAt')?.getType()).toBe(IonTypes.TIMESTAMP);
    expect(first.get('placedAt')?.getType()).toBe(IonTypes.TIMESTAMP);
    expect(data.get('hasHolds')?.booleanValue()).toBe(true);
    expect(data.get('holdsDueAt')?.timestampValue()?.getDate().toISOString()).toBe(early.expiresAt);

    const stored = await ledger.getWallet('p1');
    expect(stored?.holds).toEqual([
      {
        holdId: late.holdId,
        currency: 'GOLD',
        amount: '2.50',
        expiresAt: late.expiresAt,
        placedAt: late.txTime,
      },
      {
        holdId: early.holdId,
        currency: 'GOLD',
        amount: '1.00',
        expiresAt: early.expiresAt,
        placedAt: early.txTime,
      },
    ]);
    expect((await service.getFunds({ accountId: 'p1' })).held.GOLD).toBe('3.50');

    await service.releaseHold({ holdId: late.holdId });
    await service.captureHold({ holdId: early.holdId });
    const after = document('Wallets', 'accountId', 'p1');
    expect(after.get('holds')?.elements()).toEqual([]);
    expect(after.get('hasHolds')?.booleanValue()).toBe(false);
    expect(after.get('holdsDueAt')?.isNull()).toBe(true);
    expect((await ledger.getWallet('p1'))?.holds).toEqual([]);
    expect((await service.getFunds({ accountId: 'p1' })).balances.GOLD).toBe('9.00');
  });

  it('reads a Wallets document written before holds existed with no holds, and its next write adds them', async () => {
    const { driver, ledger, service, document } = await setup();
    const legacy = load(
      `{accountId: "legacy", balances: {}, version: 0, sequence: 0, headHash: "${'0'.repeat(64)}", createdAt: 2029-06-01T00:00:00.000Z, updatedAt: 2029-06-01T00:00:00.000Z, metadata: null}`,
    )!;
    await driver.executeLambda((txn) => txn.execute('INSERT INTO Wallets ?', legacy));
    expect((await ledger.getWallet('legacy'))?.holds).toEqual([]);
    await service.addFunds({ accountId: 'legacy', amount: '7' });
    const hold = await service.placeHold({ accountId: 'legacy', amount: '3' });
    expect(document('Wallets', 'accountId', 'legacy').get('hasHolds')?.booleanValue()).toBe(true);
    expect((await ledger.getWallet('legacy'))?.holds).toEqual([
      {
        holdId: hold.holdId,
        currency: 'GEMS',
        amount: '3',
        expiresAt: hold.expiresAt,
        placedAt: hold.txTime,
      },
    ]);
    expect((await service.verifyWallet({ accountId: 'legacy' })).problems).toEqual([]);
  });

  it('writes reverses and reason only on reversal entries and holdId only on hold entries, and reads every entry back exactly', async () => {
    const { fake, ledger, service } = await setup();
    await service.createWallet({ accountId: 'a' });
    await service.createWallet({ accountId: 'b' });
    await service.addFunds({ accountId: 'a', amount: '50' });
    const transfer = await service.transfer({ fromAccountId: 'a', toAccountId: 'b', amount: '10' });
    const refund = await service.reverseTransaction({
      transactionId: transfer.transactionId,
      amount: '4',
      reason: 'chargeback',
    });
    await service.reverseTransaction({ transactionId: transfer.transactionId, amount: '1' });
    const captured = await service.placeHold({ accountId: 'a', amount: '5' });
    await service.captureHold({ holdId: captured.holdId, amount: '2', toAccountId: 'b' });
    const released = await service.placeHold({ accountId: 'b', amount: '3' });
    await service.releaseHold({ holdId: released.holdId });

    const documents = fake.documents('JournalEntries').map((d) => d.data);
    const types = new Set<string>();
    for (const data of documents) {
      const type = data.get('type')!.stringValue()! as keyof typeof ENTRY_TYPE_FIELDS;
      types.add(type);
      expect(data.fieldNames().sort(), type).toEqual(
        [...JOURNAL_ENTRY_FIELDS, ...(ENTRY_TYPE_FIELDS[type] ?? [])].sort(),
      );
    }
    expect([...types].sort()).toEqual(
      [
        'CREDIT',
        'TRANSFER_OUT',
        'TRANSFER_IN',
        'REVERSAL_CREDIT',
        'REVERSAL_DEBIT',
        'HOLD',
        'HOLD_CAPTURE',
        'HOLD_RELEASE',
      ].sort(),
    );
    const reasons = documents
      .filter((d) => d.get('type')!.stringValue()!.startsWith('REVERSAL_'))
      .map((d) => (d.get('reason')!.isNull() ? null : d.get('reason')!.stringValue()));
    expect(reasons.sort()).toEqual(['chargeback', 'chargeback', null, null]);

    for (const accountId of ['a', 'b']) {
      const history = await service.getTransactionHistory({ accountId, order: 'asc' });
      expect((await service.verifyWallet({ accountId })).problems).toEqual([]);
      for (const entry of history.items) {
        const fields = ENTRY_TYPE_FIELDS[entry.type] ?? [];
        expect(Object.keys(entry).sort()).toEqual([...JOURNAL_ENTRY_FIELDS, ...fields].sort());
      }
    }
    const reversal = await ledger.queryTransaction(refund.transactionId);
    expect(reversal).toHaveLength(2);
    for (const entry of reversal) {
      expect(entry).toMatchObject({ reverses: transfer.transactionId, reason: 'chargeback' });
      const [same] = (
        await ledger.queryEntries({
          accountId: entry.accountId,
          order: 'asc',
          startAfter: entry.sequence - 1,
          limit: 1,
        })
      ).filter((e) => e.sequence === entry.sequence);
      expect(same).toEqual(entry);
    }
    expect(
      (await service.getTransaction({ transactionId: transfer.transactionId })).reversedBy,
    ).toHaveLength(2);
  });

  it('queryTransaction reads every entry of a transaction across wallets by the transactionId index, and nothing for an unknown id', async () => {
    const { ledger, service } = await setup();
    await service.createWallet({ accountId: 'x' });
    await service.createWallet({ accountId: 'y' });
    await service.addFunds({ accountId: 'x', amount: '5' });
    const transfer = await service.transfer({ fromAccountId: 'x', toAccountId: 'y', amount: '2' });
    const entries = await ledger.queryTransaction(transfer.transactionId);
    expect(entries.map((e) => `${e.accountId}:${e.type}`).sort()).toEqual([
      'x:TRANSFER_OUT',
      'y:TRANSFER_IN',
    ]);
    const [inY] = await ledger.queryEntries({ accountId: 'y', order: 'desc', limit: 1 });
    expect(entries.find((e) => e.accountId === 'y')).toEqual(inY);
    expect(await ledger.queryTransaction('no-such-transaction')).toEqual([]);
  });

  it('stores ledger records as Records documents: version 1 inserted, later versions replaced in place, read back exactly', async () => {
    const { fake, ledger, document } = await setup();
    const data = { hold: 'h1', amounts: ['1.50', 2, 0.25], nested: { ok: true, none: null } };
    await ledger.transact({
      accountIds: [],
      idempotencyKeys: [],
      recordKeys: ['hold:h1'],
      decide: (snapshot) => {
        expect(snapshot.records.size).toBe(0);
        return { write: { ...NO_WRITE, records: [record('hold:h1', 1, data)] }, result: null };
      },
    });
    const stored = document('Records', 'recordKey', 'hold:h1');
    expect(stored.fieldNames().sort()).toEqual(['data', 'recordKey', 'version']);
    expect(stored.get('version')?.getType()).toBe(IonTypes.INT);
    expect(await ledger.getRecord('hold:h1')).toEqual(record('hold:h1', 1, data));
    const documentId = fake.documents('Records')[0]!.id;

    const seen = await ledger.transact({
      accountIds: [],
      idempotencyKeys: [],
      recordKeys: ['hold:h1', 'hold:absent'],
      decide: (snapshot) => ({
        write: { ...NO_WRITE, records: [record('hold:h1', 2, { hold: 'h1', status: 'captured' })] },
        result: [...snapshot.records.values()],
      }),
    });
    expect(seen).toEqual([record('hold:h1', 1, data)]);
    expect(await ledger.getRecord('hold:h1')).toEqual(
      record('hold:h1', 2, { hold: 'h1', status: 'captured' }),
    );
    // Replaced in place: the same QLDB document, at its next revision.
    expect(fake.documents('Records').map((d) => [d.id, d.version])).toEqual([[documentId, 1]]);
    expect(await ledger.getRecord('hold:absent')).toBeNull();
  });

  it('makes concurrent inserts under one record key conflict, read or not: one version 1 commits', async () => {
    const { fake, ledger } = await setup();
    const conflictsBefore = fake.stats.occConflicts;
    // Read first: the losers retry, see the record, and write nothing.
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        ledger.transact({
          accountIds: [],
          idempotencyKeys: [],
          recordKeys: ['race:read'],
          decide: (snapshot) =>
            snapshot.records.has('race:read')
              ? { write: null, result: 'saw it' }
              : {
                  write: { ...NO_WRITE, records: [record('race:read', 1, { by: i })] },
                  result: 'inserted',
                },
        }),
      ),
    );
    expect(outcomes.filter((o) => o === 'inserted')).toHaveLength(1);
    expect(fake.stats.occConflicts).toBeGreaterThan(conflictsBefore);
    // Not read (as a new hold's key is not): the store reads it before inserting, so the
    // losers conflict too, and find the key taken.
    const blind = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) =>
        ledger.transact({
          accountIds: [],
          idempotencyKeys: [],
          recordKeys: [],
          decide: () => ({
            write: { ...NO_WRITE, records: [record('race:blind', 1, { by: i })] },
            result: i,
          }),
        }),
      ),
    );
    expect(blind.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const outcome of blind) {
      if (outcome.status === 'rejected') {
        expect(outcome.reason).toBeInstanceOf(ConcurrencyConflictError);
      }
    }
    const keys = fake.documents('Records').map((d) => d.data.get('recordKey')!.stringValue());
    expect(keys.sort()).toEqual(['race:blind', 'race:read']);
  });

  it('serializes concurrent replacements of one record: every version follows the one before', async () => {
    const { ledger } = await setup();
    await Promise.all(
      Array.from({ length: 8 }, () =>
        ledger.transact({
          accountIds: [],
          idempotencyKeys: [],
          recordKeys: ['counter'],
          decide: (snapshot) => {
            const current = snapshot.records.get('counter');
            const count = ((current?.data.count as number | undefined) ?? 0) + 1;
            return {
              write: {
                ...NO_WRITE,
                records: [record('counter', (current?.version ?? 0) + 1, { count })],
              },
              result: null,
            };
          },
        }),
      ),
    );
    expect(await ledger.getRecord('counter')).toEqual(record('counter', 8, { count: 8 }));
  }, 30_000);

  it('refuses with CONCURRENCY_CONFLICT a record write over a version it does not follow, writing nothing', async () => {
    const { fake, ledger } = await setup();
    await ledger.transact({
      accountIds: [],
      idempotencyKeys: [],
      recordKeys: [],
      decide: () => ({ write: { ...NO_WRITE, records: [record('r', 1, {})] }, result: null }),
    });
    for (const version of [1, 3]) {
      const refused = ledger.transact({
        accountIds: ['bystander'],
        idempotencyKeys: [],
        recordKeys: version === 3 ? ['r'] : [],
        decide: () => ({
          write: {
            ...NO_WRITE,
            wallets: [wallet('bystander')],
            records: [record('r', version, { v: version })],
          },
          result: null,
        }),
      });
      await expect(refused).rejects.toBeInstanceOf(ConcurrencyConflictError);
    }
    expect(fake.documents('Wallets')).toEqual([]);
    expect(await ledger.getRecord('r')).toEqual(record('r', 1, {}));
  });

  it('counts records in the 40-document quota: 30 wallets and 10 records commit, and one record more is refused before writing', async () => {
    const { fake, ledger } = await setup();
    const write = (prefix: string, records: number) =>
      ledger.transact({
        accountIds: Array.from({ length: 30 }, (_, i) => `${prefix}-${i}`),
        idempotencyKeys: [],
        recordKeys: [],
        decide: () => ({
          write: {
            ...NO_WRITE,
            wallets: Array.from({ length: 30 }, (_, i) => wallet(`${prefix}-${i}`)),
            records: Array.from({ length: records }, (_, i) => record(`${prefix}:${i}`, 1, {})),
          },
          result: null,
        }),
      });
    await write('fits', 10);
    const refused = write('over', 11);
    await expect(refused).rejects.toBeInstanceOf(TransactionTooLargeError);
    await expect(refused).rejects.toMatchObject({ itemCount: 41, limit: 40 });
    expect(fake.documents('Wallets')).toHaveLength(30);
    expect(fake.documents('Records')).toHaveLength(10);
  });
});

describe('QLDB wallet listing', () => {
  it('lists wallets ascending by account id, by prefix and after an id, at most limit, across result pages', async () => {
    // Three values per result page, so the account ids come back over several FetchPage calls.
    const { ledger, service } = await setup({ pageSize: 3 });
    const ids = ['b-2', 'a-1', 'b-10', 'c', 'b-1', 'b', 'B-0', 'b-1.x', 'a'];
    for (const accountId of ids) await service.createWallet({ accountId });
    const list = async (query: Parameters<typeof ledger.listWallets>[0]) =>
      (await ledger.listWallets(query)).map((w) => w.accountId);
    expect(await list({ limit: 1001 })).toEqual([...ids].sort());
    expect(await list({ prefix: 'b-', limit: 10 })).toEqual(['b-1', 'b-1.x', 'b-10', 'b-2']);
    expect(await list({ prefix: 'b-', startAfter: 'b-1', limit: 2 })).toEqual(['b-1.x', 'b-10']);
    expect(await list({ startAfter: 'b-2', limit: 10 })).toEqual(['c']);
    expect(await list({ prefix: 'b', startAfter: 'a', limit: 1 })).toEqual(['b']);
    expect(await list({ prefix: 'z', limit: 10 })).toEqual([]);
    expect(await list({ prefix: '', limit: 2 })).toEqual(['B-0', 'a']);
    const [first] = await ledger.listWallets({ prefix: 'a-', limit: 1 });
    expect(first).toEqual(await ledger.getWallet('a-1'));
    const page = await service.listWallets({ prefix: 'b-', limit: 3 });
    expect(page.items.map((w) => w.accountId)).toEqual(['b-1', 'b-1.x', 'b-10']);
    const next = await service.listWallets({ prefix: 'b-', limit: 3, cursor: page.nextCursor });
    expect(next).toMatchObject({ items: [{ accountId: 'b-2' }], nextCursor: null });
  });

  it('lists the wallets holding a hold due by a time, through the hasHolds index, at most limit', async () => {
    const { ledger, service, clock } = await setup();
    for (const accountId of ['soon', 'later', 'none', 'done']) {
      await service.createWallet({ accountId });
      await service.addFunds({ accountId, amount: '10' });
    }
    await service.placeHold({ accountId: 'soon', amount: '1', expiresInSeconds: 60 });
    await service.placeHold({ accountId: 'soon', amount: '1', expiresInSeconds: 3600 });
    await service.placeHold({ accountId: 'later', amount: '1', expiresInSeconds: 600 });
    const done = await service.placeHold({ accountId: 'done', amount: '1', expiresInSeconds: 60 });
    await service.releaseHold({ holdId: done.holdId });
    const due = (seconds: number, limit = 10) =>
      ledger.listWalletsWithExpiredHolds({
        dueBy: new Date(T0 + seconds * 1000).toISOString(),
        limit,
      });
    expect(await due(59)).toEqual([]);
    expect(await due(60)).toEqual(['soon']);
    expect((await due(600)).sort()).toEqual(['later', 'soon']);
    expect(await due(600, 1)).toHaveLength(1);

    clock.now = T0 + 601_000;
    expect(await service.releaseExpiredHolds()).toEqual({ released: 2, wallets: 2 });
    expect(await due(601)).toEqual([]);
    // The 3600 s hold of `soon` is still active, so the wallet is listed when it falls due.
    expect(await due(3600)).toEqual(['soon']);
  });
});
