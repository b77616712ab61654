import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';

/**
 * A real `DynamoDBClient` whose `send` is answered by aws-sdk-client-mock, so no request
 * leaves the process and the SDK's own retries stay out of the way.
 *
 * @example
 * const { client, mock } = mockedDynamo();
 * mock.on(QueryCommand).resolves({ Items: [] });
 */
export function mockedDynamo() {
  const client = new DynamoDBClient({
    region: 'local',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  return { client, mock: mockClient(client) };
}

/** Retries with no waiting worth mentioning, so error paths run in milliseconds. */
export const FAST_RETRY = { maxUnavailableRetries: 3, baseDelayMs: 1, maxDelayMs: 2 } as const;

/** How many calls one request gets under {@link FAST_RETRY}: the first and its retries. */
export const FAST_RETRY_CALLS = FAST_RETRY.maxUnavailableRetries + 1;
