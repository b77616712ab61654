import {
  BatchWriteItemCommand,
  ProvisionedThroughputExceededException,
  ResourceNotFoundException,
  ThrottlingException,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { StoreUnavailableError } from '@wallet/core';
import { describe, expect, it, vi } from 'vitest';
import { createDynamoDbHistory } from '../src/index.js';
import { FAST_RETRY, FAST_RETRY_CALLS, mockedDynamo } from './mock-dynamo.js';
import { sampleJournal } from './sample-entries.js';

const tableName = 'wallet-history';

function requestsOf(call: { args: [{ input: unknown }] }): WriteRequest[] {
  const input = call.args[0].input as { RequestItems: Record<string, WriteRequest[]> };
  return input.RequestItems[tableName] ?? [];
}

function sequencesOf(requests: readonly WriteRequest[]): number[] {
  return requests.map((request) => Number(request.PutRequest?.Item?.sequence?.N));
}

function throttled() {
  return new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} });
}

describe('putEntries through BatchWriteItem (aws-sdk-client-mock)', () => {
  it('writes a 60-entry put as three BatchWriteItem calls of 25, 25 and 10 items', async () => {
    const { client, mock } = mockedDynamo();
    mock.on(BatchWriteItemCommand).resolves({});
    await createDynamoDbHistory({ client, tableName }).putEntries(sampleJournal('p1', 60));
    const calls = mock.commandCalls(BatchWriteItemCommand);
    expect(calls.map((call) => requestsOf(call).length)).toEqual([25, 25, 10]);
    expect(calls.flatMap((call) => sequencesOf(requestsOf(call)))).toEqual(
      Array.from({ length: 60 }, (_, i) => i + 1),
    );
  });

  it('sends each (accountId, sequence) once, however often the put repeats it', async () => {
    const { client, mock } = mockedDynamo();
    mock.on(BatchWriteItemCommand).resolves({});
    const entries = sampleJournal('p1', 3);
    await createDynamoDbHistory({ client, tableName }).putEntries([...entries, ...entries]);
    const calls = mock.commandCalls(BatchWriteItemCommand);
    expect(calls).toHaveLength(1);
    expect(sequencesOf(requestsOf(calls[0]!))).toEqual([1, 2, 3]);
  });

  it('makes no call for an empty put', async () => {
    const { client, mock } = mockedDynamo();
    await createDynamoDbHistory({ client, tableName }).putEntries([]);
    expect(mock.calls()).toHaveLength(0);
  });

  it('retries UnprocessedItems, and only them, until DynamoDB has written every item', async () => {
    const { client, mock } = mockedDynamo();
    mock
      .on(BatchWriteItemCommand)
      .callsFakeOnce(({ RequestItems }) => ({
        UnprocessedItems: { [tableName]: RequestItems[tableName].slice(5) },
      }))
      .callsFakeOnce(({ RequestItems }) => ({
        UnprocessedItems: { [tableName]: RequestItems[tableName].slice(3) },
      }))
      .resolves({ UnprocessedItems: {} });
    await createDynamoDbHistory({ client, tableName, retry: FAST_RETRY }).putEntries(
      sampleJournal('p1', 10),
    );
    const calls = mock.commandCalls(BatchWriteItemCommand);
    expect(calls.map((call) => sequencesOf(requestsOf(call)))).toEqual([
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      [6, 7, 8, 9, 10],
      [9, 10],
    ]);
  });

  it('throws StoreUnavailableError when items stay unprocessed through every attempt', async () => {
    const { client, mock } = mockedDynamo();
    mock
      .on(BatchWriteItemCommand)
      .callsFake(({ RequestItems }) => ({ UnprocessedItems: RequestItems }));
    const history = createDynamoDbHistory({ client, tableName, retry: FAST_RETRY });
    const failure = history.putEntries(sampleJournal('p1', 4));
    await expect(failure).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(failure).rejects.toThrow(/4 of 4 items unwritten after 4 attempts/);
    expect(mock.commandCalls(BatchWriteItemCommand)).toHaveLength(FAST_RETRY_CALLS);
  });

  it('retries a throttled BatchWriteItem and succeeds once DynamoDB accepts it', async () => {
    const { client, mock } = mockedDynamo();
    mock
      .on(BatchWriteItemCommand)
      .rejectsOnce(throttled())
      .rejectsOnce(new ThrottlingException({ message: 'account limit', $metadata: {} }))
      .resolves({});
    await createDynamoDbHistory({ client, tableName, retry: FAST_RETRY }).putEntries(
      sampleJournal('p1', 2),
    );
    expect(mock.commandCalls(BatchWriteItemCommand)).toHaveLength(3);
  });

  it('throws StoreUnavailableError with the throttling error as cause once retries run out', async () => {
    const { client, mock } = mockedDynamo();
    const error = throttled();
    mock.on(BatchWriteItemCommand).rejects(error);
    const history = createDynamoDbHistory({ client, tableName, retry: FAST_RETRY });
    const failure = await history.putEntries(sampleJournal('p1', 2)).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StoreUnavailableError);
    expect((failure as StoreUnavailableError).code).toBe('STORE_UNAVAILABLE');
    expect((failure as StoreUnavailableError).cause).toBe(error);
    expect(mock.commandCalls(BatchWriteItemCommand)).toHaveLength(FAST_RETRY_CALLS);
  });

  it('counts throttling and unprocessed items against one budget of attempts per batch', async () => {
    const { client, mock } = mockedDynamo();
    mock
      .on(BatchWriteItemCommand)
      .rejectsOnce(throttled())
      .callsFakeOnce(({ RequestItems }) => ({ UnprocessedItems: RequestItems }))
      .rejectsOnce(throttled())
      .callsFake(({ RequestItems }) => ({ UnprocessedItems: RequestItems }));
    const history = createDynamoDbHistory({ client, tableName, retry: FAST_RETRY });
    await expect(history.putEntries(sampleJournal('p1', 2))).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
    expect(mock.commandCalls(BatchWriteItemCommand)).toHaveLength(FAST_RETRY_CALLS);
  });

  it('fails at once with StoreUnavailableError on an error that retrying cannot fix', async () => {
    const { client, mock } = mockedDynamo();
    const error = new ResourceNotFoundException({ message: 'no table', $metadata: {} });
    mock.on(BatchWriteItemCommand).rejects(error);
    const history = createDynamoDbHistory({ client, tableName, retry: FAST_RETRY });
    const failure = await history.putEntries(sampleJournal('p1', 2)).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StoreUnavailableError);
    expect((failure as StoreUnavailableError).cause).toBe(error);
    expect(mock.commandCalls(BatchWriteItemCommand)).toHaveLength(1);
  });

  it('pauses longer before each retry (exponential backoff)', async () => {
    const { client, mock } = mockedDynamo();
    mock.on(BatchWriteItemCommand).rejects(throttled());
    const history = createDynamoDbHistory({
      client,
      tableName,
      retry: { maxUnavailableRetries: 3, baseDelayMs: 20, maxDelayMs: 1000 },
    });
    // The jitter drawing the middle of each cap makes the pauses 10, 20 and 40 ms: half of
    // 20 × 2^(n-1).
    const random = vi.spyOn(Math, 'random').mockReturnValue(0.5);
    try {
      const started = performance.now();
      await expect(history.putEntries(sampleJournal('p1', 1))).rejects.toBeInstanceOf(
        StoreUnavailableError,
      );
      expect(performance.now() - started).toBeGreaterThanOrEqual(69);
    } finally {
      random.mockRestore();
    }
  });
});
