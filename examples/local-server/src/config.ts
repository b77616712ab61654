import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CurrencyConfig, ExchangeRateConfig, HotWalletConfig } from '@wallet/core';
import { type ApiToken, SCOPES, type Scope } from '@wallet/http';

/** How the local server runs, read from the environment. */
export interface LocalServerConfig {
  port: number;
  hostname: string;
  /** PGlite's data directory, used when `databaseUrl` is absent. */
  dataDir: string;
  /** A PostgreSQL connection string; when set, the ledger lives there instead of PGlite. */
  databaseUrl: string | undefined;
  currencies: CurrencyConfig[];
  /** The rates of exchanges that name no `to.amount`, from `WALLET_EXCHANGE_RATES`. */
  exchangeRates: ExchangeRateConfig[];
  /** Wallets declared hot, from `WALLET_HOT_WALLETS` (`house:16,jackpot:8`); none when unset. */
  hotWallets: HotWalletConfig[];
  /**
   * The admin bearer token (scopes `['admin']`): `WALLET_API_TOKEN`, or one generated when
   * neither it nor `WALLET_TOKENS_FILE` is set; `undefined` when only the file is.
   */
  token: string | undefined;
  /** True when `token` was generated here, the only case in which the banner may print it. */
  tokenGenerated: boolean;
  /** The tokens of `WALLET_TOKENS_FILE`, in the file's order; empty without the file. */
  tokens: ApiToken[];
  /** `WALLET_TOKENS_FILE` as an absolute path, when set. */
  tokensFile: string | undefined;
  /** Serve the operators' console at `/console/`: on unless `WALLET_CONSOLE=off`. */
  console: boolean;
}

const DEFAULT_CURRENCIES = 'GEMS:0,GOLD:2';
/** With the default currencies: 1 GEMS buys 0.125 GOLD, 1 GOLD buys 7.5 GEMS (a spread). */
const DEFAULT_EXCHANGE_RATES = 'GEMS:GOLD=0.125,GOLD:GEMS=7.5';

/**
 * Reads `PORT` (3000), `HOST` (127.0.0.1), `WALLET_DATA_DIR` (`.wallet-data` in the repository),
 * `DATABASE_URL`, `WALLET_CURRENCIES` (`GEMS:0,GOLD:2`; the first is the default),
 * `WALLET_EXCHANGE_RATES` (`FROM:TO=RATE,...`; by default `GEMS:GOLD=0.125,GOLD:GEMS=7.5` with the
 * default currencies, and none with others),
 * `WALLET_API_TOKEN` (the admin token) and `WALLET_TOKENS_FILE` (a JSON array of
 * `{ token, scopes, accountId?, name? }`; a relative path is resolved from `INIT_CWD`, where
 * pnpm ran (the repository's root for `npm start`), else from the current directory), and
 * `WALLET_CONSOLE` (`off` serves no console at `/console/`), `WALLET_HOT_WALLETS` (`house:16,...`:
 * wallets declared hot, each with its number of sub-accounts).
 *
 * An admin token is generated only when neither `WALLET_API_TOKEN` nor `WALLET_TOKENS_FILE` is
 * set: with a tokens file and no `WALLET_API_TOKEN`, the file's tokens are the only ones.
 *
 * @throws {Error} with a message naming the variable (and, for the tokens file, the file and
 *   the entry's index) when one is malformed; never with a token's value
 * @example
 * const config = readConfig({ PORT: '8080', WALLET_CURRENCIES: 'COINS:0' });
 */
export function readConfig(
  env: Record<string, string | undefined>,
  repoRoot = process.cwd(),
): LocalServerConfig {
  const supplied = env.WALLET_API_TOKEN?.trim() || undefined;
  const tokensFile = env.WALLET_TOKENS_FILE?.trim()
    ? resolve(env.INIT_CWD || process.cwd(), env.WALLET_TOKENS_FILE.trim())
    : undefined;
  const tokens = tokensFile === undefined ? [] : readTokensFile(tokensFile);
  if (supplied !== undefined) {
    const same = tokens.findIndex((entry) => entry.token === supplied);
    if (same >= 0) {
      throw new Error(
        `WALLET_TOKENS_FILE ${tokensFile}: entry ${same} has the same token as WALLET_API_TOKEN; ` +
          'each token must be different',
      );
    }
  }
  const generate = supplied === undefined && tokensFile === undefined;
  return {
    port: port(env.PORT ?? '3000'),
    hostname: env.HOST ?? '127.0.0.1',
    dataDir: env.WALLET_DATA_DIR ?? join(repoRoot, '.wallet-data'),
    databaseUrl: env.DATABASE_URL || undefined,
    console: env.WALLET_CONSOLE !== 'off',
    currencies: currencies(env.WALLET_CURRENCIES ?? DEFAULT_CURRENCIES),
    exchangeRates: exchangeRates(
      env.WALLET_EXCHANGE_RATES ?? (env.WALLET_CURRENCIES ? '' : DEFAULT_EXCHANGE_RATES),
    ),
    hotWallets: hotWallets(env.WALLET_HOT_WALLETS?.trim() ?? ''),
    token: generate ? `wallet_${randomBytes(24).toString('base64url')}` : supplied,
    tokenGenerated: generate,
    tokens,
    tokensFile,
  };
}

