import {
  type AttributeDefinition,
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DescribeTableCommandOutput,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { sleep } from '@wallet/core/adapter';
import { type DynamoDbClientLike, errorName } from './client.js';

/**
 * One key attribute of a table: its name and type (string or number).
 *
 * @example
 * const sortKey: KeyAttribute = { name: 'sequence', type: 'N' };
 */
export interface KeyAttribute {
  /** The attribute's name. */
  name: string;
  /** `S` for a string, `N` for a number. */
  type: 'S' | 'N';
}

/**
 * What a wallet table is: its key, and what else {@link ensureTable} creates it with.
 *
 * @example
 * const history: TableDefinition = {
 *   purpose: 'a history table',
 *   partitionKey: { name: 'accountId', type: 'S' },
 *   sortKey: { name: 'sequence', type: 'N' },
 * };
 */
export interface TableDefinition {
  /** What the table is for, as an error names it (`a history table`, `the ledger`). */
  purpose: string;
  /** The partition key. */
  partitionKey: KeyAttribute;
  /** The sort key. */
  sortKey: KeyAttribute;
  /** The attributes the indexes' keys use, besides the table's own key. */
  indexAttributes?: readonly AttributeDefinition[];
  /** The global secondary indexes to create the table with. */
  indexes?: CreateTableCommandInput['GlobalSecondaryIndexes'];
  /** The table's stream, when it has one. */
  stream?: CreateTableCommandInput['StreamSpecification'];
}

/**
 * Makes sure a table exists: when missing, creates it (PAY_PER_REQUEST, with the definition's
 * key, indexes and stream); then waits until it and its indexes are ACTIVE, and checks that its
 * key is the definition's. A table that exists is left as it is, so a deployment script or a
 * test may call this on every start; another process creating it at the same moment is fine.
 * DynamoDB errors reach the caller as the SDK threw them.
 *
 * @throws {Error} when an existing table has another key schema, or it does not become ACTIVE
 *   by `deadline` (epoch milliseconds)
 * @example
 * const table = await ensureTable(client, 'wallet-history', definition, Date.now() + 300_000);
 */
export async function ensureTable(
  client: DynamoDbClientLike,
  tableName: string,
  definition: TableDefinition,
  deadline: number,
): Promise<TableDescription> {
  if ((await describeTable(client, tableName)) === undefined) {
    await createTable(client, tableName, definition);
  }
  const table = await waitUntilActive(client, tableName, deadline);
  checkKeySchema(table, tableName, definition);
  return table;
}

/**
 * The table's description, or undefined when there is no such table.
 *
 * @example
 * if ((await describeTable(client, 'wallet-ledger')) === undefined) console.log('missing');
 */
export async function describeTable(
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

/**
 * Waits until the table and every index of it are ACTIVE, asking DynamoDB again after pauses
 * that double from 100 ms up to 2 s.
 *
 * @param hint what to do when time runs out, added to the error (an index keeps building after
 *   the wait gives up)
 * @throws {Error} when they are not ACTIVE by `deadline` (epoch milliseconds)
 * @example
 * await waitUntilActive(client, 'wallet-ledger', Date.now() + 60_000);
 */
export async function waitUntilActive(
  client: DynamoDbClientLike,
  tableName: string,
  deadline: number,
  hint?: string,
): Promise<TableDescription> {
  for (let pause = 100; ; pause = Math.min(pause * 2, 2000)) {
    const table = await describeTable(client, tableName);
    const building = table?.GlobalSecondaryIndexes?.find((index) => index.IndexStatus !== 'ACTIVE');
    if (table?.TableStatus === 'ACTIVE' && building === undefined) return table;
    if (Date.now() + pause > deadline) {
      const state =
        building === undefined || table?.TableStatus !== 'ACTIVE'
          ? `table ${tableName} is ${table?.TableStatus ?? 'missing'}`
          : `index ${building.IndexName} of ${tableName} is ${building.IndexStatus}`;
      throw new Error(`${state}, not ACTIVE after waiting${hint === undefined ? '' : `; ${hint}`}`);
    }
    await sleep(pause);
  }
}

/**
 * Checks that a table's key is the definition's (names and types).
 *
 * @throws {Error} when it is not
 * @example
 * checkKeySchema(await waitUntilActive(client, name, deadline), name, definition);
 */
export function checkKeySchema(
  table: TableDescription,
  tableName: string,
  definition: TableDefinition,
): void {
  const keyOf = (type: 'HASH' | 'RANGE') =>
    table.KeySchema?.find((element) => element.KeyType === type)?.AttributeName;
  const typeOf = (name: string) =>
    table.AttributeDefinitions?.find((d) => d.AttributeName === name)?.AttributeType;
  const { partitionKey, sortKey } = definition;
  if (
    keyOf('HASH') !== partitionKey.name ||
    keyOf('RANGE') !== sortKey.name ||
    typeOf(partitionKey.name) !== partitionKey.type ||
    typeOf(sortKey.name) !== sortKey.type
  ) {
    throw new Error(
      `table ${tableName} exists with another key schema; ${definition.purpose} needs partition key ${partitionKey.name} (${partitionKey.type}) and sort key ${sortKey.name} (${sortKey.type})`,
    );
  }
}

/**
 * Every attribute the table's key and its indexes' keys use, each once: what `CreateTable` and
 * an `UpdateTable` that adds an index declare.
 *
 * @example
 * new UpdateTableCommand({ TableName, AttributeDefinitions: keyAttributes(definition), ... });
 */
export function keyAttributes(definition: TableDefinition): AttributeDefinition[] {
  const all = [
    { AttributeName: definition.partitionKey.name, AttributeType: definition.partitionKey.type },
    { AttributeName: definition.sortKey.name, AttributeType: definition.sortKey.type },
    ...(definition.indexAttributes ?? []),
  ];
  return all.filter(
    (attribute, i) => all.findIndex((a) => a.AttributeName === attribute.AttributeName) === i,
  );
}

async function createTable(
  client: DynamoDbClientLike,
  tableName: string,
  definition: TableDefinition,
): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: keyAttributes(definition),
        KeySchema: [
          { AttributeName: definition.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: definition.sortKey.name, KeyType: 'RANGE' },
        ],
        ...(definition.indexes === undefined ? {} : { GlobalSecondaryIndexes: definition.indexes }),
        ...(definition.stream === undefined ? {} : { StreamSpecification: definition.stream }),
      }),
    );
  } catch (error) {
    // Another process created it between our describe and create: it exists, as wanted.
    if (errorName(error) !== 'ResourceInUseException') throw error;
  }
}
