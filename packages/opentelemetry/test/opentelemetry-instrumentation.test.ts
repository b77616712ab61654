import { context, metrics, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  type DataPoint,
  type Histogram,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import {
  createMemoryLedger,
  createWalletService,
  type Instrumentation,
  InsufficientFundsError,
  type LedgerStore,
} from '@wallet/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openTelemetryInstrumentation } from '../src/index.js';

const currencies = [{ code: 'GEMS', scale: 0 }];

/** The SDK's own tracer and meter providers, exporting to memory. */
function telemetry() {
  const spanExporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(spanExporter)],
  });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  // Exported on demand by forceFlush; the interval only keeps the timer from firing mid-test.
  const reader = new PeriodicExportingMetricReader({
    exporter: metricExporter,
    exportIntervalMillis: 3_600_000,
  });
  const meterProvider = new MeterProvider({ readers: [reader] });
  return {
    tracerProvider,
    meterProvider,
    /** Every span that has ended, in the order they ended. */
    spans: (): ReadableSpan[] => spanExporter.getFinishedSpans(),
    forgetSpans: () => spanExporter.reset(),
    /** The data points of one metric, as the reader collects them now. */
    async points<T = number>(name: string): Promise<DataPoint<T>[]> {
      metricExporter.reset();
      await reader.forceFlush();
      const found = metricExporter
        .getMetrics()
        .flatMap((resource) => resource.scopeMetrics)
        .flatMap((scope) => scope.metrics)
        .filter((metric) => metric.descriptor.name === name);
      return found.flatMap((metric) => metric.dataPoints as DataPoint<T>[]);
    },
    /** The scope names metrics were reported under. */
    async metricScopes(): Promise<string[]> {
      metricExporter.reset();
      await reader.forceFlush();
      return metricExporter
        .getMetrics()
        .flatMap((resource) => resource.scopeMetrics.map((scope) => scope.scope.name));
    },
    async shutdown() {
      await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
    },
  };
}

type Telemetry = ReturnType<typeof telemetry>;

/** The instrumentation under test, on the telemetry's own tracer and meter. */
function instrumentationOf(otel: Telemetry): Instrumentation {
  return openTelemetryInstrumentation({
    tracer: otel.tracerProvider.getTracer('wallet-test'),
    meter: otel.meterProvider.getMeter('wallet-test'),
  });
}

