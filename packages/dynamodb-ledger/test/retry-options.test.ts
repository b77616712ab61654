import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { backoffDelay } from '@wallet/core/adapter';
import { describe, expect, it } from 'vitest';
import { RETRY_DEFAULTS } from '../src/dynamodb-ledger.js';
import { createDynamoDbLedger } from '../src/index.js';

describe('retry options', () => {
  const client = new DynamoDBClient({ region: 'us-east-1' });

  it('keeps the documented defaults', () => {
    expect(RETRY_DEFAULTS).toEqual({
      maxConflictAttempts: 30,
      maxUnavailableRetries: 8,
      maxUnknownRetries: 3,
      baseDelayMs: 5,
      maxDelayMs: 1000,
    });
  });

  it('backs off below a cap of 5 ms doubling per retry up to 1000 ms, with full jitter', () => {
    const caps = [1, 2, 3, 4, 8, 9, 20].map((retry) =>
      backoffDelay(retry, RETRY_DEFAULTS, () => 1),
    );
    expect(caps).toEqual([5, 10, 20, 40, 640, 1000, 1000]);
    expect(backoffDelay(3, RETRY_DEFAULTS, () => 0.5)).toBe(10);
    expect(backoffDelay(3, RETRY_DEFAULTS, () => 0)).toBe(0);
  });

  it('refuses budgets that are not whole numbers in range, and negative delays', () => {
    for (const retry of [
      { maxConflictAttempts: 0 },
      { maxUnknownRetries: 1.5 },
      { maxUnavailableRetries: -1 },
      { baseDelayMs: -1 },
      { maxDelayMs: Number.NaN },
    ]) {
      expect(() => createDynamoDbLedger({ client, tableName: 't', retry })).toThrow(RangeError);
    }
    expect(() =>
      createDynamoDbLedger({
        client,
        tableName: 't',
        retry: { maxUnknownRetries: 0, maxUnavailableRetries: 0 },
      }),
    ).not.toThrow();
  });
});
