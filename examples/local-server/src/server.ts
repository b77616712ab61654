import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { consoleAssets } from '@wallet/console';
import { createMemoryLedger, createWalletService, type WalletService } from '@wallet/core';
import { type ApiToken, createWalletApi, type WalletApi } from '@wallet/http';
import { listen } from '@wallet/http/node';
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
  // A dry run over an in-memory ledger first: a currency or token the builders refuse fails the
  // start at once, before a database is opened, created or migrated.
  buildApi(
    createWalletService({
      ledger: createMemoryLedger(),
      currencies: config.currencies,
      exchangeRates: config.exchangeRates,
      hotWallets: config.hotWallets,
    }),
    config,
  );
  const database = await openDatabase(config);
  try {
    const ledger = createPostgresLedger({ client: database.client });
    const service = createWalletService({
      ledger,
      currencies: config.currencies,
      exchangeRates: config.exchangeRates,
      hotWallets: config.hotWallets,
    });
    const api = buildApi(service, config);
    await ledger.migrate();
    const listener = await listen(api, { port: config.port, hostname: config.hostname });
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

/**
 * The API with the tokens file's tokens, in the file's order, then the admin token (scopes
 * `['admin']`) when there is one. `createWalletApi` checks them all (a short token, an
 * account-limited token with `credit` or `admin`...); its `TypeError` names a token by its index
 * (`tokens[2]`), which is translated here into where the token came from.
 *
 * @throws {Error} one line naming the token at fault by where it came from, never by its value
 */
function buildApi(service: WalletService, config: LocalServerConfig): WalletApi {
  const tokens: ApiToken[] = [...config.tokens];
  const adminIndex = config.token === undefined ? -1 : tokens.length;
  if (config.token !== undefined) {
    tokens.push({ token: config.token, scopes: ['admin'], name: 'admin' });
  }
  const source = (index: number) =>
    index === adminIndex
      ? config.tokenGenerated
        ? 'the generated admin token'
        : 'WALLET_API_TOKEN'
      : `WALLET_TOKENS_FILE ${config.tokensFile} entry ${index}`;
  try {
    return createWalletApi({
      service,
      tokens,
      ...(config.console ? { console: consoleAssets() } : {}),
    });
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).replace(
      /\btokens\[(\d+)\](?:\.(\w+))?(:)?/g,
      (_, index: string, field: string | undefined, colon: string | undefined) =>
        `${source(Number(index))}${field ? `: ${field}` : ''}${colon ?? ''}`,
    );
    throw new Error(`the tokens were refused: ${message}`, { cause: error });
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
