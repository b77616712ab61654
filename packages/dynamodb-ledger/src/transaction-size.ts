import { MAX_RECORDS_PER_OPERATION } from '@wallet/core';

/**
 * The most items one `TransactWriteItems` may carry (a DynamoDB limit).
 *
 * @example
 * const fits = items.length <= MAX_TRANSACTION_ITEMS;
 */
export const MAX_TRANSACTION_ITEMS = 100;

/**
 * The most operations a coalesced batch may carry and always fit in one transaction: a wallet
 * operation writes at most `MAX_RECORDS_PER_OPERATION` (5) items, and 20 × 5 = 100. The ledger declares it as its `maxCoalescedOperations`, so the service's
 * coalescer keeps every batch within it without a `maxBatch`.
 *
 * @example
 * const ledger = createDynamoDbLedger({ client, tableName });
 * ledger.maxCoalescedOperations === SAFE_COALESCE_BATCH; // true
 */
export const SAFE_COALESCE_BATCH = Math.floor(MAX_TRANSACTION_ITEMS / MAX_RECORDS_PER_OPERATION);
