import { type HistoryStore, type JournalEntry, jsonLogger, type Logger } from '@wallet/core';
import { StreamRecordError } from './errors.js';
import {
  type KinesisEventLike,
  type KinesisRecordLike,
  type UserRecordBytes,
  userRecordBytes,
} from './kinesis-records.js';
import { logPoisonSink, type PoisonRecord, type PoisonSink } from './poison-sink.js';
import { type QldbOtherRevision, qldbRecords } from './qldb-records.js';
import type { RecordContent, RecordFormat } from './record-format.js';

/**
 * Where a record the format reported as `other` sits in the stream: the Kinesis record's
 * sequence number (the aggregate's, for a sub-record) and its index inside a KPL aggregate.
 *
 * @example
 * const at: StreamPosition = { sequenceNumber: '4959...', subSequenceNumber: 3 };
 */
export interface StreamPosition {
  /** The Kinesis record's sequence number (the aggregate's, for a sub-record). */
  sequenceNumber: string;
  /** The index inside the KPL aggregate; absent when the record was not aggregated. */
  subSequenceNumber?: number;
}

/**
 * A change the handler does not turn into history, as the `onOtherRevision` hook receives it:
 * what the format reported, where it sits in the stream. With QLDB records (the default), a
 * {@link QldbOtherRevision}.
 *
 * @example
 * const onOtherRevision = ({ record, reason }: OtherRevision) => {
 *   if (reason !== 'OTHER_TABLE') console.warn('journal document changed', record.payload.revision.metadata);
 * };
 */
export type OtherRevision<Other = QldbOtherRevision> = Other & StreamPosition;

/**
 * How to build a Kinesis handler.
 *
 * @example
 * const options: KinesisHandlerOptions = { history: createDynamoDbHistory({ client, tableName: 'wallet-history', ttlDays: 365 }) };
 */
export interface KinesisHandlerOptions<Other = QldbOtherRevision> {
  /**
   * Where journal entries are written; `putEntries` must be idempotent (every `HistoryStore` is).
   * The handler passes the entries as they are: expiry (TTL) is the store's setting, e.g.
   * `createDynamoDbHistory({ ttlDays })`.
   */
  history: HistoryStore;
  /** Where records that can never be parsed go. Default: {@link logPoisonSink} on `logger`. */
  poisonSink?: PoisonSink;
  /**
   * Where the handler logs a batch it asks Lambda to retry (the cause, which the batch response
   * cannot carry), and the default poison sink's records. Default: `jsonLogger` (JSON lines on
   * stdout and stderr); Powertools' `Logger` and pino fit as they are.
   */
  logger?: Logger;
  /** Called for every change the format reports that is not a journal entry; skipped without it. */
  onOtherRevision?: (revision: OtherRevision<Other>) => void | Promise<void>;
  /**
   * What the stream carries: `qldbRecords()` (the default: QLDB's Ion revisions of the
   * `JournalEntries` table; `qldbRecords({ journalTable })` for another name),
   * `dynamodbChangeRecords(journalEntryOfImage)` for a DynamoDB ledger, or any
   * {@link RecordFormat}.
   */
  format?: RecordFormat<Other>;
}

/**
 * The partial batch response Lambda reads to retry a Kinesis batch from a record on
 * (`ReportBatchItemFailures` must be enabled on the event source mapping).
 *
 * @example
 * const response: KinesisBatchResponse = { batchItemFailures: [{ itemIdentifier: '4959...' }] };
 */
export interface KinesisBatchResponse {
  /** The record to retry the batch from; empty when every record was handled. */
  batchItemFailures: {
    /** The Kinesis sequence number of that record. */
    itemIdentifier: string;
  }[];
}

/**
 * A Lambda handler for a Kinesis event source.
 *
 * @example
 * export const handler: KinesisHandler = createKinesisHandler({ history });
 */
export type KinesisHandler = (event: KinesisEventLike) => Promise<KinesisBatchResponse>;

/**
 * Entries are written once at least this many are pending (after the record that reached it),
 * so a batch holds a bounded number in memory and a failed write redelivers only from the
 * record that started it; DynamoDB takes them 25 to a request either way.
 */
const WRITE_SIZE = 500;

/** A user record's journal entry, other change, or the error that makes it poison. */
type UserRecordOutcome<Other> = RecordContent<Other> | { readonly poison: unknown };

/**
 * Builds the Lambda handler that turns a ledger's Kinesis stream into history: it deaggregates
 * KPL records (MD5 checked), decodes each QLDB record from Ion (or, with `format`, each record
 * of another ledger's change stream), maps every REVISION_DETAILS of
 * the journal table at version 0 to its {@link JournalEntry} (hash verified) and writes them
 * with `history.putEntries`, duplicates within the batch removed: one call per batch, or one per
 * ~500 entries in stream order for larger batches.
 *
 * Failure handling, per event record in stream order:
 * - content that can never be parsed (a bad aggregate, bad Ion, not a QLDB record, an unknown
 *   record type, a journal document that is not an entry or does not verify) goes to
 *   `poisonSink` and is not reported: it must not block the shard;
 * - a poison sink or `onOtherRevision` hook that throws, or a failed history write, is
 *   retryable: the handler reports the first record to retry (the failing record, or the first
 *   record with entries in the failed write) in `batchItemFailures` and stops there. Lambda
 *   then retries from that record, so every later record of the batch is delivered again too;
 *   history writes are idempotent, and the sink and hook must be.
 *
 * CONTROL and BLOCK_SUMMARY records are skipped.
 *
 * @example
 * import { createDynamoDbHistory } from '@wallet/dynamo-history';
 * export const handler = createKinesisHandler({
 *   // The history store sets the items' TTL.
 *   history: createDynamoDbHistory({ client: new DynamoDBClient({}), tableName: 'wallet-history', ttlDays: 365 }),
 * });
 */
