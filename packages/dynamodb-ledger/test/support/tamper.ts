import {
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  type QueryCommandOutput,
} from '@aws-sdk/client-dynamodb';
import type { JournalEntry } from '@wallet/core';
import type { TamperHooks } from '@wallet/testing';
import { journalEntryFromItem, journalEntryToItem, type LedgerItem } from '../../src/item-codec.js';
import { entrySortKey, LEDGER_KEYS, walletPartition } from '../../src/table-keys.js';

/**
 * Tamper hooks that rewrite a wallet's entry items behind the ledger's back: the edited list
 * becomes the stored journal, its first entry in the first slot and so on, whatever `sequence`
 * each entry claims, so deleting or reordering entries is stored as such.
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
