import { GetItemCommand, type GetItemCommandOutput } from '@aws-sdk/client-dynamodb';
import {
  ConcurrencyConflictError,
  type Instrumentation,
  type LedgerRecord,
  type LedgerStore,
  type LedgerTransaction,
  StoreUnavailableError,
  type WalletRecord,
} from '@wallet/core';
import type { RetrySettings } from '@wallet/core/adapter';
import {
  type FailureKind,
  type LedgerRetryOptions,
  type LedgerRetryPolicy,
  ledgerRetryPolicy,
  retryReporter,
  retryTransaction,
  TransactionTooLargeError,
} from '@wallet/core/adapter';
import type { DynamoDbClientLike } from '@wallet/dynamodb-shared';
import { queryJournal } from './entry-query.js';
import { type LedgerItem, recordFromItem, walletFromItem } from './item-codec.js';
import { readSnapshot } from './snapshot-reader.js';
import { type LedgerKey, recordItemKey, walletKey } from './table-keys.js';
import { commitTransaction } from './transaction-commit.js';
import { queryTransactionEntries } from './transaction-query.js';
import { MAX_TRANSACTION_ITEMS } from './transaction-size.js';
import { listExpiredHoldWallets, listWalletPage } from './wallet-listing.js';
import { transactItems } from './write-items.js';

/**
 * How to build a DynamoDB ledger.
 *
 * @example
 * const options: DynamoDbLedgerOptions = { client: new DynamoDBClient({}), tableName: 'wallet-ledger' };
 */
export interface DynamoDbLedgerOptions {
  /** A `DynamoDBClient` (any v3 release) or anything with its `send`; the caller owns it. */
  client: DynamoDbClientLike;
  /**
   * The table `createLedgerTable` made (or `updateLedgerTable` brought up to date): wallets,
   * journal entries, idempotency keys and ledger records all live in it.
   */
  tableName: string;
  /** How hard to retry conflicts, throttling and unknown outcomes. */
  retry?: RetryOptions;
  /**
   * Only its `onRetry` is read (once, here): told of every retry, as `{ store: 'dynamodb',
   * kind, retry, delayMs, error }`: a conflict decided again, a `TransactWriteItems` resent after
   * throttling or an unknown outcome, a `BatchGetItem` of unprocessed keys read again. What it
   * throws is dropped.
   */
  instrumentation?: Instrumentation;
}

/**
 * How hard a DynamoDB ledger retries: core's {@link LedgerRetryOptions}, with these defaults:
 * `maxConflictAttempts` 30 (each attempt on a fresh snapshot), `maxUnavailableRetries` 8
 * (resends after throttling or an unreachable endpoint), `maxUnknownRetries` 3 (resends of the
 * same `TransactWriteItems`, with the same `ClientRequestToken`, after an ambiguous failure),
 * `baseDelayMs` 5 and `maxDelayMs` 1000 (a hundred callers contending for one wallet need about
 * a second to spread out, measured on DynamoDB Local; coalescing is the better cure).
 *
 * @example
 * createDynamoDbLedger({ client, tableName, retry: { maxConflictAttempts: 60, maxDelayMs: 250 } });
 */
export type RetryOptions = LedgerRetryOptions;

/** The defaults of {@link RetryOptions}. */
export const RETRY_DEFAULTS: LedgerRetryPolicy = {
  maxConflictAttempts: 30,
  maxUnavailableRetries: 8,
  maxUnknownRetries: 3,
  baseDelayMs: 5,
  maxDelayMs: 1000,
};

/** An attempt's write cancelled by a concurrent one: decide again on a fresh snapshot. */
class Conflict {
  constructor(readonly cause: unknown) {}
}

function classify(error: unknown): FailureKind {
  if (error instanceof Conflict) return 'conflict';
  return error instanceof TransactionTooLargeError ? 'too-large' : 'fatal';
}

function giveUp(_kind: FailureKind, error: unknown, attempts: number): unknown {
  return error instanceof Conflict
    ? new ConcurrencyConflictError(attempts, { cause: error.cause })
    : error;
}

