import { ConcurrencyConflictError } from '@wallet/core';
import type { RetryTransactionOptions } from '@wallet/core/adapter';
import { type Translation, translateError } from './errors.js';

/**
 * The error to throw for a failure that is not retried, from its translation: a conflict as a
 * `ConcurrencyConflictError` after `failures` failures, with the database's error as `cause`;
 * anything else as translated.
 *
 * @example
 * throw failureError(translateError(error), 1);
 */
export function failureError(outcome: Translation, failures: number): unknown {
  return outcome.retry
    ? new ConcurrencyConflictError(failures, { cause: outcome.cause })
    : outcome.error;
}

/**
 * The `classify` and `giveUp` of one `retryTransaction` loop, which translate each failure
 * once: `classify` keeps its translation, and `giveUp`, which the loop calls only right after
 * `classify` for the same failure, throws from it. One loop each, since the translation is state.
 *
 * @example
 * await retryTransaction(attempt, { ...retryClassifier(), policy, onRetry });
 */
export function retryClassifier(): Required<Pick<RetryTransactionOptions, 'classify' | 'giveUp'>> {
  let outcome: Translation;
  return {
    classify(error) {
      outcome = translateError(error);
      if (outcome.retry) return 'conflict';
      return outcome.unavailable ? 'unavailable' : 'fatal';
    },
    giveUp: (_kind, _error, failures) => failureError(outcome, failures),
  };
}
