import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * The key attributes of the ledger table and the values every item kind uses. Wallets and their
 * journal entries share a partition (`W#<accountId>`), so a wallet's history is one `Query`;
 * idempotency keys live in partitions of their own (`K#<scoped key>`, the key core files it under:
 * `<accountId> <key>`), spread across the table, and so do ledger records (`R#<record key>`).
 *
 * @example
 * const key = walletKey('player-1'); // { pk: { S: 'W#player-1' }, sk: { S: 'WALLET' } }
 */
export const LEDGER_KEYS = {
  /** The partition key attribute (S): `W#<accountId>`, `K#<scoped key>` or `R#<record key>`. */
  partitionKey: 'pk',
  /** The sort key attribute (S). */
  sortKey: 'sk',
  /** The sort key of a wallet's item, in the wallet's partition. */
  walletSortKey: 'WALLET',
  /** The sort key of an idempotency record's item, in its own partition. */
  idempotencySortKey: 'KEY',
  /** The sort key of a ledger record's item, in its own partition. */
  recordSortKey: 'RECORD',
  /** Before the zero-padded sequence in a journal entry's sort key, in its wallet's partition. */
  entrySortKeyPrefix: 'E#',
} as const;

/**
 * The ledger table's global secondary indexes, each sparse (an item is in an index only when it
 * carries the index's key attributes) and `KEYS_ONLY` (the ledger reads the items themselves
 * back, strongly consistent, by the keys an index gives):
 * - `byTransaction`: partition key `transactionId` (S), which journal entry items carry (and
 *   idempotency key items too, whose `sk` `KEY` tells them apart): `queryTransaction`.
 * - `wallets`: partition key `walletList` (S, always `WALLETS`, on wallet items only), sort key
 *   `accountId` (S): `listWallets`, in account id order.
 * - `holdExpiries`: partition key `walletList`, sort key `nextHoldExpiry` (S, the earliest
 *   `expiresAt` of a wallet's holds, on wallet items only while they have holds):
 *   `listWalletsWithExpiredHolds`.
 *
 * @example
 * new QueryCommand({ TableName, IndexName: LEDGER_INDEXES.wallets.name, ... });
 */
export const LEDGER_INDEXES = {
  /** Journal entries (and idempotency key items) by transaction id. */
  byTransaction: {
    /** The index name. */
    name: 'byTransaction',
    /** Its partition key attribute (S). */
    partitionKey: 'transactionId',
  },
  /** Every wallet, in account id order. */
  wallets: {
    /** The index name. */
    name: 'wallets',
    /** Its partition key attribute (S), always {@link WALLET_LIST}. */
    partitionKey: 'walletList',
    /** Its sort key attribute (S). */
    sortKey: 'accountId',
  },
  /** The wallets that have holds, by their earliest hold expiry. */
  holdExpiries: {
    /** The index name. */
    name: 'holdExpiries',
    /** Its partition key attribute (S), always {@link WALLET_LIST}. */
    partitionKey: 'walletList',
    /** Its sort key attribute (S): the earliest `expiresAt` of the wallet's holds. */
    sortKey: 'nextHoldExpiry',
  },
} as const;

/**
 * The one value of `walletList`: every wallet item carries it, so the `wallets` and
 * `holdExpiries` indexes each keep all wallets in one partition, in sort key order.
 */
export const WALLET_LIST = 'WALLETS';

/**
 * How many digits an entry's sort key pads its sequence to: every safe integer fits, so string
 * order is sequence order.
 */
const SEQUENCE_DIGITS = String(Number.MAX_SAFE_INTEGER).length;

/** A table key as the DynamoDB API carries it. */
export type LedgerKey = Record<string, AttributeValue>;

/**
 * The key of a wallet's item.
 *
 * @example
 * await client.send(new GetItemCommand({ TableName, Key: walletKey('player-1'), ConsistentRead: true }));
 */
export function walletKey(accountId: string): LedgerKey {
  return keyOf(walletPartition(accountId), LEDGER_KEYS.walletSortKey);
}

/**
 * The key of a journal entry's item: the wallet's partition, `E#` and the zero-padded sequence.
 *
 * @example
 * entryKey('player-1', 7); // sk 'E#0000000000000007'
 */
export function entryKey(accountId: string, sequence: number): LedgerKey {
  return keyOf(walletPartition(accountId), entrySortKey(sequence));
}

/**
 * The key of an idempotency record's item.
 *
 * @example
 * idempotencyItemKey('player-1 receipt-1'); // { pk: { S: 'K#player-1 receipt-1' }, sk: { S: 'KEY' } }
 */
export function idempotencyItemKey(key: string): LedgerKey {
  return keyOf(`K#${key}`, LEDGER_KEYS.idempotencySortKey);
}

/**
 * The key of a ledger record's item.
 *
 * @example
 * recordItemKey('hold:h1'); // { pk: { S: 'R#hold:h1' }, sk: { S: 'RECORD' } }
 */
export function recordItemKey(key: string): LedgerKey {
  return keyOf(`R#${key}`, LEDGER_KEYS.recordSortKey);
}

/**
 * The account id of a wallet partition (`W#<accountId>`), or undefined for another partition.
 *
 * @example
 * accountIdOfPartition('W#player-1'); // 'player-1'
 */
export function accountIdOfPartition(partition: string): string | undefined {
  return partition.startsWith('W#') ? partition.slice(2) : undefined;
}

/**
 * The partition holding a wallet and its journal.
 *
 * @example
 * walletPartition('player-1'); // 'W#player-1'
 */
export function walletPartition(accountId: string): string {
  return `W#${accountId}`;
}

/**
 * The sort key of the entry with `sequence` (a safe integer >= 0).
 *
 * @example
 * entrySortKey(12); // 'E#0000000000000012'
 */
export function entrySortKey(sequence: number): string {
  return `${LEDGER_KEYS.entrySortKeyPrefix}${String(sequence).padStart(SEQUENCE_DIGITS, '0')}`;
}

function keyOf(partition: string, sort: string): LedgerKey {
  return { [LEDGER_KEYS.partitionKey]: { S: partition }, [LEDGER_KEYS.sortKey]: { S: sort } };
}
