import { type DynamoDbLocal, historyStoreSuite, startDynamoDbLocal } from '@wallet/testing';
import { afterAll, beforeAll } from 'vitest';
import { createDynamoHistory, createHistoryTable } from '../src/index.js';
import { LOCAL_START_TIMEOUT_MS, localClient, randomTableName } from './local-dynamo.js';

let dynamo: DynamoDbLocal;

beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
}, LOCAL_START_TIMEOUT_MS);

afterAll(async () => {
  await dynamo?.stop();
});

historyStoreSuite({
  name: 'dynamodb-local',
  async createHistory() {
    const client = localClient(dynamo.endpoint);
    const tableName = randomTableName();
    await createHistoryTable(client, tableName);
    return {
      history: createDynamoHistory({ client, tableName, ttlDays: 30 }),
      close: () => client.destroy(),
    };
  },
});
