import type { HistoryStore, JournalEntry } from '@wallet/core';
import { journalEntryOfChange, parseChangeRecord } from './dynamodb-change-record.js';

/**
 * The part of a Lambda Kinesis event this handler reads (`KinesisStreamEvent` fits).
 *
 * @example
 * const event: KinesisEventLike = { Records: [{ kinesis: { data: 'eyJ...', partitionKey: 'p', sequenceNumber: '1' } }] };
 */
export interface KinesisEventLike {
  Records: {
    eventID?: string;
    eventSourceARN?: string;
    kinesis: { data: string; partitionKey: string; sequenceNumber: string };
  }[];
}

/**
 * The partial batch response of a Kinesis event source with `ReportBatchItemFailures`.
 *
 * @example
 * const response: BatchResponse = { batchItemFailures: [{ itemIdentifier: '4960...' }] };
 */
export interface BatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

/**
 * Builds the Lambda handler that turns a DynamoDB ledger's change stream (delivered by Kinesis
 * Data Streams for DynamoDB) into history: every inserted journal entry item becomes a
 * `JournalEntry` (hash checked) and the batch's entries are written with one
 * `history.putEntries`, duplicates removed. Other items are skipped.
 *
 * - A record that can never be mapped (not JSON, not a change record, an entry that does not
 *   decode or verify) is logged as one `poison stream record` JSON line with its data, and
 *   skipped: it must not block the shard. The stack alarms on that log line.
 * - A failed history write is retryable: the first record with an entry in the write is
 *   reported in `batchItemFailures`, so Lambda retries from it (history writes are idempotent).
 *
 * @example
 * export const handler = createDynamoDbStreamHandler({
 *   history: createDynamoHistory({ client, tableName: process.env.HISTORY_TABLE!, ttlDays: 365 }),
 * });
 */
export function createDynamoDbStreamHandler(options: {
  history: HistoryStore;
}): (event: KinesisEventLike) => Promise<BatchResponse> {
  return async (event) => {
    const records = event.Records ?? [];
    const entries: JournalEntry[] = [];
    const seen = new Set<string>();
    let firstWithEntry: number | undefined;
    records.forEach((record, index) => {
      let entry: JournalEntry | undefined;
      try {
        entry = journalEntryOfChange(parseChangeRecord(Buffer.from(record.kinesis.data, 'base64')));
      } catch (error) {
        // Mapping depends on the bytes alone, so retrying could never succeed.
        console.error(
          JSON.stringify({
            level: 'error',
            msg: 'poison stream record',
            message: error instanceof Error ? error.message : String(error),
            sequenceNumber: record.kinesis.sequenceNumber,
            eventSourceARN: record.eventSourceARN,
            data: record.kinesis.data,
          }),
        );
        return;
      }
      if (entry === undefined) return;
      // At-least-once delivery repeats records, and one batch write may not name a key twice.
      const key = `${entry.accountId}\u0000${entry.sequence}`;
      if (seen.has(key)) return;
      seen.add(key);
      firstWithEntry ??= index;
      entries.push(entry);
    });
    if (entries.length === 0 || firstWithEntry === undefined) return { batchItemFailures: [] };
    try {
      await options.history.putEntries(entries);
      return { batchItemFailures: [] };
    } catch (error) {
      const retryFrom = records[firstWithEntry]!.kinesis.sequenceNumber;
      console.error(
        JSON.stringify({
          level: 'error',
          msg: 'history write failed; the batch is retried from this record',
          sequenceNumber: retryFrom,
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        }),
      );
      return { batchItemFailures: [{ itemIdentifier: retryFrom }] };
    }
  };
}
