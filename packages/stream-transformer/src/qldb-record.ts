import type { JsonValue } from '@wallet/core';
import { QldbRecordError } from './errors.js';
import { ionToJson } from './ion-to-json.js';

/**
 * A JSON object, as an Ion struct decodes to.
 *
 * @example
 * const document: JsonObject = { accountId: 'p1', amount: '5.00' };
 */
export type JsonObject = { [key: string]: JsonValue };

/**
 * Where a block sits in a QLDB journal.
 *
 * @example
 * const address: BlockAddress = { strandId: 'HbD9IggL584EPHmfwjmVz0', sequenceNo: 3 };
 */
export interface BlockAddress {
  /** The journal strand the block is in. */
  strandId: string;
  /** The block's position in its strand. */
  sequenceNo: number;
}

/**
 * A stream's lifecycle event (`controlRecordType` `CREATED`, `CANCELLED`, ...).
 *
 * @example
 * if (record.recordType === 'CONTROL') console.log(record.payload.controlRecordType);
 */
export interface ControlRecord {
  /** The ARN of the QLDB stream. */
  qldbStreamArn: string;
  /** The discriminant. */
  recordType: 'CONTROL';
  /** The event. */
  payload: {
    /** `CREATED`, `CANCELLED`, ... */
    controlRecordType: string;
  };
}

/**
 * The summary of one committed journal block: its hashes, statements and the revisions it wrote.
 * Fields beyond the required ones are typed as they usually come and passed through as decoded.
 *
 * @example
 * if (record.recordType === 'BLOCK_SUMMARY') console.log(record.payload.transactionId);
 */
export interface BlockSummaryRecord {
  /** The ARN of the QLDB stream. */
  qldbStreamArn: string;
  /** The discriminant. */
  recordType: 'BLOCK_SUMMARY';
  /** The block. */
  payload: {
    /** Where the block sits in the journal. */
    blockAddress: BlockAddress;
    /** The transaction the block committed. */
    transactionId: string;
    /** ISO 8601. */
    blockTimestamp: string;
    /** Base64 of the SHA-256 block hash. */
    blockHash: string;
    /** Base64 of the hash of the block's entries, as QLDB sends it. */
    entriesHash?: string;
    /** Base64 of the previous block's hash, as QLDB sends it. */
    previousBlockHash?: string;
    /** Base64 of the hashes the block's entries hash is built from, as QLDB sends them. */
    entriesHashList?: string[];
    /** The transaction's statements and documents, as QLDB sends them. */
    transactionInfo?: JsonObject;
    /** One per revision the block wrote. */
    revisionSummaries?: {
      /** Base64 of the revision's hash. */
      hash?: string;
      /** The document revised. */
      documentId: string;
    }[];
  };
}

/**
 * One document revision. No `data` is a delete; `dataHash` instead of `data` is a redacted
 * revision.
 *
 * @example
 * const { id, version } = record.payload.revision.metadata;
 */
export interface Revision {
  /** The block that wrote the revision. */
  blockAddress: BlockAddress;
  /** Base64 of the revision's SHA-256 hash. */
  hash: string;
  /** The document as revised; absent for a delete or a redacted revision. */
  data?: JsonObject;
  /** Base64; present when the revision was redacted. */
  dataHash?: string;
  /** The revision's place in the document's life. */
  metadata: {
    /** The document id, stable across the document's revisions. */
    id: string;
    /** 0 for the insert, +1 for every later revision. */
    version: number;
    /** ISO 8601. */
    txTime: string;
    /** The transaction that wrote the revision. */
    txId: string;
  };
}

/**
 * A document revision written to a table.
 *
 * @example
 * if (record.recordType === 'REVISION_DETAILS') console.log(record.payload.tableInfo.tableName);
 */
export interface RevisionDetailsRecord {
  /** The ARN of the QLDB stream. */
  qldbStreamArn: string;
  /** The discriminant. */
  recordType: 'REVISION_DETAILS';
  /** The revision and its table. */
  payload: {
    /** The table written. */
    tableInfo: {
      /** The table's name, e.g. `JournalEntries`. */
      tableName: string;
      /** The table's QLDB id. */
      tableId: string;
    };
    /** The revision. */
    revision: Revision;
  };
}

/**
 * A QLDB stream record as JSON, discriminated on `recordType`.
 *
 * @example
 * switch (record.recordType) { case 'REVISION_DETAILS': ...; case 'BLOCK_SUMMARY': ...; case 'CONTROL': ... }
 */
export type QldbRecord = ControlRecord | BlockSummaryRecord | RevisionDetailsRecord;

