import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import {
  createStream,
  type KinesisLocal,
  readAsLambdaEvent,
  startKinesisLocal,
} from '@wallet/testing';
import type { KinesisStreamRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  aggregateRecords,
  deaggregateRecord,
  deaggregateRecords,
  KplAggregationError,
} from '../src/index.js';
import { lambdaRecord } from './support/events.js';

const bytes = (value: string) => new TextEncoder().encode(value);
const text = (base64: string) => Buffer.from(base64, 'base64').toString();

describe('deaggregateRecords', () => {
  it('passes a record that is not aggregated through unchanged', () => {
    const record = lambdaRecord(bytes('plain'), '100');
    const [out, ...rest] = deaggregateRecords([record]);
    expect(rest).toEqual([]);
    expect(out).toBe(record);
  });

  it('replaces an aggregate by its user records in the same shape, keeping the aggregate’s sequence number', () => {
    const record = lambdaRecord(
      aggregateRecords([
        { partitionKey: 'a', data: bytes('first') },
        { partitionKey: 'b', explicitHashKey: '42', data: bytes('second') },
      ]),
      '200',
      'aggregate-key',
    );
    const out = deaggregateRecords([record]);
    expect(out.map((r) => ({ ...r.kinesis, data: text(r.kinesis.data) }))).toEqual([
      { ...record.kinesis, partitionKey: 'a', data: 'first', subSequenceNumber: 0 },
      {
        ...record.kinesis,
        partitionKey: 'b',
        explicitHashKey: '42',
        data: 'second',
        subSequenceNumber: 1,
      },
    ]);
    expect(out[1]!.eventID).toBe(record.eventID);
    expect(out[1]!.eventSourceARN).toBe(record.eventSourceARN);
  });

  it('keeps the order of records across plain records and aggregates, typed as Lambda’s records', () => {
    const out: KinesisStreamRecord[] = deaggregateRecords([
      lambdaRecord(bytes('1'), '1'),
      lambdaRecord(
        aggregateRecords([
          { partitionKey: 'k', data: bytes('2') },
          { partitionKey: 'k', data: bytes('3') },
        ]),
        '2',
      ),
      lambdaRecord(bytes('4'), '3'),
    ]);
    expect(out.map((r) => text(r.kinesis.data))).toEqual(['1', '2', '3', '4']);
  });

  it('throws a KplAggregationError naming the record whose MD5 does not match', () => {
    const blob = aggregateRecords([{ partitionKey: 'a', data: bytes('x') }]);
    blob[blob.length - 1]! ^= 1;
    const records = [lambdaRecord(bytes('ok'), '1'), lambdaRecord(blob, '2')];
    expect(() => deaggregateRecords(records)).toThrow(KplAggregationError);
    try {
      deaggregateRecord(records[1]!);
    } catch (error) {
      expect(error).toMatchObject({ code: 'KPL_CHECKSUM_MISMATCH', sequenceNumber: '2' });
    }
    expect.assertions(2);
  });
});

describe('deaggregateRecords on records read back from Kinesis (kinesalite)', () => {
  let kinesis: KinesisLocal;
  beforeAll(async () => {
    kinesis = await startKinesisLocal();
  });
  afterAll(async () => {
    await kinesis?.stop();
  });

  it('yields every user record put, aggregated or not, in order, with its own partition key', async () => {
    const stream = 'deaggregate-test';
    const arn = await createStream(kinesis.client, stream);
    const put = (data: Uint8Array, key: string) =>
      kinesis.client.send(
        new PutRecordCommand({ StreamName: stream, PartitionKey: key, Data: data }),
      );
    await put(bytes('plain-1'), 'k0');
    await put(
      aggregateRecords(
        Array.from({ length: 50 }, (_, i) => ({
          partitionKey: `k${(i % 3) + 1}`,
          data: bytes(`agg-${i}`),
        })),
      ),
      'k1',
    );
    await put(bytes('plain-2'), 'k9');
    const event = await readAsLambdaEvent(kinesis.client, stream, arn);
    expect(event.Records).toHaveLength(3);
    const out = deaggregateRecords(event.Records);
    expect(out.map((r) => text(r.kinesis.data))).toEqual([
      'plain-1',
      ...Array.from({ length: 50 }, (_, i) => `agg-${i}`),
      'plain-2',
    ]);
    expect(out[2]!.kinesis.partitionKey).toBe('k2');
    expect(out[2]!.kinesis.sequenceNumber).toBe(event.Records[1]!.kinesis.sequenceNumber);
    expect(out.map((r) => r.kinesis.subSequenceNumber)).toEqual([
      undefined,
      ...Array.from({ length: 50 }, (_, i) => i),
      undefined,
    ]);
  });
});