export function createKinesisHandler<Other = QldbOtherRevision>(
  options: KinesisHandlerOptions<Other>,
): KinesisHandler {
  const { history, onOtherRevision } = options;
  // Without a format the stream is QLDB's, whose other changes are what Other defaults to.
  const format = options.format ?? (qldbRecords() as unknown as RecordFormat<Other>);
  const logger = options.logger ?? jsonLogger;
  const poisonSink = options.poisonSink ?? logPoisonSink(logger);

  async function poison(
    record: KinesisRecordLike,
    user: UserRecordBytes | undefined,
    error: unknown,
  ): Promise<void> {
    const poisoned: PoisonRecord = {
      code: error instanceof StreamRecordError ? error.code : 'UNEXPECTED_ERROR',
      message: error instanceof Error ? error.message : String(error),
      sequenceNumber: record.kinesis.sequenceNumber,
      partitionKey: user?.partitionKey ?? record.kinesis.partitionKey,
      data:
        user === undefined
          ? record.kinesis.data
          : Buffer.from(user.data.buffer, user.data.byteOffset, user.data.length).toString(
              'base64',
            ),
    };
    if (record.eventID !== undefined) poisoned.eventID = record.eventID;
    if (record.eventSourceARN !== undefined) poisoned.eventSourceARN = record.eventSourceARN;
    if (user?.subSequenceNumber !== undefined) poisoned.subSequenceNumber = user.subSequenceNumber;
    await poisonSink(poisoned);
  }

  /**
   * What one user record holds. Synchronous and never throwing, so the common case (a journal
   * entry) costs no promise.
   */
  function classify(user: UserRecordBytes): UserRecordOutcome<Other> {
    try {
      return format.read(user.data);
    } catch (error) {
      // Decoding and mapping depend on the bytes alone: whatever they throw, they will throw
      // again on every retry.
      return { poison: error };
    }
  }

  /** The journal entries of one event record; anything else goes to the sink or the hook. */
  async function recordEntries(record: KinesisRecordLike): Promise<JournalEntry[]> {
    let users: UserRecordBytes[];
    try {
      users = userRecordBytes(record);
    } catch (error) {
      await poison(record, undefined, error);
      return [];
    }
    const entries: JournalEntry[] = [];
    for (const user of users) {
      const outcome = classify(user);
      if (outcome === undefined) continue;
      if ('entry' in outcome) entries.push(outcome.entry);
      else if ('other' in outcome) await onOtherRevision?.(positioned(outcome.other, record, user));
      else await poison(record, user, outcome.poison);
    }
    return entries;
  }

  return async (event) => {
    const records = event.Records ?? [];
    const seen = new Map<string, Set<number>>();
    let items: JournalEntry[] = [];
    /** The first record whose entries are in `items`. */
    let itemsFrom = 0;

    /** Writes the pending items; on failure, the record to retry from. */
    async function flush(): Promise<number | undefined> {
      if (items.length === 0) return undefined;
      const batch = items;
      items = [];
      try {
        await history.putEntries(batch);
        return undefined;
      } catch (error) {
        // Every record from the first one with entries in this write on is redelivered; the
        // write is idempotent, so the entries that did land are harmless to write again.
        logRetry(logger, 'history write failed', records[itemsFrom]!, error);
        return itemsFrom;
      }
    }

    for (let index = 0; index < records.length; index++) {
      let entries: JournalEntry[];
      try {
        entries = await recordEntries(records[index]!);
      } catch (error) {
        logRetry(logger, 'poison sink or onOtherRevision hook failed', records[index]!, error);
        return failure(records, (await flush()) ?? index);
      }
      for (const entry of entries) {
        // DynamoDB rejects a batch naming one key twice; at-least-once delivery makes such
        // duplicates, and the first copy is as good as any.
        let sequences = seen.get(entry.accountId);
        if (sequences === undefined) {
          sequences = new Set();
          seen.set(entry.accountId, sequences);
        }
        if (sequences.has(entry.sequence)) continue;
        sequences.add(entry.sequence);
        if (items.length === 0) itemsFrom = index;
        items.push(entry);
      }
      if (items.length >= WRITE_SIZE) {
        const failed = await flush();
        if (failed !== undefined) return failure(records, failed);
      }
    }
    return failure(records, await flush());
  };
}

/** The batch response retrying from `records[index]`, or retrying nothing. */
function failure(records: KinesisRecordLike[], index: number | undefined): KinesisBatchResponse {
  return {
    batchItemFailures:
      index === undefined ? [] : [{ itemIdentifier: records[index]!.kinesis.sequenceNumber }],
  };
}

/** Retries are otherwise silent: the batch response names a record, not a cause. */
function logRetry(
  logger: Logger,
  problem: string,
  record: KinesisRecordLike,
  error: unknown,
): void {
  logger.error({
    message: `${problem}; the batch is retried from this record`,
    sequenceNumber: record.kinesis.sequenceNumber,
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  });
}

/** A reported change with where it sits in the stream. */
function positioned<Other>(
  other: Other,
  record: KinesisRecordLike,
  user: UserRecordBytes,
): OtherRevision<Other> {
  const at: StreamPosition = { sequenceNumber: record.kinesis.sequenceNumber };
  if (user.subSequenceNumber !== undefined) at.subSequenceNumber = user.subSequenceNumber;
  return { ...other, ...at };
}
