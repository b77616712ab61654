import type { JournalEntry } from '@wallet/core';
import {
  type DynamoDbItem,
  entryAttributes,
  entryFromAttributes,
  ItemReader,
} from '@wallet/dynamodb-shared';
import { HISTORY_ATTRIBUTES } from './table-schema.js';

/**
 * A history table item as the DynamoDB API carries it.
 *
 * @example
 * const item: HistoryItem = { accountId: { S: 'p1' }, sequence: { N: '1' } };
 */
export type HistoryItem = DynamoDbItem;

/**
 * Encodes a journal entry as a history item: every field its own attribute, as the DynamoDB
 * ledger stores it (`entryAttributes` of `@wallet/dynamodb-shared`): amounts, hashes and times
 * are strings and `metadata` is its JSON text, so every value reads back exactly as written (a
 * DynamoDB number would normalise `"10.50"` to `10.5`, and a map would turn an empty string or a
 * float into something else). Nulls are `NULL` attributes. The fields only some entry types
 * carry (core's `ENTRY_TYPE_FIELDS`: `reverses` and `reason` on reversals, `holdId` on a hold's
 * entries) are attributes of those types' items only (`reason` S or NULL), when the entry has
 * them. `accountId` and `sequence` are the table's key. `expireAt` (epoch seconds) becomes the
 * TTL attribute; without it the item never expires.
 *
 * @example
 * await client.send(new PutItemCommand({ TableName: 'wallet-history', Item: encodeEntry(entry, 1896134400) }));
 */
export function encodeEntry(entry: JournalEntry, expireAt?: number): HistoryItem {
  const item = entryAttributes(entry);
  if (expireAt !== undefined) item[HISTORY_ATTRIBUTES.ttl] = { N: String(expireAt) };
  return item;
}

/**
 * Decodes a history item written by {@link encodeEntry} back to the journal entry, ignoring
 * the TTL attribute. The fields only some types carry are read on those types only, and only
 * when stored, so every other entry has exactly the fields it was hashed with and no
 * `undefined` member.
 *
 * @throws {TypeError} when the item is not a history item (a missing or mistyped attribute)
 * @example
 * const entries = (output.Items ?? []).map(decodeEntry);
 */
export function decodeEntry(item: HistoryItem): JournalEntry {
  const account = item[HISTORY_ATTRIBUTES.partitionKey]?.S ?? '?';
  const sequence = item[HISTORY_ATTRIBUTES.sortKey]?.N ?? '?';
  return entryFromAttributes(new ItemReader(item, `history item ${account}/${sequence}`));
}
