import { KplAggregationError } from './errors.js';
import { isAggregated, parseAggregate } from './kpl-aggregation.js';

/**
 * The part of a Lambda Kinesis event record this package reads; `KinesisStreamRecord` from
 * `@types/aws-lambda` fits it, and so does anything with these fields.
 *
 * @example
 * const record: KinesisRecordLike = { kinesis: { data: 'AQID', partitionKey: 'p1', sequenceNumber: '49' } };
 */
export interface KinesisRecordLike {
  /** The Lambda event record's id. */
  eventID?: string;
  /** The ARN of the stream the record came from. */
  eventSourceARN?: string;
  /** The Kinesis record. */
  kinesis: {
    /** The record's bytes, base64. */
    data: string;
    /** The partition key it was put with. */
    partitionKey: string;
    /** Its sequence number in the shard. */
    sequenceNumber: string;
  };
}

/**
 * A Lambda Kinesis event, as `KinesisStreamEvent` from `@types/aws-lambda`.
 *
 * @example
 * const event: KinesisEventLike = { Records: [] };
 */
export interface KinesisEventLike<R extends KinesisRecordLike = KinesisRecordLike> {
  /** The batch's records, in stream order. */
  Records: R[];
}

/**
 * A user record in the shape of the event record it came from. For a record taken out of a KPL
 * aggregate, `data` and `partitionKey` are the user record's, `sequenceNumber` stays the
 * aggregate's (the unit Kinesis checkpoints, so the one to report in `batchItemFailures`), and
 * `subSequenceNumber` is its index in the aggregate. A record that was not aggregated has no
 * `subSequenceNumber`.
 *
 * @example
 * const { sequenceNumber, subSequenceNumber } = userRecord.kinesis;
 */
export type UserRecord<R extends KinesisRecordLike = KinesisRecordLike> = R & {
  /** The event record's `kinesis`, with the user record's data and partition key. */
  kinesis: R['kinesis'] & {
    /** The index inside the KPL aggregate; absent when the record was not aggregated. */
    subSequenceNumber?: number;
    /** The user record's explicit hash key, when the producer set one. */
    explicitHashKey?: string;
  };
};

/**
 * One user record's bytes and where it came from, without re-encoding to base64.
 *
 * @example
 * const user: UserRecordBytes = { partitionKey: 'p1', subSequenceNumber: 0, data: bytes };
 */
export interface UserRecordBytes {
  partitionKey: string;
  explicitHashKey?: string;
  subSequenceNumber?: number;
  data: Uint8Array;
}

/**
 * The user records inside one event record, as bytes: the sub-records of a KPL aggregate (MD5
 * checked), or the record itself.
 *
 * @throws {KplAggregationError} when the record is an aggregate with a bad MD5 or protobuf
 * @example
 * for (const user of userRecordBytes(record)) decodeQldbRecord(user.data);
 */
export function userRecordBytes(record: KinesisRecordLike): UserRecordBytes[] {
  const bytes = Buffer.from(record.kinesis.data, 'base64');
  if (!isAggregated(bytes)) return [{ partitionKey: record.kinesis.partitionKey, data: bytes }];
  const users: UserRecordBytes[] = parseAggregate(bytes);
  for (let index = 0; index < users.length; index++) users[index]!.subSequenceNumber = index;
  return users;
}

/**
 * Replaces each KPL aggregated record by its user records, in order, in the same shape (see
 * {@link UserRecord}); a record that is not aggregated passes through unchanged.
 *
 * One bad aggregate fails the whole call; a consumer that must not let one record hold up the
 * others calls {@link deaggregateRecord} per record and sets the bad one aside
 * (`createKinesisHandler` does that).
 *
 * @throws {KplAggregationError} for the first aggregate whose MD5 does not match or whose
 *   protobuf is truncated or malformed; `error.sequenceNumber` names that event record
 * @example
 * export const handler = async (event: KinesisStreamEvent) => {
 *   for (const record of deaggregateRecords(event.Records)) {
 *     console.log(record.kinesis.partitionKey, Buffer.from(record.kinesis.data, 'base64'));
 *   }
 * };
 */
export function deaggregateRecords<R extends KinesisRecordLike>(
  records: readonly R[],
): UserRecord<R>[] {
  return records.flatMap((record) => deaggregateRecord(record));
}

/**
 * The user records of one event record (see {@link deaggregateRecords}).
 *
 * @throws {KplAggregationError} when the record is an aggregate with a bad MD5 or protobuf;
 *   `error.sequenceNumber` is the record's
 * @example
 * try { users = deaggregateRecord(record); } catch (error) { await quarantine(record, error); }
 */
export function deaggregateRecord<R extends KinesisRecordLike>(record: R): UserRecord<R>[] {
  let users: UserRecordBytes[];
  try {
    users = userRecordBytes(record);
  } catch (error) {
    if (!(error instanceof KplAggregationError)) throw error;
    throw new KplAggregationError(error.code, error.message, record.kinesis.sequenceNumber);
  }
  const [first] = users;
  if (users.length === 1 && first?.subSequenceNumber === undefined)
    return [record as UserRecord<R>];
  return users.map((user) => {
    const kinesis: UserRecord['kinesis'] = {
      ...record.kinesis,
      partitionKey: user.partitionKey,
      data: Buffer.from(user.data.buffer, user.data.byteOffset, user.data.length).toString(
        'base64',
      ),
      subSequenceNumber: user.subSequenceNumber!,
    };
    if (user.explicitHashKey !== undefined) kinesis.explicitHashKey = user.explicitHashKey;
    return { ...record, kinesis } as UserRecord<R>;
  });
}
