import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createPostgresLedger, type PostgresLedger } from '@wallet/postgres';
import pg from 'pg';
import { UsageError } from './usage-error.js';

/** Where the ledger is, as the command line and the environment say. */
export interface ConnectionOptions {
  /** `--database-url`; else `DATABASE_URL` from the environment. */
  databaseUrl?: string;
  /** `--data-dir`: a PGlite data directory. */
  dataDir?: string;
  /** `--schema`, default `wallet`. */
  schema?: string;
}

/** An open ledger and how to let it go. */
export interface Connection {
  ledger: PostgresLedger;
  close(): Promise<void>;
}

/**
 * Opens the ledger: PostgreSQL at `--database-url` (or `DATABASE_URL`), or PGlite in
 * `--data-dir`. A PGlite directory must hold a database already unless `create` is set (only
 * `wallet migrate` creates one), so a mistyped path is an error, not a new empty ledger.
 *
 * @throws {UsageError} when no ledger, or two, are named, or the data directory is missing
 * @example
 * const { ledger, close } = await connect({ dataDir: '.wallet-data' }, env);
 */
export async function connect(
  options: ConnectionOptions,
  env: NodeJS.ProcessEnv,
  { create = false } = {},
): Promise<Connection> {
  if (options.databaseUrl !== undefined && options.dataDir !== undefined) {
    throw new UsageError('give --database-url or --data-dir, not both');
  }
  const schema = options.schema ?? 'wallet';
  if (options.dataDir !== undefined) {
    if (!create && !existsSync(join(options.dataDir, 'PG_VERSION'))) {
      throw new UsageError(
        `no PGlite database in ${options.dataDir} (wallet migrate --data-dir creates one)`,
      );
    }
    const db = await PGlite.create(options.dataDir);
    return { ledger: ledgerOn(db, schema), close: () => db.close() };
  }
  const url = options.databaseUrl ?? env.DATABASE_URL;
  if (url === undefined || url === '') {
    throw new UsageError('give --database-url, DATABASE_URL or --data-dir');
  }
  // Four connections: `verify --all` reads ahead while it hashes; nothing needs more.
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  // An idle connection the server drops must not crash the command with an unhandled event.
  pool.on('error', () => {});
  return { ledger: ledgerOn(pool, schema), close: () => pool.end() };
}

function ledgerOn(client: Parameters<typeof createPostgresLedger>[0]['client'], schema: string) {
  try {
    return createPostgresLedger({ client, schema });
  } catch (error) {
    // The only option it can refuse is the schema name.
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}
