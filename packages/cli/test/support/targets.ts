import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createWalletService, type WalletService } from '@wallet/core';
import { createPostgresLedger } from '@wallet/postgres';
import pg from 'pg';
import { expect } from 'vitest';
import type { WalletRun } from './run-wallet.js';

/** The PostgreSQL server the tests use: `WALLET_TEST_PG_URL`, else the local one. */
export const SERVER_URL =
  process.env.WALLET_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** The currencies of the ledgers the tests make (the command's default, as they are). */
export const currencies = [
  { code: 'GEMS', scale: 0 },
  { code: 'GOLD', scale: 2 },
];

/** A ledger the command runs against, and the test's own way into the same database. */
export interface Target {
  name: string;
  /** The connection flags every run gets. */
  args: string[];
  env: NodeJS.ProcessEnv;
  /** Runs `use` on a service over the same ledger, from the test (never while the command runs). */
  withService<T>(use: (service: WalletService) => Promise<T>): Promise<T>;
  /** Runs SQL on the ledger's schema (`$schema` in `text` names it). */
  sql(text: string): Promise<void>;
  cleanup(): Promise<void>;
}

/** A new PGlite data directory, used with `--data-dir`. */
export async function pgliteTarget(): Promise<Target> {
  const work = await mkdtemp(join(tmpdir(), 'wallet-cli-'));
  const dataDir = join(work, 'data');
  const open = async <T>(use: (db: PGlite) => Promise<T>) => {
    const db = await PGlite.create(dataDir);
    try {
      return await use(db);
    } finally {
      await db.close();
    }
  };
  return {
    name: 'PGlite (--data-dir)',
    args: ['--data-dir', dataDir],
    env: {},
    withService: (use) =>
      open((db) =>
        use(createWalletService({ ledger: createPostgresLedger({ client: db }), currencies })),
      ),
    sql: (text) => open(async (db) => void (await db.exec(text.replaceAll('$schema', 'wallet')))),
    cleanup: () => rm(work, { recursive: true, force: true }),
  };
}

/** A new schema on the PostgreSQL server, used with `DATABASE_URL` and `--schema`. */
export async function postgresTarget(): Promise<Target> {
  const schema = `wallet_test_cli_${randomUUID().replaceAll('-', '').slice(0, 10)}`;
  const pool = new pg.Pool({ connectionString: SERVER_URL, max: 4 });
  await pool.query('SELECT 1').catch((error: unknown) => {
    throw new Error(`these tests need PostgreSQL at ${SERVER_URL}`, { cause: error });
  });
  return {
    name: 'PostgreSQL (DATABASE_URL)',
    args: ['--schema', schema],
    env: { DATABASE_URL: SERVER_URL },
    withService: (use) =>
      use(
        createWalletService({ ledger: createPostgresLedger({ client: pool, schema }), currencies }),
      ),
    sql: async (text) => void (await pool.query(text.replaceAll('$schema', `"${schema}"`))),
    cleanup: async () => {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    },
  };
}

/** Asserts that a run failed with exactly one line on standard error, naming `code`. */
export function expectOneLineError(run: WalletRun, status: number, code: string): void {
  expect(run.code).toBe(status);
  expect(run.stderr).toMatch(new RegExp(`^wallet: ${code}: [^\\n]+\\n$`));
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

/** Each kind of ledger the command opens, for `describe.each`. */
export const TARGETS = [
  ['PGlite (--data-dir)', pgliteTarget],
  ['PostgreSQL (DATABASE_URL)', postgresTarget],
] as const;
