import type { CurrencyConfig } from '@wallet/core';
import type { ApiToken, Scope } from '@wallet/http';

/**
 * An IAM caller the API trusts, and what it may do. `arn` is an IAM user or role ARN; a role
 * also matches every session assumed from it (`arn:aws:sts::<account>:assumed-role/<name>/*`).
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

/**
 * What the API Lambda is configured with: the stack sets it as environment variables.
 *
 * @example
 * const config = readWalletConfig(process.env);
 */
export interface WalletConfig {
  ledgerTable: string;
  historyTable: string;
  currencies: CurrencyConfig[];
  defaultCurrency?: string;
  /** IAM callers and their scopes (`WALLET_IAM_CALLERS`, JSON). */
  iamCallers: IamCaller[];
  /** Bearer tokens given inline (`WALLET_API_TOKENS`, JSON): for local runs and tests. */
  tokens: ApiToken[];
  /** A Secrets Manager secret holding the tokens as JSON (`WALLET_API_TOKENS_SECRET_ID`). */
  tokensSecretId?: string;
  /** DynamoDB Local's URL (`DYNAMODB_ENDPOINT`); unset on AWS. */
  dynamoDbEndpoint?: string;
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
 * Reads the API Lambda's configuration from its environment. Currencies and callers are JSON
 * so the stack (or a local run) sets them without a code change; everything is checked again
 * by `createWalletService` and `createWalletApi`, which refuse a bad currency or token.
 *
 * @throws {Error} naming the variable that is missing or not JSON
 * @example
 * const config = readWalletConfig({ LEDGER_TABLE: 'ledger', HISTORY_TABLE: 'history', WALLET_CURRENCIES: '[{"code":"GEMS","scale":0}]' });
 */
export function readWalletConfig(env: Record<string, string | undefined>): WalletConfig {
  const config: WalletConfig = {
    ledgerTable: required(env, 'LEDGER_TABLE'),
    historyTable: required(env, 'HISTORY_TABLE'),
    currencies: json<CurrencyConfig[]>(env, 'WALLET_CURRENCIES'),
    iamCallers: json<IamCaller[]>(env, 'WALLET_IAM_CALLERS', []),
    tokens: json<ApiToken[]>(env, 'WALLET_API_TOKENS', []),
  };
  if (env.WALLET_DEFAULT_CURRENCY) config.defaultCurrency = env.WALLET_DEFAULT_CURRENCY;
  if (env.WALLET_API_TOKENS_SECRET_ID) config.tokensSecretId = env.WALLET_API_TOKENS_SECRET_ID;
  if (env.DYNAMODB_ENDPOINT) config.dynamoDbEndpoint = env.DYNAMODB_ENDPOINT;
  return config;
}
