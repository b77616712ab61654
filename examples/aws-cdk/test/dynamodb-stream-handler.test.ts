import type { HistoryStore } from '@wallet/core';
import {
  createMemoryHistory,
  createMemoryLedger,
  createWalletService,
  type JournalEntry,
} from '@wallet/core';
import { journalEntryOfImage, journalEntryToItem } from '@wallet/dynamodb-ledger';
import { createKinesisHandler, dynamodbChangeRecords } from '@wallet/stream-transformer';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { handler as firehoseHandler } from '../src/lambda/firehose-journal.js';

/** The transformer as the stack wires it for the DynamoDB ledger. */
const createDynamoDbStreamHandler = ({ history }: { history: HistoryStore }) =>
  createKinesisHandler({ history, format: dynamodbChangeRecords(journalEntryOfImage) });

/** A journal entry as the ledger table's NEW_IMAGE carries it: the ledger's own item. */
const entryImage = (entry: JournalEntry) => journalEntryToItem(entry);

const encode = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64');

function kinesisRecord(sequence: number, change: unknown) {
  return { kinesis: { data: encode(change), partitionKey: 'p', sequenceNumber: String(sequence) } };
}

describe('the transformer on the DynamoDB ledger stream', () => {
  let journal: JournalEntry[];

  beforeAll(async () => {
    const ledger = createMemoryLedger();
    const wallets = createWalletService({ ledger, currencies: [{ code: 'GOLD', scale: 2 }] });
    await wallets.createWallet({ accountId: 'p1' });
    await wallets.addFunds({ accountId: 'p1', amount: '10.50', metadata: { source: 'test' } });
    await wallets.withdrawFunds({ accountId: 'p1', amount: '0.50' });
    journal = await ledger.queryEntries({ accountId: 'p1', order: 'asc', limit: 10 });
  });

  afterEach(() => vi.restoreAllMocks());

  it('writes inserted entry items as history and skips wallet items, modifications and removals', async () => {
    const history = createMemoryHistory();
    const response = await createDynamoDbStreamHandler({ history })({
      Records: [
        kinesisRecord(1, {
          eventName: 'INSERT',
          dynamodb: { NewImage: { kind: { S: 'WALLET' } } },
        }),
        kinesisRecord(2, { eventName: 'INSERT', dynamodb: { NewImage: entryImage(journal[1]!) } }),
        kinesisRecord(3, {
          eventName: 'MODIFY',
          dynamodb: { NewImage: { kind: { S: 'WALLET' } } },
        }),
        kinesisRecord(4, { eventName: 'INSERT', dynamodb: { NewImage: entryImage(journal[0]!) } }),
        kinesisRecord(5, { eventName: 'REMOVE', dynamodb: { Keys: {} } }),
      ],
    });
    expect(response).toEqual({ batchItemFailures: [] });
    expect(await history.queryEntries({ accountId: 'p1', order: 'asc', limit: 10 })).toEqual(
      journal,
    );
  });

  it('logs poison records (not JSON, not a change record, a tampered entry) and never blocks the shard', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const history = createMemoryHistory();
    const tampered = { ...entryImage(journal[0]!), amount: { S: '1000.00' } };
    const response = await createDynamoDbStreamHandler({ history })({
      Records: [
        {
          kinesis: {
            data: Buffer.from('not json').toString('base64'),
            partitionKey: 'p',
            sequenceNumber: '1',
          },
        },
        kinesisRecord(2, { hello: 'world' }),
        kinesisRecord(3, { eventName: 'INSERT', dynamodb: { NewImage: tampered } }),
        kinesisRecord(4, { eventName: 'INSERT', dynamodb: { NewImage: entryImage(journal[1]!) } }),
      ],
    });
    expect(response).toEqual({ batchItemFailures: [] });
    const lines = logged.mock.calls.map(([line]) => JSON.parse(String(line)));
    expect(lines.map((line) => [line.msg, line.sequenceNumber])).toEqual([
      ['poison stream record', '1'],
      ['poison stream record', '2'],
      ['poison stream record', '3'],
    ]);
    expect(await history.queryEntries({ accountId: 'p1', order: 'asc', limit: 10 })).toEqual([
      journal[1],
    ]);
  });

  it('reports the first record with an entry when the history write fails, so Lambda retries from it', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const failing: HistoryStore = {
      putEntries: async () => {
        throw new Error('throttled');
      },
      queryEntries: async () => [],
    };
    const response = await createDynamoDbStreamHandler({ history: failing })({
      Records: [
        kinesisRecord(7, { eventName: 'INSERT', dynamodb: { NewImage: { kind: { S: 'KEY' } } } }),
        kinesisRecord(8, { eventName: 'INSERT', dynamodb: { NewImage: entryImage(journal[0]!) } }),
        kinesisRecord(9, { eventName: 'INSERT', dynamodb: { NewImage: entryImage(journal[1]!) } }),
      ],
    });
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: '8' }] });
  });

  it('writes an entry delivered twice in one batch once', async () => {
    const putEntries = vi.fn(async () => {});
    const change = { eventName: 'INSERT', dynamodb: { NewImage: entryImage(journal[0]!) } };
    await createDynamoDbStreamHandler({ history: { putEntries, queryEntries: async () => [] } })({
      Records: [kinesisRecord(1, change), kinesisRecord(2, change)],
    });
    expect(putEntries).toHaveBeenCalledWith([journal[0]]);
  });

  it('turns entry changes into Firehose journal rows partitioned by txTime date, with exact decimal literals', async () => {
    const entry = journal[0]!;
    const { records } = await firehoseHandler({
      invocationId: 'i',
      deliveryStreamArn: 'arn:aws:firehose:us-east-1:123456789012:deliverystream/x',
      region: 'us-east-1',
      records: [
        {
          recordId: 'a',
          approximateArrivalTimestamp: 0,
          data: encode({ eventName: 'INSERT', dynamodb: { NewImage: entryImage(entry) } }),
        },
        {
          recordId: 'b',
          approximateArrivalTimestamp: 0,
          data: encode({ eventName: 'INSERT', dynamodb: { NewImage: { kind: { S: 'WALLET' } } } }),
        },
        {
          recordId: 'c',
          approximateArrivalTimestamp: 0,
          data: Buffer.from('{').toString('base64'),
        },
      ],
    });
    expect(records.map((record) => record.result)).toEqual(['Ok', 'Dropped', 'ProcessingFailed']);
    expect(records[0]!.metadata?.partitionKeys).toEqual({ dt: entry.txTime.slice(0, 10) });
    const row = Buffer.from(records[0]!.data ?? '', 'base64').toString('utf8');
    expect(row).toContain('"amount":10.50,');
    expect(row.endsWith('}\n')).toBe(true);
    expect(JSON.parse(row)).toMatchObject({
      account_id: 'p1',
      sequence: 1,
      scale: 2,
      tx_time: Date.parse(entry.txTime),
      metadata: JSON.stringify(entry.metadata),
      hash: entry.hash,
    });
  });
});
