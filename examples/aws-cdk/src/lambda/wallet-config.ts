import type { CurrencyConfig, HotWalletConfig } from '@wallet/core';
import { ACCOUNT_SCOPES, type ApiToken, SCOPES, type Scope } from '@wallet/http';

/**
 * Every scope an IAM caller may hold: the API's own list (`SCOPES` of `@wallet/http`, DESIGN
 * section 5): `read`, `credit` (mints currency: trusted servers only), `debit`, `transfer`,
 * `exchange` (at the configured rates), `admin` (everything).
 *
 * @example
 * IAM_CALLER_SCOPES.includes('transfer'); // true
 */
export const IAM_CALLER_SCOPES: readonly Scope[] = SCOPES;

/**
 * The scopes a caller limited to one account (`accountId`) may hold (`ACCOUNT_SCOPES` of
 * `@wallet/http`): never `credit` (it mints currency) nor `admin` (it does everything, for every
 * account).
 *
 * @example
 * const player: IamCaller = { arn, scopes: [...ACCOUNT_LIMITED_SCOPES], accountId: 'player-1' };
 */
export const ACCOUNT_LIMITED_SCOPES: readonly Scope[] = ACCOUNT_SCOPES;

/**
 * An IAM caller the API trusts, and what it may do. `arn` is an IAM user or role ARN; a role
 * also matches every session assumed from it (`arn:aws:sts::<account>:assumed-role/<name>/*`).
 * With `accountId` the caller may only touch that account and may hold only
 * {@link ACCOUNT_LIMITED_SCOPES}.
 *
 * @example
 * const caller: IamCaller = { arn: 'arn:aws:iam::123456789012:role/game-backend', scopes: ['admin'] };
 */
export interface IamCaller {
  arn: string;
  scopes: Scope[];
  accountId?: string;
  name?: string;
}

const isText = (value: unknown): value is string => typeof value === 'string' && value !== '';

/**
 * Checks a list of IAM callers, so a mistake fails the synth (and the API Lambda's start)
 * instead of locking callers out or letting a player mint money: every caller needs an ARN and
 * some of {@link IAM_CALLER_SCOPES}; an ARN may be listed once; a caller limited to one account
 * may hold only {@link ACCOUNT_LIMITED_SCOPES}.
 *
 * @param source how the list is named in the error, e.g. `iamCallers` or `WALLET_IAM_CALLERS`
 * @throws {TypeError} naming the caller (by index and ARN) and what is wrong with it
 * @example
 * const callers = checkIamCallers(JSON.parse(env.WALLET_IAM_CALLERS), 'WALLET_IAM_CALLERS');
 */
export function checkIamCallers(callers: unknown, source: string): IamCaller[] {
  if (!Array.isArray(callers)) throw new TypeError(`${source} must be an array of IAM callers`);
  const arns = new Set<string>();
  callers.forEach((caller: unknown, index) => {
    const { arn, scopes, accountId, name } = (caller ?? {}) as Record<string, unknown>;
    const at = `${source}[${index}]`;
    if (!isText(arn) || !arn.startsWith('arn:')) {
      throw new TypeError(`${at}.arn must be an IAM user or role ARN`);
    }
    const which = `${at} (${arn})`;
    if (arns.has(arn)) throw new TypeError(`${which} repeats an earlier caller's ARN`);
    arns.add(arn);
    const known: readonly unknown[] = IAM_CALLER_SCOPES;
    if (
      !Array.isArray(scopes) ||
      scopes.length === 0 ||
      !scopes.every((scope) => known.includes(scope))
    ) {
      throw new TypeError(
        `${which}.scopes must list some of ${IAM_CALLER_SCOPES.join(', ')}; got ${JSON.stringify(scopes)}`,
      );
    }
    if (name !== undefined && typeof name !== 'string') {
      throw new TypeError(`${which}.name must be a string`);
    }
    if (accountId === undefined) return;
    if (!isText(accountId)) throw new TypeError(`${which}.accountId must be a non-empty string`);
    const limited: readonly unknown[] = ACCOUNT_LIMITED_SCOPES;
    const refused = scopes.filter((scope) => !limited.includes(scope));
    if (refused.length > 0) {
      throw new TypeError(
        `${which} is limited to account ${accountId}, so it may hold only ` +
          `${ACCOUNT_LIMITED_SCOPES.join(', ')}, not ${refused.join(', ')}: credit mints ` +
          'currency and admin reaches every account; give those to an unlimited server caller',
      );
    }
  });
  return callers as IamCaller[];
}

