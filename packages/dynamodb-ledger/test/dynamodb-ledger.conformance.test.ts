import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DYNAMODB_LOCAL_START_TIMEOUT_MS,
  type DynamoDbLocal,
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
