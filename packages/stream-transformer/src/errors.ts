/**
 * Why a stream record can never be turned into history. Each code names one defined outcome of
 * bad input; none of them gets better on retry, so the Kinesis handler sends such records to
 * its poison sink instead of blocking the shard.
 *
 * @example
 * if (error instanceof StreamRecordError && error.code === 'KPL_CHECKSUM_MISMATCH') alarm();
 */
export const STREAM_RECORD_ERROR_CODES = [
  'KPL_CHECKSUM_MISMATCH',
  'KPL_MALFORMED',
  'ION_MALFORMED',
  'NOT_A_QLDB_RECORD',
  'UNKNOWN_RECORD_TYPE',
  'INVALID_JOURNAL_DOCUMENT',
  'JOURNAL_HASH_MISMATCH',
  'NOT_A_CHANGE_RECORD',
] as const;

/**
 * One of {@link STREAM_RECORD_ERROR_CODES}.
 *
 * @example
 * const code: StreamRecordErrorCode = 'ION_MALFORMED';
 */
export type StreamRecordErrorCode = (typeof STREAM_RECORD_ERROR_CODES)[number];

/**
 * The base of every error this package throws about the content of a record. Content does not
 * change when it is redelivered, so every `StreamRecordError` is permanent.
 *
 * @example
 * try { decodeQldbRecord(bytes); }
 * catch (error) { if (error instanceof StreamRecordError) console.log(error.code); }
 */
export abstract class StreamRecordError extends Error {
  /** The fixed code of this kind of bad input. */
  abstract readonly code: StreamRecordErrorCode;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * A Kinesis record that starts with the KPL magic but is not a valid aggregate: its MD5 does not
 * match (`KPL_CHECKSUM_MISMATCH`) or its protobuf is truncated or malformed (`KPL_MALFORMED`).
 *
 * @example
 * new KplAggregationError('KPL_CHECKSUM_MISMATCH', 'MD5 of the protobuf does not match');
 */
export class KplAggregationError extends StreamRecordError {
  constructor(
    readonly code: 'KPL_CHECKSUM_MISMATCH' | 'KPL_MALFORMED',
    message: string,
    /** The Kinesis sequence number of the aggregate, when known. */
    readonly sequenceNumber?: string,
  ) {
    super(sequenceNumber === undefined ? message : `record ${sequenceNumber}: ${message}`);
  }
}

/**
 * Bytes that are not one well-formed Ion value (binary or text).
 *
 * @example
 * new IonDecodeError('truncated value at byte 12');
 */
export class IonDecodeError extends StreamRecordError {
  readonly code = 'ION_MALFORMED' as const;
}

/**
 * Well-formed Ion that is not a QLDB stream record (`NOT_A_QLDB_RECORD`: a missing or mistyped
 * field), or a QLDB record whose `recordType` this version does not know
 * (`UNKNOWN_RECORD_TYPE`).
 *
 * @example
 * new QldbRecordError('NOT_A_QLDB_RECORD', 'payload.revision.metadata.id must be a string');
 */
export class QldbRecordError extends StreamRecordError {
  constructor(
    readonly code: 'NOT_A_QLDB_RECORD' | 'UNKNOWN_RECORD_TYPE',
    message: string,
  ) {
    super(message);
  }
}

/**
 * A revision of the journal table whose document is not a journal entry
 * (`INVALID_JOURNAL_DOCUMENT`), or whose fields do not hash to its `hash`
 * (`JOURNAL_HASH_MISMATCH`: writing it would put an entry that fails verification into history).
 *
 * @example
 * new JournalDocumentError('INVALID_JOURNAL_DOCUMENT', 'amount must be a decimal');
 */
export class JournalDocumentError extends StreamRecordError {
  constructor(
    readonly code: 'INVALID_JOURNAL_DOCUMENT' | 'JOURNAL_HASH_MISMATCH',
    message: string,
  ) {
    super(message);
  }
}

/**
 * A record of a DynamoDB change stream that is not JSON of the change-record shape
 * (`eventName`, `dynamodb`), or whose journal entry image does not decode.
 *
 * @example
 * new ChangeRecordError('the record is not JSON');
 */
export class ChangeRecordError extends StreamRecordError {
  readonly code = 'NOT_A_CHANGE_RECORD' as const;
}
