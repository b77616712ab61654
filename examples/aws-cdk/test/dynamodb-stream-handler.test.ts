import type { HistoryStore } from '@wallet/core';
import {
  createMemoryHistory,
  createMemoryLedger,
  createWalletService,
  ENTRY_TYPE_FIELDS,
  hashEntry,
  type JournalEntry,
} from '@wallet/core';
import { journalEntryOfImage, journalEntryToItem } from '@wallet/dynamodb-ledger';
import { createKinesisHandler, dynamodbChangeRecords } from '@wallet/stream-transformer';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { JOURNAL_GLUE_COLUMNS } from '../../../packages/analytics/src/journal-columns.js';
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

/** A Firehose transformation event of DynamoDB change records, one per given change. */
const firehoseEvent = (changes: unknown[]) => ({
  invocationId: 'i',
  deliveryStreamArn: 'arn:aws:firehose:us-east-1:123456789012:deliverystream/x',
  region: 'us-east-1',
  records: changes.map((change, i) => ({
    recordId: String(i),
    approximateArrivalTimestamp: 0,
    data: encode(change),
  })),
});

describe('the transformer on the DynamoDB ledger stream', () => {
  let journal: JournalEntry[];
  /** p1's and p2's entries after p1's first two: reversals, a hold captured in part to p2. */
  let special: JournalEntry[];

  beforeAll(async () => {
    const ledger = createMemoryLedger();
    const wallets = createWalletService({ ledger, currencies: [{ code: 'GOLD', scale: 2 }] });
    await wallets.createWallet({ accountId: 'p1' });
    await wallets.createWallet({ accountId: 'p2' });
    const credit = await wallets.addFunds({
      accountId: 'p1',
      amount: '10.50',
      metadata: { source: 'test' },
    });
    const debit = await wallets.withdrawFunds({ accountId: 'p1', amount: '0.50' });
    journal = await ledger.queryEntries({ accountId: 'p1', order: 'asc', limit: 10 });
    await wallets.reverseTransaction({
      transactionId: credit.transactionId,
      amount: '1.00',
      reason: 'refund "r-1"',
    });
    await wallets.reverseTransaction({ transactionId: debit.transactionId });
    const hold = await wallets.placeHold({ accountId: 'p1', amount: '4.00' });
    await wallets.captureHold({ holdId: hold.holdId, amount: '2.50', toAccountId: 'p2' });
    special = [
      ...(await ledger.queryEntries({ accountId: 'p1', order: 'asc', limit: 10, startAfter: 2 })),
      ...(await ledger.queryEntries({ accountId: 'p2', order: 'asc', limit: 10 })),
    ];
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
    const logged = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
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
    expect(lines.map((line) => [line.message, line.sequenceNumber])).toEqual([
      ['poison stream record', '1'],
      ['poison stream record', '2'],
      ['poison stream record', '3'],
    ]);
    expect(await history.queryEntries({ accountId: 'p1', order: 'asc', limit: 10 })).toEqual([
      journal[1],
    ]);
  });

  it('reports the first record with an entry when the history write fails, so Lambda retries from it', async () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
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

  it('writes reversal and hold entry items as history with exactly their own fields, which verify', async () => {
    expect(special.map((entry) => entry.type)).toEqual([
      'REVERSAL_DEBIT',
      'REVERSAL_CREDIT',
      'HOLD',
      'HOLD_CAPTURE',
      'HOLD_RELEASE',
      'TRANSFER_IN',
    ]);
    const history = createMemoryHistory();
    const response = await createDynamoDbStreamHandler({ history })({
      Records: special.map((entry, i) =>
        kinesisRecord(i + 1, { eventName: 'INSERT', dynamodb: { NewImage: entryImage(entry) } }),
      ),
    });
    expect(response).toEqual({ batchItemFailures: [] });
    const stored = [
      ...(await history.queryEntries({ accountId: 'p1', order: 'asc', limit: 10 })),
      ...(await history.queryEntries({ accountId: 'p2', order: 'asc', limit: 10 })),
    ];
    expect(stored).toStrictEqual(special);
    for (const entry of stored) expect(hashEntry(entry)).toBe(entry.hash);
  });

  it('turns reversal and hold entries into Firehose rows with reverses, reason and hold_id, null on other rows, in the Glue table’s column order', async () => {
    const entries = [...journal, ...special];
    const { records } = await firehoseHandler(
      firehoseEvent(
        entries.map((entry) => ({
          eventName: 'INSERT',
          dynamodb: { NewImage: entryImage(entry) },
        })),
      ),
    );
    expect(records.map((record) => record.result)).toEqual(entries.map(() => 'Ok'));
    const rows = records.map((record) =>
      JSON.parse(Buffer.from(record.data ?? '', 'base64').toString('utf8')),
    );
    for (const [i, row] of rows.entries()) {
      const entry = entries[i]!;
      expect(Object.keys(row)).toEqual(JOURNAL_GLUE_COLUMNS.map((column) => column.name));
      const carried = ENTRY_TYPE_FIELDS[entry.type] ?? [];
      expect(row).toMatchObject({
        type: entry.type,
        reverses: carried.includes('reverses') ? entry.reverses : null,
        reason: carried.includes('reason') ? entry.reason : null,
        hold_id: carried.includes('holdId') ? entry.holdId : null,
      });
    }
    const byType = (type: string) => rows.filter((row) => row.type === type);
    expect(byType('REVERSAL_DEBIT').map((row) => row.reason)).toEqual(['refund "r-1"']);
    expect(byType('REVERSAL_CREDIT').map((row) => row.reason)).toEqual([null]);
    expect(byType('REVERSAL_DEBIT')[0]!.reverses).toBe(journal[0]!.transactionId);
    expect(new Set(rows.filter((row) => row.hold_id !== null).map((row) => row.hold_id)).size).toBe(
      1,
    );
    expect(byType('TRANSFER_IN')[0]).toMatchObject({ account_id: 'p2', hold_id: null });
  });
});
