import {
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  type KeysAndAttributes,
} from '@aws-sdk/client-dynamodb';
import {
  type IdempotencyRecord,
  type LedgerSnapshot,
  StoreUnavailableError,
  type WalletRecord,
} from '@wallet/core';
import { backoffDelay, type RetryPolicy, sleep } from './backoff.js';
import type { DynamoDbClientLike } from './dynamodb-client.js';
import { ITEM_KINDS, idempotencyFromItem, type LedgerItem, walletFromItem } from './item-codec.js';
import { idempotencyItemKey, type LedgerKey, walletKey } from './table-keys.js';

/** The most keys one `BatchGetItem` takes (a DynamoDB limit). */
const MAX_BATCH_GET_KEYS = 100;

/**
 * Reads the wallets and idempotency records a transaction names, with strongly consistent
 * `BatchGetItem`s. The reads of one snapshot are not one atomic read, and need not be: every
 * wallet the transaction then writes is guarded by the version read here and every key by
 * `attribute_not_exists`, so a write based on a stale read cannot commit.
 * Keys DynamoDB leaves unprocessed (throttling) are read again after a backoff.
 *
 * @throws {StoreUnavailableError} when a read fails or keys stay unprocessed
 * @example
 * const snapshot = await readSnapshot(client, 'wallet-ledger', ['p1'], ['receipt-1'], policy);
 */
export async function readSnapshot(
  client: DynamoDbClientLike,
  tableName: string,
  accountIds: readonly string[],
  idempotencyKeys: readonly string[],
  policy: RetryPolicy,
): Promise<LedgerSnapshot> {
  const wallets = new Map<string, WalletRecord>();
  const idempotency = new Map<string, IdempotencyRecord>();
  // BatchGetItem refuses a request that names one key twice.
  const keys = [
    ...[...new Set(accountIds)].map(walletKey),
    ...[...new Set(idempotencyKeys)].map(idempotencyItemKey),
  ];
  for (let start = 0; start < keys.length; start += MAX_BATCH_GET_KEYS) {
    const chunk = keys.slice(start, start + MAX_BATCH_GET_KEYS);
    for (const item of await batchGet(client, tableName, chunk, policy)) {
      if (item.kind?.S === ITEM_KINDS.wallet) {
        const record = walletFromItem(item);
        wallets.set(record.accountId, record);
      } else {
        const record = idempotencyFromItem(item);
        idempotency.set(record.key, record);
      }
    }
  }
  return { wallets, idempotency };
}

async function batchGet(
  client: DynamoDbClientLike,
  tableName: string,
  keys: LedgerKey[],
  policy: RetryPolicy,
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
