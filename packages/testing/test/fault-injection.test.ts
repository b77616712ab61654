import {
  createMemoryLedger,
  createWalletService,
  type LedgerStore,
  verifyProof,
  type WalletService,
  withRetries,
} from '@wallet/core';
import {
  type BankSimulation,
  checkBank,
  createFaultyLedger,
  type FaultPlan,
  runBankSimulation,
  SUITE_CURRENCIES,
} from '@wallet/testing';
import { describe, expect, it } from 'vitest';

const noWait = () => Promise.resolve();

interface Bank {
  service: WalletService;
  reader: WalletService;
  accountIds: string[];
  stats: ReturnType<typeof createFaultyLedger>['stats'];
}

/** Four funded wallets on `ledger`, and a service that reaches it through injected faults. */
async function bank(ledger: LedgerStore, plan: FaultPlan): Promise<Bank> {
  const reader = createWalletService({ ledger, currencies: SUITE_CURRENCIES });
  const accountIds = ['a', 'b', 'c', 'd'].map((name) => `${name}-${plan.seed}`);
  for (const accountId of accountIds) {
    await reader.createWallet({ accountId });
    await reader.addFunds({ accountId, currency: 'GEMS', amount: '100' });
    await reader.addFunds({ accountId, currency: 'GOLD', amount: '100.00' });
  }
  const faulty = createFaultyLedger(ledger, plan);
  const service = withRetries(
    createWalletService({ ledger: faulty, currencies: SUITE_CURRENCIES }),
    {
      maxAttempts: 4,
      sleep: noWait,
    },
  );
  return { service, reader, accountIds, stats: faulty.stats };
}

const faults = (seed: number): FaultPlan => ({
  seed,
  failBefore: 0.08,
  failAfter: 0.12,
  conflict: 0.08,
  failRead: 0.03,
});

async function simulate(seed: number, ledger: LedgerStore = createMemoryLedger()) {
  const setup = await bank(ledger, faults(seed));
  const run = await runBankSimulation({
    service: setup.service,
    accountIds: setup.accountIds,
    workers: 4,
    operationsPerWorker: 12,
    seed,
    keyPrefix: `seed${seed}`,
  });
  return { setup, run, report: await checkBank(setup.reader, run) };
}

describe('fault injection on the in-memory ledger', () => {
  it('1,000 seeds of faults lose, create and duplicate no money, and every wallet verifies', async () => {
    const totals = {
      calls: 0,
      unknown: 0,
      unknownApplied: 0,
      failedAfter: 0,
      failedBefore: 0,
      conflicts: 0,
    };
    const acknowledged = new Map<string, number>();
    for (let seed = 1; seed <= 1000; seed++) {
      const { setup, run, report } = await simulate(seed);
      expect(report.violations, `seed ${seed}`).toEqual([]);
      for (const record of run.records) {
        if (record.outcome.kind !== 'ok') continue;
        acknowledged.set(record.operation, (acknowledged.get(record.operation) ?? 0) + 1);
      }
      totals.calls += report.calls;
      totals.unknown += report.unknown;
      totals.unknownApplied += report.unknownApplied;
      totals.failedAfter += setup.stats.failedAfter;
      totals.failedBefore += setup.stats.failedBefore;
      totals.conflicts += setup.stats.conflicts;
    }
    // Every operation was in the mix, and applied many times.
    for (const operation of [
      'addFunds',
      'withdrawFunds',
      'transfer',
      'exchange',
      'post',
      'placeHold',
      'captureHold',
      'releaseHold',
      'reverseTransaction',
    ]) {
      expect(acknowledged.get(operation) ?? 0, operation).toBeGreaterThan(100);
    }
    // The faults really happened: lost responses, refused calls and conflicts by the thousand.
    expect(totals.calls).toBe(48_000);
    expect(totals.failedAfter).toBeGreaterThan(1000);
    expect(totals.failedBefore).toBeGreaterThan(500);
    expect(totals.conflicts).toBeGreaterThan(500);
  }, 300_000);

  it('replays a seed exactly: the same calls, faults and outcomes', async () => {
    const first = await simulate(4242);
    const second = await simulate(4242);
    const outline = (run: BankSimulation) =>
      run.records.map((r) => [
        r.operation,
        r.request.idempotencyKey,
        r.outcome.kind,
        'code' in r.outcome ? r.outcome.code : '',
      ]);
    expect(outline(second.run)).toEqual(outline(first.run));
    expect(second.setup.stats).toEqual(first.setup.stats);
    expect(second.report).toEqual(first.report);
  });

  it('turns an unknown outcome into exactly one application when the caller retries with the same key', async () => {
    const ledger = createMemoryLedger();
    const reader = createWalletService({ ledger, currencies: SUITE_CURRENCIES });
    await reader.createWallet({ accountId: 'p' });
    // Every first attempt commits and loses its answer; the retry must not apply again.
    const faulty = createFaultyLedger(ledger, { seed: 1, failAfter: 1 });
    const flaky = createWalletService({ ledger: faulty, currencies: SUITE_CURRENCIES });
    await expect(
      flaky.addFunds({ accountId: 'p', amount: '5', idempotencyKey: 'k1' }),
    ).rejects.toMatchObject({
      code: 'OUTCOME_UNKNOWN',
    });
    const retried = await reader.addFunds({ accountId: 'p', amount: '5', idempotencyKey: 'k1' });
    expect(retried).toMatchObject({ replayed: true, currentBalance: '5' });
    expect((await reader.getFunds({ accountId: 'p' })).balances.GEMS).toBe('5');
  });
});