/**
 * Reads and checks a tokens file: a JSON array of `{ token, scopes, accountId?, name? }`, with
 * `scopes` a non-empty list of `read`, `credit`, `debit`, `transfer`, `exchange`, `admin` (the
 * API's `SCOPES`), and no other fields (a misspelt `accountId` must not leave a player's token
 * unlimited). Whether the scopes suit an account-limited token, and a token's length, are
 * checked by `createWalletApi` when the server starts.
 *
 * @throws {Error} naming the file and the entry's index, never a token's value
 * @example
 * const tokens = readTokensFile('/etc/wallet/tokens.json');
 */
export function readTokensFile(path: string): ApiToken[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`WALLET_TOKENS_FILE ${path}: cannot read it (${code ?? 'unknown error'})`);
  }
  return parseTokensFile(text, path);
}

const FIELDS = new Set(['token', 'scopes', 'accountId', 'name']);

/**
 * Checks the text of a tokens file (see {@link readTokensFile}); `path` names it in errors.
 *
 * @throws {Error} naming the file and the entry's index, never a token's value
 * @example
 * const tokens = parseTokensFile('[{"token":"server-token-0123456789","scopes":["admin"]}]', 'tokens.json');
 */
export function parseTokensFile(text: string, path: string): ApiToken[] {
  const fail = (problem: string): never => {
    throw new Error(`WALLET_TOKENS_FILE ${path}: ${problem}`);
  };
  // Some editors start a UTF-8 file with a byte order mark, which JSON.parse refuses.
  const json = text.replace(/^\uFEFF/, '');
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    // V8's message quotes the text around the mistake, which may be a token: give only where.
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    fail(`is not valid JSON${position === undefined ? '' : ` (${where(json, Number(position))})`}`);
  }
  if (!Array.isArray(parsed)) {
    return fail('must be a JSON array of { token, scopes, accountId?, name? }');
  }
  if (parsed.length === 0) fail('lists no tokens');
  const seen = new Map<string, number>();
  return parsed.map((entry: unknown, index): ApiToken => {
    const at = (problem: string) => fail(`entry ${index}: ${problem}`);
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      return at('must be an object { token, scopes, accountId?, name? }');
    }
    const unknown = Object.keys(entry).filter((key) => !FIELDS.has(key));
    if (unknown.length > 0) {
      at(
        `has unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((key) => JSON.stringify(key)).join(', ')}; ` +
          'the fields are token, scopes, accountId, name',
      );
    }
    const { token, scopes, accountId, name } = entry as Record<string, unknown>;
    if (typeof token !== 'string' || token === '') at('token must be a non-empty string');
    const earlier = seen.get(token as string);
    if (earlier !== undefined) at(`has the same token as entry ${earlier}`);
    seen.set(token as string, index);
    if (!Array.isArray(scopes) || scopes.length === 0) {
      at(`scopes must be a non-empty array of ${SCOPES.join(', ')}`);
    }
    (scopes as unknown[]).forEach((scope, i) => {
      // The value is not quoted: a token pasted into the wrong field must not be printed.
      if (!(SCOPES as readonly unknown[]).includes(scope)) {
        at(`scopes[${i}] is not one of ${SCOPES.join(', ')}`);
      }
    });
    if (accountId !== undefined && (typeof accountId !== 'string' || accountId === '')) {
      at('accountId must be a non-empty string when present');
    }
    if (name !== undefined && typeof name !== 'string') at('name must be a string when present');
    return {
      token: token as string,
      scopes: scopes as Scope[],
      ...(accountId === undefined ? {} : { accountId: accountId as string }),
      ...(name === undefined ? {} : { name: name as string }),
    };
  });
}

/** `line L, column C` of a character offset, for a JSON syntax error. */
function where(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before.at(-1)!.length + 1}`;
}

function port(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > 65535) throw new Error(`PORT must be 0..65535, got ${text}`);
  return value;
}

/** Parses `FROM:TO=RATE[,...]` (empty: none); core checks the codes and rates themselves. */
function exchangeRates(text: string): ExchangeRateConfig[] {
  if (text.trim() === '') return [];
  return text.split(',').map((item) => {
    const match = /^\s*([^:\s]+):([^=\s]+)=(\S+)\s*$/.exec(item);
    if (!match) {
      throw new Error(
        `WALLET_EXCHANGE_RATES must look like GEMS:GOLD=0.125,GOLD:GEMS=7.5, got ${text}`,
      );
    }
    return { from: match[1]!, to: match[2]!, rate: match[3]! };
  });
}

/**
 * Parses `ACCOUNT:SUBACCOUNTS[,...]` (empty: none); core checks the ids and counts themselves.
 * The CDK example's `WALLET_HOT_WALLETS` is JSON, as its other variables are.
 */
function hotWallets(text: string): HotWalletConfig[] {
  if (text === '') return [];
  return text.split(',').map((item) => {
    const match = /^\s*([^:\s]+):(\d{1,3})\s*$/.exec(item);
    if (!match)
      throw new Error(`WALLET_HOT_WALLETS must look like house:16,jackpot:8, got ${text}`);
    return { accountId: match[1]!, subAccounts: Number(match[2]) };
  });
}

/** Parses `CODE:SCALE[,CODE:SCALE...]`; core checks the codes and scales themselves. */
function currencies(text: string): CurrencyConfig[] {
  return text.split(',').map((item) => {
    const match = /^\s*([^:\s]+):(\d+)\s*$/.exec(item);
    if (!match) throw new Error(`WALLET_CURRENCIES must look like GEMS:0,GOLD:2, got ${text}`);
    return { code: match[1]!, scale: Number(match[2]) };
  });
}
