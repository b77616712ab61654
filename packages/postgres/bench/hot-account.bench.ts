/**
 * `pnpm --filter @wallet/postgres bench`, second part: the multi-process hot-account bench of
 * issue 17 on PostgreSQL. Sixteen worker processes, each with one connection and one call at a
 * time (as Lambda instances run), post trades between 1,000 random players that pay a fee to
 * one house account: first undeclared, then declared hot. Workers are forks of this file. See
 * docs/benchmarks.md, "Hot accounts".
 */
import { createWalletService } from '@wallet/core';
import {
  hotAccountReport,
  hotAccountSettings,
  runHotAccountBench,
  runTradeWorkerIfForked,
  type ServiceFactory,
  TRADE_CURRENCY,
} from '@wallet/testing';
import pg from 'pg';
import { createPostgresLedger } from '../src/index.js';

const URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** One schema per run, named by the parent and handed to its workers. */
const SCHEMA = process.env.WALLET_HOT_BENCH_SCHEMA ?? `bench_hot_${process.pid}`;
process.env.WALLET_HOT_BENCH_SCHEMA = SCHEMA;

const services: ServiceFactory = async (hotWallets) => {
  // One connection per process: a Lambda instance serves one call at a time.
  const pool = new pg.Pool({ connectionString: URL, max: 1 });
  const ledger = createPostgresLedger({ client: pool, schema: SCHEMA });
  return {
    service: createWalletService({ ledger, currencies: [TRADE_CURRENCY], hotWallets }),
    close: () => pool.end(),
  };
};

if (!(await runTradeWorkerIfForked(services))) {
  const settings = hotAccountSettings();
  const pool = new pg.Pool({ connectionString: URL, max: 1 });
  try {
    await pool.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    await createPostgresLedger({ client: pool, schema: SCHEMA }).migrate();
    const rows = await runHotAccountBench({
      benchFile: import.meta.filename,
      services,
      players: 1000,
      ...settings,
    });
    console.log(`\n${hotAccountReport('PostgreSQL', rows, settings)}`);
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    await pool.end();
  }
}
