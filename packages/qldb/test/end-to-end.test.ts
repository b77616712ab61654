import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import {
  createWalletService,
  type JournalEntry,
  type LedgerStore,
  type WalletService,
} from '@wallet/core';
import { createDynamoDbHistory, createHistoryTable } from '@wallet/dynamo-history';
import { createKinesisHandler, type PoisonRecord } from '@wallet/stream-transformer';
import {
  createStream,
  type DynamoDbLocal,
  type KinesisLocal,
  readAsLambdaEvent,
  SUITE_CURRENCIES,
  seededRandom,
  startDynamoDbLocal,
  startKinesisLocal,
} from '@wallet/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQldbLedger, createSchema } from '../src/index.js';
import { type QldbFake, startQldbFake } from '../src/testing/index.js';
import { HOT_WALLET_RETRIES } from './qldb-fixture.js';

/**
 * The original architecture, every hop real but QLDB: WalletService on @wallet/qldb (the real
 * driver against the fake) -> the fake's QLDB stream records -> kinesalite -> the stream
 * transformer's Lambda handler -> @wallet/dynamo-history on DynamoDB Local.
 */
describe('QLDB ledger to DynamoDB history, end to end', () => {
  let fake: QldbFake;
  let dynamo: DynamoDbLocal;
  let kinesis: KinesisLocal;
  let dynamoClient: DynamoDBClient;
  let service: WalletService;
  let ledger: LedgerStore;
  let closeDriver: () => void;
  const accounts = ['alice', 'bob', 'carol'];

  beforeAll(async () => {
    [fake, dynamo, kinesis] = await Promise.all([
      startQldbFake({ ledgerName: 'wallet-ledger' }),
      startDynamoDbLocal(),
      startKinesisLocal(),
    ]);
    const driver = fake.createDriver({ retryConfig: HOT_WALLET_RETRIES });
    closeDriver = () => driver.close();
    await createSchema(driver);
    ledger = createQldbLedger({ driver, maxConcurrentTransactions: 8 });
    service = createWalletService({ ledger, currencies: SUITE_CURRENCIES });
    dynamoClient = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  }, 120_000);

  afterAll(async () => {
    closeDriver?.();
    dynamoClient?.destroy();
    await Promise.all([fake?.close(), dynamo?.stop(), kinesis?.stop()]);
  });

  it('delivers every journal entry, aggregated or not, duplicated and reordered, into a history equal to the ledger journal', async () => {
    for (const accountId of accounts) {
      await service.createWallet({ accountId });
      await service.addFunds({
        accountId,
        currency: 'GOLD',
        amount: '100.00',
        idempotencyKey: `open-${accountId}`,
      });
    }
    const random = seededRandom(11);
    await Promise.all(
      Array.from({ length: 24 }, (_, i) => {
        const from = accounts[i % 3]!;
        const to = accounts[(i + 1) % 3]!;
        if (i % 4 === 0)
          return service.withdrawFunds({
            accountId: from,
            currency: 'GOLD',
            amount: '1.25',
            // What a player may send: numbers that are no safe integer (once stored as Ion
            // decimals, read back by the stream as strings), a string and a name that start
            // with U+FEFF (once dropped by the stream's UTF-8 decoder); each broke the hash.
            metadata: { price: 9.99, small: 1e-7, big: 1e20, note: '\uFEFFgift', '\uFEFFk': i },
          });
        if (i % 4 === 1)
          return service.exchange({
            accountId: from,
            from: { currency: 'GOLD', amount: '2.00' },
            to: { currency: 'GEMS', amount: '3' },
          });
        return service.transfer({
          fromAccountId: from,
          toAccountId: to,
          currency: 'GOLD',
          amount: `${1 + Math.floor(random() * 5)}.50`,
        });
      }),
    );

    // QLDB streams aggregate by default; half the commits go plain, and some records twice.
    const aggregated = fake.streamRecords({ aggregate: true });
    const plain = fake.streamRecords();
    const chosen = [
      ...aggregated.filter((_, i) => i % 2 === 0),
      ...plain.filter(
        (record) => aggregated.findIndex((a) => a.transactionId === record.transactionId) % 2 === 1,
      ),
    ];
    const delivered = [...chosen, ...chosen.filter((_, i) => i % 5 === 0)].sort(
      () => random() - 0.5,
    );
    const streamArn = await createStream(kinesis.client, 'qldb-wallet-stream');
    for (const record of delivered) {
      await kinesis.client.send(
        new PutRecordCommand({
          StreamName: 'qldb-wallet-stream',
          PartitionKey: record.partitionKey,
          Data: record.data,
        }),
      );
    }

    await createHistoryTable(dynamoClient, 'wallet-history');
    const history = createDynamoDbHistory({
      client: dynamoClient,
      tableName: 'wallet-history',
      ttlDays: 30,
    });
    const poisoned: PoisonRecord[] = [];
    const handler = createKinesisHandler({
      history,
      poisonSink: async (record) => {
        poisoned.push(record);
      },
    });
    const event = await readAsLambdaEvent(kinesis.client, 'qldb-wallet-stream', streamArn);
    expect(event.Records.length).toBe(delivered.length);
    for (let i = 0; i < event.Records.length; i += 10) {
      const response = await handler({ Records: event.Records.slice(i, i + 10) });
      expect(response.batchItemFailures).toEqual([]);
    }
    expect(poisoned).toEqual([]);

    // The same ledger, with history read from DynamoDB instead of the ledger's journal.
    const reader = createWalletService({ ledger, history, currencies: SUITE_CURRENCIES });
    for (const accountId of accounts) {
      const fromLedger = await journal(service, accountId);
      const fromHistory = await journal(reader, accountId);
      expect(fromLedger.length).toBeGreaterThan(5);
      expect(fromHistory).toEqual(fromLedger);
      expect((await service.verifyWallet({ accountId })).ok).toBe(true);
    }
  }, 120_000);
});

async function journal(service: WalletService, accountId: string): Promise<JournalEntry[]> {
  return (await service.getTransactionHistory({ accountId, order: 'asc', limit: 1000 })).items;
}