/**
 * What every function running the wallet service over the ledger table is configured with (the
 * API's and the digest publisher's): one reader, so both build the same service.
 *
 * @example
 * const ledger = readLedgerConfig(process.env);
 */
export interface LedgerConfig {
  ledgerTable: string;
  currencies: CurrencyConfig[];
  defaultCurrency?: string;
  /** Wallets every trade credits, declared hot (`WALLET_HOT_WALLETS`, JSON); none when unset. */
  hotWallets?: HotWalletConfig[];
  /** DynamoDB Local's URL (`DYNAMODB_ENDPOINT`); unset on AWS. */
  dynamoDbEndpoint?: string;
}

/**
 * What the API Lambda is configured with: the stack sets it as environment variables.
 *
 * @example
 * const config = readWalletConfig(process.env);
 */
export interface WalletConfig extends LedgerConfig {
  historyTable: string;
  /** IAM callers and their scopes (`WALLET_IAM_CALLERS`, JSON). */
  iamCallers: IamCaller[];
  /** Bearer tokens given inline (`WALLET_API_TOKENS`, JSON): for local runs and tests. */
  tokens: ApiToken[];
  /** A Secrets Manager secret holding the tokens as JSON (`WALLET_API_TOKENS_SECRET_ID`). */
  tokensSecretId?: string;
}

function json<T>(env: Record<string, string | undefined>, name: string, fallback?: T): T {
  const text = env[name];
  if (text === undefined || text === '') {
    if (fallback !== undefined) return fallback;
    throw new Error(`${name} is not set`);
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new Error(`${name} is not JSON`, { cause: error });
  }
}

function required(env: Record<string, string | undefined>, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/**
 * Reads the ledger side of a function's configuration: `LEDGER_TABLE`, `WALLET_CURRENCIES`
 * (JSON), and optionally `WALLET_DEFAULT_CURRENCY` and `DYNAMODB_ENDPOINT`.
 * `createWalletService` refuses a bad currency.
 *
 * @throws {Error} naming the variable that is missing or not JSON
 * @example
 * const config = readLedgerConfig({ LEDGER_TABLE: 'ledger', WALLET_CURRENCIES: '[{"code":"GEMS","scale":0}]' });
 */
export function readLedgerConfig(env: Record<string, string | undefined>): LedgerConfig {
  const config: LedgerConfig = {
    ledgerTable: required(env, 'LEDGER_TABLE'),
    currencies: json<CurrencyConfig[]>(env, 'WALLET_CURRENCIES'),
  };
  if (env.WALLET_DEFAULT_CURRENCY) config.defaultCurrency = env.WALLET_DEFAULT_CURRENCY;
  if (env.WALLET_HOT_WALLETS) {
    config.hotWallets = json<HotWalletConfig[]>(env, 'WALLET_HOT_WALLETS');
  }
  if (env.DYNAMODB_ENDPOINT) config.dynamoDbEndpoint = env.DYNAMODB_ENDPOINT;
  return config;
}

/**
 * Reads the API Lambda's configuration from its environment: {@link readLedgerConfig}, plus
 * `HISTORY_TABLE` and the callers. Currencies and callers are JSON so the stack (or a local run)
 * sets them without a code change. The IAM callers are checked here ({@link checkIamCallers}),
 * as the stack checked them at synth, so an edited variable that gives an account-limited caller
 * `credit` or `admin` keeps the API from starting; `createWalletService` and `createWalletApi`
 * refuse a bad currency or token.
 *
 * @throws {Error} naming the variable that is missing or not JSON
 * @throws {TypeError} on an IAM caller {@link checkIamCallers} refuses
 * @example
 * const config = readWalletConfig({ LEDGER_TABLE: 'ledger', HISTORY_TABLE: 'history', WALLET_CURRENCIES: '[{"code":"GEMS","scale":0}]' });
 */
export function readWalletConfig(env: Record<string, string | undefined>): WalletConfig {
  const config: WalletConfig = {
    ...readLedgerConfig(env),
    historyTable: required(env, 'HISTORY_TABLE'),
    iamCallers: checkIamCallers(json<unknown>(env, 'WALLET_IAM_CALLERS', []), 'WALLET_IAM_CALLERS'),
    tokens: json<ApiToken[]>(env, 'WALLET_API_TOKENS', []),
  };
  if (env.WALLET_API_TOKENS_SECRET_ID) config.tokensSecretId = env.WALLET_API_TOKENS_SECRET_ID;
  return config;
}
