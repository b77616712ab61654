import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDbLocal, ledgerStoreSuite, startDynamoDbLocal } from '@wallet/testing';
import { afterAll, beforeAll } from 'vitest';
import { createDynamoDbLedger, createLedgerTable, SAFE_COALESCE_BATCH } from '../src/index.js';
import { LOCAL_START_TIMEOUT_MS, localClient, randomTableName } from './support/local-dynamodb.js';
import { tamperHooks } from './support/tamper.js';

let dynamo: DynamoDbLocal;
let client: DynamoDBClient;
const tableName = randomTableName();

beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
  client = localClient(dynamo.endpoint);
  await createLedgerTable(client, tableName);
}, LOCAL_START_TIMEOUT_MS);

afterAll(async () => {
  client?.destroy();
  await dynamo?.stop();
});

for (const coalesce of [false, { maxBatch: SAFE_COALESCE_BATCH }]) {
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
