import { createHash } from 'node:crypto';

/** The four bytes every KPL-aggregated Kinesis record starts with. */
export const KPL_MAGIC = Uint8Array.of(0xf3, 0x89, 0x9a, 0xc2);

/**
 * One Kinesis user record: what a producer put, before any aggregation.
 *
 * @example
 * const record: UserRecord = { partitionKey: 'doc-1', data: ionBytes };
 */
export interface UserRecord {
  /** The record's Kinesis partition key. */
  partitionKey: string;
  /** The record's payload. */
  data: Uint8Array;
}

function varint(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
  return out;
}

function lengthDelimited(field: number, bytes: Uint8Array | number[]): number[] {
  return [...varint((field << 3) | 2), ...varint(bytes.length), ...bytes];
}

/**
 * Packs user records into one KPL aggregated record, as the Kinesis Producer Library (and so a
 * QLDB stream, by default) does: the magic bytes, the protobuf `AggregatedRecord`
 * (`partition_key_table` = 1, `records` = 3 holding `Record { partition_key_index = 1,
 * data = 3 }`), then the MD5 of the protobuf bytes.
 *
 * @example
 * const data = aggregateUserRecords([{ partitionKey: 'doc-1', data: ionBytes }]);
 */
export function aggregateUserRecords(records: readonly UserRecord[]): Uint8Array {
  const keys = [...new Set(records.map((r) => r.partitionKey))];
  // Partition keys first (field 1), then the records (field 3) that point into that table.
  const message: number[] = keys.flatMap((key) =>
    lengthDelimited(1, new TextEncoder().encode(key)),
  );
  for (const record of records) {
    const inner = [
      ...varint(1 << 3),
      ...varint(keys.indexOf(record.partitionKey)),
      ...lengthDelimited(3, record.data),
    ];
    message.push(...lengthDelimited(3, inner));
  }
  const protobuf = Uint8Array.from(message);
  const checksum = createHash('md5').update(protobuf).digest();
  return Uint8Array.from([...KPL_MAGIC, ...protobuf, ...checksum]);
}