describe('withRetries', () => {
  it('gives a keyless mutation a key, so retries after lost answers apply it once', async () => {
    const ledger = createMemoryLedger();
    const reader = createWalletService({ ledger, currencies: SUITE_CURRENCIES });
    await reader.createWallet({ accountId: 'p' });
    const faulty = createFaultyLedger(ledger, { seed: 9, failAfter: 0.5 });
    const service = withRetries(
      createWalletService({ ledger: faulty, currencies: SUITE_CURRENCIES }),
      {
        maxAttempts: 20,
        sleep: noWait,
      },
    );
    for (let i = 0; i < 40; i++) await service.addFunds({ accountId: 'p', amount: '1' });
    expect(faulty.stats.failedAfter).toBeGreaterThan(5);
    expect((await reader.getFunds({ accountId: 'p' })).balances.GEMS).toBe('40');
    const { items } = await reader.getTransactionHistory({ accountId: 'p', limit: 100 });
    expect(items).toHaveLength(40);
    expect(items.every((e) => e.idempotencyKey?.startsWith('retry:'))).toBe(true);
  });

  it('never retries a business error, and gives up on store errors after maxAttempts', async () => {
    const ledger = createMemoryLedger();
    const calls: string[] = [];
    const counting: LedgerStore = {
      ...ledger,
      transact: (t) => {
        calls.push(t.accountIds.join());
        return ledger.transact(t);
      },
    };
    const service = withRetries(
      createWalletService({ ledger: counting, currencies: SUITE_CURRENCIES }),
      { sleep: noWait },
    );
    await service.createWallet({ accountId: 'p' });
    await expect(service.withdrawFunds({ accountId: 'p', amount: '1' })).rejects.toMatchObject({
      code: 'INSUFFICIENT_FUNDS',
    });
    expect(calls).toHaveLength(2);

    const down = withRetries(
      createWalletService({
        ledger: createFaultyLedger(ledger, { seed: 1, failBefore: 1 }),
        currencies: SUITE_CURRENCIES,
      }),
      { maxAttempts: 3, sleep: noWait },
    );
    await expect(down.addFunds({ accountId: 'p', amount: '1' })).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
    });
  });

  it('serves every call of the service, and makes digests that prove through store faults', async () => {
    const ledger = createMemoryLedger();
    const plain = createWalletService({ ledger, currencies: SUITE_CURRENCIES });
    const service = withRetries(
      createWalletService({
        ledger: createFaultyLedger(ledger, { seed: 5, failBefore: 0.3 }),
        currencies: SUITE_CURRENCIES,
      }),
      { maxAttempts: 30, sleep: noWait },
    );
    for (const name of Object.keys(plain) as (keyof typeof plain)[]) {
      expect(typeof service[name], name).toBe(typeof plain[name]);
    }
    await plain.createWallet({ accountId: 'prover' });
    const digest = await service.createDigest();
    const proof = await service.getProof({ accountId: 'prover', digestId: digest.digestId });
    expect(verifyProof(proof) && proof.root === digest.root).toBe(true);
    expect((await service.listDigests()).items.map((d) => d.digestId)).toContain(digest.digestId);
    expect(await service.getDigest({ digestId: digest.digestId })).toEqual(digest);
  });

  it('returns the wallet when a retried createWallet finds it was created by the lost attempt', async () => {
    const ledger = createMemoryLedger();
    const faulty = createFaultyLedger(ledger, { seed: 3, failAfter: 1 });
    const service = withRetries(
      createWalletService({ ledger: faulty, currencies: SUITE_CURRENCIES }),
      { sleep: noWait },
    );
    const wallet = await service.createWallet({ accountId: 'new-player' });
    expect(wallet).toMatchObject({ accountId: 'new-player', version: 0 });
    expect(faulty.stats.failedAfter).toBe(1);
  });
});

describe('checkBank', () => {
  it('reports money applied twice by a ledger that forgets idempotency keys', async () => {
    const memory = createMemoryLedger();
    // A broken store: it never stores idempotency records, so a retry after a lost answer applies again.
    const forgetful: LedgerStore = {
      ...memory,
      transact: (t) =>
        memory.transact({
          ...t,
          decide: (snapshot) => {
            const decision = t.decide(snapshot);
            return decision.write
              ? { ...decision, write: { ...decision.write, idempotency: [] } }
              : decision;
          },
        }),
    };
    const { report } = await simulate(77, forgetful);
    expect(report.violations.join('\n')).toMatch(/applied 2 times|its operations add up to/);
  });

  it('reports an acknowledged call missing from the journal', async () => {
    const ledger = createMemoryLedger();
    const reader = createWalletService({ ledger, currencies: SUITE_CURRENCIES });
    await reader.createWallet({ accountId: 'x' });
    const report = await checkBank(reader, {
      initial: new Map([['x', (await reader.getFunds({ accountId: 'x' })).balances]]),
      records: [
        {
          operation: 'addFunds',
          request: { accountId: 'x', currency: 'GEMS', amount: '5', idempotencyKey: 'ghost' },
          outcome: { kind: 'ok', transactionId: 'never-written' },
        },
      ],
    });
    expect(report.violations).toEqual(['acknowledged addFunds ghost is not in the journal']);
  });
});
