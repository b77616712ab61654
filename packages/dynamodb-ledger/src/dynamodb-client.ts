/**
 * The one method of a `DynamoDBClient` this package calls. Typed structurally, so a studio's
 * own client from any v3 SDK release fits without its types clashing with ours, and a test can
 * wrap a client to inject faults.
 *
 * @example
 * import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
 * const client: DynamoDbClientLike = new DynamoDBClient({ region: 'eu-west-1' });
 */
export interface DynamoDbClientLike {
  /** Sends one command (`new QueryCommand(...)`, ...) and resolves to its output. */
  send(command: object): Promise<unknown>;
}
