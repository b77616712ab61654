import type { HistoryStore, Instrumentation, JournalEntry } from '@wallet/core';
import type { RetrySettings } from '@wallet/core/adapter';
import { retryReporter } from '@wallet/core/adapter';
import type { DynamoDbClientLike } from '@wallet/dynamodb-shared';
import { writeItems } from './batch-writer.js';
import { checkTtlDays, expireTimestamp } from './expire-timestamp.js';
import { queryJournal } from './history-query.js';
import { encodeEntry, type HistoryItem } from './item-codec.js';
import { historyRetryPolicy, type RetryOptions } from './retry-policy.js';

/**
 * Options of {@link createDynamoDbHistory}.
 *
 * @example
 * const options: DynamoDbHistoryOptions = { client: new DynamoDBClient({}), tableName: 'wallet-history', ttlDays: 365 };
 */
export interface DynamoDbHistoryOptions {
  /** The studio's `DynamoDBClient` (any v3 release). */
  client: DynamoDbClientLike;
  /** A table made by `createHistoryTable` (or with the same key schema). */
  tableName: string;
  /**
   * When set, every item gets `expire_timestamp` = its `txTime` in epoch seconds + `ttlDays`
   * days, and DynamoDB deletes it some time after. Unset: items never expire, unless an entry
   * brings its own `expire_timestamp`.
   */
  ttlDays?: number;
  /**
   * Strongly consistent queries (the default) see every put that has resolved, as the
   * `HistoryStore` contract asks; `false` halves the read cost and may miss the newest entries
   * for a moment.
   */
  consistentRead?: boolean;
  /**
   * How hard to retry throttling and `UnprocessedItems`: the ledgers' `LedgerRetryOptions`
   * (`maxUnavailableRetries` 7, `baseDelayMs` 25, `maxDelayMs` 1000 by default; see
   * {@link RetryOptions}).
   */
  retry?: RetryOptions;
  /**
   * Only its `onRetry` is read (once, here): told of every retry of a `BatchWriteItem` or
   * `Query`, as `{ store: 'dynamo-history', kind: 'unavailable', retry, delayMs, error }` (the
   * throttling error, or an `Error` naming the items left unprocessed). What it throws is
   * dropped.
   */
  instrumentation?: Instrumentation;
}

/**
 * A journal entry on its way into the history table, optionally carrying its own expiry
 * (epoch seconds), for code that decides an entry's expiry itself rather than by `ttlDays`.
 *
 * @example
 * const entry: HistoryEntry = { ...journalEntry, expire_timestamp: expireTimestamp(journalEntry.txTime, 30) };
 */
export type HistoryEntry = JournalEntry & {
  /** When the item expires, in epoch seconds: the table's TTL attribute. */
  expire_timestamp?: number;
};

/**
 * A `HistoryStore` whose `putEntries` also takes entries that carry `expire_timestamp`.
 *
 * @example
 * const history: DynamoDbHistoryStore = createDynamoDbHistory({ client, tableName: 'wallet-history' });
 */
export interface DynamoDbHistoryStore extends HistoryStore {
  /**
   * Stores entries as one item each under `(accountId, sequence)`, 25 per `BatchWriteItem`.
   * An entry put again overwrites its item with the same content, so repeats and any order
   * of delivery leave exactly one copy. An entry's own `expire_timestamp` wins over one
   * computed from `ttlDays`.
   */
  putEntries(entries: readonly HistoryEntry[]): Promise<void>;
}

/**
 * A wallet `HistoryStore` on a DynamoDB table: one partition per wallet, sorted by sequence,
 * with optional TTL. Amounts and metadata round-trip exactly (stored as strings).
 *
 * @throws {RangeError} when `ttlDays` or `retry` is out of range
 * @example
 * import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
 * const history = createDynamoDbHistory({ client: new DynamoDBClient({}), tableName: 'wallet-history', ttlDays: 365 });
 * const wallets = createWalletService({ ledger, history, currencies: [{ code: 'GEMS', scale: 0 }] });
 */
export function createDynamoDbHistory(options: DynamoDbHistoryOptions): DynamoDbHistoryStore {
  const { client, tableName, ttlDays } = options;
  if (ttlDays !== undefined) checkTtlDays(ttlDays);
  const retry: RetrySettings = {
    policy: historyRetryPolicy(options.retry),
    onRetry: retryReporter(options.instrumentation, 'dynamo-history'),
  };
  const target = { client, tableName, retry, consistentRead: options.consistentRead ?? true };

  function expiryOf(entry: HistoryEntry): number | undefined {
    const own = entry.expire_timestamp;
    if (own !== undefined) {
      if (!Number.isSafeInteger(own) || own < 0) {
        throw new RangeError(
          `entry ${entry.accountId}/${entry.sequence} has an expire_timestamp that is not epoch seconds: ${own}`,
        );
      }
      return own;
    }
    return ttlDays === undefined ? undefined : expireTimestamp(entry.txTime, ttlDays);
  }

  return {
    async putEntries(entries) {
      // BatchWriteItem rejects a batch naming one key twice; the same (accountId, sequence)
      // is the same ledger entry, so the first copy stands for all.
      const items = new Map<string, HistoryItem>();
      for (const entry of entries) {
        const key = JSON.stringify([entry.accountId, entry.sequence]);
        if (!items.has(key)) items.set(key, encodeEntry(entry, expiryOf(entry)));
      }
      await writeItems(client, tableName, [...items.values()], retry);
    },
    queryEntries(query) {
      return queryJournal(target, query);
    },
  };
}

/**
 * The name {@link createDynamoDbHistory} had before it agreed with `createDynamoDbLedger`; the
 * same function.
 *
 * @deprecated Use `createDynamoDbHistory`.
 * @example
 * const history = createDynamoHistory({ client, tableName: 'wallet-history' });
 */
export const createDynamoHistory = createDynamoDbHistory;

/**
 * The name {@link DynamoDbHistoryOptions} had before; the same type.
 *
 * @deprecated Use `DynamoDbHistoryOptions`.
 * @example
 * const options: DynamoHistoryOptions = { client, tableName: 'wallet-history' };
 */
export type DynamoHistoryOptions = DynamoDbHistoryOptions;

/**
 * The name {@link DynamoDbHistoryStore} had before; the same type.
 *
 * @deprecated Use `DynamoDbHistoryStore`.
 * @example
 * const history: DynamoHistoryStore = createDynamoDbHistory({ client, tableName: 'wallet-history' });
 */
export type DynamoHistoryStore = DynamoDbHistoryStore;
