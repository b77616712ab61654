import type {
  IdempotencyRecord,
  LedgerRecord,
  LedgerSnapshot,
  LedgerTransaction,
  WalletRecord,
} from '@wallet/core';
import type { RetrySettings } from '@wallet/core/adapter';
import type { DynamoDbClientLike } from '@wallet/dynamodb-shared';
import { batchGetItems } from './batch-get.js';
import { ITEM_KINDS, idempotencyFromItem, recordFromItem, walletFromItem } from './item-codec.js';
import { idempotencyItemKey, recordItemKey, walletKey } from './table-keys.js';

/**
 * Reads the wallets, idempotency records and ledger records a transaction names, with strongly
 * consistent `BatchGetItem`s (all three kinds in the same requests). The reads of one snapshot
 * are not one atomic read, and need not be: every wallet and record the transaction then writes
 * is guarded by the version read here and every new item by `attribute_not_exists`, so a write
 * based on a stale read cannot commit.
 * Keys DynamoDB leaves unprocessed (throttling) are read again after a backoff.
 *
 * @throws {StoreUnavailableError} when a read fails or keys stay unprocessed
 * @example
 * const snapshot = await readSnapshot(client, 'wallet-ledger', transaction, retry);
 */
export async function readSnapshot(
  client: DynamoDbClientLike,
  tableName: string,
  transaction: Pick<LedgerTransaction<unknown>, 'accountIds' | 'idempotencyKeys' | 'recordKeys'>,
  retry: RetrySettings,
): Promise<LedgerSnapshot> {
  const wallets = new Map<string, WalletRecord>();
  const idempotency = new Map<string, IdempotencyRecord>();
  const records = new Map<string, LedgerRecord>();
  // BatchGetItem refuses a request that names one key twice.
  const keys = [
    ...[...new Set(transaction.accountIds)].map(walletKey),
    ...[...new Set(transaction.idempotencyKeys)].map(idempotencyItemKey),
    ...[...new Set(transaction.recordKeys ?? [])].map(recordItemKey),
  ];
  for (const item of await batchGetItems(client, tableName, keys, retry)) {
    switch (item.kind?.S) {
      case ITEM_KINDS.wallet: {
        const record = walletFromItem(item);
        wallets.set(record.accountId, record);
        break;
      }
      case ITEM_KINDS.record: {
        const record = recordFromItem(item);
        records.set(record.key, record);
        break;
      }
      default: {
        const record = idempotencyFromItem(item);
        idempotency.set(record.key, record);
      }
    }
  }
  return { wallets, idempotency, records };
}
