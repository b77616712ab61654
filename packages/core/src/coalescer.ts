import type { Clock } from './clock.js';
import type { CurrencyRegistry } from './currency.js';
import { ValidationError, WalletError } from './errors.js';
import { NOT_SPREADABLE } from './hot-wallets.js';
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
  /**
   * How many batch transactions may run at once. Default 4. Batches this service has in flight
   * together never share a wallet, an idempotency key or a ledger record, so none waits on
   * another's locks or conflicts with it (other processes' writes still may): an operation on a
   * wallet whose batch is committing waits for the next batch, and one wallet that every call
   * touches still gets one batch at a time, as large as the load makes it.
   */
  maxInFlight?: number;
  /**
   * How long a batch waits for company before it starts, whenever a transaction is free to take
   * it. Default 0: under light load each call commits at once; under heavy load, calls that
   * arrive while batches commit form the next batch, so batches grow with load by themselves.
   */
  lingerMs?: number;
}

interface Pending {
  operation: PreparedOperation<unknown>;
  /** The wallets, key and records the operation touches, each named once by kind. */
  resources: readonly string[];
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * The fewest operations a batch is split down to so that parts commit side by side: below it,
 * a transaction's fixed cost (its round trips, its commit) outweighs what running beside
 * another batch gains.
 */
const MIN_PART = 32;

/** An operation's result, or its refusal: a `WalletError`, or the hot wallets' {@link NOT_SPREADABLE}. */
type Outcome = { ok: true; value: unknown } | { ok: false; error: Error };

/** Submits operations; each settles with its own result or error. */
export interface Coalescer {
  submit<R>(operation: PreparedOperation<R>): Promise<R>;
}

/**
 * Group commit for wallet operations: operations submitted while batches are committing are
 * queued, then applied together, in arrival order, in one `LedgerStore` transaction. Each one
 * gets its own outcome: an operation refused for its own reasons (insufficient funds, a reused
 * key, a missing wallet) fails alone and writes nothing, its neighbours commit; a key used twice
 * in one batch applies once and the second call replays it. A store failure (conflicts
 * exhausted, unknown outcome, unavailable) fails every operation of that batch with that error.
 * The hash chain, sequences and every other guarantee are those of one-call transactions.
 *
 * Up to `maxInFlight` batches commit at once, and the batches in flight together touch disjoint
 * wallets, keys and records: an operation that touches what a committing batch touches stays
 * queued (with every later one that touches what it touches, so each wallet sees its calls in
 * arrival order) until that batch is done. When the queue holds many operations and
 * transactions are free, the batch is split into parts that share nothing, each of at least
 * `MIN_PART` operations, which commit side by side: operations on many wallets keep several
 * transactions busy, while the calls of one hot wallet form one batch as large as the load
 * makes it. (Other processes' writes may still meet a batch's wallets; the store handles
 * those as it always does.)
 *
 * A batch never holds more operations than `maxBatch`, nor more than the ledger's
 * `maxRecordsPerTransaction` records at its operations' worst case (the first operation always
 * goes: one that cannot fit alone is the store's to refuse). A batch the ledger still refuses as
 * too large (`TransactionTooLargeError`, nothing written) is committed in two halves, in order,
 * each halved again while refused; an operation too large on its own fails alone with that
 * error.
 *
 * @throws {ValidationError} when `maxBatch`, `maxInFlight` or the ledger's
 *   `maxRecordsPerTransaction` is below 1
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
  const maxInFlight = atLeastOne(options.maxInFlight ?? 4, 'coalesce.maxInFlight');
  const lingerMs = options.lingerMs ?? 0;
  let queue: Pending[] = [];
  /** What the batches in flight touch, each with how many of them touch it. */
  const busy = new Map<string, number>();
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

  /**
   * Takes from the queue, in order, the operations that touch nothing in flight and nothing a
   * skipped operation touches, up to `maxBatch` and the ledger's record limit.
   */
  function takeBatch(): Pending[] {
    const batch: Pending[] = [];
    const kept: Pending[] = [];
    const skipped = new Set<string>();
    let records = 0;
    let full = false;
    for (const pending of queue) {
      if (
        full ||
        pending.resources.some((resource) => busy.has(resource) || skipped.has(resource))
      ) {
        kept.push(pending);
        for (const resource of pending.resources) skipped.add(resource);
        continue;
      }
      records += pending.operation.maxRecords;
      if (batch.length > 0 && records > maxRecords) {
        full = true;
        kept.push(pending);
        continue;
      }
      batch.push(pending);
      if (batch.length >= maxBatch) full = true;
    }
    queue = kept;
    return batch;
  }

