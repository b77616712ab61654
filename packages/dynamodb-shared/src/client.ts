/**
 * The one method of a `DynamoDBClient` the wallet's DynamoDB packages call. Typed structurally,
 * so a studio's own client from any v3 SDK release fits without its types clashing with ours,
 * and a test can wrap a client to inject faults.
 *
 * @example
 * import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
 * const client: DynamoDbClientLike = new DynamoDBClient({ region: 'eu-west-1' });
 */
export interface DynamoDbClientLike {
  /** Sends one command (`new QueryCommand(...)`, ...) and resolves to its output. */
  send(command: object): Promise<unknown>;
}

/**
 * The `name` of an SDK error (its DynamoDB exception type), or undefined for anything else.
 *
 * @example
 * if (errorName(err) === 'ResourceNotFoundException') await createHistoryTable(client, table);
 */
export function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}
