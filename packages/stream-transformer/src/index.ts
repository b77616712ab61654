export {
  type AttributeValueLike,
  type DynamoDbChangeRecord,
  dynamodbChangeRecords,
  type ItemImage,
  parseChangeRecord,
} from './dynamodb-change-records.js';
export {
  ChangeRecordError,
  IonDecodeError,
  JournalDocumentError,
  KplAggregationError,
  QldbRecordError,
  STREAM_RECORD_ERROR_CODES,
  StreamRecordError,
  type StreamRecordErrorCode,
} from './errors.js';
export { ionToJson } from './ion-to-json.js';
export {
  JOURNAL_TABLE,
  journalEntryFromDocument,
  journalEntryFromRevision,
} from './journal-revision.js';
export { encodeJournalRevision, type JournalRevisionOptions } from './journal-revision-encoder.js';
export {
  createKinesisHandler,
  type KinesisBatchResponse,
  type KinesisHandler,
  type KinesisHandlerOptions,
  type OtherRevision,
  type StreamPosition,
} from './kinesis-handler.js';
export {
  deaggregateRecord,
  deaggregateRecords,
  type KinesisEventLike,
  type KinesisRecordLike,
  type UserRecord,
} from './kinesis-records.js';
export {
  aggregateRecords,
  isAggregated,
  KPL_MAGIC,
  type KplUserRecord,
  parseAggregate,
} from './kpl-aggregation.js';
export { logPoisonSink, type PoisonRecord, type PoisonSink } from './poison-sink.js';
export {
  type BlockAddress,
  type BlockSummaryRecord,
  type ControlRecord,
  decodeQldbRecord,
  type JsonObject,
  parseQldbRecord,
  QLDB_RECORD_TYPES,
  type QldbRecord,
  type Revision,
  type RevisionDetailsRecord,
} from './qldb-record.js';
export { type QldbOtherRevision, type QldbRecordsOptions, qldbRecords } from './qldb-records.js';
export type { RecordContent, RecordFormat } from './record-format.js';
