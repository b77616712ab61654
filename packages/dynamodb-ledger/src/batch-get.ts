import {
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  type KeysAndAttributes,
} from '@aws-sdk/client-dynamodb';
import { StoreUnavailableError } from '@wallet/core';
import type { RetrySettings } from '@wallet/core/adapter';
import { retryTransaction } from '@wallet/core/adapter';
import type { DynamoDbClientLike } from '@wallet/dynamodb-shared';
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
 * const items = await batchGetItems(client, 'wallet-ledger', [walletKey('p1')], retry);
 */
export async function batchGetItems(
  client: DynamoDbClientLike,
  tableName: string,
  keys: readonly LedgerKey[],
  retry: RetrySettings,
): Promise<LedgerItem[]> {
  if (keys.length <= MAX_BATCH_GET_KEYS) {
    return keys.length === 0 ? [] : batchGet(client, tableName, [...keys], retry);
  }
  const chunks: Promise<LedgerItem[]>[] = [];
  for (let start = 0; start < keys.length; start += MAX_BATCH_GET_KEYS) {
    chunks.push(batchGet(client, tableName, keys.slice(start, start + MAX_BATCH_GET_KEYS), retry));
  }
  return (await Promise.all(chunks)).flat();
}

async function batchGet(
  client: DynamoDbClientLike,
  tableName: string,
  keys: LedgerKey[],
  retry: RetrySettings,
): Promise<LedgerItem[]> {
  const items: LedgerItem[] = [];
  let request: Record<string, KeysAndAttributes> = {
    [tableName]: { Keys: keys, ConsistentRead: true },
  };
  await retryTransaction(
    async () => {
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
      if (unprocessed.length > 0) {
        request = { [tableName]: { Keys: unprocessed, ConsistentRead: true } };
        throw new Unprocessed(unprocessed.length);
      }
    },
    {
      ...retry,
      classify: (error) => (error instanceof Unprocessed ? 'unavailable' : 'fatal'),
      giveUp: (_kind, error, requests) =>
        error instanceof Unprocessed
          ? new StoreUnavailableError(`${error.message} after ${requests} requests`)
          : error,
    },
  );
  return items;
}

/**
 * Keys DynamoDB left unprocessed (throttling): read them again after a backoff. An `Error`,
 * since `instrumentation.onRetry` is told of it.
 */
class Unprocessed extends Error {
  constructor(keys: number) {
    super(`DynamoDB left ${keys} ledger reads unprocessed`);
    this.name = 'Unprocessed';
  }
}
