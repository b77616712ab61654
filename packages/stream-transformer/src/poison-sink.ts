import { jsonLogger, type Logger } from '@wallet/core';
import type { StreamRecordErrorCode } from './errors.js';

/**
 * A record that can never become history, as the poison sink receives it: enough to find it
 * in the stream, see why, and replay it once the cause is fixed.
 *
 * @example
 * const poison: PoisonRecord = { code: 'KPL_CHECKSUM_MISMATCH', message: '...', sequenceNumber: '4959...', partitionKey: 'p1', data: '84mawg==' };
 */
export interface PoisonRecord {
  /** Why: a `StreamRecordError` code, or `UNEXPECTED_ERROR` for any other error its content raised. */
  code: StreamRecordErrorCode | 'UNEXPECTED_ERROR';
  /** The error's message. */
  message: string;
  /** The Lambda event record's id, when the event had one. */
  eventID?: string;
  /** The ARN of the stream the record came from, when the event had it. */
  eventSourceARN?: string;
  /** The Kinesis record's sequence number (the aggregate's, for a sub-record). */
  sequenceNumber: string;
  /** The index inside the KPL aggregate; absent when the record was not (or could not be) deaggregated. */
  subSequenceNumber?: number;
  /** The partition key: the user record's, or the whole record's when it was not deaggregated. */
  partitionKey: string;
  /** Base64 of the bytes that failed: the user record, or the whole record when its aggregate is bad. */
  data: string;
}

/**
 * Where the Kinesis handler sets poison records aside (an SQS queue, an S3 prefix, a table).
 * It is called once per poison record, in stream order, and at least once: a record may be
 * offered again if its batch is retried, so make it idempotent by
 * `(sequenceNumber, subSequenceNumber)`. If it throws, the record is reported as a batch item
 * failure and retried.
 *
 * @example
 * const poisonSink: PoisonSink = async (poison) => {
 *   await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify(poison) }));
 * };
 */
export type PoisonSink = (poison: PoisonRecord) => Promise<void>;

/**
 * A poison sink that logs each record at `error` level: `message: 'poison stream record'`, the
 * record's own message as `error`, and its other fields: the handler's default, on its
 * `logger`. Lines over 256 KiB are cut by CloudWatch, so configure a real sink for large records.
 *
 * @example
 * createKinesisHandler({ history, poisonSink: logPoisonSink(pino()) });
 */
export function logPoisonSink(logger: Logger = jsonLogger): PoisonSink {
  return async ({ message, ...fields }) =>
    logger.error({ message: 'poison stream record', error: message, ...fields });
}
