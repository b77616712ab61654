import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DYNAMODB_LOCAL_START_TIMEOUT_MS,
  type DynamoDbLocal,
  historyStoreSuite,
  startDynamoDbLocal,
  uniqueTableName,
} from '@wallet/testing';
import { afterAll, beforeAll } from 'vitest';
import { createDynamoDbHistory, createHistoryTable } from '../src/index.js';

let dynamo: DynamoDbLocal;

beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
}, DYNAMODB_LOCAL_START_TIMEOUT_MS);

afterAll(async () => {
  await dynamo?.stop();
});

historyStoreSuite({
  name: 'dynamodb-local',
  async createHistory() {
    const client = new DynamoDBClient(dynamo.clientConfig);
    const tableName = uniqueTableName('wallet-history');
    await createHistoryTable(client, tableName);
    return {
      history: createDynamoDbHistory({ client, tableName, ttlDays: 30 }),
      close: () => client.destroy(),
    };
  },
});
