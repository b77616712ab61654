export type { DynamoDbClientLike } from '@wallet/dynamodb-shared';
export {
  createDynamoDbLedger,
  type DynamoDbLedgerOptions,
  type RetryOptions,
} from './dynamodb-ledger.js';
export {
  ITEM_KINDS,
  journalEntryFromItem,
  journalEntryOfImage,
  journalEntryToItem,
  type LedgerItem,
} from './item-codec.js';
export {
  createLedgerTable,
  type LedgerTableOptions,
  type LedgerTableUpdate,
  type LedgerTableUpdateOptions,
  updateLedgerTable,
} from './ledger-table.js';
export { LEDGER_INDEXES, LEDGER_KEYS, WALLET_LIST } from './table-keys.js';
export { MAX_TRANSACTION_ITEMS } from './transaction-size.js';