describe('openTelemetryInstrumentation', () => {
  let otel: Telemetry;
  // Spans nest through the active context, which needs a context manager, as an application's
  // OpenTelemetry SDK registers one.
  const contextManager = new AsyncLocalStorageContextManager();

  beforeAll(() => {
    context.setGlobalContextManager(contextManager.enable());
  });
  afterAll(() => {
    context.disable();
  });
  afterEach(async () => {
    await otel.shutdown();
  });

  it('makes a call that succeeds one span named wallet.<method> with its status left unset, and a duration sample with outcome ok', async () => {
    otel = telemetry();
    const wallets = createWalletService({
      ledger: createMemoryLedger(),
      currencies,
      instrumentation: instrumentationOf(otel),
    });
    await wallets.createWallet({ accountId: 'player-1' });
    const credit = await wallets.addFunds({ accountId: 'player-1', amount: '5' });
    expect(credit.currentBalance).toBe('5');

    expect(otel.spans().map((span) => [span.name, span.status.code, span.attributes])).toEqual([
      ['wallet.createWallet', SpanStatusCode.UNSET, { 'wallet.operation': 'createWallet' }],
      ['wallet.addFunds', SpanStatusCode.UNSET, { 'wallet.operation': 'addFunds' }],
    ]);
    const durations = await otel.points<Histogram>('wallet.operation.duration');
    expect(durations.map((point) => [point.attributes, point.value.count])).toEqual([
      [{ 'wallet.operation': 'createWallet', 'wallet.outcome': 'ok' }, 1],
      [{ 'wallet.operation': 'addFunds', 'wallet.outcome': 'ok' }, 1],
    ]);
    for (const point of durations) expect(point.value.sum).toBeGreaterThanOrEqual(0);
  });

  it('makes a refused call an ERROR span with wallet.error_code and the exception event, its duration outcome the code, and the caller gets the error as thrown', async () => {
    otel = telemetry();
    const wallets = createWalletService({
      ledger: createMemoryLedger(),
      currencies,
      instrumentation: instrumentationOf(otel),
    });
    await wallets.createWallet({ accountId: 'player-1' });
    const refused = await wallets
      .withdrawFunds({ accountId: 'player-1', amount: '9' })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(InsufficientFundsError);

    const span = otel.spans().find((s) => s.name === 'wallet.withdrawFunds');
    expect(span?.status).toEqual({
      code: SpanStatusCode.ERROR,
      message: (refused as InsufficientFundsError).message,
    });
    expect(span?.attributes['wallet.error_code']).toBe('INSUFFICIENT_FUNDS');
    expect(span?.events.map((event) => [event.name, event.attributes])).toEqual([
      [
        'exception',
        expect.objectContaining({
          'exception.type': 'INSUFFICIENT_FUNDS',
          'exception.message': (refused as InsufficientFundsError).message,
        }),
      ],
    ]);
    expect(
      (await otel.points<Histogram>('wallet.operation.duration')).map((p) => p.attributes),
    ).toContainEqual({
      'wallet.operation': 'withdrawFunds',
      'wallet.outcome': 'INSUFFICIENT_FUNDS',
    });
  });

  it("passes a store's error to the caller as the same object; one without a code is outcome error, with no wallet.error_code", async () => {
    otel = telemetry();
    const memory = createMemoryLedger();
    const down = new Error('connection reset');
    let failing = false;
    const wallets = createWalletService({
      ledger: {
        ...memory,
        transact: (transaction) => (failing ? Promise.reject(down) : memory.transact(transaction)),
      },
      currencies,
      instrumentation: instrumentationOf(otel),
    });
    await wallets.createWallet({ accountId: 'player-1' });
    failing = true;
    await expect(wallets.addFunds({ accountId: 'player-1', amount: '1' })).rejects.toBe(down);

    const span = otel.spans().find((s) => s.name === 'wallet.addFunds');
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'connection reset' });
    expect(span?.attributes).toEqual({ 'wallet.operation': 'addFunds' });
    expect(span?.events[0]?.attributes?.['exception.message']).toBe('connection reset');
    expect(
      (await otel.points<Histogram>('wallet.operation.duration')).map((p) => p.attributes),
    ).toContainEqual({ 'wallet.operation': 'addFunds', 'wallet.outcome': 'error' });
  });

  it("nests the wallet span under the span the caller holds active, and the store's spans under the wallet span", async () => {
    otel = telemetry();
    const tracer = otel.tracerProvider.getTracer('app');
    const memory = createMemoryLedger();
    // A store whose client traces itself, as `pg` or the AWS SDK do under OpenTelemetry.
    const ledger: LedgerStore = {
      ...memory,
      transact: (transaction) =>
        tracer.startActiveSpan('store.transact', async (span) => {
          try {
            return await memory.transact(transaction);
          } finally {
            span.end();
          }
        }),
    };
    const wallets = createWalletService({
      ledger,
      currencies,
      instrumentation: instrumentationOf(otel),
    });
    await wallets.createWallet({ accountId: 'player-1' });
    otel.forgetSpans();

    await tracer.startActiveSpan('POST /wallets/player-1/credit', async (request) => {
      await wallets.addFunds({ accountId: 'player-1', amount: '3' });
      request.end();
    });

    const [store, wallet, request] = otel.spans();
    expect([store?.name, wallet?.name, request?.name]).toEqual([
      'store.transact',
      'wallet.addFunds',
      'POST /wallets/player-1/credit',
    ]);
    expect(wallet?.parentSpanContext?.spanId).toBe(request?.spanContext().spanId);
    expect(store?.parentSpanContext?.spanId).toBe(wallet?.spanContext().spanId);
    expect(new Set(otel.spans().map((span) => span.spanContext().traceId)).size).toBe(1);
  });

  it('records the size of every coalesced batch in wallet.batch.size, each operation counted once, in power-of-two buckets', async () => {
    otel = telemetry();
    const wallets = createWalletService({
      ledger: createMemoryLedger(),
      currencies,
      coalesce: true,
      instrumentation: instrumentationOf(otel),
    });
    await wallets.createWallet({ accountId: 'hot' });
    await Promise.all(
      Array.from({ length: 20 }, () => wallets.addFunds({ accountId: 'hot', amount: '1' })),
    );

    const [batches, ...others] = await otel.points<Histogram>('wallet.batch.size');
    expect(others).toEqual([]);
    expect(batches?.attributes).toEqual({ 'wallet.outcome': 'ok' });
    // createWallet is not coalesced; the 20 credits are, in fewer transactions than credits.
    expect(batches?.value.sum).toBe(20);
    expect(batches?.value.count).toBeLessThan(20);
    expect(batches?.value.max).toBeGreaterThan(1);
    expect(batches?.value.buckets.boundaries).toEqual([
      1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024,
    ]);
  });

  it("records a failed batch's size under its error code", async () => {
    otel = telemetry();
    const memory = createMemoryLedger();
    const unavailable = Object.assign(new Error('the database is starting up'), { code: '57P03' });
    let failing = false;
    const wallets = createWalletService({
      ledger: {
        ...memory,
        transact: (transaction) =>
          failing ? Promise.reject(unavailable) : memory.transact(transaction),
      },
      currencies,
      coalesce: true,
      instrumentation: instrumentationOf(otel),
    });
    await wallets.createWallet({ accountId: 'hot' });
    failing = true;
    await expect(wallets.addFunds({ accountId: 'hot', amount: '1' })).rejects.toBe(unavailable);

    const batches = await otel.points<Histogram>('wallet.batch.size');
    expect(batches.map((point) => [point.attributes, point.value.sum])).toEqual([
      [{ 'wallet.outcome': '57P03' }, 1],
    ]);
    expect(otel.spans().find((s) => s.name === 'wallet.addFunds')?.attributes).toEqual({
      'wallet.operation': 'addFunds',
      'wallet.error_code': '57P03',
    });
  });

  it('counts each store retry in wallet.store.retries, by wallet.store and wallet.retry.kind', async () => {
    otel = telemetry();
    const instrumentation = instrumentationOf(otel);
    const error = new Error('could not serialize access');
    instrumentation.onRetry?.({ store: 'postgres', kind: 'conflict', retry: 1, delayMs: 4, error });
    instrumentation.onRetry?.({ store: 'postgres', kind: 'conflict', retry: 2, delayMs: 9, error });
    instrumentation.onRetry?.({
      store: 'dynamodb',
      kind: 'unavailable',
      retry: 1,
      delayMs: 25,
      error,
    });

    const retries = await otel.points('wallet.store.retries');
    expect(retries.map((point) => [point.attributes, point.value])).toEqual([
      [{ 'wallet.store': 'postgres', 'wallet.retry.kind': 'conflict' }, 2],
      [{ 'wallet.store': 'dynamodb', 'wallet.retry.kind': 'unavailable' }, 1],
    ]);
  });

  it('without options, reports to the providers the application registered, under the scope @wallet/opentelemetry', async () => {
    otel = telemetry();
    trace.setGlobalTracerProvider(otel.tracerProvider);
    metrics.setGlobalMeterProvider(otel.meterProvider);
    try {
      const wallets = createWalletService({
        ledger: createMemoryLedger(),
        currencies,
        instrumentation: openTelemetryInstrumentation(),
      });
      await wallets.createWallet({ accountId: 'player-1' });

      expect(otel.spans().map((span) => [span.name, span.instrumentationScope.name])).toEqual([
        ['wallet.createWallet', '@wallet/opentelemetry'],
      ]);
      expect(await otel.metricScopes()).toEqual(['@wallet/opentelemetry']);
    } finally {
      trace.disable();
      metrics.disable();
    }
  });

  it('without options and with no provider registered, every call returns and throws as it would uninstrumented', async () => {
    otel = telemetry();
    const wallets = createWalletService({
      ledger: createMemoryLedger(),
      currencies,
      instrumentation: openTelemetryInstrumentation(),
    });
    await wallets.createWallet({ accountId: 'player-1' });
    const credit = await wallets.addFunds({ accountId: 'player-1', amount: '2' });
    expect(credit.currentBalance).toBe('2');
    await expect(wallets.withdrawFunds({ accountId: 'player-1', amount: '3' })).rejects.toThrow(
      InsufficientFundsError,
    );
  });
});
