import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type {
  IdempotencyRecord,
  JournalEntry,
  LedgerRecord,
  WalletHold,
  WalletRecord,
} from '@wallet/core';
import {
  type DynamoDbItem,
  entryAttributes,
  entryFromAttributes,
  ItemReader,
  jsonText,
} from '@wallet/dynamodb-shared';
import {
  entryKey,
  idempotencyItemKey,
  LEDGER_INDEXES,
  LEDGER_KEYS,
  recordItemKey,
  WALLET_LIST,
  walletKey,
} from './table-keys.js';

/**
 * A ledger table item as the DynamoDB API (and a DynamoDB stream's `NewImage`) carries it.
 *
 * @example
 * const item: LedgerItem = { pk: { S: 'W#p1' }, sk: { S: 'WALLET' }, kind: { S: 'WALLET' } };
 */
export type LedgerItem = DynamoDbItem;

/**
 * The `kind` attribute every item carries, so a stream consumer can tell the item types apart
 * without parsing keys.
 *
 * @example
 * if (image.kind?.S === ITEM_KINDS.entry) entries.push(journalEntryFromItem(image));
 */
export const ITEM_KINDS = {
  /** A wallet's item. */
  wallet: 'WALLET',
  /** A journal entry's item. */
  entry: 'ENTRY',
  /** An idempotency record's item. */
  idempotency: 'KEY',
  /** A ledger record's item. */
  record: 'RECORD',
} as const;

/**
 * Encodes a wallet record. Balances are a map of decimal strings: a DynamoDB number would
 * normalise `"10.50"` to `10.5`. Holds are a list of maps of strings, in the record's order.
 * The item also carries `walletList` (always `WALLETS`), which puts it in the `wallets` index,
 * and, while it has holds, `nextHoldExpiry` (the earliest `expiresAt`; ISO 8601 UTC strings sort
 * by time), which puts it in the `holdExpiries` index.
 *
 * @example
 * const item = walletToItem(record);
 */
export function walletToItem(record: WalletRecord): LedgerItem {
  const balances: Record<string, AttributeValue> = {};
  for (const [currency, balance] of Object.entries(record.balances)) {
    balances[currency] = { S: balance };
  }
  const item: LedgerItem = {
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
    holds: { L: record.holds.map(holdToAttribute) },
    [LEDGER_INDEXES.wallets.partitionKey]: { S: WALLET_LIST },
  };
  const expiry = nextHoldExpiry(record.holds);
  if (expiry !== undefined) item[LEDGER_INDEXES.holdExpiries.sortKey] = { S: expiry };
  return item;
}

/**
 * The earliest `expiresAt` of `holds`, or undefined when there are none.
 *
 * @example
 * nextHoldExpiry(record.holds); // '2031-01-01T00:15:00.000Z'
 */
export function nextHoldExpiry(holds: readonly WalletHold[]): string | undefined {
  let earliest: string | undefined;
  for (const hold of holds) {
    if (earliest === undefined || hold.expiresAt < earliest) earliest = hold.expiresAt;
  }
  return earliest;
}

function holdToAttribute(hold: WalletHold): AttributeValue {
  const fields: Record<string, AttributeValue> = {
    holdId: { S: hold.holdId },
    currency: { S: hold.currency },
    amount: { S: hold.amount },
    expiresAt: { S: hold.expiresAt },
  };
  if (hold.placedAt !== undefined) fields.placedAt = { S: hold.placedAt };
  return { M: fields };
}

/**
 * Decodes an item written by {@link walletToItem}. An item written before wallets had holds
 * (no `holds` attribute) has none.
 *
 * @throws {TypeError} when the item is not a wallet item
 * @example
 * const record = walletFromItem(output.Item);
 */
export function walletFromItem(item: LedgerItem): WalletRecord {
  const read = new LedgerItemReader(item, ITEM_KINDS.wallet);
  return {
    accountId: read.string('accountId'),
    balances: read.stringMap('balances'),
    version: read.integer('version'),
    sequence: read.integer('sequence'),
    headHash: read.string('headHash'),
    createdAt: read.string('createdAt'),
    updatedAt: read.string('updatedAt'),
    metadata: read.metadata('metadata'),
    holds: read.holds('holds'),
  };
}