/**
 * A {@link LedgerStore} on one DynamoDB table, by optimistic concurrency: each transaction reads
 * the wallets, idempotency keys and ledger records it names (strongly consistent), lets core
 * decide, and commits the decision as one `TransactWriteItems` in which every wallet and record
 * is guarded by the version read and every new item by `attribute_not_exists`. A transaction
 * cancelled by a concurrent write is decided again on a fresh snapshot after a jittered backoff;
 * see {@link RetryOptions} and `docs/dynamodb-ledger.md` for every failure and what it becomes.
 *
 * A transaction writes at most 100 items, DynamoDB's limit, which the ledger declares as its
 * `maxRecordsPerTransaction`: core's coalescer fills a batch only as far as its operations'
 * worst cases fit. A larger write throws {@link TransactionTooLargeError} and writes nothing;
 * the coalescer then commits the batch in parts.
 *
 * `queryTransaction`, `listWallets` and `listWalletsWithExpiredHolds` read the table's global
 * secondary indexes, which are eventually consistent: a transaction or wallet committed a moment
 * ago may not be found yet (see `docs/dynamodb-ledger.md`).
 *
 * @example
 * import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
 * import { createWalletService } from '@wallet/core';
 * const client = new DynamoDBClient({});
 * await createLedgerTable(client, 'wallet-ledger');
 * const wallets = createWalletService({
 *   ledger: createDynamoDbLedger({ client, tableName: 'wallet-ledger' }),
 *   currencies: [{ code: 'GEMS', scale: 0 }],
 * });
 */
export function createDynamoDbLedger(options: DynamoDbLedgerOptions): LedgerStore {
  const { client, tableName } = options;
  const retry: RetrySettings = {
    policy: ledgerRetryPolicy(options.retry, RETRY_DEFAULTS),
    // A conflict is told as DynamoDB's cancellation (as `giveUp` keeps it), not the wrapper.
    onRetry: retryReporter(options.instrumentation, 'dynamodb', (error) =>
      error instanceof Conflict ? error.cause : error,
    ),
  };

  return {
    maxRecordsPerTransaction: MAX_TRANSACTION_ITEMS,

    transact: <T>(transaction: LedgerTransaction<T>): Promise<T> =>
      retryTransaction(
        async () => {
          const snapshot = await readSnapshot(client, tableName, transaction, retry);
          const decision = transaction.decide(snapshot);
          if (decision.write === null) return decision.result;
          const items = transactItems(tableName, decision.write, snapshot);
          // An empty write is a decision to change nothing; DynamoDB refuses an empty transaction.
          if (items.length === 0) return decision.result;
          if (items.length > MAX_TRANSACTION_ITEMS) {
            throw new TransactionTooLargeError(items.length, MAX_TRANSACTION_ITEMS);
          }
          const outcome = await commitTransaction(client, items, retry);
          if (!outcome.committed) throw new Conflict(outcome.conflict);
          return decision.result;
        },
        { ...retry, classify, giveUp },
      ),

    async getWallet(accountId: string): Promise<WalletRecord | null> {
      const item = await getItem(walletKey(accountId), 'the wallet');
      return item === undefined ? null : walletFromItem(item);
    },

    async getRecord(key: string): Promise<LedgerRecord | null> {
      const item = await getItem(recordItemKey(key), 'the ledger record');
      return item === undefined ? null : recordFromItem(item);
    },

    queryEntries: (query) => queryJournal(client, tableName, query),

    queryTransaction: (transactionId) =>
      queryTransactionEntries(client, tableName, transactionId, retry),

    listWallets: (query) => listWalletPage(client, tableName, query, retry),

    listWalletsWithExpiredHolds: (query) => listExpiredHoldWallets(client, tableName, query),
  };

  /** A consistent `GetItem`; undefined when there is no item. */
  async function getItem(key: LedgerKey, what: string): Promise<LedgerItem | undefined> {
    let output: GetItemCommandOutput;
    try {
      output = (await client.send(
        new GetItemCommand({ TableName: tableName, Key: key, ConsistentRead: true }),
      )) as GetItemCommandOutput;
    } catch (error) {
      throw new StoreUnavailableError(`DynamoDB could not read ${what}`, { cause: error });
    }
    return output.Item;
  }
}
