import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  type _Record,
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';

/** Every record of a table's DynamoDB stream so far, shard by shard, oldest first. */
export async function readStream(
  client: DynamoDBStreamsClient,
  streamArn: string,
): Promise<_Record[]> {
  const { StreamDescription } = await client.send(
    new DescribeStreamCommand({ StreamArn: streamArn }),
  );
  const records: _Record[] = [];
  for (const shard of StreamDescription?.Shards ?? []) {
    let iterator = (
      await client.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shard.ShardId!,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
    ).ShardIterator;
    while (iterator) {
      const page = await client.send(
        new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }),
      );
      records.push(...(page.Records ?? []));
      if ((page.Records ?? []).length === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return records;
}

/**
 * A DynamoDB stream record as Kinesis Data Streams for DynamoDB puts it into a Kinesis stream,
 * wrapped in the Lambda Kinesis event record that delivers it: base64 JSON with `eventName`,
 * `tableName` and `dynamodb` (`ApproximateCreationDateTime` in epoch milliseconds).
 */
export function asKinesisRecord(record: _Record, tableName: string, sequence: number) {
  const image = record.dynamodb!;
  const change = {
    awsRegion: 'us-east-1',
    eventID: record.eventID,
    eventName: record.eventName,
    userIdentity: null,
    recordFormat: 'application/json',
    tableName,
    dynamodb: {
      ApproximateCreationDateTime: (image.ApproximateCreationDateTime ?? new Date()).getTime(),
      Keys: image.Keys as Record<string, AttributeValue>,
      NewImage: image.NewImage as Record<string, AttributeValue>,
      SizeBytes: image.SizeBytes,
    },
    eventSource: 'aws:dynamodb',
  };
  const partitionKey = (image.Keys?.pk?.S ?? 'unknown').toString();
  return {
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `shardId-000000000000:${sequence}`,
    eventSourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/ledger-changes',
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey,
      sequenceNumber: String(49_000_000_000 + sequence),
      data: Buffer.from(JSON.stringify(change), 'utf8').toString('base64'),
      approximateArrivalTimestamp: Date.now() / 1000,
    },
  };
}