  function flush(): void {
    while (inFlight < maxInFlight && queue.length > 0) {
      const batch = takeBatch();
      // Everything queued waits for a batch in flight.
      if (batch.length === 0) return;
      const parts = Math.min(maxInFlight - inFlight, Math.floor(batch.length / MIN_PART));
      for (const part of disjointParts(batch, parts)) start(part);
    }
  }

  function start(batch: Pending[]): void {
    for (const { resources } of batch) {
      for (const resource of resources) busy.set(resource, (busy.get(resource) ?? 0) + 1);
    }
    inFlight++;
    commit(batch).finally(() => {
      for (const { resources } of batch) {
        for (const resource of resources) {
          const count = busy.get(resource)! - 1;
          if (count === 0) busy.delete(resource);
          else busy.set(resource, count);
        }
      }
      inFlight--;
      schedule();
    });
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
        const resources = resourcesOf(operation);
        queue.push({ operation, resources, resolve: resolve as (value: unknown) => void, reject });
        // One that touches what a batch in flight touches cannot start before that batch ends,
        // which schedules the queue again: a flush now would only scan the queue for nothing.
        if (!resources.some((resource) => busy.has(resource))) schedule();
      });
    },
  };
}

let untouched = 0;

/**
 * What an operation touches, named by kind so a wallet and a key of the same text differ; an
 * operation that names nothing gets a name of its own, so it shares nothing.
 */
function resourcesOf(operation: PreparedOperation<unknown>): string[] {
  const resources = operation.accountIds.map((id) => `wallet:${id}`);
  if (operation.scopedKey !== null) resources.push(`key:${operation.scopedKey}`);
  for (const key of operation.recordKeys) resources.push(`record:${key}`);
  if (resources.length === 0) resources.push(`operation:${untouched++}`);
  return resources;
}

/**
 * Splits a batch into at most `parts` parts that touch nothing in common, each in arrival order:
 * operations linked by a shared wallet, key or record (directly or through others) stay in one
 * part, parts fill in turn with whole groups to about an equal share, and a last part below
 * `MIN_PART` joins the one before it. One part when `parts` is below 2.
 */
function disjointParts(batch: Pending[], parts: number): Pending[][] {
  if (parts < 2) return [batch];
  // Union-find over resources: the operations of one group are those whose resources meet.
  const parent = new Map<string, string>();
  const root = (resource: string): string => {
    let node = resource;
    for (;;) {
      const up = parent.get(node) ?? node;
      if (up === node) return node;
      const grand = parent.get(up) ?? up;
      parent.set(node, grand);
      node = grand;
    }
  };
  for (const { resources } of batch) {
    const first = root(resources[0]!);
    for (const resource of resources.slice(1)) {
      const other = root(resource);
      if (other !== first) parent.set(other, first);
    }
  }
  // Each group's size, in the order of its first operation.
  const sizes = new Map<string, number>();
  for (const { resources } of batch) {
    const group = root(resources[0]!);
    sizes.set(group, (sizes.get(group) ?? 0) + 1);
  }
  // Whole groups fill each part to at least an equal share (itself at least MIN_PART, since
  // `parts` is at most the batch's length over MIN_PART); only the last part can fall short,
  // and then it joins the one before it, so no transaction is spent on a handful of operations.
  const share = Math.ceil(batch.length / parts);
  const partOf = new Map<string, number>();
  const lengths = [0];
  for (const [group, size] of sizes) {
    if (lengths.at(-1)! >= share && lengths.length < parts) lengths.push(0);
    partOf.set(group, lengths.length - 1);
    lengths[lengths.length - 1]! += size;
  }
  const count =
    lengths.length > 1 && lengths.at(-1)! < MIN_PART ? lengths.length - 1 : lengths.length;
  // Dealt in arrival order, so each part is in arrival order, as a batch is applied.
  const result = Array.from({ length: count }, (): Pending[] => []);
  for (const pending of batch) {
    const part = partOf.get(root(pending.resources[0]!))!;
    result[Math.min(part, count - 1)]!.push(pending);
  }
  return result;
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
    // Only the operation's own refusals stay with it, and a capture's signal to take a hot
    // wallet's consolidating path (its caller does); anything else aborts the batch.
    if (error instanceof WalletError) return { ok: false, error };
    if (error === NOT_SPREADABLE) return { ok: false, error: NOT_SPREADABLE };
    throw error;
  }
}
