import {
  createMemoryHistory,
  type HistoryStore,
  hashEntry,
  type JournalEntry,
  type Logger,
  type LogRecord,
} from '@wallet/core';
import type { KinesisStreamEvent, KinesisStreamHandler } from 'aws-lambda';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  aggregateRecords,
  createKinesisHandler,
  encodeJournalRevision,
  type KinesisHandlerOptions,
  type OtherRevision,
  type PoisonRecord,
  qldbRecords,
} from '../src/index.js';
import { lambdaRecord } from './support/events.js';
import { fixtureBinary, ionBinary } from './support/fixtures.js';
import { journalOf, runOperations, walletFixture } from './support/journal.js';

const SOURCE = { ledgerName: 'wallet', tableId: 'AYj94Ipn0re4Fr2PDgadpl' };
const ARN = 'arn:aws:qldb:us-east-1:000000000000:stream/wallet/s';

let entries: JournalEntry[];
let alice: JournalEntry[];
beforeAll(async () => {
  const { wallets, ledger } = walletFixture();
  await runOperations(wallets, 'alice', 'bob');
  entries = await journalOf(ledger, ['alice', 'bob']);
  alice = entries.filter((e) => e.accountId === 'alice');
});
afterEach(() => {
  vi.restoreAllMocks();
});

const revision = (entry: JournalEntry) => encodeJournalRevision(entry, SOURCE);
const event = (...records: Uint8Array[]): KinesisStreamEvent => ({
  Records: records.map((data, i) => lambdaRecord(data, String(1000 + i))),
});

/** A JournalEntries REVISION_DETAILS whose revision struct body is given as Ion text. */
function journalRevisionText(revisionBody: string, tableName = 'JournalEntries'): Uint8Array {
  return ionBinary(`{ qldbStreamArn: "${ARN}", recordType: "REVISION_DETAILS", payload: {
    tableInfo: { tableName: "${tableName}", tableId: "t" },
    revision: { blockAddress: { strandId: "s", sequenceNo: 9 }, hash: {{AQID}}, ${revisionBody} } } }`);
}
const META = (version: number) =>
  `metadata: { id: "doc1", version: ${version}, txTime: 2030-01-01T00:00:00.000Z, txId: "tx" }`;

/** A handler over a memory history, recording what reaches the sink and the hook. */
function harness(options: Partial<KinesisHandlerOptions> = {}) {
  const history = options.history ?? createMemoryHistory();
  const poisoned: PoisonRecord[] = [];
  const others: OtherRevision[] = [];
  const handler = createKinesisHandler({
    history,
    poisonSink: async (poison) => {
      poisoned.push(poison);
    },
    onOtherRevision: (other) => {
      others.push(other);
    },
    ...options,
  });
  const stored = async (accountId: string) =>
    history.queryEntries({ accountId, order: 'asc', limit: 1000 });
  return { handler, history, poisoned, others, stored };
}