/**
 * The record types this version knows.
 *
 * @example
 * QLDB_RECORD_TYPES.includes(record.recordType); // true
 */
export const QLDB_RECORD_TYPES = ['CONTROL', 'BLOCK_SUMMARY', 'REVISION_DETAILS'] as const;

/**
 * Decodes one QLDB stream record from Ion (binary or text, as bytes or base64) to JSON by the
 * rules of DESIGN section 6, and checks the fields its `recordType` requires. Every other field
 * is kept as it came.
 *
 * @throws {IonDecodeError} when the data is not one well-formed Ion value
 * @throws {QldbRecordError} `NOT_A_QLDB_RECORD` when a required field is missing or mistyped,
 *   `UNKNOWN_RECORD_TYPE` for a `recordType` other than CONTROL, BLOCK_SUMMARY, REVISION_DETAILS
 * @example
 * const record = decodeQldbRecord(event.Records[0].kinesis.data);
 * if (record.recordType === 'REVISION_DETAILS') console.log(record.payload.revision.data);
 */
export function decodeQldbRecord(data: Uint8Array | string): QldbRecord {
  const values = ionToJson(data);
  if (values.length !== 1) {
    throw new QldbRecordError(
      'NOT_A_QLDB_RECORD',
      `expected one Ion value, found ${values.length}`,
    );
  }
  return parseQldbRecord(values[0]!);
}

/**
 * Checks that a decoded JSON value is a QLDB stream record (see {@link decodeQldbRecord}).
 *
 * @throws {QldbRecordError} as {@link decodeQldbRecord}
 * @example
 * const record = parseQldbRecord(JSON.parse(text));
 */
export function parseQldbRecord(value: JsonValue): QldbRecord {
  const record = object(value, 'record');
  string(record.qldbStreamArn, 'qldbStreamArn');
  const recordType = string(record.recordType, 'recordType');
  const payload = object(record.payload, 'payload');
  switch (recordType) {
    case 'CONTROL':
      string(payload.controlRecordType, 'payload.controlRecordType');
      break;
    case 'BLOCK_SUMMARY':
      blockAddress(payload.blockAddress, 'payload.blockAddress');
      string(payload.transactionId, 'payload.transactionId');
      string(payload.blockTimestamp, 'payload.blockTimestamp');
      string(payload.blockHash, 'payload.blockHash');
      break;
    case 'REVISION_DETAILS':
      revisionDetails(payload);
      break;
    default:
      throw new QldbRecordError(
        'UNKNOWN_RECORD_TYPE',
        `unknown QLDB record type ${JSON.stringify(recordType.slice(0, 64))}, expected one of ${QLDB_RECORD_TYPES.join(', ')}`,
      );
  }
  return record as unknown as QldbRecord;
}

function revisionDetails(payload: JsonObject): void {
  const tableInfo = object(payload.tableInfo, 'payload.tableInfo');
  string(tableInfo.tableName, 'payload.tableInfo.tableName');
  string(tableInfo.tableId, 'payload.tableInfo.tableId');
  const revision = object(payload.revision, 'payload.revision');
  blockAddress(revision.blockAddress, 'payload.revision.blockAddress');
  string(revision.hash, 'payload.revision.hash');
  // A document is never null in QLDB, so a null `data` says the same as none: a delete.
  if (revision.data === null) delete revision.data;
  if (revision.data !== undefined) object(revision.data, 'payload.revision.data');
  if (revision.dataHash !== undefined) string(revision.dataHash, 'payload.revision.dataHash');
  const metadata = object(revision.metadata, 'payload.revision.metadata');
  string(metadata.id, 'payload.revision.metadata.id');
  const version = metadata.version;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) {
    throw notARecord('payload.revision.metadata.version must be an int >= 0');
  }
  string(metadata.txTime, 'payload.revision.metadata.txTime');
  string(metadata.txId, 'payload.revision.metadata.txId');
}

function blockAddress(value: JsonValue | undefined, path: string): void {
  const address = object(value, path);
  string(address.strandId, `${path}.strandId`);
  if (typeof address.sequenceNo !== 'number') throw notARecord(`${path}.sequenceNo must be an int`);
}

function object(value: JsonValue | undefined, path: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw notARecord(`${path} must be a struct`);
  }
  return value;
}

function string(value: JsonValue | undefined, path: string): string {
  if (typeof value !== 'string') throw notARecord(`${path} must be a string`);
  return value;
}

function notARecord(problem: string): QldbRecordError {
  return new QldbRecordError('NOT_A_QLDB_RECORD', `not a QLDB stream record: ${problem}`);
}
