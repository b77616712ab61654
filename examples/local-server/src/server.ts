import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { createWalletService } from '@wallet/core';
import { createWalletApi } from '@wallet/http';
import { createPostgresLedger } from '@wallet/postgres';
import pg from 'pg';
import type { LocalServerConfig } from './config.js';

/** A running local server. */
export interface LocalServer {
  /** Where the API answers, e.g. `http://127.0.0.1:3000`. */
  url: string;
  /** Which ledger it runs on, for the banner. */
  ledger: string;
  /** Stops taking requests, lets those in flight finish, then closes the database. */
  close(): Promise<void>;
}

/**
 * Starts the wallet HTTP API on PGlite in `config.dataDir`, or on PostgreSQL when
 * `config.databaseUrl` is set, after applying the ledger's migrations.
 *
 * @example
 * const server = await startLocalServer(readConfig(process.env));
 * console.log(server.url);
 */
export async function startLocalServer(config: LocalServerConfig): Promise<LocalServer> {
  const database = await openDatabase(config);
  try {
    const ledger = createPostgresLedger({ client: database.client });
    await ledger.migrate();
    const service = createWalletService({ ledger, currencies: config.currencies });
    const api = createWalletApi({
      service,
      tokens: [{ token: config.token, scopes: ['read', 'credit', 'debit', 'admin'] }],
    });
    const listener = await api.listen({ port: config.port, hostname: config.hostname });
    return {
      url: listener.url,
      ledger: database.description,
      async close() {
        await listener.close();
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}

interface Database {
  client: PGlite | pg.Pool;
  description: string;
  close(): Promise<void>;
}

async function openDatabase(config: LocalServerConfig): Promise<Database> {
  if (config.databaseUrl) {
    const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 16 });
    // Never print the password a connection string may carry.
    const { host, pathname } = new URL(config.databaseUrl);
    return {
      client: pool,
      description: `PostgreSQL at ${host}${pathname}`,
      close: () => pool.end(),
    };
  }
  mkdirSync(config.dataDir, { recursive: true });
  const pglite = await PGlite.create(config.dataDir);
  return {
    client: pglite,
    description: `PGlite in ${config.dataDir}`,
    close: () => pglite.close(),
  };
}