describe('createKinesisHandler', () => {
  it('is a Lambda Kinesis handler', () => {
    const handler: KinesisStreamHandler = createKinesisHandler({ history: createMemoryHistory() });
    expect(typeof handler).toBe('function');
  });

  it('writes the journal entries of plain and aggregated records to history and reports no failures', async () => {
    const { handler, stored, poisoned } = harness();
    const [first, ...rest] = entries;
    const result = await handler(
      event(
        revision(first!),
        aggregateRecords(rest.map((e) => ({ partitionKey: e.accountId, data: revision(e) }))),
      ),
    );
    expect(result).toEqual({ batchItemFailures: [] });
    expect(poisoned).toEqual([]);
    expect(await stored('alice')).toEqual(alice);
    expect(await stored('bob')).toEqual(entries.filter((e) => e.accountId === 'bob'));
  });

  it('writes each entry once, in sequence order, from duplicated and reordered records', async () => {
    const { handler, stored } = harness();
    const reversed = [...alice].reverse();
    await handler(event(...reversed.map(revision), revision(alice[0]!), revision(alice[1]!)));
    await handler(event(...alice.map(revision)));
    expect(await stored('alice')).toEqual(alice);
  });

  it('passes one putEntries call per batch, without a key twice, since DynamoDB rejects a batch naming a key twice', async () => {
    const calls: (readonly JournalEntry[])[] = [];
    const history: HistoryStore = {
      async putEntries(items) {
        calls.push(items);
      },
      async queryEntries() {
        return [];
      },
    };
    const handler = createKinesisHandler({ history });
    await handler(
      event(revision(alice[0]!), revision(alice[1]!), revision(alice[0]!), revision(alice[1]!)),
    );
    expect(calls).toHaveLength(1);
    expect(calls[0]!.map((e) => e.sequence)).toEqual([1, 2]);
  });

  it('hands putEntries each journal entry exactly as written, with no TTL attribute: expiry is the history store’s', async () => {
    const calls: (readonly JournalEntry[])[] = [];
    const handler = createKinesisHandler({
      history: {
        putEntries: async (items) => void calls.push(items),
        queryEntries: async () => [],
      },
    });
    await handler(event(revision(alice[0]!), revision(alice[1]!)));
    expect(calls).toHaveLength(1);
    expect(calls[0]).toStrictEqual([alice[0], alice[1]]);
    for (const item of calls[0]!) expect(item).not.toHaveProperty('expire_timestamp');
  });

  describe('bad input, each with its defined outcome', () => {
    it.each([
      [
        'garbage bytes',
        () => Uint8Array.from([0x13, 0x37, 0xff, 0x00, 0xde, 0xad]),
        'ION_MALFORMED',
      ],
      ['truncated Ion binary', () => revision(alice[0]!).subarray(0, 100), 'ION_MALFORMED'],
      ['Ion that is not a QLDB record', () => ionBinary('{ hello: "world" }'), 'NOT_A_QLDB_RECORD'],
      [
        'a REVISION_DETAILS missing its metadata',
        () => journalRevisionText('data: {}'),
        'NOT_A_QLDB_RECORD',
      ],
      [
        'an unknown record type',
        () => ionBinary(`{ qldbStreamArn: "${ARN}", recordType: "SOMETHING_NEW", payload: {} }`),
        'UNKNOWN_RECORD_TYPE',
      ],
      [
        'a journal document that is not an entry',
        () => journalRevisionText(`data: { accountId: "alice" }, ${META(0)}`),
        'INVALID_JOURNAL_DOCUMENT',
      ],
      [
        'a journal entry whose hash does not verify',
        () => revision({ ...alice[0]!, amount: '999.00' }),
        'JOURNAL_HASH_MISMATCH',
      ],
    ])(
      'sends %s to the poison sink without failing the batch, and goes on',
      async (_, bytes, code) => {
        const { handler, poisoned, stored } = harness();
        const bad = bytes();
        const result = await handler(event(revision(alice[0]!), bad, revision(alice[1]!)));
        expect(result.batchItemFailures).toEqual([]);
        expect(poisoned).toEqual([
          {
            code,
            message: expect.any(String),
            eventID: 'shardId-000000000000:1001',
            eventSourceARN: expect.stringContaining('arn:aws:kinesis'),
            sequenceNumber: '1001',
            partitionKey: 'p1',
            data: Buffer.from(bad).toString('base64'),
          },
        ]);
        expect((await stored('alice')).map((e) => e.sequence)).toEqual([1, 2]);
      },
    );

    it('sends an aggregate with a wrong MD5 to the poison sink whole, as KPL_CHECKSUM_MISMATCH', async () => {
      const { handler, poisoned, stored } = harness();
      const blob = aggregateRecords([{ partitionKey: 'alice', data: revision(alice[1]!) }]);
      blob[blob.length - 2]! ^= 0x40;
      const result = await handler(event(revision(alice[0]!), blob));
      expect(result.batchItemFailures).toEqual([]);
      expect(poisoned).toMatchObject([
        {
          code: 'KPL_CHECKSUM_MISMATCH',
          sequenceNumber: '1001',
          data: Buffer.from(blob).toString('base64'),
        },
      ]);
      expect(poisoned[0]).not.toHaveProperty('subSequenceNumber');
      expect((await stored('alice')).map((e) => e.sequence)).toEqual([1]);
    });

    it('sends an aggregate with a truncated protobuf to the poison sink, as KPL_MALFORMED', async () => {
      const { handler, poisoned } = harness();
      const good = aggregateRecords([{ partitionKey: 'alice', data: revision(alice[1]!) }]);
      const { createHash } = await import('node:crypto');
      const protobuf = good.subarray(4, good.length - 16).subarray(0, 40);
      const truncated = Buffer.concat([
        good.subarray(0, 4),
        protobuf,
        createHash('md5').update(protobuf).digest(),
      ]);
      expect((await handler(event(truncated))).batchItemFailures).toEqual([]);
      expect(poisoned).toMatchObject([{ code: 'KPL_MALFORMED', sequenceNumber: '1000' }]);
    });

    it('sends only the bad user record of an aggregate to the poison sink, with its sub-sequence number and bytes', async () => {
      const { handler, poisoned, stored } = harness();
      const garbage = Uint8Array.from([1, 2, 3]);
      const blob = aggregateRecords([
        { partitionKey: 'alice', data: revision(alice[0]!) },
        { partitionKey: 'mallory', data: garbage },
        { partitionKey: 'alice', data: revision(alice[1]!) },
      ]);
      expect((await handler(event(blob))).batchItemFailures).toEqual([]);
      expect(poisoned).toMatchObject([
        {
          code: 'ION_MALFORMED',
          sequenceNumber: '1000',
          subSequenceNumber: 1,
          partitionKey: 'mallory',
          data: 'AQID',
        },
      ]);
      expect((await stored('alice')).map((e) => e.sequence)).toEqual([1, 2]);
    });

    it.each([
      ['a delete revision of the journal table', () => journalRevisionText(META(1)), 'DELETE'],
      [
        'a redacted revision of the journal table',
        () => journalRevisionText(`dataHash: {{AQID}}, ${META(0)}`),
        'REDACTED',
      ],
      [
        'a later version of a journal document',
        () => journalRevisionText(`data: { accountId: "alice" }, ${META(1)}`),
        'NOT_AN_INSERT',
      ],
      [
        'a document of another table (the captured Wallet revision)',
        () => fixtureBinary('wallet-revision-details.ion'),
        'OTHER_TABLE',
      ],
      [
        'an insert into another table (the captured Person revision)',
        () => fixtureBinary('person-revision-details.ion'),
        'OTHER_TABLE',
      ],
    ])('hands %s to onOtherRevision and writes nothing for it', async (_, bytes, reason) => {
      const { handler, poisoned, others, stored } = harness();
      const result = await handler(event(bytes(), revision(alice[0]!)));
      expect(result.batchItemFailures).toEqual([]);
      expect(poisoned).toEqual([]);
      expect(others).toHaveLength(1);
      expect(others[0]).toMatchObject({
        reason,
        sequenceNumber: '1000',
        record: { recordType: 'REVISION_DETAILS' },
      });
      expect((await stored('alice')).map((e) => e.sequence)).toEqual([1]);
    });

    it('skips revisions of other tables without onOtherRevision, and skips CONTROL and BLOCK_SUMMARY records', async () => {
      const history = createMemoryHistory();
      const poisoned: PoisonRecord[] = [];
      const handler = createKinesisHandler({
        history,
        poisonSink: async (p) => void poisoned.push(p),
      });
      const control = ionBinary(
        `{ qldbStreamArn: "${ARN}", recordType: "CONTROL", payload: { controlRecordType: "CREATED" } }`,
      );
      const result = await handler(
        event(
          control,
          fixtureBinary('person-block-summary.ion'),
          fixtureBinary('wallet-revision-details.ion'),
        ),
      );
      expect(result.batchItemFailures).toEqual([]);
      expect(poisoned).toEqual([]);
      expect(await history.queryEntries({ accountId: 'user1', order: 'asc', limit: 10 })).toEqual(
        [],
      );
    });
  });

  it('reads the journal from a table of another name when qldbRecords is given its journalTable', async () => {
    const { handler, stored, others } = harness({
      format: qldbRecords({ journalTable: 'Journal' }),
    });
    const renamed = encodeJournalRevision(alice[0]!, { ...SOURCE, tableName: 'Journal' });
    await handler(event(renamed, revision(alice[1]!)));
    expect((await stored('alice')).map((e) => e.sequence)).toEqual([1]);
    expect(others.map((o) => o.reason)).toEqual(['OTHER_TABLE']);
  });

  describe('retryable failures', () => {
    it('report the first record with entries when the history write fails, and a retry of the batch then succeeds', async () => {
      vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      const memory = createMemoryHistory();
      let failures = 1;
      const history: HistoryStore = {
        async putEntries(items) {
          if (failures-- > 0) throw new Error('ProvisionedThroughputExceededException');
          await memory.putEntries(items);
        },
        queryEntries: (query) => memory.queryEntries(query),
      };
      const { handler, stored } = harness({ history });
      const batch = event(
        fixtureBinary('person-block-summary.ion'),
        revision(alice[0]!),
        revision(alice[1]!),
      );
      expect(await handler(batch)).toEqual({ batchItemFailures: [{ itemIdentifier: '1001' }] });
      expect(await stored('alice')).toEqual([]);
      expect(await handler(batch)).toEqual({ batchItemFailures: [] });
      expect((await stored('alice')).map((e) => e.sequence)).toEqual([1, 2]);
    });

    it('write large batches in chunks of about 500 entries and report the first record of the chunk that failed', async () => {
      vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      const many: JournalEntry[] = [];
      for (let sequence = 1; sequence <= 600; sequence++) {
        const body = { ...alice[0]!, accountId: 'many', sequence, transactionId: `tx-${sequence}` };
        many.push({ ...body, hash: hashEntry(body) });
      }
      const calls: number[] = [];
      const memory = createMemoryHistory();
      const history: HistoryStore = {
        async putEntries(items) {
          calls.push(items.length);
          if (calls.length === 2) throw new Error('throttled');
          await memory.putEntries(items);
        },
        queryEntries: (query) => memory.queryEntries(query),
      };
      const aggregates = Array.from({ length: 6 }, (_, i) =>
        aggregateRecords(
          many
            .slice(i * 100, i * 100 + 100)
            .map((e) => ({ partitionKey: 'many', data: revision(e) })),
        ),
      );
      const { handler, stored } = harness({ history });
      expect(await handler(event(...aggregates))).toEqual({
        batchItemFailures: [{ itemIdentifier: '1005' }],
      });
      expect(calls).toEqual([500, 100]);
      expect(await stored('many')).toHaveLength(500);
    });

    it('report a record whose poison sink failed, stop there, and still write the entries before it', async () => {
      const log = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      const { handler, stored } = harness({
        poisonSink: async () => {
          throw new Error('SQS is down');
        },
      });
      const result = await handler(
        event(revision(alice[0]!), Uint8Array.from([9, 9, 9]), revision(alice[1]!)),
      );
      expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '1001' }] });
      expect((await stored('alice')).map((e) => e.sequence)).toEqual([1]);
      expect(String(log.mock.calls[0]?.[0])).toContain('SQS is down');
    });

    it('report a record whose onOtherRevision hook failed', async () => {
      vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      const { handler } = harness({
        onOtherRevision: () => {
          throw new Error('hook failed');
        },
      });
      const result = await handler(
        event(revision(alice[0]!), fixtureBinary('wallet-revision-details.ion')),
      );
      expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '1001' }] });
    });

    it('report the earliest record when both a sink and the history write fail', async () => {
      vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      const { handler } = harness({
        history: {
          putEntries: async () => Promise.reject(new Error('down')),
          queryEntries: async () => [],
        },
        poisonSink: async () => Promise.reject(new Error('down too')),
      });
      const result = await handler(event(revision(alice[0]!), Uint8Array.from([7])));
      expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '1000' }] });
    });
  });

  it('logs poison records and the cause of a retried batch on the logger it is given, and nothing on stderr', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const records: [string, LogRecord][] = [];
    const logger: Logger = {
      info: (record) => records.push(['info', record]),
      warn: (record) => records.push(['warn', record]),
      error: (record) => records.push(['error', record]),
    };
    const handler = createKinesisHandler({
      history: {
        putEntries: async () => Promise.reject(new Error('ThrottlingException')),
        queryEntries: async () => [],
      },
      logger,
    });
    const result = await handler(event(Uint8Array.from([1, 2]), revision(alice[0]!)));
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '1001' }] });
    expect(records).toEqual([
      [
        'error',
        expect.objectContaining({ message: 'poison stream record', sequenceNumber: '1000' }),
      ],
      [
        'error',
        {
          message: 'history write failed; the batch is retried from this record',
          sequenceNumber: '1001',
          error: 'Error: ThrottlingException',
        },
      ],
    ]);
    expect(stderr).not.toHaveBeenCalled();
  });

  it('logs a poison record as one JSON line on stderr when neither a poison sink nor a logger is configured', async () => {
    const log = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const handler = createKinesisHandler({ history: createMemoryHistory() });
    expect((await handler(event(Uint8Array.from([1, 2])))).batchItemFailures).toEqual([]);
    expect(JSON.parse(String(log.mock.calls[0]?.[0]))).toMatchObject({
      level: 'error',
      message: 'poison stream record',
      code: 'ION_MALFORMED',
      sequenceNumber: '1000',
      data: 'AQI=',
    });
  });
});
