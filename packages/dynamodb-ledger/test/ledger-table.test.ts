import {
  CreateTableCommand,
  DescribeTableCommand,
  type DescribeTableCommandOutput,
  DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { JournalEntry, WalletRecord } from '@wallet/core';
import {
  DYNAMODB_LOCAL_START_TIMEOUT_MS,
  type DynamoDbLocal,
  startDynamoDbLocal,
  uniqueTableName,
} from '@wallet/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDynamoDbLedger,
  createLedgerTable,
  journalEntryToItem,
  updateLedgerTable,
} from '../src/index.js';
import { walletToItem } from '../src/item-codec.js';

let dynamo: DynamoDbLocal;
let client: DynamoDBClient;

beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
  client = new DynamoDBClient(dynamo.clientConfig);
}, DYNAMODB_LOCAL_START_TIMEOUT_MS);

afterAll(async () => {
  client?.destroy();
  await dynamo?.stop();
});

async function describeTable(tableName: string) {
  const output = (await client.send(
    new DescribeTableCommand({ TableName: tableName }),
  )) as DescribeTableCommandOutput;
  return output.Table!;
}

describe('createLedgerTable', () => {
  it('creates an ACTIVE, PAY_PER_REQUEST table keyed by string pk and sk, with a NEW_IMAGE stream', async () => {
    const tableName = uniqueTableName('wallet-ledger');
    await createLedgerTable(client, tableName);
    const table = await describeTable(tableName);
    expect(table.TableStatus).toBe('ACTIVE');
    expect(table.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(table.AttributeDefinitions).toEqual(
      expect.arrayContaining([
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ]),
    );
    expect(table.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_IMAGE' });
  });

  it('creates the three sparse KEYS_ONLY indexes: byTransaction, wallets and holdExpiries', async () => {
    const tableName = uniqueTableName('wallet-ledger');
    await createLedgerTable(client, tableName);
    const indexes = (await describeTable(tableName)).GlobalSecondaryIndexes ?? [];
    const shapes = indexes
      .map((index) => ({
        name: index.IndexName,
        keys: index.KeySchema?.map((key) => `${key.AttributeName} ${key.KeyType}`),
        projection: index.Projection?.ProjectionType,
        status: index.IndexStatus,
      }))
      .sort((a, b) => a.name!.localeCompare(b.name!));
    expect(shapes).toEqual([
      {
        name: 'byTransaction',
        keys: ['transactionId HASH'],
        projection: 'KEYS_ONLY',
        status: 'ACTIVE',
      },
      {
        name: 'holdExpiries',
        keys: ['walletList HASH', 'nextHoldExpiry RANGE'],
        projection: 'KEYS_ONLY',
        status: 'ACTIVE',
      },
      {
        name: 'wallets',
        keys: ['walletList HASH', 'accountId RANGE'],
        projection: 'KEYS_ONLY',
        status: 'ACTIVE',
      },
    ]);
    expect(await updateLedgerTable(client, tableName)).toEqual({
      indexesCreated: [],
      walletsBackfilled: 0,
    });
  });

  it('leaves an existing table as it is, also when two callers race to create it', async () => {
    const tableName = uniqueTableName('wallet-ledger');
    await Promise.all([createLedgerTable(client, tableName), createLedgerTable(client, tableName)]);
    const created = (await describeTable(tableName)).CreationDateTime;
    await createLedgerTable(client, tableName);
    expect((await describeTable(tableName)).CreationDateTime).toEqual(created);
  });

  it('refuses an existing table with another key schema', async () => {
    const other = uniqueTableName('wallet-ledger');
    await expect(updateLedgerTable(client, other)).rejects.toThrow(/does not exist/);
    const tableName = uniqueTableName('wallet-ledger');
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'accountId', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'accountId', KeyType: 'HASH' }],
      }),
    );
    await expect(createLedgerTable(client, tableName)).rejects.toThrow(/another key schema/);
  });
});

describe('updateLedgerTable', () => {
  it('adds the indexes to a table of an earlier release and backfills its wallets, so old wallets are listed and old transactions found', async () => {
    const tableName = uniqueTableName('wallet-ledger');
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
      }),
    );
    await createLedgerTable(client, tableName);
    expect((await describeTable(tableName)).GlobalSecondaryIndexes).toBeUndefined();
    const entries = ['old-a', 'old-b'].map((accountId) => oldEntry(accountId));
    for (const accountId of ['old-b', 'old-a']) {
      // As an earlier release wrote it: no holds, no walletList.
      const { holds: _holds, walletList: _list, ...item } = walletToItem(oldWallet(accountId));
      await client.send(new PutItemCommand({ TableName: tableName, Item: item }));
    }
    for (const entry of entries) {
      await client.send(
        new PutItemCommand({ TableName: tableName, Item: journalEntryToItem(entry) }),
      );
    }
    const ledger = createDynamoDbLedger({ client, tableName });
    await expect(ledger.listWallets({ limit: 10 })).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
      message: expect.stringContaining('wallets is missing: run updateLedgerTable'),
    });
    const progress: string[] = [];
    const update = await updateLedgerTable(client, tableName, {
      onProgress: (message) => progress.push(message),
    });
    expect(update).toEqual({
      indexesCreated: ['byTransaction', 'wallets', 'holdExpiries'],
      walletsBackfilled: 2,
    });
    expect(progress.length).toBeGreaterThanOrEqual(4);
    expect(await ledger.listWallets({ limit: 10 })).toEqual([
      oldWallet('old-a'),
      oldWallet('old-b'),
    ]);
    expect(await ledger.queryTransaction('old-tx')).toEqual(entries);
    expect(await updateLedgerTable(client, tableName)).toEqual({
      indexesCreated: [],
      walletsBackfilled: 0,
    });
  });
});

function oldWallet(accountId: string): WalletRecord {
  return {
    accountId,
    balances: { GEMS: '5' },
    version: 1,
    sequence: 1,
    headHash: 'a'.repeat(64),
    createdAt: '2029-01-01T00:00:00.000Z',
    updatedAt: '2029-01-01T00:00:00.000Z',
    metadata: null,
    holds: [],
  };
}

function oldEntry(accountId: string): JournalEntry {
  return {
    transactionId: 'old-tx',
    accountId,
    sequence: 1,
    type: accountId === 'old-a' ? 'TRANSFER_OUT' : 'TRANSFER_IN',
    currency: 'GEMS',
    amount: '5',
    balanceBefore: '0',
    balanceAfter: '5',
    txTime: '2029-01-01T00:00:00.000Z',
    idempotencyKey: null,
    counterparty: accountId === 'old-a' ? 'old-b' : 'old-a',
    metadata: null,
    prevHash: '0'.repeat(64),
    hash: 'a'.repeat(64),
  };
}
