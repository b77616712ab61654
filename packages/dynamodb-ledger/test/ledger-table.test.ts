import {
  CreateTableCommand,
  DescribeTableCommand,
  type DescribeTableCommandOutput,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  DYNAMODB_LOCAL_START_TIMEOUT_MS,
  type DynamoDbLocal,
  startDynamoDbLocal,
  uniqueTableName,
} from '@wallet/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLedgerTable } from '../src/index.js';

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

  it('leaves an existing table as it is, also when two callers race to create it', async () => {
    const tableName = uniqueTableName('wallet-ledger');
    await Promise.all([createLedgerTable(client, tableName), createLedgerTable(client, tableName)]);
    const created = (await describeTable(tableName)).CreationDateTime;
    await createLedgerTable(client, tableName);
    expect((await describeTable(tableName)).CreationDateTime).toEqual(created);
  });

  it('refuses an existing table with another key schema', async () => {
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
