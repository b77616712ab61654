import {
  BatchWriteItemCommand,
  type BatchWriteItemCommandOutput,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { StoreUnavailableError } from '@wallet/core';
import type { RetrySettings } from '@wallet/core/adapter';
import { retryTransaction } from '@wallet/core/adapter';
import type { DynamoDbClientLike } from '@wallet/dynamodb-shared';
import type { HistoryItem } from './item-codec.js';
import { isRetryable, refused } from './retry-policy.js';

/** The most put requests DynamoDB accepts in one `BatchWriteItem`. */
const BATCH_LIMIT = 25;

/**
 * Puts items with `BatchWriteItem`, 25 at a time, one batch after another. Whatever DynamoDB
 * hands back as `UnprocessedItems` is sent again after a backoff pause, and a throttled call
 * is repeated; both draw on one budget of `retry.policy.maxUnavailableRetries` retries per
 * batch. Items must have distinct keys: DynamoDB rejects a batch that names one key twice.
 *
 * @throws {StoreUnavailableError} when a batch is not fully written within its attempts (with
 *   the last retryable error as `cause`), or DynamoDB refuses it; earlier batches stay
 *   written, which is safe because putting the same entry again leaves the same item
 * @example
 * await writeItems(client, 'wallet-history', entries.map((e) => encodeEntry(e)), { policy: historyRetryPolicy({}), onRetry: undefined });
 */
export async function writeItems(
  client: DynamoDbClientLike,
  tableName: string,
  items: readonly HistoryItem[],
  retry: RetrySettings,
): Promise<void> {
  for (let start = 0; start < items.length; start += BATCH_LIMIT) {
    await writeBatch(client, tableName, items.slice(start, start + BATCH_LIMIT), retry);
  }
}

async function writeBatch(
  client: DynamoDbClientLike,
  tableName: string,
  items: readonly HistoryItem[],
  retry: RetrySettings,
): Promise<void> {
  const operation = `BatchWriteItem on ${tableName}`;
  let pending: WriteRequest[] = items.map((Item) => ({ PutRequest: { Item } }));
  await retryTransaction(
    async () => {
      const output = (await client.send(
        new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }),
      )) as BatchWriteItemCommandOutput;
      pending = output.UnprocessedItems?.[tableName] ?? [];
      if (pending.length > 0) throw new Unprocessed(operation, pending.length);
    },
    {
      ...retry,
      classify: (error) =>
        error instanceof Unprocessed || isRetryable(error) ? 'unavailable' : 'fatal',
      giveUp: (kind, error, attempts) =>
        kind === 'unavailable'
          ? new StoreUnavailableError(
              `${operation} left ${pending.length} of ${items.length} items unwritten after ${attempts} attempts`,
              { cause: error instanceof Unprocessed ? undefined : error },
            )
          : refused(operation, error),
    },
  );
}

/**
 * Thrown by an attempt that left items unprocessed: they are sent again after a backoff. An
 * `Error`, since `instrumentation.onRetry` is told of it.
 */
class Unprocessed extends Error {
  constructor(operation: string, items: number) {
    super(`${operation} left ${items} items unprocessed`);
    this.name = 'Unprocessed';
  }
}
