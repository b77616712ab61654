import type { Clock } from './clock.js';
import type { CurrencyRegistry } from './currency.js';
import { ValidationError, WalletError } from './errors.js';
import { type BatchEvent, report } from './instrumentation.js';
import { LedgerDraft } from './ledger-draft.js';
import { applyOperation, type PreparedOperation } from './operation.js';
import type { LedgerStore } from './ports.js';
import { TransactionTooLargeError } from './transaction-too-large.js';

/**
 * How concurrent operations are grouped into one ledger transaction.
 *
 * @example
 * createWalletService({ ledger, currencies, coalesce: { maxBatch: 256 } });
 */
export interface CoalesceOptions {
  /**
   * The most operations one transaction carries. Default 256. A batch also stays within the
   * ledger's `maxRecordsPerTransaction`, when it declares one, counting each operation at the
   * most records it can write.
   */
  maxBatch?: number;
  /** How many batch transactions may run at once. Default 1. */
  maxInFlight?: number;
  /**
   * How long a batch waits for company before it starts when nothing else is running.
   * Default 0: under light load each call commits at once; under heavy load, calls that arrive
   * while a batch commits form the next batch, so batches grow with load by themselves.
   */
  lingerMs?: number;
}

interface Pending {
  operation: PreparedOperation<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: WalletError };

/** Submits operations; each settles with its own result or error. */
export interface Coalescer {
  submit<R>(operation: PreparedOperation<R>): Promise<R>;
}

/**
 * Group commit for wallet operations: operations submitted while a batch is committing are
 * queued, then applied together, in arrival order, in one `LedgerStore` transaction. Each one
 * gets its own outcome: an operation refused for its own reasons (insufficient funds, a reused
 * key, a missing wallet) fails alone and writes nothing, its neighbours commit; a key used twice
 * in one batch applies once and the second call replays it. A store failure (conflicts
 * exhausted, unknown outcome, unavailable) fails every operation of that batch with that error.
 * The hash chain, sequences and every other guarantee are those of one-call transactions.
 *
 * A batch never holds more operations than `maxBatch`, nor more than the ledger's
 * `maxRecordsPerTransaction` records at its operations' worst case (the first operation always
 * goes: one that cannot fit alone is the store's to refuse). A batch the ledger still refuses as
 * too large (`TransactionTooLargeError`, nothing written) is committed in two halves, in order,
 * each halved again while refused; an operation too large on its own fails alone with that
 * error.
 *
 * @throws {ValidationError} when `maxBatch` or the ledger's `maxRecordsPerTransaction` is below 1
 * @example
 * const coalescer = createCoalescer(ledger, systemClock, currencies, { maxBatch: 256 }, ({ operations }) => sizes.push(operations));
 * const result = await coalescer.submit(prepared);
 */
export function createCoalescer(
  ledger: LedgerStore,
  clock: Clock,
  currencies: CurrencyRegistry,
  options: CoalesceOptions = {},
  onBatch?: (event: BatchEvent) => void,
): Coalescer {
  const maxBatch = atLeastOne(options.maxBatch ?? 256, 'coalesce.maxBatch');
  const maxRecords = atLeastOne(
    ledger.maxRecordsPerTransaction ?? Infinity,
    'ledger.maxRecordsPerTransaction',
  );
  const maxInFlight = options.maxInFlight ?? 1;
  const lingerMs = options.lingerMs ?? 0;
  const queue: Pending[] = [];
  let inFlight = 0;
  let scheduled = false;

  function schedule(): void {
    if (scheduled || inFlight >= maxInFlight || queue.length === 0) return;
    scheduled = true;
    const start = () => {
      scheduled = false;
      flush();
    };
    // A microtask still gathers every call made in the same synchronous burst.
    if (lingerMs > 0) setTimeout(start, lingerMs);
    else queueMicrotask(start);
  }

  /** How many queued operations fit one transaction, from the front of the queue. */
  function batchSize(): number {
    let records = 0;
    let size = 0;
    while (size < queue.length && size < maxBatch) {
      records += queue[size]!.operation.maxRecords;
      if (size > 0 && records > maxRecords) break;
      size++;
    }
    return size;
  }

  function flush(): void {
    if (inFlight >= maxInFlight || queue.length === 0) return;
    const batch = queue.splice(0, batchSize());
    inFlight++;
    commit(batch).finally(() => {
      inFlight--;
      schedule();
    });
    schedule();
  }

  async function commit(batch: Pending[]): Promise<void> {
    const accountIds = new Set<string>();
    const keys = new Set<string>();
    const recordKeys = new Set<string>();
    let batchRecords = 0;
    for (const { operation } of batch) {
      batchRecords += operation.maxRecords;
      for (const id of operation.accountIds) accountIds.add(id);
      if (operation.scopedKey !== null) keys.add(operation.scopedKey);
      for (const key of operation.recordKeys) recordKeys.add(key);
    }
    const started = onBatch === undefined ? 0 : performance.now();
    let outcomes: Outcome[];
    try {
      outcomes = await ledger.transact<Outcome[]>({
        accountIds: [...accountIds],
        idempotencyKeys: [...keys],
        recordKeys: [...recordKeys],
        decide(snapshot) {
          // What the batch's operations may write at most leaves this much room for expiries.
          const draft = new LedgerDraft(snapshot, clock(), currencies, maxRecords - batchRecords);
          const result = batch.map(({ operation }) => outcomeOf(draft, operation));
          return { write: draft.toWrite(), result };
        },
      });
    } catch (error) {
      if (onBatch)
        report(onBatch, {
          operations: batch.length,
          durationMs: performance.now() - started,
          error,
        });
      if (error instanceof TransactionTooLargeError && batch.length > 1) {
        // Nothing was written, so the batch may go again in parts; halves in sequence keep the
        // arrival order and need few transactions when the store's estimate was just a bit high.
        const half = Math.ceil(batch.length / 2);
        await commit(batch.slice(0, half));
        await commit(batch.slice(half));
        return;
      }
      for (const pending of batch) pending.reject(error);
      return;
    }
    if (onBatch)
      report(onBatch, { operations: batch.length, durationMs: performance.now() - started });
    outcomes.forEach((outcome, i) => {
      if (outcome.ok) batch[i]!.resolve(outcome.value);
      else batch[i]!.reject(outcome.error);
    });
  }

  return {
    submit<R>(operation: PreparedOperation<R>): Promise<R> {
      return new Promise<R>((resolve, reject) => {
        queue.push({ operation, resolve: resolve as (value: unknown) => void, reject });
        schedule();
      });
    },
  };
}

// A limit below one would commit empty batches forever; better to refuse it at construction.
function atLeastOne(limit: number, name: string): number {
  if (!(limit >= 1)) throw new ValidationError(`${name} must be at least 1, got ${limit}`);
  return limit;
}

function outcomeOf(draft: LedgerDraft, operation: PreparedOperation<unknown>): Outcome {
  try {
    return { ok: true, value: applyOperation(draft, operation) };
  } catch (error) {
    // Only the operation's own refusals stay with it; anything else aborts the batch.
    if (error instanceof WalletError) return { ok: false, error };
    throw error;
  }
}
