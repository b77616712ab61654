import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  aggregateRecords,
  isAggregated,
  KplAggregationError,
  parseAggregate,
} from '../src/index.js';

const MAGIC = [0xf3, 0x89, 0x9a, 0xc2];
const text = (value: string) => new TextEncoder().encode(value);

/** Magic + protobuf + MD5 of the protobuf: a KPL aggregate around hand-written protobuf bytes. */
function framed(protobuf: number[]): Uint8Array {
  const body = Uint8Array.from(protobuf);
  return Uint8Array.from([...MAGIC, ...body, ...createHash('md5').update(body).digest()]);
}

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof KplAggregationError) return error.code;
    throw error;
  }
  return undefined;
}

describe('KPL aggregated records', () => {
  it('are written as magic, the AggregatedRecord protobuf and its MD5, byte for byte', () => {
    const blob = aggregateRecords([{ partitionKey: 'a', data: text('x') }]);
    // partition_key_table "a"; records { partition_key_index 0, data "x" }
    expect([...blob]).toEqual([
      ...framed([0x0a, 0x01, 0x61, 0x1a, 0x05, 0x08, 0x00, 0x1a, 0x01, 0x78]),
    ]);
  });

  it('round-trip user records in order, keys from the key tables, each key stored once', () => {
    const records = [
      { partitionKey: 'p1', data: text('one') },
      {
        partitionKey: 'p2',
        explicitHashKey: '170141183460469231731687303715884105728',
        data: text('two'),
      },
      { partitionKey: 'p1', data: new Uint8Array(0) },
      {
        partitionKey: 'p2',
        explicitHashKey: '170141183460469231731687303715884105728',
        data: text('four'),
      },
    ];
    const blob = aggregateRecords(records);
    expect(isAggregated(blob)).toBe(true);
    expect(Buffer.from(blob).toString('latin1').split('p1')).toHaveLength(2);
    expect(
      parseAggregate(blob).map((r) => ({ ...r, data: Buffer.from(r.data).toString() })),
    ).toEqual(records.map((r) => ({ ...r, data: Buffer.from(r.data).toString() })));
  });

  it('are read with unknown fields and record tags skipped', () => {
    // field 5 (varint 1) at the top; record with tags { key "k" } as field 4
    const blob = framed([
      0x0a, 0x01, 0x61, 0x28, 0x01, 0x1a, 0x0a, 0x08, 0x00, 0x1a, 0x01, 0x78, 0x22, 0x03, 0x0a,
      0x01, 0x6b,
    ]);
    expect(parseAggregate(blob)).toEqual([{ partitionKey: 'a', data: text('x') }]);
  });

  it('with a wrong MD5 fail with KPL_CHECKSUM_MISMATCH', () => {
    const blob = aggregateRecords([{ partitionKey: 'a', data: text('x') }]);
    blob[blob.length - 1]! ^= 0xff;
    expect(codeOf(() => parseAggregate(blob))).toBe('KPL_CHECKSUM_MISMATCH');
  });

  it('with a record changed after the MD5 was taken fail with KPL_CHECKSUM_MISMATCH', () => {
    const blob = aggregateRecords([{ partitionKey: 'a', data: text('x') }]);
    blob[12] = 0x79;
    expect(codeOf(() => parseAggregate(blob))).toBe('KPL_CHECKSUM_MISMATCH');
  });

  it.each([
    ['a truncated protobuf (valid MD5)', framed([0x0a, 0x01, 0x61, 0x1a, 0x05, 0x08, 0x00, 0x1a])],
    ['a length past the end', framed([0x0a, 0x09, 0x61])],
    ['a truncated varint', framed([0x0a, 0x01, 0x61, 0x1a, 0x02, 0x08, 0x80])],
    [
      'a partition key index out of the table',
      framed([0x0a, 0x01, 0x61, 0x1a, 0x05, 0x08, 0x01, 0x1a, 0x01, 0x78]),
    ],
    [
      'an explicit hash key index out of the table',
      framed([0x0a, 0x01, 0x61, 0x1a, 0x07, 0x08, 0x00, 0x10, 0x00, 0x1a, 0x01, 0x78]),
    ],
    ['a record without data', framed([0x0a, 0x01, 0x61, 0x1a, 0x02, 0x08, 0x00])],
    [
      'a record whose last field runs past its length',
      framed([0x0a, 0x01, 0x61, 0x1a, 0x01, 0x08, 0x00]),
    ],
    [
      'a record without a partition key index',
      framed([0x0a, 0x01, 0x61, 0x1a, 0x03, 0x1a, 0x01, 0x78]),
    ],
    ['a partition key that is not UTF-8', framed([0x0a, 0x01, 0xff])],
    ['an unsupported wire type', framed([0x0b])],
    ['the magic and fewer bytes than an MD5', Uint8Array.from([...MAGIC, 1, 2, 3])],
  ])('with %s fail with KPL_MALFORMED', (_, blob) => {
    expect(codeOf(() => parseAggregate(blob))).toBe('KPL_MALFORMED');
  });

  it('are recognised by the magic alone; other bytes are not aggregates', () => {
    expect(isAggregated(Uint8Array.from(MAGIC))).toBe(true);
    expect(isAggregated(Uint8Array.from([0xe0, 0x01, 0x00, 0xea]))).toBe(false);
    expect(isAggregated(Uint8Array.from([0xf3, 0x89]))).toBe(false);
  });
});
