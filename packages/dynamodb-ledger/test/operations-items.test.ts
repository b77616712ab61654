import {
  DynamoDBClient,
  GetItemCommand,
  type GetItemCommandOutput,
  QueryCommand,
  type QueryCommandOutput,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import {
  createWalletService,
  type JournalEntry,
  type LedgerRecord,
  type LedgerStore,
  type LedgerTransaction,
  type WalletRecord,
  type WalletService,
} from '@wallet/core';
import {
  DYNAMODB_LOCAL_START_TIMEOUT_MS,
  type DynamoDbLocal,
  expectWalletError,
  SUITE_CURRENCIES,
  startDynamoDbLocal,
  uniqueIds,
  uniqueTableName,
} from '@wallet/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDynamoDbLedger,
  createLedgerTable,
  type DynamoDbClientLike,
  LEDGER_INDEXES,
} from '../src/index.js';

let dynamo: DynamoDbLocal;
let client: DynamoDBClient;
const tableName = uniqueTableName('wallet-ledger');
const ids = uniqueIds('ddb-ops');
/** The service's time: tests move it to expire holds. */
let now = Date.parse('2031-05-01T10:00:00.000Z');

beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
  client = new DynamoDBClient(dynamo.clientConfig);
  await createLedgerTable(client, tableName);
}, DYNAMODB_LOCAL_START_TIMEOUT_MS);

afterAll(async () => {
  client?.destroy();
  await dynamo?.stop();
});

function ledgerOver(sender: DynamoDbClientLike = client, maxConflictAttempts = 30): LedgerStore {
  return createDynamoDbLedger({
    client: sender,
    tableName,
    retry: { maxConflictAttempts, baseDelayMs: 1, maxDelayMs: 5 },
  });
}

function serviceOver(ledger: LedgerStore = ledgerOver()): WalletService {
  return createWalletService({
    ledger,
    currencies: SUITE_CURRENCIES,
    clock: () => new Date(now),
  });
}

async function storedItem(pk: string, sk: string) {
  const output = (await client.send(
    new GetItemCommand({
      TableName: tableName,
      Key: { pk: { S: pk }, sk: { S: sk } },
      ConsistentRead: true,
    }),
  )) as GetItemCommandOutput;
  return output.Item;
}

const entrySk = (sequence: number) => `E#${String(sequence).padStart(16, '0')}`;

/** A client that forwards every command, running `before` ahead of the first TransactWriteItems. */
function racingClient(before: () => Promise<unknown>): DynamoDbClientLike & { writes: number } {
  const sender = {
    writes: 0,
    async send(command: object) {
      if (command instanceof TransactWriteItemsCommand && ++sender.writes === 1) await before();
      return client.send(command as never);
    },
  };
  return sender;
}

/** A transaction that reads `key` and writes its next version with `data`. */
function putRecord(
  key: string,
  data: LedgerRecord['data'],
): LedgerTransaction<number> & { decisions: number } {
  const transaction = {
    decisions: 0,
    accountIds: [],
    idempotencyKeys: [],
    recordKeys: [key],
    decide(snapshot: Parameters<LedgerTransaction<number>['decide']>[0]) {
      transaction.decisions++;
      const version = (snapshot.records.get(key)?.version ?? 0) + 1;
      return {
        write: { wallets: [], entries: [], idempotency: [], records: [{ key, version, data }] },
        result: version,
      };
    },
  };
  return transaction;
}

function writeEntries(entries: JournalEntry[]): LedgerTransaction<number> {
  return {
    accountIds: [],
    idempotencyKeys: [],
    recordKeys: [],
    decide: () => ({
      write: { wallets: [], entries, idempotency: [], records: [] },
      result: entries.length,
    }),
  };
}

function journalEntry(
  accountId: string,
  sequence: number,
  fields: Partial<JournalEntry> = {},
): JournalEntry {
  return {
    transactionId: `${accountId}-tx-${sequence}`,
    accountId,
    sequence,
    type: 'CREDIT',
    currency: 'GOLD',
    amount: '1.00',
    balanceBefore: '0.00',
    balanceAfter: '1.00',
    txTime: '2031-02-03T04:05:06.789Z',
    idempotencyKey: null,
    counterparty: null,
    metadata: null,
    prevHash: '0'.repeat(64),
    hash: 'f'.repeat(64),
    ...fields,
  };
}

