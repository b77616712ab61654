/**
 * The long bank test. `pnpm --filter @wallet/example-reliability start -- [options]`
 *   --store memory|pglite|postgres   (default postgres; DATABASE_URL or the local server)
 *   --seconds 60 --workers 32 --wallets 16 --seed 1
 *   --fail-before 0.02 --fail-after 0.02 --conflict 0.02 --delay 0.05
 * Prints the operations, faults and violations; exits 1 on any violation.
 */
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import {
  createMemoryLedger,
  createWalletService,
  type LedgerStore,
  withRetries,
} from '@wallet/core';
import { createPostgresLedger } from '@wallet/postgres';
import {
  checkBank,
  createFaultyLedger,
  runBankSimulation,
  SUITE_CURRENCIES,
} from '@wallet/testing';
import pg from 'pg';

// `pnpm start -- --store x` hands the script a literal `--` first; both spellings work.
const argv = process.argv.slice(2);
const { values } = parseArgs({
  args: argv[0] === '--' ? argv.slice(1) : argv,
  options: {
    store: { type: 'string', default: 'postgres' },
    seconds: { type: 'string', default: '60' },
    workers: { type: 'string', default: '32' },
    wallets: { type: 'string', default: '16' },
    seed: { type: 'string', default: '1' },
    'fail-before': { type: 'string', default: '0.02' },
    'fail-after': { type: 'string', default: '0.02' },
    conflict: { type: 'string', default: '0.02' },
    delay: { type: 'string', default: '0.05' },
  },
});

interface Store {
  ledger: LedgerStore;
  close(): Promise<void>;
}

async function openStore(kind: string): Promise<Store> {
  if (kind === 'memory') return { ledger: createMemoryLedger(), close: async () => {} };
  if (kind === 'pglite') {
    const client = new PGlite();
    const ledger = createPostgresLedger({ client });
    await ledger.migrate();
    return { ledger, close: () => client.close() };
  }
  if (kind === 'postgres') {
    const pool = new pg.Pool({
      connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
      max: 32,
    });
    const schema = `bank_run_${Date.now()}`;
    const ledger = createPostgresLedger({ client: pool, schema });
    await ledger.migrate();
    return {
      ledger,
      close: async () => {
        await pool.query(`DROP SCHEMA ${schema} CASCADE`);
        await pool.end();
      },
    };
  }
  throw new Error(`--store must be memory, pglite or postgres, not ${kind}`);
}

const seed = Number(values.seed);
const store = await openStore(values.store);
try {
  const reader = createWalletService({ ledger: store.ledger, currencies: SUITE_CURRENCIES });
  const accountIds: string[] = [];
  for (let i = 0; i < Number(values.wallets); i++) {
    const accountId = `bank-${seed}-${i}`;
    await reader.createWallet({ accountId });
    await reader.addFunds({ accountId, currency: 'GEMS', amount: '1000' });
    await reader.addFunds({ accountId, currency: 'GOLD', amount: '1000.00' });
    accountIds.push(accountId);
  }
  const faulty = createFaultyLedger(store.ledger, {
    seed,
    failBefore: Number(values['fail-before']),
    failAfter: Number(values['fail-after']),
    conflict: Number(values.conflict),
    delay: Number(values.delay),
    maxDelayMs: 20,
  });
  const service = withRetries(
    createWalletService({ ledger: faulty, currencies: SUITE_CURRENCIES }),
    {
      maxAttempts: 8,
    },
  );
  const started = Date.now();
  const run = await runBankSimulation({
    service,
    accountIds,
    workers: Number(values.workers),
    operationsPerWorker: Number.MAX_SAFE_INTEGER,
    durationMs: Number(values.seconds) * 1000,
    seed,
    keyPrefix: `run${started}`,
  });
  const seconds = (Date.now() - started) / 1000;
  const report = await checkBank(reader, run);
  console.log(
    JSON.stringify(
      {
        store: values.store,
        seconds: Math.round(seconds),
        workers: Number(values.workers),
        wallets: accountIds.length,
        calls: report.calls,
        callsPerSecond: Math.round(report.calls / seconds),
        acknowledged: report.acknowledged,
        refused: report.refused,
        unknownAfterRetries: report.unknown,
        unknownThatApplied: report.unknownApplied,
        journalEntries: report.entries,
        faults: faulty.stats,
        violations: report.violations.length,
      },
      null,
      2,
    ),
  );
  for (const violation of report.violations.slice(0, 20)) console.error(`VIOLATION ${violation}`);
  process.exitCode = report.violations.length === 0 ? 0 : 1;
} finally {
  await store.close();
}
