import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * An SDK client for DynamoDB Local at `endpoint`, with the dummy credentials it ignores.
 *
 * @example
 * const client = localClient((await startDynamoDbLocal()).endpoint);
 */
export function localClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/**
 * A ledger table name no other test file uses.
 *
 * @example
 * await createLedgerTable(client, randomTableName());
 */
export function randomTableName(): string {
  return `wallet-ledger-${randomUUID()}`;
}

/** How long a test file may take to start the Java process of DynamoDB Local. */
export const LOCAL_START_TIMEOUT_MS = 90_000;
