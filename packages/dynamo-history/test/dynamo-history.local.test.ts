import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  GetItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DYNAMODB_LOCAL_START_TIMEOUT_MS,
  type DynamoDbLocal,
  startDynamoDbLocal,
  uniqueTableName,
} from '@wallet/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createDynamoDbHistory,
  createHistoryTable,
  expireTimestamp,
  type HistoryItem,
} from '../src/index.js';
import { sampleEntry, sampleJournal } from './sample-entries.js';

let dynamo: DynamoDbLocal;
let client: DynamoDBClient;
const tableName = uniqueTableName('wallet-history');

beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
  client = new DynamoDBClient(dynamo.clientConfig);
  await createHistoryTable(client, tableName);
}, DYNAMODB_LOCAL_START_TIMEOUT_MS);

afterAll(async () => {
  client?.destroy();
  await dynamo?.stop();
});

async function storedItem(accountId: string, sequence: number): Promise<HistoryItem | undefined> {
  const output = await client.send(
    new GetItemCommand({
      TableName: tableName,
      Key: { accountId: { S: accountId }, sequence: { N: String(sequence) } },
      ConsistentRead: true,
    }),
  );
  return output.Item;
}

describe('createHistoryTable on DynamoDB Local', () => {
  it('creates an on-demand table keyed by accountId and numeric sequence', async () => {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'accountId', KeyType: 'HASH' },
      { AttributeName: 'sequence', KeyType: 'RANGE' },
    ]);
    expect(Table?.AttributeDefinitions).toEqual(
      expect.arrayContaining([
        { AttributeName: 'accountId', AttributeType: 'S' },
        { AttributeName: 'sequence', AttributeType: 'N' },
      ]),
    );
  });

  it('enables TTL on expire_timestamp', async () => {
    const { TimeToLiveDescription } = await client.send(
      new DescribeTimeToLiveCommand({ TableName: tableName }),
    );
    expect(TimeToLiveDescription).toMatchObject({
      AttributeName: 'expire_timestamp',
      TimeToLiveStatus: 'ENABLED',
    });
  });

  it('is a no-op when the table already exists', async () => {
    await expect(createHistoryTable(client, tableName)).resolves.toBeUndefined();
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    expect(Table?.TableStatus).toBe('ACTIVE');
  });

  it('refuses an existing table whose key schema a history store cannot use', async () => {
    const other = uniqueTableName('wallet-history');
    await client.send(
      new CreateTableCommand({
        TableName: other,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      }),
    );
    await expect(createHistoryTable(client, other)).rejects.toThrow(/another key schema/);
  });
});

