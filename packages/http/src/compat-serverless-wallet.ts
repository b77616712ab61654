import {
  type AmountInput,
  isWalletError,
  type WalletErrorCode,
  type WalletErrorDetails,
  type WalletService,
} from '@wallet/core';
import type { Context, Hono, MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { accessGuard, type RouteAccess } from './access.js';
import type { Auth, Principal } from './auth.js';
import type { WalletApiEnv } from './context.js';
import { ApiError, type ErrorBody, errorReply } from './errors.js';
import { keyOptions } from './idempotency-options.js';
import { jsonBody } from './json-body.js';

/**
 * Where the routes of the original AWS sample (`aws-samples/serverless-wallet`) are served when
 * {@link WalletApiCompat} turns them on.
 *
 * @example
 * fetch(`${base}${SERVERLESS_WALLET_PREFIX}/get-funds`, { method: 'POST', body });
 */
export const SERVERLESS_WALLET_PREFIX = '/compat/serverless-wallet';

/**
 * The object form of {@link WalletApiCompat}.
 *
 * @example
 * const compat: ServerlessWalletCompatOptions = { api: 'serverless-wallet', currency: 'GOLD' };
 */
export interface ServerlessWalletCompatOptions {
  /** Which old API to serve: only `serverless-wallet` exists. */
  api: 'serverless-wallet';
  /**
   * The currency the old routes move (the sample had one balance per wallet). Default: the
   * service's first configured currency, which is its default currency unless
   * `defaultCurrency` names another; name it here in that case.
   */
  currency?: string;
}

/**
 * The `compat` option of `createWalletApi`: also serve the five routes of the original AWS
 * sample (`aws-samples/serverless-wallet`), with its request and response shapes, under
 * {@link SERVERLESS_WALLET_PREFIX}.
 *
 * @example
 * createWalletApi({ service, tokens, compat: 'serverless-wallet' });
 * createWalletApi({ service, tokens, compat: { api: 'serverless-wallet', currency: 'GOLD' } });
 */
export type WalletApiCompat = 'serverless-wallet' | ServerlessWalletCompatOptions;

/** How many entries `get-transactions` answers: the newest ones (v1's largest page). */
const HISTORY_LIMIT = 1000;

/**
 * The currency the compat routes use, or undefined when they are off.
 *
 * @throws {TypeError} for an unknown `compat` value or a currency the service does not have
 */
export function compatCurrency(
  compat: WalletApiCompat | undefined,
  service: WalletService,
): string | undefined {
  if (compat === undefined) return undefined;
  const options = typeof compat === 'string' ? { api: compat } : compat;
  if (options === null || typeof options !== 'object' || options.api !== 'serverless-wallet') {
    throw new TypeError(`compat must be 'serverless-wallet' or { api: 'serverless-wallet' }`);
  }
  const currencies = service.currencies as WalletService['currencies'] | undefined;
  const currency = (options as ServerlessWalletCompatOptions).currency ?? currencies?.codes[0];
  if (currency === undefined) {
    throw new TypeError('compat: name the currency; this service does not list its currencies');
  }
  if (currencies !== undefined && !currencies.has(currency)) {
    throw new TypeError(`compat: the service has no currency ${currency}`);
  }
  return currency;
}

/**
 * The status of a wallet error on the compat routes: the sample answered 400 for every refusal
 * (unknown wallet, existing wallet, funds too low, bad input). Codes not listed keep their v1
 * status: 409 `CONCURRENCY_CONFLICT` (retry), 503, and the HTTP layer's own 401, 403, 404, 405,
 * 413, 415 and 500.
 */
const COMPAT_STATUS: Partial<Record<WalletErrorCode, ContentfulStatusCode>> = {
  VALIDATION_ERROR: 400,
  INVALID_AMOUNT: 400,
  INVALID_ACCOUNT_ID: 400,
  UNKNOWN_CURRENCY: 400,
  WALLET_NOT_FOUND: 400,
  WALLET_ALREADY_EXISTS: 400,
  INSUFFICIENT_FUNDS: 400,
  BALANCE_LIMIT_EXCEEDED: 400,
  IDEMPOTENCY_KEY_REUSED: 400,
};

/**
 * The sample's error body, `{ status: 'error', message }` (`'Error'` on withdraw-funds, as the
 * sample spelled it), plus our `code` (and `details` when there are any) to switch on.
 *
 * @example
 * const body: ServerlessWalletErrorBody = { status: 'error', message: 'Account p1 not found', code: 'WALLET_NOT_FOUND' };
 */
export interface ServerlessWalletErrorBody {
  /** `error`, as the sample answered; `Error` on withdraw-funds, whose handler spelled it so. */
  status: 'error' | 'Error';
  /** What went wrong, in the sample's words where it had them. */
  message: string;
  /** The v1 error code, so a client can switch on it while it moves to v1. */
  code: ErrorBody['error']['code'];
  /** The v1 error's details, when it has any. */
  details?: WalletErrorDetails;
}

/**
 * Middleware for {@link SERVERLESS_WALLET_PREFIX}: every error answered there (auth, body
 * limits, validation, the service, unknown paths, 405) is rewritten into the sample's shape,
 * with the sample's 400 for refusals. Mount it before the middleware whose errors it rewrites.
 *
 * @example
 * app.use(`${SERVERLESS_WALLET_PREFIX}/*`, serverlessWalletErrors());
 */
export function serverlessWalletErrors(): MiddlewareHandler<WalletApiEnv> {
  return async (c, next) => {
    let thrown: { error: unknown } | undefined;
    try {
      await next();
    } catch (error) {
      // A non-Error thrown: the outer catch would answer it in the v1 shape.
      thrown = { error };
    }
    let body: ErrorBody | undefined;
    let status = c.res.status as ContentfulStatusCode;
    if (thrown !== undefined) {
      c.error = new Error('a non-Error value was thrown', { cause: thrown.error });
      const reply = errorReply(c.error);
      body = reply.body;
      status = reply.status;
      c.set('errorCode', body.error.code);
      c.res = undefined;
      c.res = new Response(null, { status });
    } else {
      if (c.var.errorCode === undefined) return;
      try {
        body = (await c.res.json()) as ErrorBody;
      } catch {
        body = undefined;
      }
    }
    const code = body?.error?.code ?? c.var.errorCode ?? 'INTERNAL_ERROR';
    const compat: ServerlessWalletErrorBody = {
      status: /\/withdraw-funds\/?$/.test(c.req.path) ? 'Error' : 'error',
      message: body?.error?.message ?? 'internal error',
      code,
      ...(body?.error?.details === undefined ? {} : { details: body.error.details }),
    };
    const headers = new Headers(c.res.headers);
    headers.delete('content-length');
    headers.set('content-type', 'application/json');
    const finalStatus = COMPAT_STATUS[code as WalletErrorCode] ?? status;
    c.res = undefined;
    c.res = new Response(JSON.stringify(compat), { status: finalStatus, headers });
  };
}

/**
 * A decimal string as JSON number text with the same exact value: `"10.50"` → `10.5`,
 * `"100.00"` → `100`. Written as text, never through a float, so no digit is lost on the wire.
 *
 * @example
 * jsonNumber('0.10'); // '0.1'
 */
export function jsonNumber(decimal: string): string {
  const match = /^(-?)([0-9]+)(?:\.([0-9]+))?$/.exec(decimal);
  if (!match) throw new Error(`not a decimal: ${decimal.slice(0, 40)}`);
  const [, sign, whole, fraction = ''] = match;
  const integer = whole!.replace(/^0+(?=[0-9])/, '');
  const digits = fraction.replace(/0+$/, '');
  const text = digits === '' ? integer : `${integer}.${digits}`;
  return text === '0' ? '0' : `${sign}${text}`;
}

/** A JSON object written member by member, each value already JSON text. */
function jsonObject(members: readonly (readonly [string, string])[]): string {
  return `{${members.map(([name, value]) => `${JSON.stringify(name)}:${value}`).join(',')}}`;
}

function jsonReply(c: Context<WalletApiEnv>, text: string): Response {
  return c.body(text, 200, { 'Content-Type': 'application/json' });
}

/** What the compat routes read of a body: the account, and the amount where there is one. */
interface CompatBody {
  accountId: string;
  amount?: unknown;
}

const accountMissing = () =>
  new ApiError(400, 'INVALID_ACCOUNT_ID', 'accountId not specified', { field: 'accountId' });

/**
 * Reads the sample's body leniently, as it did (unknown members are ignored), but refuses
 * what it crashed on: no body, not an object, no `accountId` (400, never a 5xx). The result is
 * the request's validated `json`, which the access guard checks the account of.
 */
const compatBody: MiddlewareHandler<WalletApiEnv> = async (c, next) => {
  // The JSON body middleware checked the text already (UTF-8, JSON, no repeated names).
  const text = await c.req.text();
  const parsed: unknown = text === '' ? undefined : JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ApiError(400, 'VALIDATION_ERROR', 'the request body must be a JSON object');
  }
  const { accountId, amount } = parsed as Record<string, unknown>;
  if (accountId === undefined || accountId === null || accountId === '') throw accountMissing();
  if (typeof accountId !== 'string') {
    throw new ApiError(400, 'INVALID_ACCOUNT_ID', 'accountId must be a string', {
      field: 'accountId',
    });
  }
  const body: CompatBody = { accountId, ...('amount' in parsed ? { amount } : {}) };
  c.req.addValidatedData('json', body as unknown as Record<string, unknown>);
  await next();
};