describe('the items of holds, reversals and postings', () => {
  it('keeps a wallet’s holds on its item with nextHoldExpiry while it has any, a hold record once it ends, and holdId on the hold’s entries', async () => {
    const service = serviceOver();
    const accountId = ids.account();
    await service.createWallet({ accountId });
    await service.addFunds({ accountId, amount: '10.00', currency: 'GOLD' });
    const first = await service.placeHold({
      accountId,
      amount: '2.50',
      currency: 'GOLD',
      expiresInSeconds: 600,
    });
    const second = await service.placeHold({
      accountId,
      amount: '1.00',
      currency: 'GOLD',
      expiresInSeconds: 60,
    });
    const wallet = await storedItem(`W#${accountId}`, 'WALLET');
    expect(wallet).toMatchObject({
      kind: { S: 'WALLET' },
      walletList: { S: 'WALLETS' },
      nextHoldExpiry: { S: second.expiresAt },
      holds: {
        L: [
          {
            M: {
              holdId: { S: first.holdId },
              currency: { S: 'GOLD' },
              amount: { S: '2.50' },
              expiresAt: { S: first.expiresAt },
              placedAt: { S: first.txTime },
            },
          },
          { M: expect.objectContaining({ holdId: { S: second.holdId } }) },
        ],
      },
    });
    // An active hold is on its wallet alone: its record is written when it ends.
    expect(await storedItem(`R#hold:${first.holdId}`, 'RECORD')).toBeUndefined();
    expect(await storedItem(`W#${accountId}`, entrySk(2))).toMatchObject({
      type: { S: 'HOLD' },
      holdId: { S: first.holdId },
    });

    await service.captureHold({ holdId: first.holdId });
    await service.releaseHold({ holdId: second.holdId });
    const after = await storedItem(`W#${accountId}`, 'WALLET');
    expect(after?.holds).toEqual({ L: [] });
    expect(after?.nextHoldExpiry).toBeUndefined();
    expect(after?.walletList).toEqual({ S: 'WALLETS' });
    expect(await storedItem(`R#hold:${first.holdId}`, 'RECORD')).toMatchObject({
      kind: { S: 'RECORD' },
      key: { S: `hold:${first.holdId}` },
      version: { N: '1' },
      data: { S: expect.stringContaining('"status":"captured"') },
    });
    expect(await storedItem(`W#${accountId}`, entrySk(4))).toMatchObject({
      type: { S: 'HOLD_CAPTURE' },
      holdId: { S: first.holdId },
    });
    expect(await storedItem(`W#${accountId}`, entrySk(5))).toMatchObject({
      type: { S: 'HOLD_RELEASE' },
      holdId: { S: second.holdId },
    });
    expect((await ledgerOver().getWallet(accountId))?.holds).toEqual([]);
    expect((await service.verifyWallet({ accountId })).problems).toEqual([]);
  });

  it('stores reverses and reason on reversal entries, the reversals record, and a transactionEntries list on the entries of multi-entry transactions only', async () => {
    const service = serviceOver();
    const [from, to] = [ids.account('from'), ids.account('to')];
    for (const accountId of [from, to]) await service.createWallet({ accountId });
    const credit = await service.addFunds({ accountId: from, amount: '7', currency: 'GEMS' });
    const transfer = await service.transfer({ fromAccountId: from, toAccountId: to, amount: '5' });
    const reversal = await service.reverseTransaction({
      transactionId: transfer.transactionId,
      reason: 'support ticket 42',
    });
    expect((await storedItem(`W#${from}`, entrySk(1)))?.transactionEntries).toBeUndefined();
    expect((await storedItem(`W#${from}`, entrySk(2)))?.transactionEntries).toEqual({
      L: [
        { M: { accountId: { S: from }, sequence: { N: '2' } } },
        { M: { accountId: { S: to }, sequence: { N: '1' } } },
      ],
    });
    const reversed = await storedItem(`W#${to}`, entrySk(2));
    expect(reversed).toMatchObject({
      type: { S: 'REVERSAL_DEBIT' },
      transactionId: { S: reversal.transactionId },
      reverses: { S: transfer.transactionId },
      reason: { S: 'support ticket 42' },
    });
    expect(reversed?.holdId).toBeUndefined();
    const record = await storedItem(`R#reversals:${transfer.transactionId}`, 'RECORD');
    expect(record).toMatchObject({ kind: { S: 'RECORD' }, version: { N: '1' } });
    expect(JSON.parse(record!.data!.S!)).toMatchObject({ reversedBy: [reversal.transactionId] });
    const credited = await storedItem(`W#${from}`, entrySk(1));
    expect(credited?.transactionId).toEqual({ S: credit.transactionId });
    expect(credited?.reverses ?? credited?.reason ?? credited?.holdId).toBeUndefined();
    expect(await service.getTransaction({ transactionId: transfer.transactionId })).toMatchObject({
      reversedBy: [reversal.transactionId],
    });
  });

  it('round-trips an entry of each new type exactly, through queryEntries and queryTransaction', async () => {
    const ledger = ledgerOver();
    const accountId = ids.account();
    const written = [
      journalEntry(accountId, 1, { type: 'POSTING_IN', transactionId: 'posting-1' }),
      journalEntry(accountId, 2, {
        type: 'HOLD',
        holdId: 'hold-1',
        metadata: { order: 'o-1', list: [1.5, null, ''] },
      }),
      journalEntry(accountId, 3, { type: 'HOLD_CAPTURE', holdId: 'hold-1' }),
      journalEntry(accountId, 4, { type: 'HOLD_RELEASE', holdId: 'hold-1' }),
      journalEntry(accountId, 5, {
        type: 'REVERSAL_DEBIT',
        reverses: 'posting-1',
        reason: 'refund ✓',
        idempotencyKey: 'k 1',
      }),
      journalEntry(accountId, 6, { type: 'REVERSAL_CREDIT', reverses: 'posting-1', reason: null }),
      journalEntry(accountId, 7, {
        type: 'POSTING_OUT',
        transactionId: 'posting-1',
        counterparty: 'someone',
      }),
    ];
    await ledger.transact(writeEntries(written));
    const read = await ledger.queryEntries({ accountId, order: 'asc', limit: 10 });
    expect(read).toStrictEqual(written);
    for (const [i, entry] of read.entries()) {
      expect(Object.keys(entry).sort()).toEqual(Object.keys(written[i]!).sort());
    }
    expect(await ledger.queryTransaction('posting-1')).toStrictEqual([written[0], written[6]]);
    expect(await ledger.queryTransaction(`${accountId}-tx-5`)).toStrictEqual([written[4]]);
  });
});

