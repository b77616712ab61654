import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  ENTRY_TYPES,
  type EntryType,
  type IdempotencyRecord,
  type JournalEntry,
  type JsonValue,
  type Metadata,
  type WalletRecord,
} from '@wallet/core';
import { entryKey, idempotencyItemKey, LEDGER_KEYS, walletKey } from './table-keys.js';

/**
 * A ledger table item as the DynamoDB API (and a DynamoDB stream's `NewImage`) carries it.
 *
 * @example
 * const item: LedgerItem = { pk: { S: 'W#p1' }, sk: { S: 'WALLET' }, kind: { S: 'WALLET' } };
 */
export type LedgerItem = Record<string, AttributeValue>;

/**
 * The `kind` attribute every item carries, so a stream consumer can tell the item types apart
 * without parsing keys.
 *
 * @example
 * if (image.kind?.S === ITEM_KINDS.entry) entries.push(journalEntryFromItem(image));
 */
export const ITEM_KINDS = { wallet: 'WALLET', entry: 'ENTRY', idempotency: 'KEY' } as const;

/**
 * Encodes a wallet record. Balances are a map of decimal strings: a DynamoDB number would
 * normalise `"10.50"` to `10.5`.
 *
 * @example
 * const item = walletToItem(record);
 */
export function walletToItem(record: WalletRecord): LedgerItem {
  const balances: Record<string, AttributeValue> = {};
  for (const [currency, balance] of Object.entries(record.balances)) {
    balances[currency] = { S: balance };
  }
  return {
    ...walletKey(record.accountId),
    kind: { S: ITEM_KINDS.wallet },
    accountId: { S: record.accountId },
    balances: { M: balances },
    version: { N: String(record.version) },
    sequence: { N: String(record.sequence) },
    headHash: { S: record.headHash },
    createdAt: { S: record.createdAt },
    updatedAt: { S: record.updatedAt },
    metadata: jsonText(record.metadata),
  };
}

/**
 * Decodes an item written by {@link walletToItem}.
 *
 * @throws {TypeError} when the item is not a wallet item
 * @example
 * const record = walletFromItem(output.Item);
 */
export function walletFromItem(item: LedgerItem): WalletRecord {
  const read = new ItemReader(item, ITEM_KINDS.wallet);
  return {
    accountId: read.string('accountId'),
    balances: read.stringMap('balances'),
    version: read.integer('version'),
    sequence: read.integer('sequence'),
    headHash: read.string('headHash'),
    createdAt: read.string('createdAt'),
    updatedAt: read.string('updatedAt'),
    metadata: read.metadata('metadata'),
  };
}

/**
 * Encodes a journal entry with every field as its own attribute: amounts and hashes as strings,
 * `sequence` as a number, `metadata` as its JSON text, nulls as `NULL`, so it reads back exactly
 * as written and the hash chain still verifies.
 *
 * @example
 * const item = journalEntryToItem(entry);
 */
