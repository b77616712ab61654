import { createWalletService, withRetries } from '@wallet/core';
import {
  checkBank,
  createFaultyLedger,
  hash32,
  runBankSimulation,
  SUITE_CURRENCIES,
  seededRandom,
} from '@wallet/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresLedger, type PostgresLedger } from '../src/index.js';
import { interceptedPool, isLockingRead } from './support/intercepted-pool.js';
import { dropSchema, requireServer, testPool, uniqueSchema } from './support/postgres-server.js';

await requireServer();

/** An error shaped as PostgreSQL reports a serialization failure or a deadlock. */
function postgresConflict(code: '40001' | '40P01'): Error {
  return Object.assign(
    new Error(code === '40001' ? 'could not serialize access' : 'deadlock detected'),
    {
      code,
      severity: 'ERROR',
    },
  );
}

describe('fault seeds on PostgreSQL', () => {
  const schema = uniqueSchema('seeds');
  let pool: pg.Pool;
  let ledger: PostgresLedger;
  const injected = { serialization: 0, deadlock: 0 };

  beforeAll(async () => {
    pool = testPool(16);
    // The driver-level fault: some statements fail as PostgreSQL fails them under contention,
    // so the adapter's own retry and translation are exercised, not only the wrapper's.
    const random = seededRandom(hash32('pg-conflicts'));
    const client = interceptedPool(pool, (text, forward) => {
      if (isLockingRead(text) && random() < 0.05) {
        const code = random() < 0.5 ? '40001' : '40P01';
        injected[code === '40001' ? 'serialization' : 'deadlock']++;
        return Promise.reject(postgresConflict(code));
      }
      return forward();
    });
    ledger = createPostgresLedger({ client, schema });
    await ledger.migrate();
  });

  afterAll(async () => {
    await dropSchema(pool, schema);
    await pool.end();
  });

  it('100 seeds of faults lose, create and duplicate no money, and every wallet verifies', async () => {
    const reader = createWalletService({ ledger, currencies: SUITE_CURRENCIES });
    const faults = { failedBefore: 0, failedAfter: 0, conflicts: 0, calls: 0, unknownApplied: 0 };
    for (let seed = 1; seed <= 100; seed++) {
      const accountIds = ['a', 'b', 'c'].map((name) => `seed${seed}-${name}`);
      for (const accountId of accountIds) {
        await reader.createWallet({ accountId });
        await reader.addFunds({ accountId, currency: 'GEMS', amount: '100' });
        await reader.addFunds({ accountId, currency: 'GOLD', amount: '100.00' });
      }
      const faulty = createFaultyLedger(ledger, {
        seed,
        failBefore: 0.08,
        failAfter: 0.12,
        conflict: 0.05,
      });
      const service = withRetries(
        createWalletService({ ledger: faulty, currencies: SUITE_CURRENCIES }),
        {
          maxAttempts: 6,
          baseDelayMs: 1,
        },
      );
      const run = await runBankSimulation({
        service,
        accountIds,
        workers: 3,
        operationsPerWorker: 8,
        seed,
        keyPrefix: `${schema}:${seed}`,
      });
      const report = await checkBank(reader, run);
      expect(report.violations, `seed ${seed}`).toEqual([]);
      faults.failedBefore += faulty.stats.failedBefore;
      faults.failedAfter += faulty.stats.failedAfter;
      faults.conflicts += faulty.stats.conflicts;
      faults.calls += report.calls;
      faults.unknownApplied += report.unknownApplied;
    }
    expect(faults.calls).toBe(2400);
    expect(faults.failedAfter).toBeGreaterThan(100);
    expect(faults.failedBefore + faults.conflicts).toBeGreaterThan(100);
    expect(injected.serialization + injected.deadlock).toBeGreaterThan(50);
  }, 300_000);
});
