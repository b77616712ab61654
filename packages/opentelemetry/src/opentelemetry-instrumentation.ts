import {
  context,
  type Exception,
  type Meter,
  metrics,
  SpanStatusCode,
  type Tracer,
  trace,
  ValueType,
} from '@opentelemetry/api';
import type { Instrumentation } from '@wallet/core';

/** The instrumentation scope of the default tracer and meter: this package's name. */
const SCOPE = '@wallet/opentelemetry';

/**
 * Batch sizes run from 1 to `coalesce.maxBatch` (256 by default): powers of two resolve both
 * ends, where the SDK's default buckets (made for milliseconds) would put most batches in one.
 */
const BATCH_SIZE_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

/**
 * Where {@link openTelemetryInstrumentation} sends its spans and metrics.
 *
 * @example
 * const options: OpenTelemetryInstrumentationOptions = { tracer: provider.getTracer('wallet') };
 */
export interface OpenTelemetryInstrumentationOptions {
  /**
   * The tracer of the `wallet.<method>` spans. Default: `trace.getTracer('@wallet/opentelemetry')`,
   * from the tracer provider the application registered (a no-op until it registers one).
   */
  tracer?: Tracer;
  /**
   * The meter of `wallet.operation.duration`, `wallet.batch.size` and `wallet.store.retries`.
   * Default: `metrics.getMeter('@wallet/opentelemetry')`, taken when the instrumentation is
   * made: register the meter provider first, since OpenTelemetry's API does not forward a meter
   * taken before (as it does a tracer), and its instruments would stay no-ops.
   */
  meter?: Meter;
}

/**
 * An {@link Instrumentation} that reports to OpenTelemetry. Give it to `createWalletService` and
 * to the ledger, as every `Instrumentation`.
 *
 * - Each `WalletService` call is a span named `wallet.<method>` (`wallet.addFunds`), active
 *   while the call runs, so the store's spans (a `pg` query, a DynamoDB request) are its
 *   children, and the caller's active span is its parent. A call that succeeds leaves the status
 *   unset (OpenTelemetry's rule for instrumentation libraries: OK is the application's to set);
 *   one that fails ends with status ERROR, the exception recorded as an event and, when the
 *   error has a string `code` (every `WalletError` does), the attribute `wallet.error_code`.
 *   The caller gets the call's own result or error.
 * - `wallet.operation.duration` (histogram, ms): every call, by `wallet.operation` (the method)
 *   and `wallet.outcome` (`ok`, the error's `code`, or `error` for an error without one).
 * - `wallet.batch.size` (histogram, operations): every coalesced batch the service committed or
 *   failed to, by `wallet.outcome` likewise.
 * - `wallet.store.retries` (counter): every retry of a store, by `wallet.store` (`postgres`,
 *   `dynamodb`, `dynamo-history`) and `wallet.retry.kind` (`conflict`, `unavailable`,
 *   `unknown-outcome`).
 *
 * @example
 * const instrumentation = openTelemetryInstrumentation();
 * const wallets = createWalletService({ ledger: createMemoryLedger(), currencies, instrumentation });
 */
export function openTelemetryInstrumentation(
  options: OpenTelemetryInstrumentationOptions = {},
): Instrumentation {
  const tracer = options.tracer ?? trace.getTracer(SCOPE);
  const meter = options.meter ?? metrics.getMeter(SCOPE);
  const duration = meter.createHistogram('wallet.operation.duration', {
    description: 'How long each WalletService call took.',
    unit: 'ms',
  });
  const batchSize = meter.createHistogram('wallet.batch.size', {
    description: 'The operations each coalesced batch committed in one transaction.',
    unit: '{operation}',
    valueType: ValueType.INT,
    advice: { explicitBucketBoundaries: BATCH_SIZE_BUCKETS },
  });
  const retries = meter.createCounter('wallet.store.retries', {
    description: 'The retries stores made of a transaction or a request.',
    unit: '{retry}',
    valueType: ValueType.INT,
  });

  return {
    async operation(name, run) {
      const span = tracer.startSpan(`wallet.${name}`, { attributes: { 'wallet.operation': name } });
      const started = performance.now();
      try {
        const value = await context.with(trace.setSpan(context.active(), span), run);
        duration.record(performance.now() - started, {
          'wallet.operation': name,
          'wallet.outcome': 'ok',
        });
        return value;
      } catch (error) {
        const code = errorCode(error);
        span.recordException(asException(error));
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: error instanceof Error ? error.message : String(error),
        });
        if (code !== undefined) span.setAttribute('wallet.error_code', code);
        duration.record(performance.now() - started, {
          'wallet.operation': name,
          'wallet.outcome': code ?? 'error',
        });
        throw error;
      } finally {
        span.end();
      }
    },

    onBatch({ operations, error }) {
      batchSize.record(operations, {
        'wallet.outcome': error === undefined ? 'ok' : (errorCode(error) ?? 'error'),
      });
    },

    onRetry({ store, kind }) {
      retries.add(1, { 'wallet.store': store, 'wallet.retry.kind': kind });
    },
  };
}

/**
 * The error's string `code` (a `WalletError`'s, a `pg` SQLSTATE, a Node.js system error's):
 * codes come from closed sets, so they make attribute values of bounded cardinality, where
 * messages would not.
 */
function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

/** What `recordException` takes: the error itself, or its text when it is not an `Error`. */
function asException(error: unknown): Exception {
  return error instanceof Error ? error : String(error);
}
