import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DYNAMODB_LOCAL_START_TIMEOUT_MS,
  type DynamoDbLocal,
  ledgerPortSuite,
  ledgerStoreSuite,
  startDynamoDbLocal,
  uniqueTableName,
} from '@wallet/testing';
import { afterAll, beforeAll } from 'vitest';
import { createDynamoDbLedger, createLedgerTable } from '../src/index.js';
import { tamperHooks } from './support/tamper.js';

let dynamo: DynamoDbLocal;
let client: DynamoDBClient;
const tableName = uniqueTableName('wallet-ledger');

beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
  client = new DynamoDBClient(dynamo.clientConfig);
  await createLedgerTable(client, tableName);
}, DYNAMODB_LOCAL_START_TIMEOUT_MS);

afterAll(async () => {
  client?.destroy();
  await dynamo?.stop();
});

// Coalescing without a maxBatch: the ledger's own maxRecordsPerTransaction keeps batches safe.
for (const coalesce of [false, true]) {
  ledgerStoreSuite({
    name: 'dynamodb',
    tamper: true,
    service: { coalesce },
    createLedger: () => ({
      ledger: createDynamoDbLedger({ client, tableName }),
      tamper: tamperHooks(client, tableName),
    }),
  });
}

ledgerPortSuite({
  name: 'dynamodb',
  // Short waits between conflict retries: the conflict tests retry writes that never commit.
  createLedger: () => ({
    ledger: createDynamoDbLedger({ client, tableName, retry: { maxDelayMs: 20 } }),
  }),
  skip: {
    'queryJournals reads several journals in (account id, sequence) order':
      'the DynamoDB ledger reads journals one wallet (one partition) at a time',
    'listHeads lists the heads listWallets would, three fields each':
      'the DynamoDB ledger lists heads with listWallets: the wallets index projects whole items',
    'countWallets counts the wallets of a prefix':
      'the DynamoDB ledger counts by listing (a Query with Select COUNT pages the same items)',
  },
});
