import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';

// Loaded when used, so studios running only the ledger suites need neither package.
const load = createRequire(import.meta.url);
const kinesisSdk = () =>
  load('@aws-sdk/client-kinesis') as typeof import('@aws-sdk/client-kinesis');

/**
 * A running kinesalite and a real SDK client pointed at it.
 *
 * @example
 * const kinesis: KinesisLocal = await startKinesisLocal();
 * await createStream(kinesis.client, 'wallet-journal');
 * await kinesis.stop();
 */
export interface KinesisLocal {
  /** A Kinesis client against kinesalite, with dummy credentials. */
  client: KinesisClient;
  /** Destroys the client and stops kinesalite. */
  stop(): Promise<void>;
}

interface Server {
  listen(port: number, host: string, callback: () => void): void;
  address(): AddressInfo | string | null;
  close(callback: (error?: Error) => void): void;
}

/**
 * Starts kinesalite (an in-process Kinesis; the optional peer `kinesalite`) in this process on a free loopback port, with streams that become ACTIVE at
 * once, and a Kinesis client with dummy credentials against it.
 *
 * @example
 * const kinesis = await startKinesisLocal();
 */
export async function startKinesisLocal(): Promise<KinesisLocal> {
  const kinesalite = load('kinesalite') as (options: object) => Server;
  const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const client = new (kinesisSdk().KinesisClient)({
    endpoint: `http://127.0.0.1:${port}`,
    requestHandler: http1Handler(),
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return {
    client,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        client.destroy();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * The SDK's HTTP/1.1 request handler. The Kinesis client defaults to HTTP/2, which kinesalite
 * does not speak; the handler is the SDK's own, taken from the client's dependencies.
 */
function http1Handler(): object {
  const fromClient = createRequire(load.resolve('@aws-sdk/client-kinesis'));
  const { NodeHttpHandler } = fromClient('@smithy/node-http-handler') as {
    NodeHttpHandler: new () => object;
  };
  return new NodeHttpHandler();
}

/**
 * Creates a one-shard stream and waits until it is ACTIVE.
 *
 * @example
 * const streamArn = await createStream(kinesis.client, 'wallet-ledger');
 */
export async function createStream(client: KinesisClient, streamName: string): Promise<string> {
  const { CreateStreamCommand, DescribeStreamCommand } = kinesisSdk();
  await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: 1 }));
  for (;;) {
    const { StreamDescription } = await client.send(
      new DescribeStreamCommand({ StreamName: streamName }),
    );
    if (StreamDescription?.StreamStatus === 'ACTIVE') return StreamDescription.StreamARN!;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Reads every record of the stream's only shard from the start with GetRecords, as the Lambda
 * event source mapping would, and shapes them as Lambda's Kinesis event.
 *
 * @example
 * const event = await readAsLambdaEvent(kinesis.client, 'wallet-ledger', streamArn);
 */
export async function readAsLambdaEvent(
  client: KinesisClient,
  streamName: string,
  streamArn: string,
): Promise<KinesisStreamEvent> {
  const { DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand } = kinesisSdk();
  const { StreamDescription } = await client.send(
    new DescribeStreamCommand({ StreamName: streamName }),
  );
  const shardId = StreamDescription!.Shards![0]!.ShardId!;
  const { ShardIterator } = await client.send(
    new GetShardIteratorCommand({
      StreamName: streamName,
      ShardId: shardId,
      ShardIteratorType: 'TRIM_HORIZON',
    }),
  );
  const records: KinesisStreamRecord[] = [];
  let iterator = ShardIterator;
  while (iterator) {
    const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 500 }));
    for (const record of page.Records ?? []) {
      records.push({
        eventSource: 'aws:kinesis',
        eventVersion: '1.0',
        eventID: `${shardId}:${record.SequenceNumber}`,
        eventName: 'aws:kinesis:record',
        invokeIdentityArn: 'arn:aws:iam::000000000000:role/transformer',
        awsRegion: 'local',
        eventSourceARN: streamArn,
        kinesis: {
          kinesisSchemaVersion: '1.0',
          partitionKey: record.PartitionKey!,
          sequenceNumber: record.SequenceNumber!,
          data: Buffer.from(record.Data!).toString('base64'),
          approximateArrivalTimestamp: record.ApproximateArrivalTimestamp!.getTime() / 1000,
        },
      });
    }
    iterator = (page.Records?.length ?? 0) > 0 ? page.NextShardIterator : undefined;
  }
  return { Records: records };
}
