import { checkTtlDays, expireTimestamp, type HistoryStore, type JournalEntry } from '@wallet/core';
import type { RecordFormat } from './dynamodb-change-records.js';
import { StreamRecordError } from './errors.js';
import {
  JOURNAL_TABLE,
  type JournalHistoryItem,
  journalEntryFromRevision,
} from './journal-revision.js';
import {
  type KinesisEventLike,
  type KinesisRecordLike,
  type UserRecordBytes,
  userRecordBytes,
} from './kinesis-records.js';
import { logPoisonSink, type PoisonRecord, type PoisonSink } from './poison-sink.js';
import { decodeQldbRecord, type RevisionDetailsRecord } from './qldb-record.js';

/**
 * A revision the handler does not turn into history, as the `onOtherRevision` hook receives it.
 * `reason`: `OTHER_TABLE` (any revision of a table other than the journal table); for the
 * journal table, whose documents are written once, `DELETE` (no data), `REDACTED` (`dataHash`
 * instead of data) and `NOT_AN_INSERT` (a version after 0). History keeps the entry as first
 * written in each journal case.
 *
 * @example
 * const onOtherRevision = ({ record, reason }: OtherRevision) => {
 *   if (reason !== 'OTHER_TABLE') console.warn('journal document changed', record.payload.revision.metadata);
 * };
 */
export interface OtherRevision {
  /** The revision, as decoded. */
  record: RevisionDetailsRecord;
  /** Why it added no history. */
  reason: 'OTHER_TABLE' | 'DELETE' | 'REDACTED' | 'NOT_AN_INSERT';
  /** The Kinesis record's sequence number (the aggregate's, for a sub-record). */
  sequenceNumber: string;
  /** The index inside the KPL aggregate; absent when the record was not aggregated. */
  subSequenceNumber?: number;
}

/**
 * How to build a Kinesis handler.
 *
 * @example
 * const options: KinesisHandlerOptions = { history: createDynamoHistory({ client, tableName: 'wallet-history' }), ttlDays: 365 };
 */
export interface KinesisHandlerOptions {
  /** Where journal entries are written; `putEntries` must be idempotent (every `HistoryStore` is). */
  history: HistoryStore;
  /**
   * When set, every item passed to `putEntries` carries `expire_timestamp` = `txTime` (epoch
   * seconds) + `ttlDays` × 86400. A positive number.
   */
  ttlDays?: number;
  /** Where records that can never be parsed go. Default: {@link logPoisonSink}. */
  poisonSink?: PoisonSink;
  /** Called for every revision that is not a new journal entry; such revisions are skipped without it. */
  onOtherRevision?: (revision: OtherRevision) => void | Promise<void>;
  /** The ledger table holding journal entries. Default `JournalEntries`. */
  journalTable?: string;
  /**
   * What the stream carries when it is not QLDB's Ion revisions, e.g.
   * `dynamodbChangeRecords(journalEntryOfImage)` for a DynamoDB ledger. Default: QLDB records.
   */
  format?: RecordFormat;
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

/** A user record's journal entry, other revision, or the error that makes it poison. */
type UserRecordOutcome =
  | { entry: JournalHistoryItem }
  | { other: OtherRevision }
  | { poison: unknown }
  | undefined;

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
 * @throws {RangeError} when `ttlDays` is not a positive number
 * @example
 * import { createDynamoHistory } from '@wallet/dynamo-history';
 * export const handler = createKinesisHandler({
 *   history: createDynamoHistory({ client: new DynamoDBClient({}), tableName: 'wallet-history' }),
 *   ttlDays: 365,
 * });
 */
export function createKinesisHandler(options: KinesisHandlerOptions): KinesisHandler {
  const { history, ttlDays, onOtherRevision, format } = options;
  if (ttlDays !== undefined) checkTtlDays(ttlDays);
  const poisonSink = options.poisonSink ?? logPoisonSink;
  const journalTable = options.journalTable ?? JOURNAL_TABLE;

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
  function classify(record: KinesisRecordLike, user: UserRecordBytes): UserRecordOutcome {
    try {
      if (format) {
        const entry: JournalHistoryItem | undefined = format.entryOf(user.data);
        if (entry && ttlDays !== undefined) {
          entry.expire_timestamp = expireTimestamp(entry.txTime, ttlDays);
        }
        return entry && { entry };
      }
      const decoded = decodeQldbRecord(user.data);
      if (decoded.recordType !== 'REVISION_DETAILS') return undefined;
      const reason = skipReason(decoded, journalTable);
      if (reason === undefined) {
        const entry: JournalHistoryItem = journalEntryFromRevision(decoded);
        // The entry was made for this batch alone, so it takes the TTL in place of a copy.
        if (ttlDays !== undefined) entry.expire_timestamp = expireTimestamp(entry.txTime, ttlDays);
        return { entry };
      }
      const other: OtherRevision = {
        record: decoded,
        reason,
        sequenceNumber: record.kinesis.sequenceNumber,
      };
      if (user.subSequenceNumber !== undefined) other.subSequenceNumber = user.subSequenceNumber;
      return { other };
    } catch (error) {
      // Decoding and mapping depend on the bytes alone: whatever they throw, they will throw
      // again on every retry.
      return { poison: error };
    }
  }

  /** The journal entries of one event record; anything else goes to the sink or the hook. */
  async function recordEntries(record: KinesisRecordLike): Promise<JournalHistoryItem[]> {
    let users: UserRecordBytes[];
    try {
      users = userRecordBytes(record);
    } catch (error) {
      await poison(record, undefined, error);
      return [];
    }
    const entries: JournalHistoryItem[] = [];
    for (const user of users) {
      const outcome = classify(record, user);
      if (outcome === undefined) continue;
      if ('entry' in outcome) entries.push(outcome.entry);
      else if ('other' in outcome) await onOtherRevision?.(outcome.other);
      else await poison(record, user, outcome.poison);
    }
    return entries;
  }

  return async (event) => {
    const records = event.Records ?? [];
    const seen = new Map<string, Set<number>>();
    let items: JournalHistoryItem[] = [];
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
        logRetry('history write failed', records[itemsFrom]!, error);
        return itemsFrom;
      }
    }

    for (let index = 0; index < records.length; index++) {
      let entries: JournalHistoryItem[];
      try {
        entries = await recordEntries(records[index]!);
      } catch (error) {
        logRetry('poison sink or onOtherRevision hook failed', records[index]!, error);
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
function logRetry(problem: string, record: KinesisRecordLike, error: unknown): void {
  console.error(
    JSON.stringify({
      level: 'error',
      msg: `${problem}; the batch is retried from this record`,
      sequenceNumber: record.kinesis.sequenceNumber,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    }),
  );
}

function skipReason(
  record: RevisionDetailsRecord,
  journalTable: string,
): OtherRevision['reason'] | undefined {
  const { tableInfo, revision } = record.payload;
  if (tableInfo.tableName !== journalTable) return 'OTHER_TABLE';
  if (revision.dataHash !== undefined) return 'REDACTED';
  if (revision.data === undefined) return 'DELETE';
  if (revision.metadata.version !== 0) return 'NOT_AN_INSERT';
  return undefined;
}
