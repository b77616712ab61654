import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * The key attributes of the ledger table and the values every item kind uses. Wallets and their
 * journal entries share a partition (`W#<accountId>`), so a wallet's history is one `Query`;
 * idempotency keys live in partitions of their own (`K#<scoped key>`, the key core files it under:
 * `<accountId> <key>`), spread across the table.
 *
 * @example
 * const key = walletKey('player-1'); // { pk: { S: 'W#player-1' }, sk: { S: 'WALLET' } }
 */
export const LEDGER_KEYS = {
  partitionKey: 'pk',
  sortKey: 'sk',
  walletSortKey: 'WALLET',
  idempotencySortKey: 'KEY',
  entrySortKeyPrefix: 'E#',
} as const;

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
