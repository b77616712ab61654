import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  ENTRY_TYPE_FIELDS,
  ENTRY_TYPES,
  type EntryType,
  type JournalEntry,
  type Metadata,
} from '@wallet/core';
import { HISTORY_ATTRIBUTES } from './table-schema.js';

/**
 * A history table item as the DynamoDB API carries it.
 *
 * @example
 * const item: HistoryItem = { accountId: { S: 'p1' }, sequence: { N: '1' } };
 */
export type HistoryItem = Record<string, AttributeValue>;

/**
 * Encodes a journal entry as a history item. Amounts, hashes and times are strings and
 * `metadata` is its JSON text, so every value reads back exactly as written (a DynamoDB number
 * would normalise `"10.50"` to `10.5`, and a map would turn an empty string or a float into
 * something else). Nulls are `NULL` attributes. The fields only some entry types carry (core's
 * `ENTRY_TYPE_FIELDS`: `reverses` and `reason` on reversals, `holdId` on a hold's entries) are
 * attributes of those types' items only (`reason` S or NULL), when the entry has them.
 * `expireAt` (epoch seconds) becomes the TTL attribute; without it the item never expires.
 *
 * @example
 * await client.send(new PutItemCommand({ TableName: 'wallet-history', Item: encodeEntry(entry, 1896134400) }));
 */
export function encodeEntry(entry: JournalEntry, expireAt?: number): HistoryItem {
  const item: HistoryItem = {
    [HISTORY_ATTRIBUTES.partitionKey]: { S: entry.accountId },
    [HISTORY_ATTRIBUTES.sortKey]: { N: String(entry.sequence) },
    transactionId: { S: entry.transactionId },
    type: { S: entry.type },
    currency: { S: entry.currency },
    amount: { S: entry.amount },
    balanceBefore: { S: entry.balanceBefore },
    balanceAfter: { S: entry.balanceAfter },
    txTime: { S: entry.txTime },
    idempotencyKey: nullableString(entry.idempotencyKey),
    counterparty: nullableString(entry.counterparty),
    metadata: nullableString(entry.metadata === null ? null : JSON.stringify(entry.metadata)),
    prevHash: { S: entry.prevHash },
    hash: { S: entry.hash },
  };
  for (const field of ENTRY_TYPE_FIELDS[entry.type] ?? []) {
    const value = entry[field];
    if (value !== undefined) item[field] = nullableString(value);
  }
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
  const read = new ItemReader(item);
  const metadata = read.nullableString('metadata');
  const entry: JournalEntry = {
    transactionId: read.string('transactionId'),
    accountId: read.string(HISTORY_ATTRIBUTES.partitionKey),
    sequence: read.sequence(),
    type: read.entryType(),
    currency: read.string('currency'),
    amount: read.string('amount'),
    balanceBefore: read.string('balanceBefore'),
    balanceAfter: read.string('balanceAfter'),
    txTime: read.string('txTime'),
    idempotencyKey: read.nullableString('idempotencyKey'),
    counterparty: read.nullableString('counterparty'),
    metadata: metadata === null ? null : read.metadata(metadata),
    prevHash: read.string('prevHash'),
    hash: read.string('hash'),
  };
  for (const field of ENTRY_TYPE_FIELDS[entry.type] ?? []) {
    if (item[field] === undefined) continue;
    if (field === 'reason') entry.reason = read.nullableString(field);
    else entry[field] = read.string(field);
  }
  return entry;
}

function nullableString(value: string | null): AttributeValue {
  return value === null ? { NULL: true } : { S: value };
}

/** Typed reads of one item's attributes, naming the item in every complaint. */
class ItemReader {
  constructor(private readonly item: HistoryItem) {}

  string(name: string): string {
    const value = this.item[name]?.S;
    if (value === undefined) throw this.malformed(`has no string attribute ${name}`);
    return value;
  }

  nullableString(name: string): string | null {
    return this.item[name]?.NULL === true ? null : this.string(name);
  }

  sequence(): number {
    const sequence = Number(this.item[HISTORY_ATTRIBUTES.sortKey]?.N);
    if (!Number.isSafeInteger(sequence)) throw this.malformed('has no integer sequence');
    return sequence;
  }

  entryType(): EntryType {
    const type = this.string('type');
    if (!(ENTRY_TYPES as readonly string[]).includes(type)) {
      throw this.malformed(`has an unknown entry type ${JSON.stringify(type)}`);
    }
    return type as EntryType;
  }

  metadata(text: string): Metadata {
    let metadata: unknown;
    try {
      metadata = JSON.parse(text);
    } catch (error) {
      throw this.malformed('has metadata that is not JSON', error);
    }
    if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
      throw this.malformed('has metadata that is not a JSON object');
    }
    return metadata as Metadata;
  }

  private malformed(problem: string, cause?: unknown): TypeError {
    const account = this.item[HISTORY_ATTRIBUTES.partitionKey]?.S ?? '?';
    const sequence = this.item[HISTORY_ATTRIBUTES.sortKey]?.N ?? '?';
    return new TypeError(
      `history item ${account}/${sequence} ${problem}`,
      cause === undefined ? undefined : { cause },
    );
  }
}