describe('createDynamoDbHistory items on DynamoDB Local', () => {
  it('stores amounts as strings and metadata as its JSON text, so nothing is rounded', async () => {
    const history = createDynamoDbHistory({ client, tableName });
    const entry = sampleEntry('items.strings', 1, {
      amount: '1000000000000000000.10',
      balanceAfter: '1000000000000000000.10',
      metadata: { price: 0.1, note: '', list: [1, 'x', null] },
    });
    await history.putEntries([entry]);
    const item = await storedItem(entry.accountId, 1);
    expect(item?.amount).toEqual({ S: '1000000000000000000.10' });
    expect(item?.metadata).toEqual({ S: JSON.stringify(entry.metadata) });
    expect(
      await history.queryEntries({ accountId: entry.accountId, order: 'asc', limit: 1 }),
    ).toEqual([entry]);
  });

  it('keeps null fields null', async () => {
    const history = createDynamoDbHistory({ client, tableName });
    const entry = sampleEntry('items.nulls', 1, {
      metadata: null,
      idempotencyKey: null,
      counterparty: null,
    });
    await history.putEntries([entry]);
    const item = await storedItem(entry.accountId, 1);
    expect(item?.metadata).toEqual({ NULL: true });
    const [read] = await history.queryEntries({
      accountId: entry.accountId,
      order: 'asc',
      limit: 1,
    });
    expect(read).toEqual(entry);
  });

  it('stores reverses, reason and holdId on the entry types that carry them, and reads every type back exactly', async () => {
    const history = createDynamoDbHistory({ client, tableName });
    const accountId = 'items.types';
    const entries = [
      sampleEntry(accountId, 1, { type: 'HOLD', holdId: 'hold-1' }),
      sampleEntry(accountId, 2, { type: 'HOLD_CAPTURE', holdId: 'hold-1' }),
      sampleEntry(accountId, 3, { type: 'HOLD_RELEASE', holdId: 'hold-1' }),
      sampleEntry(accountId, 4, { type: 'REVERSAL_DEBIT', reverses: 'tx-1', reason: 'refund ✓' }),
      sampleEntry(accountId, 5, { type: 'REVERSAL_CREDIT', reverses: 'tx-1', reason: null }),
      sampleEntry(accountId, 6, { type: 'POSTING_IN' }),
      sampleEntry(accountId, 7, { type: 'POSTING_OUT' }),
    ];
    await history.putEntries(entries);
    expect(await storedItem(accountId, 1)).toMatchObject({ holdId: { S: 'hold-1' } });
    expect(await storedItem(accountId, 5)).toMatchObject({
      reverses: { S: 'tx-1' },
      reason: { NULL: true },
    });
    const posting = await storedItem(accountId, 6);
    expect(posting?.holdId ?? posting?.reverses ?? posting?.reason).toBeUndefined();
    const read = await history.queryEntries({ accountId, order: 'asc', limit: 10 });
    expect(read).toStrictEqual(entries);
  });

  it('gives every item expire_timestamp = txTime in epoch seconds + ttlDays days', async () => {
    const history = createDynamoDbHistory({ client, tableName, ttlDays: 30 });
    const entry = sampleEntry('items.ttl', 1, { txTime: '2030-01-01T00:00:00.999Z' });
    await history.putEntries([entry]);
    const item = await storedItem(entry.accountId, 1);
    expect(item?.expire_timestamp).toEqual({ N: String(1893456000 + 30 * 86_400) });
  });

  it('writes no expire_timestamp when neither ttlDays nor the entry sets one', async () => {
    const history = createDynamoDbHistory({ client, tableName });
    await history.putEntries([sampleEntry('items.no-ttl', 1)]);
    const item = await storedItem('items.no-ttl', 1);
    expect(item).toBeDefined();
    expect(item?.expire_timestamp).toBeUndefined();
  });

  it("prefers an entry's own expire_timestamp to the store's ttlDays and never returns it", async () => {
    const history = createDynamoDbHistory({ client, tableName, ttlDays: 30 });
    const entry = sampleEntry('items.own-ttl', 1);
    const own = expireTimestamp(entry.txTime, 7);
    await history.putEntries([{ ...entry, expire_timestamp: own }]);
    expect((await storedItem(entry.accountId, 1))?.expire_timestamp).toEqual({ N: String(own) });
    expect(
      await history.queryEntries({ accountId: entry.accountId, order: 'asc', limit: 1 }),
    ).toEqual([entry]);
  });

  it('leaves one item per (accountId, sequence) when a batch repeats an entry', async () => {
    const history = createDynamoDbHistory({ client, tableName });
    const entries = sampleJournal('items.repeats', 30);
    await history.putEntries([...entries, ...entries.slice(0, 10), entries[29]!]);
    const read = await history.queryEntries({
      accountId: 'items.repeats',
      order: 'asc',
      limit: 100,
    });
    expect(read).toEqual(entries);
  });

  it('pages past the 1 MB query limit to gather large pages', async () => {
    const history = createDynamoDbHistory({ client, tableName });
    const padding = 'x'.repeat(20_000);
    const entries = sampleJournal('items.large', 80).map((entry) => ({
      ...entry,
      metadata: { padding },
    }));
    await history.putEntries(entries);
    const send = vi.spyOn(client, 'send');
    const read = await history.queryEntries({
      accountId: 'items.large',
      order: 'desc',
      limit: 1000,
    });
    expect(read.map((e) => e.sequence)).toEqual(entries.map((e) => e.sequence).reverse());
    expect(send.mock.calls.length).toBeGreaterThan(1);
    send.mockRestore();
  });
});
