import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { CurrencyConfig } from '@wallet/core';

/** How the local server runs, read from the environment. */
export interface LocalServerConfig {
  port: number;
  hostname: string;
  /** PGlite's data directory, used when `databaseUrl` is absent. */
  dataDir: string;
  /** A PostgreSQL connection string; when set, the ledger lives there instead of PGlite. */
  databaseUrl: string | undefined;
  currencies: CurrencyConfig[];
  /** The admin bearer token. */
  token: string;
  /** True when the token was generated because `WALLET_API_TOKEN` was unset. */
  tokenGenerated: boolean;
}

const DEFAULT_CURRENCIES = 'GEMS:0,GOLD:2';

/**
 * Reads `PORT` (3000), `HOST` (127.0.0.1), `WALLET_DATA_DIR` (`.wallet-data` in the repository),
 * `DATABASE_URL`, `WALLET_CURRENCIES` (`GEMS:0,GOLD:2`; the first is the default) and
 * `WALLET_API_TOKEN` (generated when unset).
 *
 * @throws {Error} with a message naming the variable when one is malformed
 * @example
 * const config = readConfig({ PORT: '8080', WALLET_CURRENCIES: 'COINS:0' });
 */
export function readConfig(
  env: Record<string, string | undefined>,
  repoRoot = process.cwd(),
): LocalServerConfig {
  const token = env.WALLET_API_TOKEN?.trim();
  return {
    port: port(env.PORT ?? '3000'),
    hostname: env.HOST ?? '127.0.0.1',
    dataDir: env.WALLET_DATA_DIR ?? join(repoRoot, '.wallet-data'),
    databaseUrl: env.DATABASE_URL || undefined,
    currencies: currencies(env.WALLET_CURRENCIES ?? DEFAULT_CURRENCIES),
    token: token || `wallet_${randomBytes(24).toString('base64url')}`,
    tokenGenerated: !token,
  };
}

function port(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > 65535) throw new Error(`PORT must be 0..65535, got ${text}`);
  return value;
}

/** Parses `CODE:SCALE[,CODE:SCALE...]`; core checks the codes and scales themselves. */
function currencies(text: string): CurrencyConfig[] {
  return text.split(',').map((item) => {
    const match = /^\s*([^:\s]+):(\d+)\s*$/.exec(item);
    if (!match) throw new Error(`WALLET_CURRENCIES must look like GEMS:0,GOLD:2, got ${text}`);
    return { code: match[1]!, scale: Number(match[2]) };
  });
}
