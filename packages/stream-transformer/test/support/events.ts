import type { KinesisStreamRecord } from 'aws-lambda';

/**
 * A Lambda Kinesis event record carrying `data`, shaped as Lambda delivers it.
 *
 * @example
 * const record = lambdaRecord(bytes, '49590338271490256608559692538361571095921575989136588898');
 */
export function lambdaRecord(
  data: Uint8Array,
  sequenceNumber: string,
  partitionKey = 'p1',
): KinesisStreamRecord {
  return {
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `shardId-000000000000:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::000000000000:role/transformer',
    awsRegion: 'us-east-1',
    eventSourceARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/wallet-ledger',
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey,
      sequenceNumber,
      data: Buffer.from(data).toString('base64'),
      approximateArrivalTimestamp: 1_700_000_000.5,
    },
  };
}