/** The body the compat middleware validated. */
const bodyOf = (c: Context<WalletApiEnv>): CompatBody =>
  (c.req.valid as (target: 'json') => unknown)('json') as CompatBody;

/** The sample's own words for the refusals it had, keeping our code and details. */
function sampleWording(error: unknown, accountId: string, amount?: unknown): unknown {
  if (!isWalletError(error)) return error;
  const status = COMPAT_STATUS[error.code] ?? 400;
  const reword = (message: string) => new ApiError(status, error.code, message, error.details);
  switch (error.code) {
    case 'WALLET_NOT_FOUND':
      return reword(`Account ${accountId} not found`);
    case 'WALLET_ALREADY_EXISTS':
      return reword(`Account with user id ${accountId} already exists`);
    case 'INSUFFICIENT_FUNDS':
      return reword(`Funds too low. Cannot deduct ${String(amount)} from account ${accountId}`);
    default:
      return error;
  }
}

/**
 * Registers the sample's five routes under {@link SERVERLESS_WALLET_PREFIX}, each with the
 * same bearer tokens, scopes and account limits as its v1 counterpart (checked by the same
 * access guard), mapped onto one `WalletService` call each. Not in the OpenAPI document.
 *
 * @example
 * registerServerlessWalletRoutes(app, { service, auth, currency: 'GOLD' });
 */
