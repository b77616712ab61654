import {
  BatchGetItemCommand,
  DynamoDBClient,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  type TransactWriteItemsCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { Instrumentation, LedgerStore, LedgerTransaction, WalletRecord } from '@wallet/core';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { createDynamoDbLedger } from '../../src/dynamodb-ledger.js';
import type { RetryOptions } from '../../src/index.js';
import { walletToItem } from '../../src/item-codec.js';

/** The table every mocked ledger names. */
export const MOCK_TABLE = 'wallet-ledger-mock';

/** Small budgets and near-zero backoff, so fault tests count sends without waiting. */
export const FAST_RETRY: RetryOptions = {
  maxConflictAttempts: 3,
  maxUnavailableRetries: 2,
  maxUnknownRetries: 2,
  baseDelayMs: 1,
  maxDelayMs: 2,
};

/** A ledger over an SDK client whose every command is answered by an aws-sdk-client-mock stub. */
export interface MockedLedger {
  ledger: LedgerStore;
  dynamo: AwsClientStub<DynamoDBClient>;
  /** The inputs of every `TransactWriteItems` sent, in order. */
  writes(): TransactWriteItemsCommandInput[];
}

/**
 * A ledger on a mocked client whose `BatchGetItem` returns `wallet` (when given), built with
 * `retry` and `instrumentation`.
 *
 * @example
 * const { ledger, dynamo } = mockedLedger(storedWallet('p1', 3));
 */
export function mockedLedger(
  wallet?: WalletRecord,
  retry: RetryOptions = FAST_RETRY,
  instrumentation?: Instrumentation,
): MockedLedger {
  const client = new DynamoDBClient({
    region: 'local',
    credentials: { accessKeyId: 'mock', secretAccessKey: 'mock' },
  });
  const dynamo = mockClient(client);
  dynamo
    .on(BatchGetItemCommand)
    .resolves({ Responses: { [MOCK_TABLE]: wallet ? [walletToItem(wallet)] : [] } });
  return {
    ledger: createDynamoDbLedger({ client, tableName: MOCK_TABLE, retry, instrumentation }),
    dynamo,
    writes: () =>
      dynamo
        .commandCalls(TransactWriteItemsCommand)
        .map((call) => call.args[0].input as TransactWriteItemsCommandInput),
  };
}

/**
 * A stored wallet record at `version`.
 *
 * @example
 * const wallet = storedWallet('p1', 2);
 */
export function storedWallet(accountId: string, version: number): WalletRecord {
  return {
    accountId,
    balances: { GEMS: '10' },
    version,
    sequence: version,
    headHash: '0'.repeat(64),
    createdAt: '2030-01-01T00:00:00.000Z',
    updatedAt: '2030-01-01T00:00:00.000Z',
    metadata: null,
    holds: [],
  };
}

/**
 * A transaction that bumps one wallet's version, counting how often it was decided.
 *
 * @example
 * const bump = bumpWallet('p1');
 * await ledger.transact(bump);
 * bump.decisions; // 1
 */
export function bumpWallet(accountId: string): LedgerTransaction<string> & { decisions: number } {
  const transaction = {
    decisions: 0,
    accountIds: [accountId],
    idempotencyKeys: [],
    recordKeys: [],
    decide(snapshot: Parameters<LedgerTransaction<string>['decide']>[0]) {
      transaction.decisions++;
      const wallet = snapshot.wallets.get(accountId)!;
      return {
        write: {
          wallets: [{ ...wallet, version: wallet.version + 1 }],
          entries: [],
          idempotency: [],
          records: [],
        },
        result: `bumped to ${wallet.version + 1}`,
      };
    },
  };
  return transaction;
}

/**
 * A `TransactionCanceledException` with one cancellation reason per code, as DynamoDB sends it.
 *
 * @example
 * dynamo.on(TransactWriteItemsCommand).rejects(cancelled('ConditionalCheckFailed'));
 */
export function cancelled(...codes: string[]): TransactionCanceledException {
  return new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
    $metadata: { httpStatusCode: 400 },
    CancellationReasons: codes.map((Code) => ({ Code })),
  });
}

/**
 * A socket error as Node's HTTP client raises it, e.g. `ECONNRESET` or `ECONNREFUSED`.
 *
 * @example
 * dynamo.on(TransactWriteItemsCommand).rejectsOnce(socketError('ECONNRESET'));
 */
export function socketError(code: string): Error {
  return Object.assign(new Error(`socket error ${code}`), { code });
}
