import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { ENTRY_TYPE_FIELDS, type JournalEntry, type Metadata } from '@wallet/core';
import type { DynamoDbItem, ItemReader } from './item-reader.js';

/**
 * A journal entry's fields as attributes, each under the field's own name: amounts, hashes and
 * times as strings (a DynamoDB number would normalise `"10.50"` to `10.5`), `sequence` as a
 * number, `metadata` as its JSON text (a map would turn an empty string or a float into
 * something else), nulls as `NULL`; so every value reads back exactly as written and the hash
 * chain still verifies. The fields only some entry types carry (core's `ENTRY_TYPE_FIELDS`:
 * `reverses` and `reason` on reversals, `holdId` on a hold's entries) are attributes of those
 * types' items only (`reason` S or NULL), when the entry has them. A table adds its own keys.
 *
 * @example
 * const item = { pk: { S: `W#${entry.accountId}` }, ...entryAttributes(entry) };
 */
export function entryAttributes(entry: JournalEntry): DynamoDbItem {
  const item: DynamoDbItem = {
    transactionId: { S: entry.transactionId },
    accountId: { S: entry.accountId },
    sequence: { N: String(entry.sequence) },
    type: { S: entry.type },
    currency: { S: entry.currency },
    amount: { S: entry.amount },
    balanceBefore: { S: entry.balanceBefore },
    balanceAfter: { S: entry.balanceAfter },
    txTime: { S: entry.txTime },
    idempotencyKey: nullableString(entry.idempotencyKey),
    counterparty: nullableString(entry.counterparty),
    metadata: jsonText(entry.metadata),
    prevHash: { S: entry.prevHash },
    hash: { S: entry.hash },
  };
  for (const field of ENTRY_TYPE_FIELDS[entry.type] ?? []) {
    const value = entry[field];
    if (value !== undefined) item[field] = nullableString(value);
  }
  return item;
}

/**
 * Reads back the journal entry {@link entryAttributes} wrote, through `read` (whose label names
 * the item in every complaint). The fields only some types carry are read on those types only,
 * and only when stored, so every other entry has exactly the fields it was hashed with and no
 * `undefined` member (whether a reversal or a hold's entry carries what it must is
 * `verifyWallet`'s to judge: the hash covers it). Other attributes (a table's keys, its TTL) are
 * ignored.
 *
 * @throws {TypeError} when an attribute is missing or mistyped
 * @example
 * const entry = entryFromAttributes(new ItemReader(item, `history item ${key}`));
 */
export function entryFromAttributes(read: ItemReader): JournalEntry {
  const entry: JournalEntry = {
    transactionId: read.string('transactionId'),
    accountId: read.string('accountId'),
    sequence: read.integer('sequence'),
    type: read.entryType('type'),
    currency: read.string('currency'),
    amount: read.string('amount'),
    balanceBefore: read.string('balanceBefore'),
    balanceAfter: read.string('balanceAfter'),
    txTime: read.string('txTime'),
    idempotencyKey: read.nullableString('idempotencyKey'),
    counterparty: read.nullableString('counterparty'),
    metadata: read.metadata('metadata'),
    prevHash: read.string('prevHash'),
    hash: read.string('hash'),
  };
  for (const field of ENTRY_TYPE_FIELDS[entry.type] ?? []) {
    if (!read.has(field)) continue;
    if (field === 'reason') entry.reason = read.nullableString(field);
    else entry[field] = read.string(field);
  }
  return entry;
}

/**
 * A string attribute, or `NULL` for null.
 *
 * @example
 * nullableString(entry.counterparty); // { NULL: true }
 */
export function nullableString(value: string | null): AttributeValue {
  return value === null ? { NULL: true } : { S: value };
}

/**
 * Metadata as its JSON text, or `NULL` for null: a map would turn an empty string or a float
 * into something else, and the text reads back exactly as hashed.
 *
 * @example
 * jsonText({ level: 3 }); // { S: '{"level":3}' }
 */
export function jsonText(value: Metadata | null): AttributeValue {
  return nullableString(value === null ? null : JSON.stringify(value));
}
