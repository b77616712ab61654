/**
 * What ledger and history store authors use: the one retry loop and backoff every store shares
 * (a store only classifies its errors), `retryReporter` for telling `instrumentation.onRetry` of
 * its retries, and the limits a store declares against.
 *
 * @module
 */
export { type BackoffBounds, backoffDelay, sleep } from './backoff.js';
export { retryReporter } from './instrumentation.js';
export { MAX_RECORDS_PER_OPERATION } from './operation-size.js';
export {
  type FailureKind,
  type LedgerRetryOptions,
  type LedgerRetryPolicy,
  ledgerRetryPolicy,
  type RetryEvent,
  type RetrySettings,
  type RetryTransactionOptions,
  retryTransaction,
} from './retry-transaction.js';
export { TransactionTooLargeError } from './transaction-too-large.js';
