import {
  CreateTableCommand,
  DescribeTableCommand,
  type DescribeTableCommandOutput,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { sleep } from './backoff.js';
import type { DynamoDbClientLike } from './dynamodb-client.js';
import { LEDGER_KEYS } from './table-keys.js';

/**
 * Options of {@link createLedgerTable}.
 *
 * @example
 * await createLedgerTable(client, 'wallet-ledger', { timeoutMs: 60_000 });
 */
export interface LedgerTableOptions {
  /** How long to wait for the table to become ACTIVE. Default 5 minutes. */
  timeoutMs?: number;
}

/**
 * Makes sure the ledger table exists: when missing, creates it (PAY_PER_REQUEST; partition key
 * `pk` and sort key `sk`, both strings; a stream of NEW_IMAGE records for change-stream
 * consumers), then waits until it is ACTIVE. A table that exists is left as it is, so a
 * deployment script or a test may call this on every start. DynamoDB errors reach the caller as
 * the SDK threw them.
 *
 * @throws {Error} when an existing table has another key schema, or it does not become ACTIVE
 *   within `timeoutMs`
 * @example
 * import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
 * await createLedgerTable(new DynamoDBClient({}), 'wallet-ledger');
 */
export async function createLedgerTable(
  client: DynamoDbClientLike,
  tableName: string,
  options: LedgerTableOptions = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 300_000);
  if ((await describeTable(client, tableName)) === undefined) await create(client, tableName);
  checkKeySchema(await activeTable(client, tableName, deadline), tableName);
}

async function describeTable(
  client: DynamoDbClientLike,
  tableName: string,
): Promise<TableDescription | undefined> {
  try {
    const output = (await client.send(
      new DescribeTableCommand({ TableName: tableName }),
    )) as DescribeTableCommandOutput;
    return output.Table;
  } catch (error) {
    if (error instanceof Error && error.name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

async function create(client: DynamoDbClientLike, tableName: string): Promise<void> {
  const { partitionKey, sortKey } = LEDGER_KEYS;
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: partitionKey, AttributeType: 'S' },
          { AttributeName: sortKey, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: partitionKey, KeyType: 'HASH' },
          { AttributeName: sortKey, KeyType: 'RANGE' },
        ],
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
      }),
    );
  } catch (error) {
    // Another process created it between our describe and create: it exists, as wanted.
    if (!(error instanceof Error && error.name === 'ResourceInUseException')) throw error;
  }
}

async function activeTable(
  client: DynamoDbClientLike,
  tableName: string,
  deadline: number,
): Promise<TableDescription> {
  for (let pause = 100; ; pause = Math.min(pause * 2, 2000)) {
    const table = await describeTable(client, tableName);
    if (table?.TableStatus === 'ACTIVE') return table;
    if (Date.now() + pause > deadline) {
      throw new Error(`table ${tableName} is ${table?.TableStatus ?? 'missing'}, not ACTIVE`);
    }
    await sleep(pause);
  }
}

function checkKeySchema(table: TableDescription, tableName: string): void {
  const keyOf = (type: 'HASH' | 'RANGE') =>
    table.KeySchema?.find((element) => element.KeyType === type)?.AttributeName;
  const typeOf = (name: string) =>
    table.AttributeDefinitions?.find((d) => d.AttributeName === name)?.AttributeType;
  const { partitionKey, sortKey } = LEDGER_KEYS;
  if (
    keyOf('HASH') !== partitionKey ||
    keyOf('RANGE') !== sortKey ||
    typeOf(partitionKey) !== 'S' ||
    typeOf(sortKey) !== 'S'
  ) {
    throw new Error(
      `table ${tableName} exists with another key schema; the ledger needs partition key ${partitionKey} (S) and sort key ${sortKey} (S)`,
    );
  }
}
