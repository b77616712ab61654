import {
  BatchWriteItemCommand,
  ProvisionedThroughputExceededException,
  QueryCommand,
  ThrottlingException,
} from '@aws-sdk/client-dynamodb';
import { StoreUnavailableError } from '@wallet/core';
import { backoffDelay, type LedgerRetryOptions } from '@wallet/core/adapter';
import { describe, expect, it } from 'vitest';
import { createDynamoDbHistory, type RetryOptions } from '../src/index.js';
import { historyRetryPolicy, RETRY_DEFAULTS } from '../src/retry-policy.js';
import { mockedDynamo } from './mock-dynamo.js';
import { sampleJournal } from './sample-entries.js';

const tableName = 'wallet-history';
const noWait = { baseDelayMs: 1, maxDelayMs: 1 };

function throttled() {
  return new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} });
}

/** How many `BatchWriteItem` calls one put makes, under `retry`, while DynamoDB throttles. */
async function callsWhileThrottled(retry: RetryOptions): Promise<number> {
  const { client, mock } = mockedDynamo();
  mock.on(BatchWriteItemCommand).rejects(throttled());
  const history = createDynamoDbHistory({ client, tableName, retry });
  await expect(history.putEntries(sampleJournal('p1', 2))).rejects.toBeInstanceOf(
    StoreUnavailableError,
  );
  return mock.commandCalls(BatchWriteItemCommand).length;
}

describe('retry options (LedgerRetryOptions, as every ledger takes them)', () => {
  it('keeps the documented defaults: 7 retries after throttling, 25 ms doubling up to 1000 ms', () => {
    expect(RETRY_DEFAULTS).toEqual({
      maxConflictAttempts: 1,
      maxUnavailableRetries: 7,
      maxUnknownRetries: 0,
      baseDelayMs: 25,
      maxDelayMs: 1000,
    });
    expect(historyRetryPolicy(undefined)).toEqual(RETRY_DEFAULTS);
  });

  it('backs off below a cap of 25 ms doubling per retry up to 1000 ms, with full jitter as the ledgers do', () => {
    const policy = historyRetryPolicy(undefined);
    const caps = [1, 2, 3, 4, 5, 6, 7].map((retry) => backoffDelay(retry, policy, () => 1));
    expect(caps).toEqual([25, 50, 100, 200, 400, 800, 1000]);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(50);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
  });

  it('calls BatchWriteItem once plus retry.maxUnavailableRetries times while DynamoDB throttles', async () => {
    for (const maxUnavailableRetries of [0, 2, 5]) {
      expect(await callsWhileThrottled({ ...noWait, maxUnavailableRetries })).toBe(
        maxUnavailableRetries + 1,
      );
    }
  });

  it('draws UnprocessedItems from the same retry.maxUnavailableRetries', async () => {
    const { client, mock } = mockedDynamo();
    mock
      .on(BatchWriteItemCommand)
      .callsFake(({ RequestItems }) => ({ UnprocessedItems: RequestItems }));
    const history = createDynamoDbHistory({
      client,
      tableName,
      retry: { ...noWait, maxUnavailableRetries: 2 },
    });
    await expect(history.putEntries(sampleJournal('p1', 3))).rejects.toThrow(
      /3 of 3 items unwritten after 3 attempts/,
    );
    expect(mock.commandCalls(BatchWriteItemCommand)).toHaveLength(3);
  });

  it('calls Query once plus retry.maxUnavailableRetries times while DynamoDB throttles', async () => {
    const { client, mock } = mockedDynamo();
    mock.on(QueryCommand).rejects(new ThrottlingException({ message: 'slow', $metadata: {} }));
    const history = createDynamoDbHistory({
      client,
      tableName,
      retry: { ...noWait, maxUnavailableRetries: 4 },
    });
    await expect(
      history.queryEntries({ accountId: 'p1', order: 'asc', limit: 1 }),
    ).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(mock.commandCalls(QueryCommand)).toHaveLength(5);
  });

  it('takes the object a ledger takes; the conflict and unknown-outcome budgets retry nothing here', async () => {
    const shared: LedgerRetryOptions = {
      ...noWait,
      maxConflictAttempts: 60,
      maxUnavailableRetries: 1,
      maxUnknownRetries: 3,
    };
    expect(await callsWhileThrottled(shared)).toBe(2);

    const { client, mock } = mockedDynamo();
    const timeout = Object.assign(new Error('socket timed out'), { name: 'TimeoutError' });
    mock.on(BatchWriteItemCommand).rejects(timeout);
    const history = createDynamoDbHistory({ client, tableName, retry: shared });
    const failure = await history.putEntries(sampleJournal('p1', 1)).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StoreUnavailableError);
    expect((failure as StoreUnavailableError).cause).toBe(timeout);
    expect(mock.commandCalls(BatchWriteItemCommand)).toHaveLength(1);
  });

  it('still takes retry.attempts as the calls per request, unless maxUnavailableRetries is given', async () => {
    expect(await callsWhileThrottled({ ...noWait, attempts: 3 })).toBe(3);
    expect(await callsWhileThrottled({ ...noWait, attempts: 1 })).toBe(1);
    expect(await callsWhileThrottled({ ...noWait, attempts: 5, maxUnavailableRetries: 1 })).toBe(2);
  });

  it('refuses budgets that are not whole numbers in range, and negative delays, as the ledgers do', () => {
    const { client } = mockedDynamo();
    const refused: [RetryOptions, string][] = [
      [{ maxConflictAttempts: 0 }, 'retry.maxConflictAttempts must be an integer >= 1'],
      [{ maxUnknownRetries: 1.5 }, 'retry.maxUnknownRetries must be an integer >= 0'],
      [{ maxUnavailableRetries: -1 }, 'retry.maxUnavailableRetries must be an integer >= 0'],
      [
        { maxUnavailableRetries: Number.NaN },
        'retry.maxUnavailableRetries must be an integer >= 0',
      ],
      [{ baseDelayMs: -1 }, 'retry.baseDelayMs must be >= 0'],
      [{ maxDelayMs: Number.NaN }, 'retry.maxDelayMs must be >= 0'],
      [{ attempts: 0 }, 'retry.attempts must be an integer >= 1'],
      [{ attempts: 2.5 }, 'retry.attempts must be an integer >= 1'],
    ];
    for (const [retry, message] of refused) {
      expect(() => createDynamoDbHistory({ client, tableName, retry })).toThrow(
        new RangeError(message),
      );
    }
    expect(() =>
      createDynamoDbHistory({
        client,
        tableName,
        retry: { maxUnavailableRetries: 0, maxUnknownRetries: 0, baseDelayMs: 0, maxDelayMs: 0 },
      }),
    ).not.toThrow();
  });
});
