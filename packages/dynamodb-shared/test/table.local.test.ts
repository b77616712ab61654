import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DYNAMODB_LOCAL_START_TIMEOUT_MS,
  type DynamoDbLocal,
  startDynamoDbLocal,
  uniqueTableName,
} from '@wallet/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DynamoDbClientLike,
  ensureTable,
  keyAttributes,
  type TableDefinition,
  waitUntilActive,
} from '../src/index.js';

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

const indexed: TableDefinition = {
  purpose: 'a test table',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'N' },
  indexAttributes: [
    { AttributeName: 'group', AttributeType: 'S' },
    { AttributeName: 'pk', AttributeType: 'S' },
  ],
  indexes: [
    {
      IndexName: 'byGroup',
      KeySchema: [{ AttributeName: 'group', KeyType: 'HASH' }],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    },
  ],
  stream: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
};
const soon = () => Date.now() + 30_000;

describe('ensureTable on DynamoDB Local', () => {
  it('creates a missing table on demand with its key, indexes and stream, ACTIVE', async () => {
    const tableName = uniqueTableName('shared');
    const table = await ensureTable(client, tableName, indexed, soon());
    expect(table.TableStatus).toBe('ACTIVE');
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual(['byGroup']);
    expect(Table?.StreamSpecification).toEqual({
      StreamEnabled: true,
      StreamViewType: 'NEW_IMAGE',
    });
  });

  it('leaves an existing table as it is, and two callers racing to create it both succeed', async () => {
    const tableName = uniqueTableName('shared');
    const [first, second] = await Promise.all([
      ensureTable(client, tableName, indexed, soon()),
      ensureTable(client, tableName, indexed, soon()),
    ]);
    expect(first.TableArn).toBe(second.TableArn);
    const again = await ensureTable(client, tableName, indexed, soon());
    expect(again.CreationDateTime).toEqual(first.CreationDateTime);
  });

  it('refuses a table whose key is not the definition’s, naming what it is for', async () => {
    const tableName = uniqueTableName('shared');
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
      }),
    );
    await expect(ensureTable(client, tableName, indexed, soon())).rejects.toThrow(
      `table ${tableName} exists with another key schema; a test table needs partition key pk (S) and sort key sk (N)`,
    );
  });

  it('declares each key attribute once, the table’s and its indexes’', () => {
    expect(keyAttributes(indexed)).toEqual([
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'N' },
      { AttributeName: 'group', AttributeType: 'S' },
    ]);
  });
});

describe('waitUntilActive', () => {
  // DynamoDB Local makes tables and indexes ACTIVE at once: a mock plays a slow one.
  const describing = (table: object) => {
    const sender = new DynamoDBClient({ region: 'eu-west-1' });
    mockClient(sender).on(DescribeTableCommand).resolves({ Table: table });
    return sender as DynamoDbClientLike;
  };

  it('gives up at the deadline naming the table’s state', async () => {
    const sender = describing({ TableName: 't', TableStatus: 'UPDATING' });
    await expect(waitUntilActive(sender, 't', Date.now() + 250)).rejects.toThrow(
      new Error('table t is UPDATING, not ACTIVE after waiting'),
    );
  });

  it('waits for the indexes too, and says what to do next when one is still building', async () => {
    const sender = describing({
      TableName: 't',
      TableStatus: 'ACTIVE',
      GlobalSecondaryIndexes: [{ IndexName: 'byGroup', IndexStatus: 'CREATING' }],
    });
    await expect(
      waitUntilActive(sender, 't', Date.now() + 250, 'call it again to wait on'),
    ).rejects.toThrow(
      new Error(
        'index byGroup of t is CREATING, not ACTIVE after waiting; call it again to wait on',
      ),
    );
  });
});