describe('ledger records', () => {
  it('reads back what was written, by key, and null for a key never written', async () => {
    const ledger = ledgerOver();
    const key = `test:${ids.key()}`;
    expect(await ledger.getRecord(key)).toBeNull();
    await ledger.transact(putRecord(key, { a: [1, 'x', null], b: { c: '' } }));
    expect(await ledger.getRecord(key)).toStrictEqual({
      key,
      version: 1,
      data: { a: [1, 'x', null], b: { c: '' } },
    });
    const read = await ledger.transact({
      accountIds: [],
      idempotencyKeys: [],
      recordKeys: [key, `${key}:absent`],
      decide: (snapshot) => ({ write: null, result: [...snapshot.records.keys()] }),
    });
    expect(read).toEqual([key]);
  });

  it('refuses a first version when a concurrent transaction inserted the key first: decided again on a fresh snapshot, or CONCURRENCY_CONFLICT when out of attempts', async () => {
    const key = `test:${ids.key()}`;
    const racer = racingClient(() => ledgerOver().transact(putRecord(key, { by: 'racer' })));
    const mine = putRecord(key, { by: 'me' });
    await expect(ledgerOver(racer).transact(mine)).resolves.toBe(2);
    expect(mine.decisions).toBe(2);
    expect(await ledgerOver().getRecord(key)).toMatchObject({ version: 2, data: { by: 'me' } });

    const other = `test:${ids.key()}`;
    const loser = racingClient(() => ledgerOver().transact(putRecord(other, { by: 'racer' })));
    await expectWalletError(
      ledgerOver(loser, 1).transact(putRecord(other, { by: 'me' })),
      'CONCURRENCY_CONFLICT',
    );
    expect(await ledgerOver().getRecord(other)).toMatchObject({
      version: 1,
      data: { by: 'racer' },
    });
  });

  it('refuses a version whose predecessor is no longer the stored one (a stale read)', async () => {
    const key = `test:${ids.key()}`;
    await ledgerOver().transact(putRecord(key, { n: 1 }));
    const racer = racingClient(() => ledgerOver().transact(putRecord(key, { n: 'racer' })));
    await expectWalletError(
      ledgerOver(racer, 1).transact(putRecord(key, { n: 'stale' })),
      'CONCURRENCY_CONFLICT',
    );
    expect(await ledgerOver().getRecord(key)).toMatchObject({ version: 2, data: { n: 'racer' } });
    const retried = putRecord(key, { n: 3 });
    const again = racingClient(() => ledgerOver().transact(putRecord(key, { n: 'racer 2' })));
    await expect(ledgerOver(again).transact(retried)).resolves.toBe(4);
    expect(retried.decisions).toBe(2);
  });
});

