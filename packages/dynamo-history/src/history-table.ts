import {
  DescribeTimeToLiveCommand,
  type DescribeTimeToLiveCommandOutput,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import {
  type DynamoDbClientLike,
  ensureTable,
  type TableDefinition,
} from '@wallet/dynamodb-shared';
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
  await ensureTable(client, tableName, HISTORY_TABLE, Date.now() + (options.timeoutMs ?? 300_000));
  await enableTtl(client, tableName);
}

/** A history table: one partition per wallet, its entries sorted by sequence. */
const HISTORY_TABLE: TableDefinition = {
  purpose: 'a history table',
  partitionKey: { name: HISTORY_ATTRIBUTES.partitionKey, type: 'S' },
  sortKey: { name: HISTORY_ATTRIBUTES.sortKey, type: 'N' },
};

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
