import { GetItemCommand, type GetItemCommandOutput } from '@aws-sdk/client-dynamodb';
import {
  ConcurrencyConflictError,
  type LedgerStore,
  type LedgerTransaction,
  StoreUnavailableError,
  TransactionTooLargeError,
  type WalletRecord,
} from '@wallet/core';
import { backoffDelay, type RetryOptions, retryPolicy, sleep } from './backoff.js';
import type { DynamoDbClientLike } from './dynamodb-client.js';
import { queryJournal } from './entry-query.js';
import { walletFromItem } from './item-codec.js';
import { readSnapshot } from './snapshot-reader.js';
import { walletKey } from './table-keys.js';
import { commitTransaction } from './transaction-commit.js';
import { MAX_TRANSACTION_ITEMS, SAFE_COALESCE_BATCH } from './transaction-size.js';
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
  /** The table `createLedgerTable` made: wallets, journal entries and keys all live in it. */
  tableName: string;
  /** How hard to retry conflicts, throttling and unknown outcomes. */
  retry?: RetryOptions;
}

/**
 * A {@link LedgerStore} on one DynamoDB table, by optimistic concurrency: each transaction reads
 * the wallets and idempotency keys it names (strongly consistent), lets core decide, and commits
 * the decision as one `TransactWriteItems` in which every wallet is guarded by the version read
 * and every new item by `attribute_not_exists`. A transaction cancelled by a concurrent write is
 * decided again on a fresh snapshot after a jittered backoff; see {@link RetryOptions} and
 * `docs/dynamodb-ledger.md` for every failure and what it becomes.
 *
 * A transaction writes at most 100 items, DynamoDB's limit. The ledger declares
 * `maxCoalescedOperations: SAFE_COALESCE_BATCH` (20 operations, at most 5 items each), so a
 * service with `coalesce: true` never forms a larger batch. A larger write throws
 * {@link TransactionTooLargeError} and writes nothing; the coalescer then commits the batch in
 * parts.
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
  const policy = retryPolicy(options.retry);

  return {
    maxCoalescedOperations: SAFE_COALESCE_BATCH,

    async transact<T>(transaction: LedgerTransaction<T>): Promise<T> {
      let conflict: unknown;
      for (let attempt = 1; attempt <= policy.maxConflictAttempts; attempt++) {
        if (attempt > 1) await sleep(backoffDelay(attempt - 1, policy));
        const snapshot = await readSnapshot(
          client,
          tableName,
          transaction.accountIds,
          transaction.idempotencyKeys,
          policy,
        );
        const decision = transaction.decide(snapshot);
        if (decision.write === null) return decision.result;
        const items = transactItems(tableName, decision.write, snapshot);
        // An empty write is a decision to change nothing; DynamoDB refuses an empty transaction.
        if (items.length === 0) return decision.result;
        if (items.length > MAX_TRANSACTION_ITEMS) {
          throw new TransactionTooLargeError(items.length, MAX_TRANSACTION_ITEMS);
        }
        const outcome = await commitTransaction(client, items, policy);
        if (outcome.committed) return decision.result;
        conflict = outcome.conflict;
      }
      throw new ConcurrencyConflictError(policy.maxConflictAttempts, { cause: conflict });
    },

    async getWallet(accountId: string): Promise<WalletRecord | null> {
      let output: GetItemCommandOutput;
      try {
        output = (await client.send(
          new GetItemCommand({
            TableName: tableName,
            Key: walletKey(accountId),
            ConsistentRead: true,
          }),
        )) as GetItemCommandOutput;
      } catch (error) {
        throw new StoreUnavailableError('DynamoDB could not read the wallet', { cause: error });
      }
      return output.Item === undefined ? null : walletFromItem(output.Item);
    },

    queryEntries: (query) => queryJournal(client, tableName, query),
  };
}
