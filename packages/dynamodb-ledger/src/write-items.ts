import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { LedgerSnapshot, LedgerWrite } from '@wallet/core';
import {
  idempotencyToItem,
  journalEntryToItem,
  type LedgerItem,
  walletToItem,
} from './item-codec.js';
import { LEDGER_KEYS } from './table-keys.js';

/**
 * Turns a decision's write into the items of one `TransactWriteItems`, each guarded so that the
 * transaction commits only on the snapshot it was decided on:
 * - a wallet the snapshot held is replaced only while its stored `version` is still the one
 *   read (its new version may be several higher, one per operation of a batch);
 * - a wallet the snapshot did not hold, a journal entry and an idempotency record are inserted
 *   only where no item exists yet.
 * Every item is a whole-item `Put`, so the stored item is exactly the encoded record.
 *
 * @example
 * const items = transactItems('wallet-ledger', decision.write, snapshot);
 */
export function transactItems(
  tableName: string,
  write: LedgerWrite,
  snapshot: LedgerSnapshot,
): TransactWriteItem[] {
  const items: TransactWriteItem[] = [];
  for (const record of write.wallets) {
    const read = snapshot.wallets.get(record.accountId);
    items.push(
      read === undefined
        ? insert(tableName, walletToItem(record))
        : {
            Put: {
              TableName: tableName,
              Item: walletToItem(record),
              ConditionExpression: '#version = :read',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':read': { N: String(read.version) } },
            },
          },
    );
  }
  for (const entry of write.entries) items.push(insert(tableName, journalEntryToItem(entry)));
  for (const record of write.idempotency) items.push(insert(tableName, idempotencyToItem(record)));
  return items;
}

function insert(tableName: string, item: LedgerItem): TransactWriteItem {
  return {
    Put: {
      TableName: tableName,
      Item: item,
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': LEDGER_KEYS.partitionKey },
    },
  };
}
