import {
  type AttributeValue,
  type GlobalSecondaryIndex,
  ScanCommand,
  type ScanCommandOutput,
  UpdateItemCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import {
  checkKeySchema,
  type DynamoDbClientLike,
  describeTable,
  ensureTable,
  keyAttributes,
  type TableDefinition,
  waitUntilActive,
} from '@wallet/dynamodb-shared';
import { LEDGER_INDEXES, LEDGER_KEYS, WALLET_LIST } from './table-keys.js';

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
 * consumers; the global secondary indexes of `LEDGER_INDEXES`, each `KEYS_ONLY`), then waits
 * until it is ACTIVE. A table that exists is left as it is, so a deployment script or a test may
 * call this on every start; a table created by an earlier release, without the indexes, is
 * brought up to date by {@link updateLedgerTable}. DynamoDB errors reach the caller as the SDK
 * threw them.
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
  await ensureTable(client, tableName, LEDGER_TABLE, Date.now() + (options.timeoutMs ?? 300_000));
}

/**
 * Options of {@link updateLedgerTable}.
 *
 * @example
 * await updateLedgerTable(client, 'wallet-ledger', { onProgress: console.log });
 */
export interface LedgerTableUpdateOptions {
  /**
   * How long to wait for each new index to become ACTIVE (DynamoDB backfills it from the
   * table's items first, which takes a while on a large table). Default 1 hour. When it runs
   * out the index keeps building; call `updateLedgerTable` again to wait for it and go on.
   */
  timeoutMs?: number;
  /** Told about each step (an index created, wallets backfilled so far). */
  onProgress?: (message: string) => void;
}

/**
 * What {@link updateLedgerTable} changed.
 *
 * @example
 * const update: LedgerTableUpdate = await updateLedgerTable(client, 'wallet-ledger');
 * console.log(`${update.indexesCreated.length} indexes, ${update.walletsBackfilled} wallets`);
 */
export interface LedgerTableUpdate {
  /** The indexes it created, in the order it created them. */
  indexesCreated: string[];
  /** The wallet items it gave the `walletList` attribute. */
  walletsBackfilled: number;
}

/**
 * Brings a ledger table created by an earlier release up to date, and is a no-op on a current
 * one (so it is safe to run on every deployment):
 * 1. creates each global secondary index of `LEDGER_INDEXES` the table lacks, one at a time (one
 *    `UpdateTable` each, as DynamoDB requires), waiting until it is ACTIVE. DynamoDB backfills
 *    an index from the items that already carry its keys: every stored journal entry is in
 *    `byTransaction` at once. A provisioned table's indexes get the table's capacity.
 * 2. gives every wallet item without it the `walletList` attribute (a `Scan` of the table and an
 *    `UpdateItem` per such wallet, `SET` only that attribute), so wallets written before the
 *    `wallets` index existed are listed too. A wallet written by the ledger meanwhile carries
 *    it already; stored wallets have no holds before this release, so `holdExpiries` needs none.
 *
 * Run it before (or while) deploying the release whose ledger queries the indexes; until it has
 * finished, `listWallets`, `getTransaction`, reversals and hold expiry fail or miss wallets.
 *
 * @throws {Error} when the table is missing, has another key schema, or an index does not become
 *   ACTIVE within `timeoutMs`; DynamoDB errors as the SDK threw them
 * @example
 * const { indexesCreated, walletsBackfilled } = await updateLedgerTable(client, 'wallet-ledger');
 */
