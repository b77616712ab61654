export { type DynamoDbClientLike, errorName } from './client.js';
export {
  entryAttributes,
  entryFromAttributes,
  jsonText,
  nullableString,
} from './entry-attributes.js';
export { type DynamoDbItem, ItemReader } from './item-reader.js';
export {
  checkKeySchema,
  describeTable,
  ensureTable,
  type KeyAttribute,
  keyAttributes,
  type TableDefinition,
  waitUntilActive,
} from './table.js';
export { isThrottling, THROTTLING_ERRORS } from './throttling.js';
