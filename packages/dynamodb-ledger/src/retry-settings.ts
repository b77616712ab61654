import type { RetryTransactionOptions } from '@wallet/core/adapter';

/**
 * How the ledger retries each request it makes: the budgets and backoff of its `retry` option,
 * and the `onRetry` that tells `instrumentation.onRetry` of each retry (undefined without one).
 *
 * @example
 * const items = await batchGetItems(client, 'wallet-ledger', keys, { policy, onRetry: undefined });
 */
export type RetrySettings = Pick<RetryTransactionOptions, 'policy' | 'onRetry'>;
