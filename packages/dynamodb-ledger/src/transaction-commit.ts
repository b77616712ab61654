import { randomUUID } from 'node:crypto';
import {
  type TransactWriteItem,
  TransactWriteItemsCommand,
  type TransactWriteItemsCommandInput,
} from '@aws-sdk/client-dynamodb';
import { OutcomeUnknownError, StoreUnavailableError } from '@wallet/core';
import type { RetrySettings } from '@wallet/core/adapter';
import { retryTransaction } from '@wallet/core/adapter';
import type { DynamoDbClientLike } from '@wallet/dynamodb-shared';
import { classifyWriteFailure, resentBySdk, type WriteFailure } from './transact-errors.js';

/** How one commit ended: committed, or cancelled by a conflict and nothing written. */
export type CommitOutcome = { committed: true } | { committed: false; conflict: unknown };

/**
 * Sends one `TransactWriteItems` until DynamoDB gives a definite answer.
 *
 * The request carries a fresh `ClientRequestToken`, which makes it idempotent for 10 minutes:
 * DynamoDB answers a request whose token already committed with success and writes nothing
 * again. So after a failure that leaves the outcome unknown (a timeout, a dropped connection, a
 * 5xx) the very same request is sent again: success means it committed exactly once, and a
 * failed condition means it never will (had it committed, the token would have answered
 * success). A cancellation by a concurrent transaction alone (`TransactionConflict`) is definite
 * only when no other copy of the request may be in flight; otherwise that copy could still
 * commit, so only the same token may go again. Only when the resends run out is the outcome
 * reported unknown.
 *
 * @throws {OutcomeUnknownError} when the outcome stays unknown after the resends
 * @throws {StoreUnavailableError} when throttling or connection failures outlast their retries,
 *   or DynamoDB refused the request, and no send of ours may have committed
 * @example
 * const outcome = await commitTransaction(client, items, retry);
 * if (!outcome.committed) retryOnFreshSnapshot(outcome.conflict);
 */
export async function commitTransaction(
  client: DynamoDbClientLike,
  items: TransactWriteItem[],
  retry: RetrySettings,
): Promise<CommitOutcome> {
  const input: TransactWriteItemsCommandInput = {
    TransactItems: items,
    ClientRequestToken: randomUUID(),
  };
  let maybeCommitted = false;
  let failure: WriteFailure = 'rejected';
  try {
    await retryTransaction(() => client.send(new TransactWriteItemsCommand(input)), {
      ...retry,
      // A conflict ends this loop at once: only a fresh snapshot (the caller's loop) can help.
      policy: { ...retry.policy, maxConflictAttempts: 1 },
      classify(error) {
        failure = classifyWriteFailure(error);
        const copyInFlight = maybeCommitted || resentBySdk(error);
        if (failure === 'stale' || (failure === 'contended' && !copyInFlight)) return 'conflict';
        if (failure === 'ambiguous' || failure === 'contended') {
          maybeCommitted = true;
          return 'unknown-outcome';
        }
        return failure === 'rejected' ? 'fatal' : 'unavailable';
      },
      giveUp: (kind, error, sends) =>
        kind === 'conflict'
          ? new Cancelled(error)
          : finalError(failure, error, maybeCommitted, sends),
    });
    return { committed: true };
  } catch (error) {
    if (error instanceof Cancelled) return { committed: false, conflict: error.conflict };
    throw error;
  }
}

/** Ends the resends of a request cancelled by a conflict, carrying DynamoDB's answer. */
class Cancelled {
  constructor(readonly conflict: unknown) {}
}

function finalError(
  failure: WriteFailure,
  error: unknown,
  maybeCommitted: boolean,
  sends: number,
): OutcomeUnknownError | StoreUnavailableError {
  if (maybeCommitted) return new OutcomeUnknownError({ cause: error });
  const message =
    failure === 'rejected'
      ? `DynamoDB refused the ledger transaction: ${error instanceof Error ? error.message : String(error)}`
      : failure === 'throttled'
        ? `DynamoDB throttled the ledger transaction ${sends} times`
        : 'DynamoDB could not be reached';
  return new StoreUnavailableError(message, { cause: error });
}
