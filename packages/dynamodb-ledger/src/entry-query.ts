import {
  type AttributeValue,
  QueryCommand,
  type QueryCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { type EntryQuery, type JournalEntry, StoreUnavailableError } from '@wallet/core';
import type { DynamoDbClientLike } from '@wallet/dynamodb-shared';
import { journalEntryFromItem } from './item-codec.js';
import { entrySortKey, LEDGER_KEYS, walletPartition } from './table-keys.js';

/**
 * With a currency filter, DynamoDB applies `Limit` before the filter, so a small limit could
 * take many round trips through a wallet busy in other currencies: read at least this many items
 * per page, and drop what is beyond the limit.
 */
const FILTERED_PAGE_ITEMS = 100;

/**
 * Reads one page of a wallet's journal: one strongly consistent `Query` of the wallet's
 * partition over the sort-key range of the wanted sequences, in sequence order
 * (`ScanIndexForward`), repeated from `LastEvaluatedKey` while a currency filter leaves the page
 * short and the range has more items.
 *
 * @throws {StoreUnavailableError} when a query fails
 * @example
 * const page = await queryJournal(client, 'wallet-ledger', { accountId: 'p1', order: 'desc', limit: 50 });
 */
export async function queryJournal(
  client: DynamoDbClientLike,
  tableName: string,
  query: EntryQuery,
): Promise<JournalEntry[]> {
  const range = sequenceRange(query);
  if (range === undefined) return [];
  const values: Record<string, AttributeValue> = {
    ':pk': { S: walletPartition(query.accountId) },
    ':from': { S: entrySortKey(range.from) },
    ':to': { S: entrySortKey(range.to) },
  };
  const names: Record<string, string> = {
    '#pk': LEDGER_KEYS.partitionKey,
    '#sk': LEDGER_KEYS.sortKey,
  };
  const filtered = query.currency !== undefined;
  if (filtered) {
    values[':currency'] = { S: query.currency! };
    names['#currency'] = 'currency';
  }
  const entries: JournalEntry[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const remaining = query.limit - entries.length;
    let output: QueryCommandOutput;
    try {
      output = (await client.send(
        new QueryCommand({
          TableName: tableName,
          ConsistentRead: true,
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
          ...(filtered ? { FilterExpression: '#currency = :currency' } : {}),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ScanIndexForward: query.order === 'asc',
          Limit: filtered ? Math.max(remaining, FILTERED_PAGE_ITEMS) : remaining,
          ExclusiveStartKey: startKey,
        }),
      )) as QueryCommandOutput;
    } catch (error) {
      throw new StoreUnavailableError('DynamoDB could not read the journal', { cause: error });
    }
    for (const item of (output.Items ?? []).slice(0, remaining)) {
      entries.push(journalEntryFromItem(item));
    }
    startKey = output.LastEvaluatedKey;
  } while (startKey !== undefined && entries.length < query.limit);
  return entries;
}

/** The sequences a query may return, inclusive, or undefined when none can match. */
function sequenceRange(query: EntryQuery): { from: number; to: number } | undefined {
  const after = query.startAfter;
  if (query.order === 'asc') {
    if (after === undefined) return { from: 0, to: Number.MAX_SAFE_INTEGER };
    // A cursor may name the last sequence there can be: DynamoDB refuses a BETWEEN whose
    // bounds are reversed, so that is an empty page here, not a read.
    return after >= Number.MAX_SAFE_INTEGER
      ? undefined
      : { from: after + 1, to: Number.MAX_SAFE_INTEGER };
  }
  if (after === undefined) return { from: 0, to: Number.MAX_SAFE_INTEGER };
  return after <= 1 ? undefined : { from: 0, to: after - 1 };
}
