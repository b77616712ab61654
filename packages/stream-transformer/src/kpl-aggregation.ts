import { createHash } from 'node:crypto';
import { KplAggregationError } from './errors.js';
import { ProtobufReader, ProtobufWriter, WireType, wireType } from './protobuf.js';

/**
 * The four bytes every KPL aggregated record starts with.
 *
 * @example
 * Buffer.from(KPL_MAGIC).toString('hex'); // "f3899ac2"
 */
export const KPL_MAGIC: Readonly<Uint8Array> = Uint8Array.of(0xf3, 0x89, 0x9a, 0xc2);

const MD5_LENGTH = 16;

/**
 * One user record inside (or destined for) a KPL aggregate.
 *
 * @example
 * const record: KplUserRecord = { partitionKey: 'player-1', data: ionBytes };
 */
export interface KplUserRecord {
  /** The user record's partition key. */
  partitionKey: string;
  /** A decimal 128-bit hash key that overrides the partition key's hash, when the producer set one. */
  explicitHashKey?: string;
  /** The user record's bytes. */
  data: Uint8Array;
}

/**
 * True when `bytes` start with the KPL magic, i.e. must be read as an aggregate.
 *
 * @example
 * if (isAggregated(bytes)) records = parseAggregate(bytes);
 */
export function isAggregated(bytes: Uint8Array): boolean {
  return (
    bytes.length >= KPL_MAGIC.length &&
    bytes[0] === KPL_MAGIC[0] &&
    bytes[1] === KPL_MAGIC[1] &&
    bytes[2] === KPL_MAGIC[2] &&
    bytes[3] === KPL_MAGIC[3]
  );
}

/**
 * Packs user records into one KPL aggregated record: magic, protobuf `AggregatedRecord`, MD5 of
 * the protobuf. Partition and explicit hash keys are stored once each in the key tables.
 *
 * @example
 * const blob = aggregateRecords([{ partitionKey: 'p1', data: a }, { partitionKey: 'p1', data: b }]);
 * await kinesis.send(new PutRecordCommand({ StreamName, PartitionKey: 'p1', Data: blob }));
 */
export function aggregateRecords(records: readonly KplUserRecord[]): Uint8Array {
  const partitionKeys = new Map<string, number>();
  const hashKeys = new Map<string, number>();
  const indexOf = (table: Map<string, number>, key: string): number => {
    let index = table.get(key);
    if (index === undefined) {
      index = table.size;
      table.set(key, index);
    }
    return index;
  };
  const bodies = records.map((record) => {
    const body = new ProtobufWriter();
    body.varintField(1, indexOf(partitionKeys, record.partitionKey));
    if (record.explicitHashKey !== undefined) {
      body.varintField(2, indexOf(hashKeys, record.explicitHashKey));
    }
    body.bytesField(3, record.data);
    return body.finish();
  });
  const message = new ProtobufWriter();
  for (const key of partitionKeys.keys()) message.stringField(1, key);
  for (const key of hashKeys.keys()) message.stringField(2, key);
  for (const body of bodies) message.bytesField(3, body);
  const protobuf = message.finish();
  const digest = createHash('md5').update(protobuf).digest();
  const out = new Uint8Array(KPL_MAGIC.length + protobuf.length + MD5_LENGTH);
  out.set(KPL_MAGIC, 0);
  out.set(protobuf, KPL_MAGIC.length);
  out.set(digest, KPL_MAGIC.length + protobuf.length);
  return out;
}

/**
 * Unpacks a KPL aggregated record after checking its MD5. The user records' `data` are views
 * into `bytes` (no copies).
 *
 * @throws {KplAggregationError} `KPL_CHECKSUM_MISMATCH` when the MD5 does not match, and
 *   `KPL_MALFORMED` when the magic is missing or the protobuf is truncated or malformed
 * @example
 * const records = parseAggregate(Buffer.from(event.Records[0].kinesis.data, 'base64'));
 */