export function registerServerlessWalletRoutes(
  app: Hono<WalletApiEnv>,
  { service, auth, currency }: { service: WalletService; auth: Auth; currency: string },
): void {
  // As `registerRoute` does for the v1 routes: the body's form once the caller may call.
  const bodyCheck = jsonBody();
  function route(
    name: string,
    access: RouteAccess,
    handler: (c: Context<WalletApiEnv>, body: CompatBody, principal: Principal) => Promise<string>,
  ): void {
    const guard = accessGuard(access);
    const path = `${SERVERLESS_WALLET_PREFIX}/${name}`;
    app.on(
      'POST',
      [path, `${path}/`],
      auth.authenticate,
      guard.before,
      bodyCheck,
      compatBody,
      async (c) => {
        const principal = guard.after(c);
        const body = bodyOf(c);
        const text = await handler(c, body, principal).catch((error: unknown) => {
          throw sampleWording(error, body.accountId, body.amount);
        });
        guard.finish(c);
        return jsonReply(c, text);
      },
    );
  }

  // The sample took no key; the header works as on v1, and a body member is not read.
  const compatKeys = (c: Context<WalletApiEnv>, principal: Principal) =>
    keyOptions(principal, { 'Idempotency-Key': c.req.header('Idempotency-Key') }, {});

  const balanceOf = (balances: Record<string, string>): string => {
    const balance = balances[currency];
    if (balance === undefined) throw new Error(`the wallet lists no ${currency} balance`);
    return balance;
  };

  route('create-account', { scope: 'admin', owns: ['body.accountId'] }, async (_c, body) => {
    const wallet = await service.createWallet({ accountId: body.accountId });
    return jsonObject([
      ['status', '"Ok"'],
      ['accountId', JSON.stringify(wallet.accountId)],
    ]);
  });

  route('get-funds', { scope: 'read', owns: ['body.accountId'] }, async (_c, body) => {
    const wallet = await service.getFunds({ accountId: body.accountId });
    return jsonObject([
      ['accountId', JSON.stringify(wallet.accountId)],
      ['balance', jsonNumber(balanceOf(wallet.balances))],
      ['status', '"Ok"'],
    ]);
  });

  const funds =
    (operation: 'addFunds' | 'withdrawFunds') =>
    async (c: Context<WalletApiEnv>, body: CompatBody, principal: Principal) => {
      const result = await service[operation]({
        accountId: body.accountId,
        // Core checks it: a number only when it prints as a plain decimal within the scale.
        amount: body.amount as AmountInput,
        currency,
        ...compatKeys(c, principal),
      });
      return jsonObject([
        ['accountId', JSON.stringify(result.accountId)],
        ['old_balance', jsonNumber(result.previousBalance)],
        ['new_balance', jsonNumber(result.currentBalance)],
        ['status', '"Ok"'],
      ]);
    };

  route('add-funds', { scope: 'credit', owns: ['body.accountId'] }, funds('addFunds'));
  route('withdraw-funds', { scope: 'debit', owns: ['body.accountId'] }, funds('withdrawFunds'));

  route('get-transactions', { scope: 'read', owns: ['body.accountId'] }, async (_c, body) => {
    let items: Awaited<ReturnType<WalletService['getTransactionHistory']>>['items'] = [];
    try {
      // The newest page, oldest first as the sample's DynamoDB query listed them.
      const page = await service.getTransactionHistory({
        accountId: body.accountId,
        currency,
        order: 'desc',
        limit: HISTORY_LIMIT,
      });
      items = [...page.items].reverse();
    } catch (error) {
      // The sample queried a table keyed by account: an unknown account had no items.
      if (!isWalletError(error, 'WALLET_NOT_FOUND')) throw error;
    }
    const transactions = items.map((entry) =>
      jsonObject([
        ['accountId', JSON.stringify(entry.accountId)],
        ['balance', jsonNumber(entry.balanceAfter)],
        ['txTime', JSON.stringify(entry.txTime)],
        ['txId', JSON.stringify(entry.transactionId)],
        ['timestamp', String(Math.floor(Date.parse(entry.txTime) / 1000))],
      ]),
    );
    return jsonObject([
      ['Transactions', `[${transactions.join(',')}]`],
      ['status', '"Ok"'],
    ]);
  });
}
