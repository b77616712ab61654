import {
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type QueryCommandOutput,
} from '@aws-sdk/client-dynamodb';
import type { JournalEntry } from '@wallet/core';
import type { TamperHooks } from '@wallet/testing';
import {
  journalEntryFromItem,
  journalEntryToItem,
  type LedgerItem,
  walletFromItem,
  walletToItem,
} from '../../src/item-codec.js';
import { entrySortKey, LEDGER_KEYS, walletKey, walletPartition } from '../../src/table-keys.js';

/**
 * Tamper hooks that rewrite a wallet's items behind the ledger's back: the edited list becomes
 * the stored journal, its first entry in the first slot and so on, whatever `sequence` each
 * entry claims, so deleting or reordering entries is stored as such; the wallet item is put
 * back as edited.
 *
 * @example
 * const fixture = { ledger, tamper: tamperHooks(client, tableName) };
 */
export function tamperHooks(client: DynamoDBClient, tableName: string): TamperHooks {
  return {
    async rewriteJournal(accountId, edit) {
      const stored = await entryItems(client, tableName, accountId);
      const edited = edit(stored.map(journalEntryFromItem));
      for (const item of stored) {
        const { pk, sk } = item;
        await client.send(
          new DeleteItemCommand({ TableName: tableName, Key: { pk: pk!, sk: sk! } }),
        );
      }
      for (const [slot, entry] of edited.entries()) {
        await client.send(
          new PutItemCommand({ TableName: tableName, Item: storedAt(entry, slot + 1) }),
        );
      }
    },
    async rewriteWallet(accountId, edit) {
      const { Item } = await client.send(
        new GetItemCommand({
          TableName: tableName,
          Key: walletKey(accountId),
          ConsistentRead: true,
        }),
      );
      if (Item === undefined) return;
      const item = walletToItem(edit(walletFromItem(Item)));
      await client.send(new PutItemCommand({ TableName: tableName, Item: item }));
    },
  };
}

function storedAt(entry: JournalEntry, slot: number): LedgerItem {
  return { ...journalEntryToItem(entry), [LEDGER_KEYS.sortKey]: { S: entrySortKey(slot) } };
}

async function entryItems(
  client: DynamoDBClient,
  tableName: string,
  accountId: string,
): Promise<LedgerItem[]> {
  const output: QueryCommandOutput = await client.send(
    new QueryCommand({
      TableName: tableName,
      ConsistentRead: true,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :entries)',
      ExpressionAttributeNames: { '#pk': LEDGER_KEYS.partitionKey, '#sk': LEDGER_KEYS.sortKey },
      ExpressionAttributeValues: {
        ':pk': { S: walletPartition(accountId) },
        ':entries': { S: LEDGER_KEYS.entrySortKeyPrefix },
      },
    }),
  );
  return output.Items ?? [];
}
