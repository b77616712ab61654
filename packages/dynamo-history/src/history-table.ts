import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DescribeTableCommandOutput,
  DescribeTimeToLiveCommand,
  type DescribeTimeToLiveCommandOutput,
  type TableDescription,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { type DynamoDbClientLike, errorName } from './dynamo-client.js';
import { HISTORY_ATTRIBUTES } from './table-schema.js';

/**
 * Options of {@link createHistoryTable}.
 *
 * @example
 * await createHistoryTable(client, 'wallet-history', { timeoutMs: 60_000 });
 */
export interface HistoryTableOptions {
  /** How long to wait for the table to become ACTIVE. Default 5 minutes. */
  timeoutMs?: number;
}

/**
 * Makes sure a history table exists: creates it on demand (PAY_PER_REQUEST, partition key
 * `accountId` string, sort key `sequence` number) when missing, waits until it is ACTIVE, and
 * enables TTL on `expire_timestamp` when TTL is off. Running it again is a no-op, so a
 * deployment script or a test can call it on every start. DynamoDB errors reach the caller
 * as the SDK threw them.
 *
 * @throws {Error} when an existing table has another key schema, or it does not become
 *   ACTIVE within `timeoutMs`
 * @example
 * import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
 * await createHistoryTable(new DynamoDBClient({}), 'wallet-history');
 */
export async function createHistoryTable(
  client: DynamoDbClientLike,
  tableName: string,
  options: HistoryTableOptions = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 300_000);
  if ((await describe(client, tableName)) === undefined) await create(client, tableName);
  const table = await activeTable(client, tableName, deadline);
  checkKeySchema(table, tableName);
  await enableTtl(client, tableName);
}

async function describe(
  client: DynamoDbClientLike,
  tableName: string,
): Promise<TableDescription | undefined> {
  try {
    const output = (await client.send(
      new DescribeTableCommand({ TableName: tableName }),
    )) as DescribeTableCommandOutput;
    return output.Table;
  } catch (error) {
    if (errorName(error) === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

async function create(client: DynamoDbClientLike, tableName: string): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: HISTORY_ATTRIBUTES.partitionKey, AttributeType: 'S' },
          { AttributeName: HISTORY_ATTRIBUTES.sortKey, AttributeType: 'N' },
        ],
        KeySchema: [
          { AttributeName: HISTORY_ATTRIBUTES.partitionKey, KeyType: 'HASH' },
          { AttributeName: HISTORY_ATTRIBUTES.sortKey, KeyType: 'RANGE' },
        ],
      }),
    );
  } catch (error) {
    // Another process created it between our describe and create: the table exists, as wanted.
    if (errorName(error) !== 'ResourceInUseException') throw error;
  }
}

async function activeTable(
  client: DynamoDbClientLike,
  tableName: string,
  deadline: number,
): Promise<TableDescription> {
  for (let pause = 100; ; pause = Math.min(pause * 2, 2000)) {
    const table = await describe(client, tableName);
    if (table?.TableStatus === 'ACTIVE') return table;
    if (Date.now() + pause > deadline) {
      throw new Error(
        `table ${tableName} is ${table?.TableStatus ?? 'missing'}, not ACTIVE, after waiting`,
      );
    }
    await sleep(pause);
  }
}

function checkKeySchema(table: TableDescription, tableName: string): void {
  const key = (type: 'HASH' | 'RANGE') =>
    table.KeySchema?.find((element) => element.KeyType === type)?.AttributeName;
  const types = new Map(
    table.AttributeDefinitions?.map((d) => [d.AttributeName, d.AttributeType]) ?? [],
  );
  const { partitionKey, sortKey } = HISTORY_ATTRIBUTES;
  if (
    key('HASH') !== partitionKey ||
    key('RANGE') !== sortKey ||
    types.get(partitionKey) !== 'S' ||
    types.get(sortKey) !== 'N'
  ) {
    throw new Error(
      `table ${tableName} exists with another key schema; a history table needs partition key ${partitionKey} (S) and sort key ${sortKey} (N)`,
    );
  }
}

async function enableTtl(client: DynamoDbClientLike, tableName: string): Promise<void> {
  const output = (await client.send(
    new DescribeTimeToLiveCommand({ TableName: tableName }),
  )) as DescribeTimeToLiveCommandOutput;
  // Enabling twice is an error in DynamoDB, and ENABLING/ENABLED on another attribute is the
  // studio's own choice: only a table with TTL off is changed.
  if ((output.TimeToLiveDescription?.TimeToLiveStatus ?? 'DISABLED') !== 'DISABLED') return;
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: HISTORY_ATTRIBUTES.ttl, Enabled: true },
    }),
  );
}
