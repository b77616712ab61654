import type { JournalEntry } from '@wallet/core';
import type { RetrySettings } from '@wallet/core/adapter';
import type { DynamoDbClientLike } from '@wallet/dynamodb-shared';
import { batchGetItems } from './batch-get.js';
import { queryIndex } from './index-query.js';
import { journalEntryFromItem, type LedgerItem } from './item-codec.js';
import { entryKey, LEDGER_INDEXES, LEDGER_KEYS, type LedgerKey } from './table-keys.js';
import { TRANSACTION_ENTRIES_ATTRIBUTE } from './write-items.js';

/**
 * Every journal entry of one transaction, in account id and sequence order:
 * 1. `Query` the `byTransaction` index (`KEYS_ONLY`) for the transaction id; of the keys it
 *    holds, those of entry items (sort key `E#…`; the transaction's idempotency key item is in
 *    the index too) are the entries the index has caught up with;
 * 2. read those items with a strongly consistent `BatchGetItem`;
 * 3. read, the same way, the entries their `transactionEntries` lists name that step 1 missed.
 *
 * An index is eventually consistent and catches up item by item, so right after a commit it may
 * hold none, or only some, of a transaction's entries. None: the transaction is not found yet
 * (empty result). Some: step 3 completes the transaction from the list every entry of a
 * multi-entry transaction carries, so the result is never a part of a transaction.
 *
 * @throws {StoreUnavailableError} when a read fails
 * @example
 * const entries = await queryTransactionEntries(client, 'wallet-ledger', transactionId, retry);
 */
export async function queryTransactionEntries(
  client: DynamoDbClientLike,
  tableName: string,
  transactionId: string,
  retry: RetrySettings,
): Promise<JournalEntry[]> {
  const index = LEDGER_INDEXES.byTransaction;
  const keys = new Map<string, LedgerKey>();
  await queryIndex(
    client,
    {
      TableName: tableName,
      IndexName: index.name,
      KeyConditionExpression: '#tx = :tx',
      ExpressionAttributeNames: { '#tx': index.partitionKey },
      ExpressionAttributeValues: { ':tx': { S: transactionId } },
    },
    'the transaction index',
    (items) => {
      for (const item of items) {
        const sort = item[LEDGER_KEYS.sortKey]?.S ?? '';
        const partition = item[LEDGER_KEYS.partitionKey]?.S ?? '';
        if (!sort.startsWith(LEDGER_KEYS.entrySortKeyPrefix)) continue;
        keys.set(`${partition}\n${sort}`, {
          [LEDGER_KEYS.partitionKey]: { S: partition },
          [LEDGER_KEYS.sortKey]: { S: sort },
        });
      }
      return true;
    },
  );
  if (keys.size === 0) return [];
  const items = await batchGetItems(client, tableName, [...keys.values()], retry);
  const missing = new Map<string, LedgerKey>();
  for (const item of items) {
    for (const key of listedEntryKeys(item)) {
      const id = `${key[LEDGER_KEYS.partitionKey]!.S}\n${key[LEDGER_KEYS.sortKey]!.S}`;
      if (!keys.has(id)) missing.set(id, key);
    }
  }
  if (missing.size > 0) {
    items.push(...(await batchGetItems(client, tableName, [...missing.values()], retry)));
  }
  const entries = items
    .map(journalEntryFromItem)
    .filter((entry) => entry.transactionId === transactionId);
  return entries.sort(
    (a, b) =>
      (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0) ||
      a.sequence - b.sequence,
  );
}

/** The entry keys an entry item's `transactionEntries` list names (none when it has no list). */
function listedEntryKeys(item: LedgerItem): LedgerKey[] {
  const list = item[TRANSACTION_ENTRIES_ATTRIBUTE]?.L ?? [];
  const keys: LedgerKey[] = [];
  for (const element of list) {
    const accountId = element.M?.accountId?.S;
    const sequence = Number(element.M?.sequence?.N);
    if (accountId === undefined || !Number.isSafeInteger(sequence) || sequence < 0) {
      const where = `${item[LEDGER_KEYS.partitionKey]?.S ?? '?'}/${item[LEDGER_KEYS.sortKey]?.S ?? '?'}`;
      throw new TypeError(`ledger item ${where} has a malformed ${TRANSACTION_ENTRIES_ATTRIBUTE}`);
    }
    keys.push(entryKey(accountId, sequence));
  }
  return keys;
}
