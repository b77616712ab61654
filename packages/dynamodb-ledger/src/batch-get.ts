import {
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  type KeysAndAttributes,
} from '@aws-sdk/client-dynamodb';
import { StoreUnavailableError } from '@wallet/core';
import { backoffDelay, type RetryPolicy, sleep } from './backoff.js';
import type { DynamoDbClientLike } from './dynamodb-client.js';
import type { LedgerItem } from './item-codec.js';
import type { LedgerKey } from './table-keys.js';

/** The most keys one `BatchGetItem` takes (a DynamoDB limit). */
const MAX_BATCH_GET_KEYS = 100;

/**
 * Reads the items under `keys` with strongly consistent `BatchGetItem`s, 100 keys per request
 * (the requests of more than 100 keys run concurrently), in any order; a key without an item is
 * left out. Keys DynamoDB leaves unprocessed (throttling)
 * are read again after a backoff. `keys` must not name one item twice (DynamoDB refuses that).
 *
 * @throws {StoreUnavailableError} when a read fails or keys stay unprocessed
 * @example
 * const items = await batchGetItems(client, 'wallet-ledger', [walletKey('p1')], policy);
 */
export async function batchGetItems(
  client: DynamoDbClientLike,
  tableName: string,
  keys: readonly LedgerKey[],
  policy: Pick<RetryPolicy, 'maxUnavailableRetries' | 'baseDelayMs' | 'maxDelayMs'>,
): Promise<LedgerItem[]> {
  if (keys.length <= MAX_BATCH_GET_KEYS) {
    return keys.length === 0 ? [] : batchGet(client, tableName, [...keys], policy);
  }
  const chunks: Promise<LedgerItem[]>[] = [];
  for (let start = 0; start < keys.length; start += MAX_BATCH_GET_KEYS) {
    chunks.push(batchGet(client, tableName, keys.slice(start, start + MAX_BATCH_GET_KEYS), policy));
  }
  return (await Promise.all(chunks)).flat();
}

async function batchGet(
  client: DynamoDbClientLike,
  tableName: string,
  keys: LedgerKey[],
  policy: Pick<RetryPolicy, 'maxUnavailableRetries' | 'baseDelayMs' | 'maxDelayMs'>,
): Promise<LedgerItem[]> {
  const items: LedgerItem[] = [];
  let request: Record<string, KeysAndAttributes> = {
    [tableName]: { Keys: keys, ConsistentRead: true },
  };
  for (let retry = 0; ; retry++) {
    let output: BatchGetItemCommandOutput;
    try {
      output = (await client.send(
        new BatchGetItemCommand({ RequestItems: request }),
      )) as BatchGetItemCommandOutput;
    } catch (error) {
      throw new StoreUnavailableError('DynamoDB could not read the ledger', { cause: error });
    }
    items.push(...(output.Responses?.[tableName] ?? []));
    const unprocessed = output.UnprocessedKeys?.[tableName]?.Keys ?? [];
    if (unprocessed.length === 0) return items;
    if (retry >= policy.maxUnavailableRetries) {
      throw new StoreUnavailableError(
        `DynamoDB left ${unprocessed.length} ledger reads unprocessed after ${retry + 1} requests`,
      );
    }
    request = { [tableName]: { Keys: unprocessed, ConsistentRead: true } };
    await sleep(backoffDelay(retry + 1, policy));
  }
}
