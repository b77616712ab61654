import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { createWalletService, ENTRY_TYPES, type JournalEntry } from '@wallet/core';
import { createDynamoDbHistory, createHistoryTable } from '@wallet/dynamo-history';
import {
  createStream,
  type DynamoDbLocal,
  type KinesisLocal,
  randomInt,
  readAsLambdaEvent,
  seededRandom,
  startDynamoDbLocal,
  startKinesisLocal,
} from '@wallet/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  aggregateRecords,
  createKinesisHandler,
  encodeJournalRevision,
  type PoisonRecord,
} from '../src/index.js';
import { fixtureBinary } from './support/fixtures.js';
import { CURRENCIES, journalOf, runOperations, walletFixture } from './support/journal.js';

const TTL_DAYS = 30;
const SOURCE = { ledgerName: 'wallet', tableId: 'AYj94Ipn0re4Fr2PDgadpl' };
const ACCOUNTS = ['alice', 'bob', 'carol', 'dave'];

describe('ledger journal → QLDB-shaped Kinesis stream → handler → DynamoDB history', () => {
  let dynamo: DynamoDbLocal;
  let kinesis: KinesisLocal;
  let client: DynamoDBClient;
  beforeAll(async () => {
    [dynamo, kinesis] = await Promise.all([startDynamoDbLocal(), startKinesisLocal()]);
    client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  }, 120_000);
  afterAll(async () => {
    client?.destroy();
    await Promise.all([dynamo?.stop(), kinesis?.stop()]);
  });

  it('leaves a history equal to the ledger’s journal, from aggregated, plain, duplicated and reordered records', async () => {
    // The ledger: every kind of operation (reversals, holds and a posting included), then a
    // seeded run of more of them.
    const { wallets, ledger } = walletFixture();
    await runOperations(wallets, 'alice', 'bob');
    await wallets.createWallet({ accountId: 'carol' });
    await wallets.createWallet({ accountId: 'dave' });
    const random = seededRandom(20301);
    for (let i = 0; i < 120; i++) {
      const accountId = ACCOUNTS[randomInt(random, 0, 3)]!;
      const other = ACCOUNTS.find((a) => a !== accountId)!;
      const amount = `${randomInt(random, 1, 40)}.${String(randomInt(random, 0, 99)).padStart(2, '0')}`;
      const roll = random();
      if (roll < 0.45)
        await wallets.addFunds({ accountId, amount, currency: 'GOLD', metadata: { i } });
      else if (roll < 0.7)
        await wallets.withdrawFunds({ accountId, amount, currency: 'GOLD' }).catch(() => {});
      else if (roll < 0.9)
        await wallets
          .transfer({ fromAccountId: accountId, toAccountId: other, amount, currency: 'GOLD' })
          .catch(() => {});
      else
        await wallets.addFunds({
          accountId,
          amount: String(randomInt(random, 1, 9)),
          currency: 'GEMS',
          idempotencyKey: `k-${i}`,
        });
    }
    const journal = await journalOf(ledger, ACCOUNTS);
    expect(journal.length).toBeGreaterThan(100);
    expect(new Set(journal.map((entry) => entry.type))).toEqual(new Set(ENTRY_TYPES));

    // The stream: the journal shuffled, some entries sent twice, some KPL-aggregated, and a
    // revision of another table in between, as a QLDB stream would carry it.
    const streamName = 'wallet-ledger';
    const streamArn = await createStream(kinesis.client, streamName);
    const sent: JournalEntry[] = [...journal, ...journal.filter(() => random() < 0.2)];
    for (let i = sent.length - 1; i > 0; i--) {
      const j = randomInt(random, 0, i);
      [sent[i], sent[j]] = [sent[j]!, sent[i]!];
    }
    const put = (partitionKey: string, data: Uint8Array) =>
      kinesis.client.send(
        new PutRecordCommand({ StreamName: streamName, PartitionKey: partitionKey, Data: data }),
      );
    let aggregates = 0;
    for (let i = 0; i < sent.length; ) {
      const size = randomInt(random, 1, 12);
      const chunk = sent.slice(i, i + size);
      i += size;
      if (chunk.length === 1) {
        await put(chunk[0]!.accountId, encodeJournalRevision(chunk[0]!, SOURCE));
      } else {
        aggregates++;
        const users = chunk.map((entry) => ({
          partitionKey: entry.accountId,
          data: encodeJournalRevision(entry, SOURCE),
        }));
        await put(chunk[0]!.accountId, aggregateRecords(users));
      }
      if (i % 5 === 0) await put('other', fixtureBinary('wallet-revision-details.ion'));
    }
    expect(aggregates).toBeGreaterThan(5);

    // The transformer: records read back with GetRecords, in Lambda-sized batches.
    const tableName = 'wallet-history-e2e';
    await createHistoryTable(client, tableName);
    // TTL is the history store's setting; the handler passes entries as they are.
    const history = createDynamoDbHistory({ client, tableName, ttlDays: TTL_DAYS });
    const poisoned: PoisonRecord[] = [];
    const handler = createKinesisHandler({
      history,
      poisonSink: async (poison) => void poisoned.push(poison),
    });
    const { Records } = await readAsLambdaEvent(kinesis.client, streamName, streamArn);
    for (let i = 0; i < Records.length; i += 10) {
      expect(await handler({ Records: Records.slice(i, i + 10) })).toEqual({
        batchItemFailures: [],
      });
    }
    expect(poisoned).toEqual([]);

    // History equals the journal, entry for entry, and verifies on its own.
    const reader = createWalletService({ ledger, history, currencies: CURRENCIES });
    for (const accountId of ACCOUNTS) {
      const expected = await ledger.queryEntries({ accountId, order: 'asc', limit: 1000 });
      // Strictly: reversals and holds keep their own fields, and no other entry gains one.
      expect(await history.queryEntries({ accountId, order: 'asc', limit: 1000 })).toStrictEqual(
        expected,
      );
      expect(await reader.verifyWallet({ accountId })).toMatchObject({
        ok: true,
        entries: expected.length,
      });
    }

    // Every item carries the TTL attribute the store computed from its txTime.
    const { Items = [] } = await client.send(new ScanCommand({ TableName: tableName }));
    expect(Items).toHaveLength(journal.length);
    for (const item of Items) {
      expect(item.expire_timestamp).toEqual({
        N: String(Math.floor(Date.parse(item.txTime!.S!) / 1000) + TTL_DAYS * 86_400),
      });
    }
  }, 120_000);
});