export function parseAggregate(bytes: Uint8Array): KplUserRecord[] {
  if (!isAggregated(bytes)) {
    throw new KplAggregationError('KPL_MALFORMED', 'record does not start with the KPL magic');
  }
  const end = bytes.length - MD5_LENGTH;
  if (end < KPL_MAGIC.length) {
    throw new KplAggregationError('KPL_MALFORMED', 'aggregated record is shorter than its MD5');
  }
  const protobuf = bytes.subarray(KPL_MAGIC.length, end);
  const expected = bytes.subarray(end);
  const actual = createHash('md5').update(protobuf).digest();
  if (!actual.equals(expected)) {
    throw new KplAggregationError(
      'KPL_CHECKSUM_MISMATCH',
      `aggregated record MD5 is ${Buffer.from(expected).toString('hex')}, its protobuf hashes to ${actual.toString('hex')}`,
    );
  }
  return readAggregatedRecord(protobuf);
}

/** A record's key indexes and data, before its keys are looked up in the tables. */
interface RawRecord {
  partitionKeyIndex: number;
  explicitHashKeyIndex: number | undefined;
  data: Uint8Array;
}

// Keys (field number × 8 + wire type) of the fields read; anything else is skipped.
const PARTITION_KEY_TABLE = 1 * 8 + WireType.LENGTH_DELIMITED;
const EXPLICIT_HASH_KEY_TABLE = 2 * 8 + WireType.LENGTH_DELIMITED;
const RECORDS = 3 * 8 + WireType.LENGTH_DELIMITED;
const PARTITION_KEY_INDEX = 1 * 8 + WireType.VARINT;
const EXPLICIT_HASH_KEY_INDEX = 2 * 8 + WireType.VARINT;
const DATA = 3 * 8 + WireType.LENGTH_DELIMITED;

function readAggregatedRecord(protobuf: Uint8Array): KplUserRecord[] {
  const partitionKeys: string[] = [];
  const hashKeys: string[] = [];
  const raw: RawRecord[] = [];
  const reader = new ProtobufReader(protobuf);
  while (!reader.done()) {
    const key = reader.tag();
    if (key === PARTITION_KEY_TABLE) partitionKeys.push(reader.string());
    else if (key === EXPLICIT_HASH_KEY_TABLE) hashKeys.push(reader.string());
    else if (key === RECORDS) raw.push(readRecord(reader, reader.enter()));
    else reader.skip(wireType(key));
  }
  // The key tables may follow the records in the message, so keys are looked up at the end.
  return raw.map((record, index) => {
    const partitionKey = partitionKeys[record.partitionKeyIndex];
    if (partitionKey === undefined) {
      throw malformed(
        `record ${index} names partition key ${record.partitionKeyIndex} of ${partitionKeys.length}`,
      );
    }
    if (record.explicitHashKeyIndex === undefined) return { partitionKey, data: record.data };
    const explicitHashKey = hashKeys[record.explicitHashKeyIndex];
    if (explicitHashKey === undefined) {
      throw malformed(
        `record ${index} names explicit hash key ${record.explicitHashKeyIndex} of ${hashKeys.length}`,
      );
    }
    return { partitionKey, explicitHashKey, data: record.data };
  });
}

function readRecord(reader: ProtobufReader, end: number): RawRecord {
  let partitionKeyIndex: number | undefined;
  let explicitHashKeyIndex: number | undefined;
  let data: Uint8Array | undefined;
  while (reader.before(end)) {
    const key = reader.tag();
    if (key === PARTITION_KEY_INDEX) partitionKeyIndex = reader.varint();
    else if (key === EXPLICIT_HASH_KEY_INDEX) explicitHashKeyIndex = reader.varint();
    else if (key === DATA) data = reader.bytesField();
    // Field 4 (tags) and anything newer carry nothing a consumer needs.
    else reader.skip(wireType(key));
  }
  if (reader.position() !== end) throw malformed('record runs past its length');
  // Both are `required` in the KPL's proto2 schema: a record without them is not an aggregate.
  if (partitionKeyIndex === undefined) throw malformed('record without partition_key_index');
  if (data === undefined) throw malformed('record without data');
  return { partitionKeyIndex, explicitHashKeyIndex, data };
}

function malformed(problem: string): KplAggregationError {
  return new KplAggregationError('KPL_MALFORMED', `malformed KPL protobuf: ${problem}`);
}
