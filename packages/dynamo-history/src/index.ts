export type { DynamoDbClientLike } from '@wallet/dynamodb-shared';
export {
  createDynamoDbHistory,
  createDynamoHistory,
  type DynamoDbHistoryOptions,
  type DynamoDbHistoryStore,
  type DynamoHistoryOptions,
  type DynamoHistoryStore,
  type HistoryEntry,
} from './dynamo-history.js';
export { checkTtlDays, expireTimestamp } from './expire-timestamp.js';
export { createHistoryTable, type HistoryTableOptions } from './history-table.js';
export { decodeEntry, encodeEntry, type HistoryItem } from './item-codec.js';
export type { RetryOptions } from './retry-policy.js';
export { HISTORY_ATTRIBUTES } from './table-schema.js';
