import type { WalletQuery, WalletRecord } from '@wallet/core';
import type { RetrySettings } from '@wallet/core/adapter';
import type { DynamoDbClientLike } from '@wallet/dynamodb-shared';
import { batchGetItems } from './batch-get.js';
import { queryIndex } from './index-query.js';
import { walletFromItem } from './item-codec.js';
import {
  accountIdOfPartition,
  LEDGER_INDEXES,
  LEDGER_KEYS,
  WALLET_LIST,
  walletKey,
} from './table-keys.js';

/**
 * `listWallets`: the account ids of one page from the `wallets` index (`KEYS_ONLY`, sorted by
 * `accountId`; DynamoDB compares strings by their UTF-8 bytes, which for ASCII account ids is
 * code point order), then the wallet items themselves with a strongly consistent
 * `BatchGetItem`, returned in index order. The key condition is `begins_with(accountId,
 * :prefix)`, or `accountId > :startAfter` when the page starts after an id within or beyond the
 * prefix's range (ids with a prefix are contiguous in this order, so the page ends at the first
 * id without it).
 *
 * The index is eventually consistent: a wallet created a moment ago may be missing from a
 * listing; the wallets listed are read as committed.
 *
 * @throws {StoreUnavailableError} when a read fails
 * @example
 * const page = await listWalletPage(client, 'wallet-ledger', { prefix: 'eu-', limit: 51 }, retry);
 */
export async function listWalletPage(
  client: DynamoDbClientLike,
  tableName: string,
  query: WalletQuery,
  retry: RetrySettings,
): Promise<WalletRecord[]> {
  const { limit, startAfter } = query;
  const prefix = query.prefix ?? '';
  if (!(limit >= 1)) return [];
  const index = LEDGER_INDEXES.wallets;
  const names: Record<string, string> = { '#list': index.partitionKey };
  const values: Record<string, { S: string }> = { ':list': { S: WALLET_LIST } };
  let condition = '#list = :list';
  if (startAfter !== undefined && startAfter >= prefix) {
    condition += ' AND #id > :after';
    names['#id'] = index.sortKey;
    values[':after'] = { S: startAfter };
  } else if (prefix !== '') {
    condition += ' AND begins_with(#id, :prefix)';
    names['#id'] = index.sortKey;
    values[':prefix'] = { S: prefix };
  }
  const accountIds: string[] = [];
  await queryIndex(
    client,
    {
      TableName: tableName,
      IndexName: index.name,
      KeyConditionExpression: condition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ScanIndexForward: true,
    },
    'the wallet index',
    (items) => {
      for (const item of items) {
        const accountId = item[index.sortKey]?.S;
        if (accountId === undefined) continue;
        if (!accountId.startsWith(prefix)) return false;
        accountIds.push(accountId);
        if (accountIds.length >= limit) return false;
      }
      return true;
    },
    () => limit - accountIds.length,
  );
  const items = await batchGetItems(client, tableName, accountIds.map(walletKey), retry);
  const wallets = new Map<string, WalletRecord>();
  for (const item of items) {
    const record = walletFromItem(item);
    wallets.set(record.accountId, record);
  }
  return accountIds.flatMap((id) => wallets.get(id) ?? []);
}

/**
 * `listWalletsWithExpiredHolds`: account ids from the `holdExpiries` index (`KEYS_ONLY`; only
 * wallets with holds carry its sort key `nextHoldExpiry`, their earliest `expiresAt`), those at
 * or before `dueBy`, earliest first. Eventually consistent: a wallet whose holds were released a
 * moment ago may still be listed (releasing then finds nothing to do), and one whose hold was
 * just placed may be missed until the next call.
 *
 * @throws {StoreUnavailableError} when a read fails
 * @example
 * const due = await listExpiredHoldWallets(client, 'wallet-ledger', { dueBy: now, limit: 100 });
 */
export async function listExpiredHoldWallets(
  client: DynamoDbClientLike,
  tableName: string,
  query: { dueBy: string; limit: number },
): Promise<string[]> {
  const { limit } = query;
  if (!(limit >= 1)) return [];
  const index = LEDGER_INDEXES.holdExpiries;
  const accountIds: string[] = [];
  await queryIndex(
    client,
    {
      TableName: tableName,
      IndexName: index.name,
      KeyConditionExpression: '#list = :list AND #expiry <= :due',
      ExpressionAttributeNames: { '#list': index.partitionKey, '#expiry': index.sortKey },
      ExpressionAttributeValues: { ':list': { S: WALLET_LIST }, ':due': { S: query.dueBy } },
      ScanIndexForward: true,
    },
    'the hold expiry index',
    (items) => {
      for (const item of items) {
        const accountId = accountIdOfPartition(item[LEDGER_KEYS.partitionKey]?.S ?? '');
        if (accountId === undefined) continue;
        accountIds.push(accountId);
        if (accountIds.length >= limit) return false;
      }
      return true;
    },
    () => limit - accountIds.length,
  );
  return accountIds;
}