export function journalEntryToItem(entry: JournalEntry): LedgerItem {
  return {
    ...entryKey(entry.accountId, entry.sequence),
    kind: { S: ITEM_KINDS.entry },
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
}

/**
 * The journal entry an item image of the ledger table is, or `undefined` for wallet and
 * idempotency items: what a consumer of the table's change stream needs (pass it to
 * `dynamodbChangeRecords` of `@wallet/stream-transformer`).
 *
 * @throws {TypeError} when an entry item is malformed
 * @example
 * const entry = journalEntryOfImage(change.dynamodb.NewImage);
 */
export function journalEntryOfImage(image: Record<string, unknown>): JournalEntry | undefined {
  const item = image as LedgerItem;
  return item.kind?.S === ITEM_KINDS.entry ? journalEntryFromItem(item) : undefined;
}

/**
 * Decodes an entry item written by {@link journalEntryToItem}: what `queryEntries` returns, and
 * what a consumer of the table's stream (a `NewImage` with `kind` `ENTRY`) turns into a
 * `JournalEntry`. The entry's `sequence` is read from its attribute, not from the sort key.
 *
 * @throws {TypeError} when the item is not an entry item
 * @example
 * const entries = (output.Items ?? []).map(journalEntryFromItem);
 */
export function journalEntryFromItem(item: LedgerItem): JournalEntry {
  const read = new ItemReader(item, ITEM_KINDS.entry);
  return {
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
}

/**
 * Encodes an idempotency record; the stored result is its JSON text.
 *
 * @example
 * const item = idempotencyToItem(record);
 */
export function idempotencyToItem(record: IdempotencyRecord): LedgerItem {
  return {
    ...idempotencyItemKey(record.key),
    kind: { S: ITEM_KINDS.idempotency },
    key: { S: record.key },
    fingerprint: { S: record.fingerprint },
    transactionId: { S: record.transactionId },
    result: { S: JSON.stringify(record.result) },
    createdAt: { S: record.createdAt },
  };
}

/**
 * Decodes an item written by {@link idempotencyToItem}.
 *
 * @throws {TypeError} when the item is not an idempotency item
 * @example
 * const record = idempotencyFromItem(item);
 */
export function idempotencyFromItem(item: LedgerItem): IdempotencyRecord {
  const read = new ItemReader(item, ITEM_KINDS.idempotency);
  return {
    key: read.string('key'),
    fingerprint: read.string('fingerprint'),
    transactionId: read.string('transactionId'),
    result: read.jsonObject('result'),
    createdAt: read.string('createdAt'),
  };
}

function nullableString(value: string | null): AttributeValue {
  return value === null ? { NULL: true } : { S: value };
}

function jsonText(value: Metadata | null): AttributeValue {
  return nullableString(value === null ? null : JSON.stringify(value));
}

/** Strict, typed reads of one item's attributes; every complaint names the item. */
class ItemReader {
  readonly #item: LedgerItem;

  constructor(item: LedgerItem, kind: string) {
    this.#item = item;
    if (item.kind?.S !== kind) throw this.#malformed(`is not a ${kind} item`);
  }

  string(name: string): string {
    const value = this.#item[name]?.S;
    if (value === undefined) throw this.#malformed(`has no string attribute ${name}`);
    return value;
  }

  nullableString(name: string): string | null {
    return this.#item[name]?.NULL === true ? null : this.string(name);
  }

  integer(name: string): number {
    const text = this.#item[name]?.N;
    const value = Number(text);
    if (text === undefined || !Number.isSafeInteger(value) || value < 0) {
      throw this.#malformed(`has no non-negative integer attribute ${name}`);
    }
    return value;
  }

  stringMap(name: string): Record<string, string> {
    const map = this.#item[name]?.M;
    if (map === undefined) throw this.#malformed(`has no map attribute ${name}`);
    const strings: Record<string, string> = {};
    for (const [key, value] of Object.entries(map)) {
      if (value.S === undefined) throw this.#malformed(`has a non-string ${name}.${key}`);
      strings[key] = value.S;
    }
    return strings;
  }

  entryType(name: string): EntryType {
    const type = this.string(name);
    if (!(ENTRY_TYPES as readonly string[]).includes(type)) {
      throw this.#malformed(`has an unknown entry type ${JSON.stringify(type)}`);
    }
    return type as EntryType;
  }

  metadata(name: string): Metadata | null {
    return this.#item[name]?.NULL === true ? null : this.jsonObject(name);
  }

  jsonObject(name: string): { [key: string]: JsonValue } {
    const text = this.string(name);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw this.#malformed(`has ${name} that is not JSON`, error);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw this.#malformed(`has ${name} that is not a JSON object`);
    }
    return value as { [key: string]: JsonValue };
  }

  #malformed(problem: string, cause?: unknown): TypeError {
    const where = `${this.#item[LEDGER_KEYS.partitionKey]?.S ?? '?'}/${this.#item[LEDGER_KEYS.sortKey]?.S ?? '?'}`;
    return new TypeError(
      `ledger item ${where} ${problem}`,
      cause === undefined ? undefined : { cause },
    );
  }
}
