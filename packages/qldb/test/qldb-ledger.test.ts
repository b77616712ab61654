import { createWalletService, JOURNAL_ENTRY_FIELDS, StoreUnavailableError } from '@wallet/core';
import { MAX_RECORDS_PER_OPERATION, TransactionTooLargeError } from '@wallet/core/adapter';
import { parseAggregate } from '@wallet/stream-transformer';
import { SUITE_CURRENCIES } from '@wallet/testing';
import { QldbDriver, RetryConfig } from 'amazon-qldb-driver-nodejs';
import { IonTypes, load } from 'ion-js';
import { afterEach, describe, expect, it } from 'vitest';
import { createQldbLedger, createSchema } from '../src/index.js';
import { KPL_MAGIC, type QldbFake, startQldbFake } from '../src/testing/index.js';
import { HOT_WALLET_RETRIES } from './qldb-fixture.js';

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(
  options: { retryConfig?: RetryConfig; maxConcurrentTransactions?: number } = {},
) {
  const fake = await startQldbFake();
  cleanups.push(() => fake.close());
  const driver = fake.createDriver({ retryConfig: options.retryConfig ?? HOT_WALLET_RETRIES });
  cleanups.push(() => driver.close());
  await createSchema(driver);
  const ledger = createQldbLedger({
    driver,
    maxConcurrentTransactions: options.maxConcurrentTransactions ?? 8,
  });
  const service = createWalletService({ ledger, currencies: SUITE_CURRENCIES });
  return { fake, driver, ledger, service };
}

function journalDocuments(fake: QldbFake, accountId: string) {
  return fake
    .documents('JournalEntries')
    .filter((d) => d.data.get('accountId')?.stringValue() === accountId)
    .sort(
      (a, b) =>
        Number(a.data.get('sequence')!.bigIntValue()) -
        Number(b.data.get('sequence')!.bigIntValue()),
    );
}