describe('queryTransaction', () => {
  it('finds every entry of a transaction across wallets, and nothing for an unknown id', async () => {
    const service = serviceOver();
    const wallets = [ids.account('p'), ids.account('p'), ids.account('p')];
    for (const accountId of wallets) await service.createWallet({ accountId });
    await service.addFunds({ accountId: wallets[0]!, amount: '10', currency: 'GEMS' });
    const posting = await service.post({
      legs: [
        { accountId: wallets[0]!, currency: 'GEMS', direction: 'debit', amount: '10' },
        { accountId: wallets[1]!, currency: 'GEMS', direction: 'credit', amount: '9' },
        { accountId: wallets[2]!, currency: 'GEMS', direction: 'credit', amount: '1' },
      ],
    });
    const entries = await ledgerOver().queryTransaction(posting.transactionId);
    // In account id order: string order, where '.10' comes before '.9'.
    expect(entries.map((e) => [e.accountId, e.type, e.amount])).toEqual(
      [
        [wallets[0], 'POSTING_OUT', '10'],
        [wallets[1], 'POSTING_IN', '9'],
        [wallets[2], 'POSTING_IN', '1'],
      ].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
    );
    expect(await ledgerOver().queryTransaction('no-such-transaction')).toEqual([]);
  });

  it('reads the whole transaction from its entries’ lists when the index has caught up with only one of them', async () => {
    const service = serviceOver();
    const [from, to] = [ids.account('from'), ids.account('to')];
    for (const accountId of [from, to]) await service.createWallet({ accountId });
    await service.addFunds({ accountId: from, amount: '3', currency: 'GEMS' });
    const transfer = await service.transfer({ fromAccountId: from, toAccountId: to, amount: '2' });
    // An index that lags: each query answers only the first key it holds.
    const lagging: DynamoDbClientLike = {
      async send(command: object) {
        const output = await client.send(command as never);
        if (command instanceof QueryCommand && command.input.IndexName !== undefined) {
          const items = (output as QueryCommandOutput).Items ?? [];
          return { ...output, Items: items.filter((item) => item.sk?.S !== 'KEY').slice(0, 1) };
        }
        return output;
      },
    };
    const entries = await ledgerOver(lagging).queryTransaction(transfer.transactionId);
    expect(entries.map((e) => [e.accountId, e.type])).toEqual(
      [
        [from, 'TRANSFER_OUT'],
        [to, 'TRANSFER_IN'],
      ].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
    );
  });

  it('leaves out the idempotency key item that shares the transaction id in the index', async () => {
    const service = serviceOver();
    const accountId = ids.account();
    await service.createWallet({ accountId });
    const credit = await service.addFunds({ accountId, amount: '1', idempotencyKey: ids.key() });
    const output = (await client.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: LEDGER_INDEXES.byTransaction.name,
        KeyConditionExpression: 'transactionId = :tx',
        ExpressionAttributeValues: { ':tx': { S: credit.transactionId } },
      }),
    )) as QueryCommandOutput;
    expect(output.Items?.map((item) => item.sk?.S).sort()).toEqual([entrySk(1), 'KEY']);
    expect(await ledgerOver().queryTransaction(credit.transactionId)).toHaveLength(1);
  });
});