/**
 * Encodes a journal entry with every field as its own attribute: amounts and hashes as strings,
 * `sequence` as a number, `metadata` as its JSON text, nulls as `NULL`, so it reads back exactly
 * as written and the hash chain still verifies. The fields only some entry types carry (core's
 * `ENTRY_TYPE_FIELDS`: `reverses` and `reason` on reversals, `holdId` on a hold's entries) are
 * attributes of those types' items only (`reason` S or NULL), when the entry has them.
 *
 * @example
 * const item = journalEntryToItem(entry);
 */
export function journalEntryToItem(entry: JournalEntry): LedgerItem {
  return {
    ...entryKey(entry.accountId, entry.sequence),
    kind: { S: ITEM_KINDS.entry },
    ...entryAttributes(entry),
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
 * `JournalEntry`. The entry's `sequence` is read from its attribute, not from the sort key. The
 * fields only some types carry are read on those types only, and only when stored, so every
 * other entry has exactly the fields it was hashed with and no `undefined` member (whether a
 * reversal or a hold's entry carries what it must is `verifyWallet`'s to judge: the hash covers
 * it). Attributes the ledger adds for its own use (`transactionEntries`) are not entry fields.
 *
 * @throws {TypeError} when the item is not an entry item
 * @example
 * const entries = (output.Items ?? []).map(journalEntryFromItem);
 */
export function journalEntryFromItem(item: LedgerItem): JournalEntry {
  return entryFromAttributes(new LedgerItemReader(item, ITEM_KINDS.entry));
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
  const read = new LedgerItemReader(item, ITEM_KINDS.idempotency);
  return {
    key: read.string('key'),
    fingerprint: read.string('fingerprint'),
    transactionId: read.string('transactionId'),
    result: read.jsonObject('result'),
    createdAt: read.string('createdAt'),
  };
}

/**
 * Encodes a ledger record: its key, its version as a number and its data as JSON text, so it
 * reads back exactly as written.
 *
 * @example
 * const item = recordToItem({ key: 'hold:h1', version: 1, data: { accountId: 'p1' } });
 */
export function recordToItem(record: LedgerRecord): LedgerItem {
  return {
    ...recordItemKey(record.key),
    kind: { S: ITEM_KINDS.record },
    key: { S: record.key },
    version: { N: String(record.version) },
    data: { S: JSON.stringify(record.data) },
  };
}

/**
 * Decodes an item written by {@link recordToItem}.
 *
 * @throws {TypeError} when the item is not a record item
 * @example
 * const record = recordFromItem(output.Item);
 */
export function recordFromItem(item: LedgerItem): LedgerRecord {
  const read = new LedgerItemReader(item, ITEM_KINDS.record);
  return {
    key: read.string('key'),
    version: read.integer('version'),
    data: read.jsonObject('data'),
  };
}

/** The shared reads, a kind check and the wallet's holds; every complaint names the item. */
class LedgerItemReader extends ItemReader {
  constructor(item: LedgerItem, kind: string) {
    const key = `${item[LEDGER_KEYS.partitionKey]?.S ?? '?'}/${item[LEDGER_KEYS.sortKey]?.S ?? '?'}`;
    super(item, `ledger item ${key}`);
    if (item.kind?.S !== kind) throw this.malformed(`is not a ${kind} item`);
  }

  holds(name: string): WalletHold[] {
    const attribute = this.item[name];
    if (attribute === undefined) return [];
    if (attribute.L === undefined) throw this.malformed(`has no list attribute ${name}`);
    return attribute.L.map((element, i) => {
      const hold = element.M;
      const field = (field: string) => {
        const value = hold?.[field]?.S;
        if (value === undefined) throw this.malformed(`has no string ${name}[${i}].${field}`);
        return value;
      };
      const read: WalletHold = {
        holdId: field('holdId'),
        currency: field('currency'),
        amount: field('amount'),
        expiresAt: field('expiresAt'),
      };
      // Absent on a hold placed before the field existed.
      if (hold?.placedAt !== undefined) read.placedAt = field('placedAt');
      return read;
    });
  }
}