describe('createQldbLedger', () => {
  it('createSchema creates the four tables with their indexes once, and a second run changes nothing', async () => {
    const { fake, driver } = await setup();
    const commits = fake.stats.commits;
    await createSchema(driver);
    expect(fake.stats.commits).toBe(commits + 1);
    expect((await driver.getTableNames()).sort()).toEqual([
      'IdempotencyKeys',
      'JournalEntries',
      'Records',
      'Wallets',
    ]);
  });

  it('stores journal entries with exactly the JournalEntry fields: Ion decimals at the currency scale, a millisecond timestamp, a struct or null', async () => {
    const { fake, service } = await setup();
    await service.createWallet({ accountId: 'p1' });
    await service.addFunds({
      accountId: 'p1',
      currency: 'GOLD',
      amount: '5',
      metadata: { quest: 12, ratio: 1.5 },
    });
    await service.withdrawFunds({ accountId: 'p1', currency: 'GOLD', amount: '1.25' });
    const [first, second] = journalDocuments(fake, 'p1').map((d) => d.data);
    expect(first!.fieldNames().sort()).toEqual([...JOURNAL_ENTRY_FIELDS].sort());
    for (const field of ['amount', 'balanceBefore', 'balanceAfter'] as const) {
      expect(first!.get(field)?.getType()).toBe(IonTypes.DECIMAL);
      expect(first!.get(field)?.decimalValue()?.getExponent()).toBe(-2);
    }
    expect(first!.get('amount')?.decimalValue()?.toString()).toBe('5.00');
    expect(first!.get('txTime')?.getType()).toBe(IonTypes.TIMESTAMP);
    expect(first!.get('txTime')?.timestampValue()?.toString()).toMatch(/T\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(first!.get('metadata')?.getType()).toBe(IonTypes.STRUCT);
    // Not a decimal: the stream would carry it as the string "1.5" (DESIGN section 6).
    expect(first!.get('metadata', 'ratio')?.getType()).toBe(IonTypes.FLOAT);
    expect(first!.get('metadata', 'quest')?.getType()).toBe(IonTypes.INT);
    expect(second!.get('metadata')?.isNull()).toBe(true);
    expect(second!.get('balanceAfter')?.decimalValue()?.toString()).toBe('3.75');
    const wallet = fake
      .documents('Wallets')
      .find((d) => d.data.get('accountId')?.stringValue() === 'p1')!;
    expect(wallet.data.get('balances', 'GOLD')?.decimalValue()?.toString()).toBe('3.75');
  });

  it('retries the OCC conflicts concurrent operations cause: the fake counts them and balances stay exact', async () => {
    const { fake, service } = await setup();
    await service.createWallet({ accountId: 'hot' });
    const conflictsBefore = fake.stats.occConflicts;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        service.addFunds({ accountId: 'hot', currency: 'GOLD', amount: '0.10' }),
      ),
    );
    const conflicts = fake.stats.occConflicts - conflictsBefore;
    expect(conflicts).toBeGreaterThan(0);
    expect((await service.getFunds({ accountId: 'hot' })).balances.GOLD).toBe('2.00');
    expect((await service.verifyWallet({ accountId: 'hot' })).problems).toEqual([]);
    // Every conflict was one refused commit that the driver ran again.
    expect(fake.stats.transactionsStarted).toBeGreaterThanOrEqual(fake.stats.commits + conflicts);
  }, 30_000);

  it('aborts the transaction and rethrows an error thrown by decide unchanged, writing nothing', async () => {
    const { fake, ledger } = await setup();
    const refusal = new Error('refused by decide');
    const aborts = fake.stats.aborts;
    await expect(
      ledger.transact({
        accountIds: ['p9'],
        idempotencyKeys: [],
        recordKeys: [],
        decide: () => {
          throw refusal;
        },
      }),
    ).rejects.toBe(refusal);
    expect(fake.stats.aborts).toBe(aborts + 1);
    expect(fake.documents('Wallets')).toEqual([]);
  });

  it('refuses a write of more than 40 documents with TransactionTooLargeError before writing any of it', async () => {
    const { fake, ledger } = await setup();
    const wallets = Array.from({ length: 41 }, (_, i) => ({
      accountId: `big-${i}`,
      balances: {},
      version: 0,
      sequence: 0,
      headHash: '0'.repeat(64),
      createdAt: '2030-01-01T00:00:00.000Z',
      updatedAt: '2030-01-01T00:00:00.000Z',
      metadata: null,
      holds: [],
    }));
    const refused = ledger.transact({
      accountIds: wallets.map((w) => w.accountId),
      idempotencyKeys: [],
      recordKeys: [],
      decide: () => ({
        write: { wallets, entries: [], idempotency: [], records: [] },
        result: null,
      }),
    });
    await expect(refused).rejects.toBeInstanceOf(TransactionTooLargeError);
    await expect(refused).rejects.toMatchObject({ itemCount: 41, limit: 40 });
    expect(fake.documents('Wallets')).toEqual([]);
    expect(ledger.maxRecordsPerTransaction).toBe(40);
    expect(ledger.maxRecordsPerTransaction).toBeGreaterThanOrEqual(MAX_RECORDS_PER_OPERATION);
  });

  it('with coalescing on and no maxBatch, 120 concurrent keyed operations on one hot wallet all commit within the 40-document quota the fake enforces', async () => {
    const { fake, ledger } = await setup();
    const service = createWalletService({ ledger, currencies: SUITE_CURRENCIES, coalesce: true });
    await service.createWallet({ accountId: 'hot' });
    await service.createWallet({ accountId: 'other' });
    await service.addFunds({ accountId: 'hot', amount: '1000' });
    const commitsBefore = fake.stats.commits;
    const results = await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        i % 3 === 0
          ? service.transfer({
              fromAccountId: 'hot',
              toAccountId: 'other',
              amount: '1',
              idempotencyKey: `t-${i}`,
            })
          : service.addFunds({ accountId: 'hot', amount: '2', idempotencyKey: `c-${i}` }),
      ),
    );
    expect(results).toHaveLength(120);
    // Batched: far fewer commits than operations, and each within the quota (or the fake refuses).
    expect(fake.stats.commits - commitsBefore).toBeLessThan(120);
    expect((await service.getFunds({ accountId: 'hot' })).balances.GEMS).toBe('1120');
    expect((await service.getFunds({ accountId: 'other' })).balances.GEMS).toBe('40');
    expect((await service.verifyWallet({ accountId: 'hot' })).ok).toBe(true);
  }, 60_000);

  it('the fake refuses a transaction that writes a 41st document, as QLDB does', async () => {
    const { driver } = await setup();
    const refused = driver.executeLambda(async (txn) => {
      for (let i = 0; i < 41; i++)
        await txn.execute('INSERT INTO Wallets ?', { accountId: `d${i}` });
    });
    await expect(refused).rejects.toThrow(/at most 40 documents/);
  });

  it('reports CONCURRENCY_CONFLICT, keeping the OccConflictException as cause, when the driver runs out of OCC retries', async () => {
    const { fake, service } = await setup({ retryConfig: new RetryConfig(2, () => 0) });
    await service.createWallet({ accountId: 'p1' });
    fake.injectFault({ command: 'CommitTransaction', error: 'OccConflictException', times: 3 });
    const error = await service.addFunds({ accountId: 'p1', amount: '1' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CONCURRENCY_CONFLICT', attempts: 3 });
    expect((error as Error).cause).toMatchObject({ name: 'OccConflictException' });
    expect((await service.getFunds({ accountId: 'p1' })).balances.GEMS).toBe('0');
  });

  it('reports STORE_UNAVAILABLE with the cause when QLDB keeps answering CapacityExceededException', async () => {
    const { fake, service } = await setup({ retryConfig: new RetryConfig(2, () => 0) });
    await service.createWallet({ accountId: 'p1' });
    fake.injectFault({ command: 'ExecuteStatement', error: 'CapacityExceededException', times: 3 });
    const error = await service.addFunds({ accountId: 'p1', amount: '1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).cause).toMatchObject({ name: 'CapacityExceededException' });
    await expect(service.addFunds({ accountId: 'p1', amount: '1' })).resolves.toMatchObject({
      currentBalance: '1',
    });
  });

  it('reports OUTCOME_UNKNOWN when the answer to a commit is lost, and a retry with the same key replays the committed result', async () => {
    const { fake, service } = await setup();
    await service.createWallet({ accountId: 'p1' });
    fake.injectFault({ command: 'CommitTransaction', dropConnection: 'after' });
    const error = await service
      .addFunds({ accountId: 'p1', amount: '3', idempotencyKey: 'k1' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'OUTCOME_UNKNOWN' });
    expect((error as Error).cause).toBeDefined();
    const retried = await service.addFunds({ accountId: 'p1', amount: '3', idempotencyKey: 'k1' });
    expect(retried).toMatchObject({ replayed: true, currentBalance: '3' });
  });

  it('reports STORE_UNAVAILABLE when the connection is refused', async () => {
    const fake = await startQldbFake();
    const endpoint = fake.endpoint;
    await fake.close();
    const driver = new QldbDriver(
      fake.ledgerName,
      { ...fake.clientConfig, endpoint },
      {},
      0,
      new RetryConfig(1, () => 0),
    );
    cleanups.push(() => driver.close());
    const service = createWalletService({
      ledger: createQldbLedger({ driver }),
      currencies: SUITE_CURRENCIES,
    });
    const error = await service.getFunds({ accountId: 'p1' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect((error as Error).cause).toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('streams each commit as KPL-aggregated records whose journal revisions decode to the entries the ledger returns', async () => {
    const { fake, service } = await setup();
    await service.createWallet({ accountId: 'p1' });
    await service.addFunds({
      accountId: 'p1',
      currency: 'GOLD',
      amount: '2.50',
      idempotencyKey: 'k',
    });
    const aggregated = fake.streamRecords({ aggregate: true });
    expect(aggregated).toHaveLength(2);
    for (const record of aggregated) expect([...record.data.slice(0, 4)]).toEqual([...KPL_MAGIC]);
    const users = parseAggregate(aggregated[1]!.data);
    const revisions = users
      .map((user) => load(user.data)!)
      .filter(
        (ion) => ion.get('payload', 'tableInfo', 'tableName')?.stringValue() === 'JournalEntries',
      );
    expect(revisions).toHaveLength(1);
    const data = revisions[0]!.get('payload', 'revision', 'data')!;
    const [entry] = (await service.getTransactionHistory({ accountId: 'p1' })).items;
    expect(data.get('hash')?.stringValue()).toBe(entry!.hash);
    expect(data.get('amount')?.decimalValue()?.toString()).toBe('2.50');
    expect(fake.streamRecords().filter((r) => r.recordType === 'BLOCK_SUMMARY')).toHaveLength(2);
  });
});