describe('listWallets', () => {
  it('pages by account id within a prefix, strictly after startAfter, on the ledger and through the service', async () => {
    const ledger = ledgerOver();
    const service = serviceOver(ledger);
    const base = ids.account('list');
    const inside = ['b', 'a', 'c.1', 'c', 'd'].map((suffix) => `${base}-${suffix}`);
    const outside = [`${base}`, `${base}_x`, `${base}.z`];
    for (const accountId of [...inside, ...outside]) await service.createWallet({ accountId });
    const prefix = `${base}-`;
    const sorted = [...inside].sort();
    const list = async (query: { startAfter?: string; limit: number }) =>
      (await ledger.listWallets({ prefix, ...query })).map((wallet) => wallet.accountId);

    expect(await list({ limit: 100 })).toEqual(sorted);
    expect(await list({ limit: 2 })).toEqual(sorted.slice(0, 2));
    expect(await list({ startAfter: sorted[1]!, limit: 2 })).toEqual(sorted.slice(2, 4));
    expect(await list({ startAfter: sorted[3]!, limit: 2 })).toEqual(sorted.slice(4));
    expect(await list({ startAfter: sorted[4]!, limit: 2 })).toEqual([]);
    expect(await list({ startAfter: base, limit: 1 })).toEqual(sorted.slice(0, 1));
    expect(await list({ startAfter: `${base}.zzz`, limit: 5 })).toEqual([]);
    expect(await ledger.listWallets({ prefix: `${base}-c`, limit: 5 })).toMatchObject([
      { accountId: `${base}-c`, version: 0, holds: [] },
      { accountId: `${base}-c.1` },
    ]);

    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await service.listWallets({ prefix, limit: 2, ...(cursor ? { cursor } : {}) });
      pages.push(page.items.map((wallet) => wallet.accountId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    expect(pages).toEqual([sorted.slice(0, 2), sorted.slice(2, 4), sorted.slice(4)]);

    const all = (await ledger.listWallets({ limit: 1001 })).map((wallet) => wallet.accountId);
    expect(all).toEqual([...all].sort());
    expect(all).toEqual(expect.arrayContaining([...inside, ...outside]));
  });

  it('returns the wallets as stored, read consistently after the index gave their ids', async () => {
    const service = serviceOver();
    const accountId = ids.account('fresh');
    await service.createWallet({ accountId, metadata: { tier: 'gold' } });
    await service.addFunds({ accountId, amount: '4', currency: 'GEMS' });
    const [listed] = await ledgerOver().listWallets({ prefix: accountId, limit: 1 });
    expect(listed).toStrictEqual((await ledgerOver().getWallet(accountId)) as WalletRecord);
    expect(listed).toMatchObject({ version: 1, balances: { GEMS: '4' } });
  });
});

describe('listWalletsWithExpiredHolds', () => {
  it('lists the wallets whose earliest hold expiry is due, until their holds are released', async () => {
    const ledger = ledgerOver();
    const service = serviceOver(ledger);
    const [soon, late, none] = [ids.account('soon'), ids.account('late'), ids.account('none')];
    for (const accountId of [soon, late, none]) {
      await service.createWallet({ accountId });
      await service.addFunds({ accountId, amount: '10', currency: 'GEMS' });
    }
    await service.placeHold({ accountId: soon, amount: '1', expiresInSeconds: 3600 });
    await service.placeHold({ accountId: soon, amount: '1', expiresInSeconds: 60 });
    await service.placeHold({ accountId: late, amount: '1', expiresInSeconds: 7200 });
    const due = async (seconds: number) =>
      (
        await ledger.listWalletsWithExpiredHolds({
          dueBy: new Date(now + seconds * 1000).toISOString(),
          limit: 100,
        })
      ).filter((id) => [soon, late, none].includes(id));

    expect(await due(59)).toEqual([]);
    expect(await due(60)).toEqual([soon]);
    expect(await due(7200)).toEqual([soon, late]);
    expect(
      await ledger.listWalletsWithExpiredHolds({
        dueBy: new Date(now + 7200_000).toISOString(),
        limit: 1,
      }),
    ).toHaveLength(1);

    now += 7200_000;
    expect(await service.releaseExpiredHolds({})).toMatchObject({ released: 3 });
    expect(await due(0)).toEqual([]);
    expect((await storedItem(`W#${soon}`, 'WALLET'))?.nextHoldExpiry).toBeUndefined();
  });
});
