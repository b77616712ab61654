import type { RetryEvent } from './retry-transaction.js';

/**
 * A coalesced batch the service committed (or failed to): how many operations shared the
 * transaction, and how long the transaction took.
 *
 * @example
 * const onBatch = ({ operations }: BatchEvent) => histogram.record(operations);
 */
export interface BatchEvent {
  /** The operations in the transaction. */
  readonly operations: number;
  /** From the transaction's start to its end, retries included, in milliseconds. */
  readonly durationMs: number;
  /** What the transaction threw, when it failed; absent when it committed. */
  readonly error?: unknown;
}

/**
 * A retry a store is about to make, with the store's name (`postgres`, `dynamodb`,
 * `dynamo-history`).
 *
 * @example
 * const onRetry = ({ store, kind, retry }: StoreRetryEvent) => logger.warn({ message: 'retry', store, kind, retry });
 */
export interface StoreRetryEvent extends RetryEvent {
  /** Which store retries. */
  readonly store: string;
}

/**
 * What the SDK reports about its own work, for metrics, tracing and logs. Every hook is
 * optional, and one left out costs nothing: a service without `operation` is not wrapped at
 * all. The same object can be given to the service (`operation`, `onBatch`) and to every store
 * (`onRetry`). `@wallet/opentelemetry` builds one from OpenTelemetry's tracer and meter.
 *
 * Hooks run on the SDK's path: keep them quick. An `operation` that throws fails the call (it
 * owns the call); what `onBatch` or `onRetry` throws is dropped, so a metrics bug never fails
 * a transaction that committed or stops a retry.
 *
 * @example
 * const instrumentation: Instrumentation = {
 *   async operation(name, run) {
 *     const start = performance.now();
 *     try {
 *       return await run();
 *     } finally {
 *       latency.record(performance.now() - start, { operation: name });
 *     }
 *   },
 *   onBatch: ({ operations }) => batchSize.record(operations),
 *   onRetry: ({ store, kind }) => retries.add(1, { store, kind }),
 * };
 * createWalletService({ ledger: createPostgresLedger({ client, instrumentation }), currencies, instrumentation });
 */
export interface Instrumentation {
  /**
   * Runs around every call of a `WalletService` method (`name` is the method's, e.g.
   * `addFunds`): it must call `run` once and return what it returns, or throw what it throws.
   * A tracer starts the call's span here, so the store's own spans (a `pg` query) nest in it.
   */
  operation?<T>(name: string, run: () => Promise<T>): Promise<T>;
  /** After each coalesced batch (services with `coalesce` only). */
  onBatch?(event: BatchEvent): void;
  /** Before each retry of a store's transaction or request, after its backoff is drawn. */
  onRetry?(event: StoreRetryEvent): void;
}

/**
 * The service with every method run through `instrumentation.operation`; the service itself
 * when there is none, so an uninstrumented service pays nothing.
 */
export function instrumented<S extends object>(service: S, instrumentation?: Instrumentation): S {
  const around = instrumentation?.operation?.bind(instrumentation);
  if (around === undefined) return service;
  const wrapped: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(service)) {
    wrapped[name] =
      typeof value === 'function'
        ? (...args: unknown[]) => around(name, () => value.apply(service, args))
        : value;
  }
  return wrapped as S;
}

/**
 * Tells a notification hook (`onBatch`, `onRetry`); what it throws is dropped, since the work
 * it reports on has happened and must go on.
 *
 * @example
 * report(onBatch, { operations: 3, durationMs: 1.2 });
 */
export function report<E>(hook: (event: E) => void, event: E): void {
  try {
    hook(event);
  } catch {
    // Instrumentation must never change what the SDK does.
  }
}

/**
 * `instrumentation.onRetry` in the shape `retryTransaction`'s `onRetry` takes: each retry told
 * with the store's name (what the hook throws is dropped); `unwrap`
 * turns a store's internal wrapper of an error back into the error it wraps, so the hook sees
 * what the database said. Undefined when there is no hook, so a store without one does no work.
 *
 * @example
 * retryTransaction(attempt, { classify, policy, onRetry: retryReporter(options.instrumentation, 'my-store') });
 */
export function retryReporter(
  instrumentation: Instrumentation | undefined,
  store: string,
  unwrap: (error: unknown) => unknown = (error) => error,
): ((event: RetryEvent) => void) | undefined {
  const onRetry = instrumentation?.onRetry?.bind(instrumentation);
  if (onRetry === undefined) return undefined;
  return ({ error, ...event }) => report(onRetry, { ...event, error: unwrap(error), store });
}
