import { AsyncLocalStorage } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import {
  type BatchEvent,
  createMemoryLedger,
  createWalletService,
  type Instrumentation,
  InsufficientFundsError,
  type LedgerStore,
  type WalletService,
} from '../src/index.js';
import { instrumented } from '../src/instrumentation.js';

const currencies = [{ code: 'GEMS', scale: 0 }];

/** Records each call's name and outcome as `operation` sees it. */
function recordingInstrumentation() {
  const calls: { name: string; outcome: unknown }[] = [];
  const instrumentation: Instrumentation = {
    async operation(name, run) {
      try {
        const value = await run();
        calls.push({ name, outcome: 'ok' });
        return value;
      } catch (error) {
        calls.push({ name, outcome: error });
        throw error;
      }
    },
  };
  return { calls, instrumentation };
}

describe('Instrumentation', () => {
  it('leaves a service without an operation hook unwrapped, so it costs nothing', () => {
    const service = createWalletService({ ledger: createMemoryLedger(), currencies });
    expect(instrumented(service, undefined)).toBe(service);
    expect(instrumented(service, { onBatch() {} })).toBe(service);
  });

  it('runs operation around every WalletService method, by name, with its result and its error', async () => {
    const { calls, instrumentation } = recordingInstrumentation();
    const wallets = createWalletService({
      ledger: createMemoryLedger(),
      currencies,
      instrumentation,
    });
    await wallets.createWallet({ accountId: 'p1' });
    const credit = await wallets.addFunds({ accountId: 'p1', amount: '5' });
    expect(credit.currentBalance).toBe('5');
    const refused = await wallets.withdrawFunds({ accountId: 'p1', amount: '9' }).catch((e) => e);
    expect(refused).toBeInstanceOf(InsufficientFundsError);
    expect(calls).toEqual([
      { name: 'createWallet', outcome: 'ok' },
      { name: 'addFunds', outcome: 'ok' },
      { name: 'withdrawFunds', outcome: refused },
    ]);
  });

  it('wraps every method of the service and keeps its other properties', () => {
    const plain = createWalletService({ ledger: createMemoryLedger(), currencies });
    const names: string[] = [];
    const wallets = instrumented(plain, {
      operation: (name, run) => {
        names.push(name);
        return run();
      },
    });
    const methods = Object.entries(plain).filter(([, value]) => typeof value === 'function');
    expect(methods.length).toBeGreaterThan(20);
    for (const [name] of methods) {
      expect(wallets[name as keyof WalletService]).not.toBe(plain[name as keyof WalletService]);
    }
    expect(wallets.currencies).toBe(plain.currencies);
  });

  it("keeps the operation's async context active while the store works, so a tracer's span is the store's parent", async () => {
    const span = new AsyncLocalStorage<string>();
    const seenByStore: (string | undefined)[] = [];
    const memory = createMemoryLedger();
    const ledger: LedgerStore = {
      ...memory,
      transact(transaction) {
        seenByStore.push(span.getStore());
        return memory.transact(transaction);
      },
    };
    const wallets = createWalletService({
      ledger,
      currencies,
      instrumentation: { operation: (name, run) => span.run(`wallet.${name}`, run) },
    });
    await wallets.createWallet({ accountId: 'p1' });
    await wallets.addFunds({ accountId: 'p1', amount: '1' });
    expect(seenByStore).toEqual(['wallet.createWallet', 'wallet.addFunds']);
  });

  it('reports each coalesced batch with its size, every operation counted once', async () => {
    const batches: BatchEvent[] = [];
    const wallets = createWalletService({
      ledger: createMemoryLedger(),
      currencies,
      coalesce: true,
      instrumentation: { onBatch: (event) => batches.push(event) },
    });
    await wallets.createWallet({ accountId: 'hot' });
    await Promise.all(
      Array.from({ length: 20 }, () => wallets.addFunds({ accountId: 'hot', amount: '1' })),
    );
    // createWallet is not coalesced: the 20 credits are.
    expect(batches.reduce((sum, batch) => sum + batch.operations, 0)).toBe(20);
    expect(Math.max(...batches.map((batch) => batch.operations))).toBeGreaterThan(1);
    for (const batch of batches) {
      expect(batch.durationMs).toBeGreaterThanOrEqual(0);
      expect(batch.error).toBeUndefined();
    }
    expect((await wallets.getFunds({ accountId: 'hot' })).balances.GEMS).toBe('20');
  });

  it('drops what onBatch throws: the batch still commits and every call resolves', async () => {
    const wallets = createWalletService({
      ledger: createMemoryLedger(),
      currencies,
      coalesce: true,
      instrumentation: {
        onBatch() {
          throw new Error('metrics exporter down');
        },
      },
    });
    await wallets.createWallet({ accountId: 'hot' });
    const results = await Promise.all(
      Array.from({ length: 5 }, () => wallets.addFunds({ accountId: 'hot', amount: '2' })),
    );
    expect(results).toHaveLength(5);
    expect((await wallets.getFunds({ accountId: 'hot' })).balances.GEMS).toBe('10');
  });

  it('reports a failed batch with its error', async () => {
    const batches: BatchEvent[] = [];
    const memory = createMemoryLedger();
    const down = new Error('connection reset');
    let failing = false;
    const wallets = createWalletService({
      ledger: {
        ...memory,
        transact: (transaction) => (failing ? Promise.reject(down) : memory.transact(transaction)),
      },
      currencies,
      coalesce: true,
      instrumentation: { onBatch: (event) => batches.push(event) },
    });
    await wallets.createWallet({ accountId: 'p1' });
    failing = true;
    await expect(wallets.addFunds({ accountId: 'p1', amount: '1' })).rejects.toBe(down);
    expect(batches).toEqual([{ operations: 1, durationMs: expect.any(Number), error: down }]);
  });
});
