import type { AttributeValue, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { JournalEntry, LedgerSnapshot, LedgerWrite } from '@wallet/core';
import {
  idempotencyToItem,
  journalEntryToItem,
  type LedgerItem,
  recordToItem,
  walletToItem,
} from './item-codec.js';
import { LEDGER_KEYS } from './table-keys.js';

/**
 * The attribute of an entry item that lists the keys (`accountId`, `sequence`) of every entry of
 * its transaction, itself included, on the entries of transactions that wrote more than one:
 * `queryTransaction` reads the rest of a transaction from any one of its entries, so an index
 * that has caught up with only some of them never yields a partial transaction.
 */
export const TRANSACTION_ENTRIES_ATTRIBUTE = 'transactionEntries';

/**
 * Turns a decision's write into the items of one `TransactWriteItems`, each guarded so that the
 * transaction commits only on the snapshot it was decided on:
 * - a wallet the snapshot held is replaced only while its stored `version` is still the one
 *   read (its new version may be several higher, one per operation of a batch);
 * - a ledger record of version n > 1 is replaced only while its stored `version` is n - 1;
 * - a wallet the snapshot did not hold, a journal entry, an idempotency record and a ledger
 *   record of version 1 are inserted only where no item exists yet.
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
    const item = walletToItem(record);
    items.push(
      read === undefined ? insert(tableName, item) : replace(tableName, item, read.version),
    );
  }
  const legs = transactionLegs(write.entries);
  for (const entry of write.entries) {
    const item = journalEntryToItem(entry);
    const others = legs.get(entry.transactionId);
    if (others !== undefined) item[TRANSACTION_ENTRIES_ATTRIBUTE] = others;
    items.push(insert(tableName, item));
  }
  for (const record of write.idempotency) items.push(insert(tableName, idempotencyToItem(record)));
  for (const record of write.records ?? []) {
    const item = recordToItem(record);
    items.push(
      record.version <= 1 ? insert(tableName, item) : replace(tableName, item, record.version - 1),
    );
  }
  return items;
}

/** For each transaction with more than one entry in `entries`, the list of their keys. */
function transactionLegs(entries: readonly JournalEntry[]): Map<string, AttributeValue> {
  const byTransaction = new Map<string, JournalEntry[]>();
  for (const entry of entries) {
    const legs = byTransaction.get(entry.transactionId);
    if (legs) legs.push(entry);
    else byTransaction.set(entry.transactionId, [entry]);
  }
  const lists = new Map<string, AttributeValue>();
  for (const [transactionId, legs] of byTransaction) {
    if (legs.length < 2) continue;
    lists.set(transactionId, {
      L: legs.map((leg) => ({
        M: { accountId: { S: leg.accountId }, sequence: { N: String(leg.sequence) } },
      })),
    });
  }
  return lists;
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

function replace(tableName: string, item: LedgerItem, storedVersion: number): TransactWriteItem {
  return {
    Put: {
      TableName: tableName,
      Item: item,
      ConditionExpression: '#version = :read',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':read': { N: String(storedVersion) } },
    },
  };
}
