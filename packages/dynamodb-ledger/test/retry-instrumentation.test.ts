import {
  BatchGetItemCommand,
  ThrottlingException,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import type { Instrumentation, StoreRetryEvent } from '@wallet/core';
import { describe, expect, it } from 'vitest';
import { walletToItem } from '../src/item-codec.js';
import { walletKey } from '../src/table-keys.js';
import {
  bumpWallet,
  cancelled,
  FAST_RETRY,
  MOCK_TABLE,
  mockedLedger,
  socketError,
  storedWallet,
} from './support/mock-dynamodb.js';

const throttling = new ThrottlingException({
  message: 'slow down',
  $metadata: { httpStatusCode: 400 },
});
const conflict = cancelled('ConditionalCheckFailed');
const dropped = socketError('ECONNRESET');

/**
 * One bump of wallet p1 (stored at version 2) through every retry the ledger makes: the
 * snapshot's `BatchGetItem` leaves the key unprocessed once; the first `TransactWriteItems` is
 * throttled, its resend cancelled by a condition (a conflict: decide again), and the next
 * decision's send dropped (an unknown outcome: resend the same request), which commits.
 */
function bumpThroughEveryRetry(instrumentation: Instrumentation) {
  const mocked = mockedLedger(undefined, FAST_RETRY, instrumentation);
  mocked.dynamo
    .on(BatchGetItemCommand)
    .resolvesOnce({ UnprocessedKeys: { [MOCK_TABLE]: { Keys: [walletKey('p1')] } } })
    .resolves({ Responses: { [MOCK_TABLE]: [walletToItem(storedWallet('p1', 2))] } });
  mocked.dynamo
    .on(TransactWriteItemsCommand)
    .rejectsOnce(throttling)
    .rejectsOnce(conflict)
    .rejectsOnce(dropped)
    .resolves({});
  const bump = bumpWallet('p1');
  return { ...mocked, bump, result: mocked.ledger.transact(bump) };
}

describe('instrumentation.onRetry on DynamoDB (aws-sdk-client-mock)', () => {
  it("tells onRetry of every retry with store 'dynamodb', its kind, its count of that kind and what failed", async () => {
    const events: StoreRetryEvent[] = [];
    const { result } = bumpThroughEveryRetry({ onRetry: (event) => events.push(event) });
    await expect(result).resolves.toBe('bumped to 3');
    const event = (kind: StoreRetryEvent['kind'], error: unknown) => ({
      store: 'dynamodb',
      kind,
      retry: 1,
      delayMs: expect.any(Number),
      error,
    });
    expect(events).toEqual([
      event(
        'unavailable',
        expect.objectContaining({ message: 'DynamoDB left 1 ledger reads unprocessed' }),
      ),
      event('unavailable', throttling),
      event('conflict', conflict),
      event('unknown-outcome', dropped),
    ]);
    expect(events[2]?.error).toBeInstanceOf(TransactionCanceledException);
  });

  it('counts the retries of one kind across a transaction: the second conflict is retry 2', async () => {
    const retries: [string, number][] = [];
    const { ledger, dynamo } = mockedLedger(storedWallet('p1', 0), FAST_RETRY, {
      onRetry: ({ kind, retry }) => retries.push([kind, retry]),
    });
    dynamo.on(TransactWriteItemsCommand).rejectsOnce(conflict).rejectsOnce(conflict).resolves({});
    await expect(ledger.transact(bumpWallet('p1'))).resolves.toBe('bumped to 1');
    expect(retries).toEqual([
      ['conflict', 1],
      ['conflict', 2],
    ]);
  });

  it('retries and commits as without instrumentation when onRetry throws', async () => {
    let told = 0;
    const { result, bump, writes } = bumpThroughEveryRetry({
      onRetry() {
        told++;
        throw new Error('metrics are down');
      },
    });
    await expect(result).resolves.toBe('bumped to 3');
    expect(told).toBe(4);
    expect(bump.decisions).toBe(2);
    expect(writes()).toHaveLength(4);
    expect(writes()[3]).toEqual(writes()[2]);
  });
});
