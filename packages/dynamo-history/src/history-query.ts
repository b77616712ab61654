import {
  type AttributeValue,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { type EntryQuery, type JournalEntry, ValidationError } from '@wallet/core';
import type { RetrySettings } from '@wallet/core/adapter';
import type { DynamoDbClientLike } from '@wallet/dynamodb-shared';
import { decodeEntry, type HistoryItem } from './item-codec.js';
import { withRetries } from './retry-policy.js';
import { HISTORY_ATTRIBUTES } from './table-schema.js';

/** Where and how {@link queryJournal} reads. */
export interface JournalQueryTarget {
  client: DynamoDbClientLike;
  tableName: string;
  /** Strongly consistent reads see every put that has resolved. */
  consistentRead: boolean;
  retry: RetrySettings;
}

/**
 * Reads one page of a wallet's journal from the history table: a `Query` on the wallet's
 * partition in sequence order, `startAfter` as a key condition and the currency as a filter.
 * DynamoDB applies a filter after its own page limit, so a page can come back short while
 * entries remain; this keeps querying until `limit` entries are gathered or the partition ends.
 *
 * @throws {ValidationError} when `limit` is not a positive integer
 * @throws {StoreUnavailableError} when DynamoDB refuses or keeps throttling a query
 * @example
 * const page = await queryJournal(target, { accountId: 'p1', order: 'desc', limit: 50 });
 */
export async function queryJournal(
  target: JournalQueryTarget,
  query: EntryQuery,
): Promise<JournalEntry[]> {
  if (!Number.isInteger(query.limit) || query.limit < 1) {
    throw new ValidationError('limit must be a positive integer', { field: 'limit' });
  }
  const input = queryInput(target, query);
  const entries: JournalEntry[] = [];
  let startKey: HistoryItem | undefined;
  do {
    const output = (await withRetries(target.retry, `Query on ${target.tableName}`, () =>
      target.client.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey })),
    )) as QueryCommandOutput;
    for (const item of output.Items ?? []) entries.push(decodeEntry(item));
    startKey = output.LastEvaluatedKey;
  } while (startKey !== undefined && entries.length < query.limit);
  return entries.slice(0, query.limit);
}

function queryInput(target: JournalQueryTarget, query: EntryQuery): QueryCommandInput {
  const names: Record<string, string> = { '#account': HISTORY_ATTRIBUTES.partitionKey };
  const values: Record<string, AttributeValue> = { ':account': { S: query.accountId } };
  let keyCondition = '#account = :account';
  if (query.startAfter !== undefined) {
    names['#sequence'] = HISTORY_ATTRIBUTES.sortKey;
    values[':after'] = { N: String(query.startAfter) };
    keyCondition += ` AND #sequence ${query.order === 'asc' ? '>' : '<'} :after`;
  }
  let filter: string | undefined;
  if (query.currency !== undefined) {
    names['#currency'] = 'currency';
    values[':currency'] = { S: query.currency };
    filter = '#currency = :currency';
  }
  return {
    TableName: target.tableName,
    KeyConditionExpression: keyCondition,
    FilterExpression: filter,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    ScanIndexForward: query.order === 'asc',
    // The caller's limit also caps how many items each call evaluates, so a filtered query
    // reads at most one page more than it returns.
    Limit: query.limit,
    ConsistentRead: target.consistentRead,
  };
}
