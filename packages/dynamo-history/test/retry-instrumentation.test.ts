import {
  BatchWriteItemCommand,
  ProvisionedThroughputExceededException,
  QueryCommand,
  ThrottlingException,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import type { Instrumentation, StoreRetryEvent } from '@wallet/core';
import { describe, expect, it } from 'vitest';
import { createDynamoDbHistory, encodeEntry } from '../src/index.js';
import { FAST_RETRY, mockedDynamo } from './mock-dynamo.js';
import { sampleJournal } from './sample-entries.js';

const tableName = 'wallet-history';

/**
 * A put of four entries whose `BatchWriteItem` is throttled once, then leaves the last three
 * items unprocessed once, then writes them.
 */
function putThroughRetries(instrumentation: Instrumentation) {
  const { client, mock } = mockedDynamo();
  const throttled = new ProvisionedThroughputExceededException({
    message: 'slow down',
    $metadata: {},
  });
  mock
    .on(BatchWriteItemCommand)
    .rejectsOnce(throttled)
    .callsFakeOnce(({ RequestItems }) => ({
      UnprocessedItems: { [tableName]: (RequestItems[tableName] as WriteRequest[]).slice(1) },
    }))
    .resolves({});
  const history = createDynamoDbHistory({ client, tableName, retry: FAST_RETRY, instrumentation });
  return { mock, throttled, put: history.putEntries(sampleJournal('p1', 4)) };
}

describe('instrumentation.onRetry on the DynamoDB history (aws-sdk-client-mock)', () => {
  it("tells onRetry of each BatchWriteItem retry with store 'dynamo-history', kind 'unavailable', the retry count and the throttling error or the items left unprocessed", async () => {
    const events: StoreRetryEvent[] = [];
    const { put, throttled } = putThroughRetries({ onRetry: (event) => events.push(event) });
    await put;
    expect(events).toEqual([
      {
        store: 'dynamo-history',
        kind: 'unavailable',
        retry: 1,
        delayMs: expect.any(Number),
        error: throttled,
      },
      {
        store: 'dynamo-history',
        kind: 'unavailable',
        retry: 2,
        delayMs: expect.any(Number),
        error: expect.objectContaining({
          message: `BatchWriteItem on ${tableName} left 3 items unprocessed`,
        }),
      },
    ]);
    expect(events[1]?.error).toBeInstanceOf(Error);
  });

  it("tells onRetry of each throttled Query it sends again, with store 'dynamo-history'", async () => {
    const { client, mock } = mockedDynamo();
    const throttling = new ThrottlingException({ message: 'slow', $metadata: {} });
    const [entry] = sampleJournal('p1', 1);
    mock
      .on(QueryCommand)
      .rejectsOnce(throttling)
      .resolves({ Items: [encodeEntry(entry!)] });
    const events: StoreRetryEvent[] = [];
    const history = createDynamoDbHistory({
      client,
      tableName,
      retry: FAST_RETRY,
      instrumentation: { onRetry: (event) => events.push(event) },
    });
    const page = await history.queryEntries({ accountId: 'p1', order: 'asc', limit: 1 });
    expect(page).toEqual([entry]);
    expect(events).toEqual([
      {
        store: 'dynamo-history',
        kind: 'unavailable',
        retry: 1,
        delayMs: expect.any(Number),
        error: throttling,
      },
    ]);
  });

  it('retries and writes every entry as without instrumentation when onRetry throws', async () => {
    let told = 0;
    const { put, mock } = putThroughRetries({
      onRetry() {
        told++;
        throw new Error('metrics are down');
      },
    });
    await expect(put).resolves.toBeUndefined();
    expect(told).toBe(2);
    const calls = mock.commandCalls(BatchWriteItemCommand);
    expect(calls).toHaveLength(3);
    const last = calls[2]!.args[0].input.RequestItems?.[tableName] ?? [];
    expect(last.map((request) => Number(request.PutRequest?.Item?.sequence?.N))).toEqual([2, 3, 4]);
  });
});