export async function updateLedgerTable(
  client: DynamoDbClientLike,
  tableName: string,
  options: LedgerTableUpdateOptions = {},
): Promise<LedgerTableUpdate> {
  const timeoutMs = options.timeoutMs ?? 3_600_000;
  const progress = options.onProgress ?? (() => {});
  let table = await describeTable(client, tableName);
  if (table === undefined) throw new Error(`table ${tableName} does not exist`);
  checkKeySchema(table, tableName, LEDGER_TABLE);
  const indexesCreated: string[] = [];
  for (const index of LEDGER_TABLE.indexes ?? []) {
    table = await waitUntilActive(client, tableName, Date.now() + timeoutMs, AGAIN);
    if (table.GlobalSecondaryIndexes?.some((gsi) => gsi.IndexName === index.IndexName)) continue;
    progress(`creating index ${index.IndexName} on ${tableName}`);
    const provisioned = table.BillingModeSummary?.BillingMode !== 'PAY_PER_REQUEST';
    const capacity = table.ProvisionedThroughput;
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: keyAttributes(LEDGER_TABLE),
        GlobalSecondaryIndexUpdates: [
          {
            Create: {
              ...index,
              ...(provisioned
                ? {
                    ProvisionedThroughput: {
                      ReadCapacityUnits: capacity?.ReadCapacityUnits ?? 5,
                      WriteCapacityUnits: capacity?.WriteCapacityUnits ?? 5,
                    },
                  }
                : {}),
            },
          },
        ],
      }),
    );
    indexesCreated.push(index.IndexName!);
  }
  await waitUntilActive(client, tableName, Date.now() + timeoutMs, AGAIN);
  const walletsBackfilled = await backfillWalletList(client, tableName, progress);
  progress(`${tableName} is up to date (${walletsBackfilled} wallets backfilled)`);
  return { indexesCreated, walletsBackfilled };
}

/** What an index still building after the wait should make the operator do. */
const AGAIN = 'call updateLedgerTable again to wait on';

/**
 * The ledger table: string keys `pk` and `sk`, a stream of NEW_IMAGE records, and the global
 * secondary indexes of `LEDGER_INDEXES`, each `KEYS_ONLY` (their key attributes all strings).
 */
const LEDGER_TABLE: TableDefinition = {
  purpose: 'the ledger',
  partitionKey: { name: LEDGER_KEYS.partitionKey, type: 'S' },
  sortKey: { name: LEDGER_KEYS.sortKey, type: 'S' },
  indexAttributes: [
    LEDGER_INDEXES.byTransaction.partitionKey,
    LEDGER_INDEXES.wallets.partitionKey,
    LEDGER_INDEXES.wallets.sortKey,
    LEDGER_INDEXES.holdExpiries.sortKey,
  ].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
  indexes: ledgerIndexes(),
  stream: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
};

/** The table's global secondary indexes, each `KEYS_ONLY`. */
function ledgerIndexes(): GlobalSecondaryIndex[] {
  const { byTransaction, wallets, holdExpiries } = LEDGER_INDEXES;
  return [
    {
      IndexName: byTransaction.name,
      KeySchema: [{ AttributeName: byTransaction.partitionKey, KeyType: 'HASH' }],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    },
    ...[wallets, holdExpiries].map(
      (index): GlobalSecondaryIndex => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      }),
    ),
  ];
}

/** Sets `walletList` on every wallet item that lacks it; returns how many. */
async function backfillWalletList(
  client: DynamoDbClientLike,
  tableName: string,
  progress: (message: string) => void,
): Promise<number> {
  const { partitionKey, sortKey, walletSortKey } = LEDGER_KEYS;
  const list = LEDGER_INDEXES.wallets.partitionKey;
  let updated = 0;
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const output = (await client.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: '#sk = :wallet AND attribute_not_exists(#list)',
        ProjectionExpression: '#pk, #sk',
        ExpressionAttributeNames: { '#pk': partitionKey, '#sk': sortKey, '#list': list },
        ExpressionAttributeValues: { ':wallet': { S: walletSortKey } },
        ExclusiveStartKey: startKey,
      }),
    )) as ScanCommandOutput;
    for (const item of output.Items ?? []) {
      await client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: { [partitionKey]: item[partitionKey]!, [sortKey]: item[sortKey]! },
          UpdateExpression: 'SET #list = :list',
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#list': list, '#pk': partitionKey },
          ExpressionAttributeValues: { ':list': { S: WALLET_LIST } },
        }),
      );
      updated++;
    }
    if ((output.Items?.length ?? 0) > 0) progress(`${updated} wallets given ${list}`);
    startKey = output.LastEvaluatedKey;
  } while (startKey !== undefined);
  return updated;
}
