import * as z from 'zod/mini';
import type { RouteAccess } from './access.js';
import type { ResponseConfig, RouteConfig } from './route-config.js';
import {
  AccountParams,
  Caller,
  CaptureBody,
  CaptureResult,
  CreateWalletBody,
  Digest,
  DigestPage,
  DigestParams,
  DigestProof,
  ErrorResponse,
  ExchangeBody,
  ExchangeResult,
  FundsBody,
  FundsResult,
  Health,
  HistoryPage,
  HistoryQuery,
  HoldBody,
  HoldParams,
  HoldResult,
  IdempotencyHeaders,
  ListDigestsQuery,
  ListWalletsQuery,
  PostingBody,
  PostingResult,
  ProofQuery,
  ReleaseBody,
  ReversalResult,
  ReverseBody,
  TransactionDetails,
  TransactionParams,
  TransferBody,
  TransferResult,
  VerificationReport,
  VerifyBody,
  Wallet,
  WalletPage,
} from './schemas.js';

// Every route of the API, declared once: the validator checks requests with these schemas, the
// OpenAPI document is generated from them, and each route's `security` requirement names the
// one scope the auth middleware enforces for it.

const requestIdHeader = {
  'X-Request-Id': {
    description: "The request id: the caller's `X-Request-Id` when well formed, else a new one.",
    schema: { type: 'string' as const },
  },
};

const ERROR_DESCRIPTIONS = {
  400: 'VALIDATION_ERROR (also malformed JSON, invalid UTF-8, or a member name repeated in one object), INVALID_AMOUNT, INVALID_ACCOUNT_ID or UNKNOWN_CURRENCY.',
  401: 'UNAUTHORIZED: no bearer token, an unknown one, or no credentials configured at all.',
  403: 'FORBIDDEN: the token lacks the scope, is limited to another account, or sends a field only `admin` (or only a caller not limited to one account) may send.',
  404: 'WALLET_NOT_FOUND.',
  409: 'WALLET_ALREADY_EXISTS, or CONCURRENCY_CONFLICT (nothing was written; retry).',
  413: 'PAYLOAD_TOO_LARGE: the body exceeds 64 KiB.',
  415: 'UNSUPPORTED_MEDIA_TYPE: the body is not `application/json` (optionally `; charset=utf-8`).',
  422: 'INSUFFICIENT_FUNDS, BALANCE_LIMIT_EXCEEDED or IDEMPOTENCY_KEY_REUSED.',
  500: 'INTERNAL_ERROR: an unexpected failure, logged with the request id.',
  503: 'OUTCOME_UNKNOWN (retry with the same idempotency key) or STORE_UNAVAILABLE.',
} as const;

type ErrorStatus = keyof typeof ERROR_DESCRIPTIONS;

function errors(...statuses: ErrorStatus[]): Partial<Record<ErrorStatus, ResponseConfig>> {
  return describedErrors({}, ...statuses);
}

/** {@link errors}, with the codes some statuses stand for on this route. */
function describedErrors(
  descriptions: Partial<Record<ErrorStatus, string>>,
  ...statuses: ErrorStatus[]
): Partial<Record<ErrorStatus, ResponseConfig>> {
  const responses: Partial<Record<ErrorStatus, ResponseConfig>> = {};
  for (const status of [...statuses, 500] as ErrorStatus[]) {
    responses[status] = {
      description: descriptions[status] ?? ERROR_DESCRIPTIONS[status],
      headers: requestIdHeader,
      content: { 'application/json': { schema: ErrorResponse } },
    };
  }
  return responses;
}

function ok<T extends z.ZodMiniType>(description: string, schema: T) {
  return { description, headers: requestIdHeader, content: { 'application/json': { schema } } };
}

const jsonBody = <T extends z.ZodMiniType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});

/** A body whose members are all optional: left out (no body, no content type), it is `{}`. */
const optionalJsonBody = <T extends z.ZodMiniType>(schema: T) => ({
  required: false,
  content: { 'application/json': { schema } },
});

/**
 * A route that needs a caller: its {@link RouteAccess} becomes the `security` requirement (the
 * scope), a sentence of its description, and the `x-wallet-access` extension the access guard
 * reads, so the rule is written once.
 */
function guardedRoute<const R extends Omit<RouteConfig, 'security' | 'x-wallet-access'>>(
  access: RouteAccess,
  route: R,
) {
  const owns =
    access.owns.length === 0
      ? ''
      : ` A caller limited to one account must name its own in ${access.owns.map((f) => `\`${f}\``).join(', ')}.`;
  const found =
    access.ownsFound === undefined
      ? ''
      : ` A caller limited to one account must find its own among ${access.ownsFound.map((f) => `\`${f}\``).join(', ')} (what the request names, once looked up).`;
  const admin =
    access.adminIf === undefined
      ? ''
      : ` Sending ${access.adminIf.map((f) => `\`${f}\``).join(', ')} needs \`admin\`.`;
  const unlimited =
    access.unlimitedIf === undefined
      ? ''
      : ` A caller limited to one account may not send ${access.unlimitedIf.map((f) => `\`${f}\``).join(', ')}.`;
  const description = [
    route.description,
    `${access.scope === null ? 'Any valid token.' : `Scope: \`${access.scope}\`.`}${owns}${found}${admin}${unlimited}`,
  ]
    .filter(Boolean)
    .join('\n\n');
  return {
    ...route,
    description,
    security: [{ bearerAuth: access.scope === null ? [] : [access.scope] }],
    'x-wallet-access': access,
  };
}

/** A route anyone may call: no `security` requirement, no access rule. */
function publicRoute<const R extends Omit<RouteConfig, 'security' | 'x-wallet-access'>>(route: R) {
  return { ...route, security: [] } satisfies RouteConfig;
}

/** Read routes that name a wallet. */
const READ_ERRORS = [400, 401, 403, 404, 503] as const;
/** Routes that write, with a JSON body. */
const WRITE_ERRORS = [400, 401, 403, 404, 409, 413, 415, 422, 503] as const;

/**
 * `GET /v1/me` (any valid token): what the calling token may do, so a client (the console)
 * offers only what it allows.
 *
 * @example
 * registerRoute(app, callerRoute, handler, [auth.authenticate, guard.before]);
 */
export const callerRoute = guardedRoute(
  { scope: null, owns: [] },
  {
    method: 'get',
    path: '/v1/me',
    operationId: 'getCaller',
    tags: ['meta'],
    summary: 'What the calling token may do',
    responses: {
      200: ok('The caller: its name, scopes and account limit.', Caller),
      ...errors(401, 503),
    },
  },
);

/**
 * `POST /v1/wallets` (admin).
 *
 * @example
 * registerRoute(app, createWalletRoute, handler, [auth.authenticate, guard.before]);
 */
export const createWalletRoute = guardedRoute(
  { scope: 'admin', owns: ['body.accountId'] },
  {
    method: 'post',
    path: '/v1/wallets',
    operationId: 'createWallet',
    tags: ['wallets'],
    summary: 'Create a wallet with every balance at zero',
    request: { body: jsonBody(CreateWalletBody) },
    responses: {
      201: ok('The new wallet. `Location` names it.', Wallet),
      ...errors(400, 401, 403, 409, 413, 415, 503),
    },
  },
);

/**
 * `GET /v1/wallets/{accountId}` (read).
 *
 * @example
 * registerRoute(app, getWalletRoute, handler, [auth.authenticate, guard.before]);
 */
export const getWalletRoute = guardedRoute(
  { scope: 'read', owns: ['path.accountId'] },
  {
    method: 'get',
    path: '/v1/wallets/{accountId}',
    operationId: 'getWallet',
    tags: ['wallets'],
    summary: 'Read a wallet and its balances',
    request: { params: AccountParams },
    responses: { 200: ok('The wallet.', Wallet), ...errors(...READ_ERRORS) },
  },
);

/**
 * `POST /v1/wallets/{accountId}/add-funds` (credit).
 *
 * @example
 * registerRoute(app, addFundsRoute, handler, [auth.authenticate, guard.before]);
 */
export const addFundsRoute = guardedRoute(
  { scope: 'credit', owns: ['path.accountId'] },
  {
    method: 'post',
    path: '/v1/wallets/{accountId}/add-funds',
    operationId: 'addFunds',
    tags: ['funds'],
    summary: 'Credit a wallet',
    request: { params: AccountParams, headers: IdempotencyHeaders, body: jsonBody(FundsBody) },
    responses: { 200: ok('The credit, or its replay.', FundsResult), ...errors(...WRITE_ERRORS) },
  },
);

/**
 * `POST /v1/wallets/{accountId}/withdraw-funds` (debit).
 *
 * @example
 * registerRoute(app, withdrawFundsRoute, handler, [auth.authenticate, guard.before]);
 */
export const withdrawFundsRoute = guardedRoute(
  { scope: 'debit', owns: ['path.accountId'] },
  {
    method: 'post',
    path: '/v1/wallets/{accountId}/withdraw-funds',
    operationId: 'withdrawFunds',
    tags: ['funds'],
    summary: 'Debit a wallet',
    request: { params: AccountParams, headers: IdempotencyHeaders, body: jsonBody(FundsBody) },
    responses: { 200: ok('The debit, or its replay.', FundsResult), ...errors(...WRITE_ERRORS) },
  },
);

/**
 * `POST /v1/transfers` (transfer; an account-limited token may only send from its account).
 *
 * @example
 * registerRoute(app, transferRoute, handler, [auth.authenticate, guard.before]);
 */
export const transferRoute = guardedRoute(
  { scope: 'transfer', owns: ['body.fromAccountId'] },
  {
    method: 'post',
    path: '/v1/transfers',
    operationId: 'transfer',
    tags: ['funds'],
    summary: 'Move funds between two wallets atomically',
    request: { headers: IdempotencyHeaders, body: jsonBody(TransferBody) },
    responses: {
      200: ok('The transfer, or its replay.', TransferResult),
      ...errors(...WRITE_ERRORS),
    },
  },
);

/**
 * `POST /v1/wallets/{accountId}/exchange` (exchange; `to.amount` needs admin).
 *
 * @example
 * registerRoute(app, exchangeRoute, handler, [auth.authenticate, guard.before]);
 */
export const exchangeRoute = guardedRoute(
  { scope: 'exchange', owns: ['path.accountId'], adminIf: ['body.to.amount'] },
  {
    method: 'post',
    path: '/v1/wallets/{accountId}/exchange',
    operationId: 'exchange',
    tags: ['funds'],
    summary: 'Debit one currency and credit another in one wallet atomically',
    request: { params: AccountParams, headers: IdempotencyHeaders, body: jsonBody(ExchangeBody) },
    responses: {
      200: ok('The exchange, or its replay.', ExchangeResult),
      ...errors(...WRITE_ERRORS),
    },
  },
);

/**
 * `GET /v1/wallets/{accountId}/transactions` (read).
 *
 * @example
 * registerRoute(app, historyRoute, handler, [auth.authenticate, guard.before]);
 */
export const historyRoute = guardedRoute(
  { scope: 'read', owns: ['path.accountId'] },
  {
    method: 'get',
    path: '/v1/wallets/{accountId}/transactions',
    operationId: 'getTransactionHistory',
    tags: ['history'],
    summary: "A page of a wallet's journal",
    request: { params: AccountParams, query: HistoryQuery },
    responses: { 200: ok('One page of journal entries.', HistoryPage), ...errors(...READ_ERRORS) },
  },
);

/**
 * `GET /v1/wallets/{accountId}/verify` (admin).
 *
 * @example
 * registerRoute(app, verifyRoute, handler, [auth.authenticate, guard.before]);
 */
export const verifyRoute = guardedRoute(
  { scope: 'admin', owns: ['path.accountId'] },
  {
    method: 'get',
    path: '/v1/wallets/{accountId}/verify',
    operationId: 'verifyWallet',
    tags: ['history'],
    summary: "Recompute a wallet's hash chain and balances",
    description:
      'Answers 200 with `ok: false` and the problems found when the journal does not verify.',
    request: { params: AccountParams },
    responses: {
      200: ok('The verification report.', VerificationReport),
      ...errors(...READ_ERRORS),
    },
  },
);

/**
 * `POST /v1/wallets/{accountId}/verify` (admin): the chain, and the wallet's head against a
 * digest or a proof kept outside the ledger.
 *
 * @example
 * registerRoute(app, verifyAgainstDigestRoute, handler, [auth.authenticate, guard.before]);
 */
export const verifyAgainstDigestRoute = guardedRoute(
  { scope: 'admin', owns: ['path.accountId'] },
  {
    method: 'post',
    path: '/v1/wallets/{accountId}/verify',
    operationId: 'verifyWalletAgainstDigest',
    tags: ['digests'],
    summary: "Recompute a wallet's chain and check it against a published digest or proof",
    description:
      "The journal's entry at the digest's leaf must have the leaf's hash: a rewrite of history before the digest shows, however consistent the rewritten chain is. Answers 200 with `ok: false` and the problems found; `digest.sequence` is null when the digest holds no leaf for the wallet (it was created after it).",
    request: { params: AccountParams, body: jsonBody(VerifyBody) },
    responses: {
      200: ok('The verification report.', VerificationReport),
      ...describedErrors({ 404: 'WALLET_NOT_FOUND.' }, ...READ_ERRORS, 413, 415),
    },
  },
);

/**
 * `GET /v1/wallets/{accountId}/proof` (read): the proof of a wallet's head in a digest.
 *
 * @example
 * registerRoute(app, proofRoute, handler, [auth.authenticate, guard.before]);
 */
export const proofRoute = guardedRoute(
  { scope: 'read', owns: ['path.accountId'] },
  {
    method: 'get',
    path: '/v1/wallets/{accountId}/proof',
    operationId: 'getProof',
    tags: ['digests'],
    summary: "The proof that ties a wallet's head to a digest's root",
    description:
      'Recompute the root from `leaf` and `path` (SHA-256 of the JCS leaf, then of each pair of child hashes) and compare it with the digest as published.',
    request: { params: AccountParams, query: ProofQuery },
    responses: {
      200: ok('The proof.', DigestProof),
      ...describedErrors(
        {
          400: `${ERROR_DESCRIPTIONS[400]} VALIDATION_ERROR also for a \`digestId\` the ledger holds no digest under.`,
          404: 'WALLET_NOT_FOUND when the digest holds no leaf for the wallet (it was created after it), or there is no digest yet.',
        },
        ...READ_ERRORS,
      ),
    },
  },
);

/**
 * `POST /v1/digests` (admin): reads every wallet's head into a digest and stores it.
 *
 * @example
 * registerRoute(app, createDigestRoute, handler, [auth.authenticate, guard.before]);
 */
export const createDigestRoute = guardedRoute(
  { scope: 'admin', owns: [] },
  {
    method: 'post',
    path: '/v1/digests',
    operationId: 'createDigest',
    tags: ['digests'],
    summary: "Fold every wallet's head into a digest; publish it outside the ledger",
    description:
      'Reads the heads in pages without blocking writers; each leaf is a head committed while the digest was made. No body.',
    responses: {
      201: ok('The digest.', Digest),
      ...errors(400, 401, 403, 409, 413, 415, 503),
    },
  },
);

/**
 * `GET /v1/digests` (admin): the digests the ledger stores, newest first.
 *
 * @example
 * registerRoute(app, listDigestsRoute, handler, [auth.authenticate, guard.before]);
 */
export const listDigestsRoute = guardedRoute(
  { scope: 'admin', owns: [] },
  {
    method: 'get',
    path: '/v1/digests',
    operationId: 'listDigests',
    tags: ['digests'],
    summary: 'A page of digests, newest first',
    request: { query: ListDigestsQuery },
    responses: {
      200: ok('One page of digests.', DigestPage),
      ...describedErrors(
        { 400: `${ERROR_DESCRIPTIONS[400]} VALIDATION_ERROR also for a cursor no digest has.` },
        400,
        401,
        403,
        503,
      ),
    },
  },
);

/**
 * `GET /v1/digests/{digestId}` (admin).
 *
 * @example
 * registerRoute(app, getDigestRoute, handler, [auth.authenticate, guard.before]);
 */
export const getDigestRoute = guardedRoute(
  { scope: 'admin', owns: [] },
  {
    method: 'get',
    path: '/v1/digests/{digestId}',
    operationId: 'getDigest',
    tags: ['digests'],
    summary: 'A digest the ledger stores',
    request: { params: DigestParams },
    responses: {
      200: ok('The digest.', Digest),
      ...describedErrors(
        { 404: 'NOT_FOUND: the ledger holds no digest with the id.' },
        400,
        401,
        403,
        503,
      ),
    },
  },
);

/**
 * `GET /v1/wallets` (admin): wallets by account id, optionally those with a prefix.
 *
 * @example
 * registerRoute(app, listWalletsRoute, handler, [auth.authenticate, guard.before]);
 */
export const listWalletsRoute = guardedRoute(
  { scope: 'admin', owns: [] },
  {
    method: 'get',
    path: '/v1/wallets',
    operationId: 'listWallets',
    tags: ['wallets'],
    summary: 'A page of wallets, by account id ascending',
    request: { query: ListWalletsQuery },
    responses: {
      200: ok('One page of wallets.', WalletPage),
      ...errors(400, 401, 403, 503),
    },
  },
);

/**
 * `GET /v1/transactions/{transactionId}` (read; a caller limited to one account reads only a
 * transaction with an entry on its account).
 *
 * @example
 * registerRoute(app, getTransactionRoute, handler, [auth.authenticate, guard.before]);
 */
export const getTransactionRoute = guardedRoute(
  { scope: 'read', owns: [], ownsFound: ['found.entries.accountId'] },
  {
    method: 'get',
    path: '/v1/transactions/{transactionId}',
    operationId: 'getTransaction',
    tags: ['history'],
    summary: 'Every entry of one transaction, and the transactions that reversed it',
    description:
      'A caller limited to one account reads a transaction when one of its entries is on that account, and then reads all of it (the other wallets of a transfer or a posting included).',
    request: { params: TransactionParams },
    responses: {
      200: ok('The transaction.', TransactionDetails),
      ...describedErrors({ 404: 'TRANSACTION_NOT_FOUND.' }, ...READ_ERRORS),
    },
  },
);

/**
 * `POST /v1/transactions/{transactionId}/reverse` (admin).
 *
 * @example
 * registerRoute(app, reverseRoute, handler, [auth.authenticate, guard.before]);
 */
export const reverseRoute = guardedRoute(
  { scope: 'admin', owns: [] },
  {
    method: 'post',
    path: '/v1/transactions/{transactionId}/reverse',
    operationId: 'reverseTransaction',
    tags: ['funds'],
    summary: 'Write compensating entries for a transaction (a refund, a chargeback, a correction)',
    description:
      'For every leg of the original, a leg in the other direction (`REVERSAL_DEBIT` undoes a credit, `REVERSAL_CREDIT` a debit). A single-leg transaction or a transfer may be reversed in part, several times, never beyond its amount (400 `VALIDATION_ERROR`); any other is reversed once, whole; a reversal is never reversed. The body may be left out (no body and no `Content-Type`): all that is left is reversed.',
    request: {
      params: TransactionParams,
      headers: IdempotencyHeaders,
      body: optionalJsonBody(ReverseBody),
    },
    responses: {
      200: ok('The reversal, or its replay.', ReversalResult),
      ...describedErrors(
        {
          400: `${ERROR_DESCRIPTIONS[400]} VALIDATION_ERROR also for a reversal, a transaction already reversed (in full), or an amount over what is left.`,
          404: 'TRANSACTION_NOT_FOUND.',
        },
        ...WRITE_ERRORS,
      ),
    },
  },
);

/**
 * `POST /v1/wallets/{accountId}/holds` (debit).
 *
 * @example
 * registerRoute(app, placeHoldRoute, handler, [auth.authenticate, guard.before]);
 */
export const placeHoldRoute = guardedRoute(
  { scope: 'debit', owns: ['path.accountId'] },
  {
    method: 'post',
    path: '/v1/wallets/{accountId}/holds',
    operationId: 'placeHold',
    tags: ['holds'],
    summary: 'Reserve funds of a wallet: later debits may spend only what is not held',
    description:
      'Answers 201 with the hold, and 201 with `replayed: true` for a retry with the same idempotency key. A wallet carries at most 100 active holds (400 `VALIDATION_ERROR`).',
    request: { params: AccountParams, headers: IdempotencyHeaders, body: jsonBody(HoldBody) },
    responses: {
      201: ok('The hold, or its replay.', HoldResult),
      ...describedErrors(
        { 422: 'INSUFFICIENT_FUNDS (the available balance is short), or IDEMPOTENCY_KEY_REUSED.' },
        ...WRITE_ERRORS,
      ),
    },
  },
);

/**
 * `GET /v1/holds/{holdId}` (read; a caller limited to one account reads only its own holds).
 *
 * @example
 * registerRoute(app, getHoldRoute, handler, [auth.authenticate, guard.before]);
 */
export const getHoldRoute = guardedRoute(
  { scope: 'read', owns: [], ownsFound: ['found.accountId'] },
  {
    method: 'get',
    path: '/v1/holds/{holdId}',
    operationId: 'getHold',
    tags: ['holds'],
    summary: 'A hold as it stands now',
    description:
      '`status` is `expired` once the hold is past `expiresAt`, whether or not its release is journaled yet; `available` is what its wallet may spend in its currency now.',
    request: { params: HoldParams },
    responses: {
      200: ok('The hold.', HoldResult),
      ...describedErrors({ 404: 'HOLD_NOT_FOUND.' }, ...READ_ERRORS),
    },
  },
);

/**
 * `POST /v1/holds/{holdId}/capture` (debit; a caller limited to one account captures only its
 * own holds, and never to another wallet).
 *
 * @example
 * registerRoute(app, captureHoldRoute, handler, [auth.authenticate, guard.before]);
 */
export const captureHoldRoute = guardedRoute(
  {
    scope: 'debit',
    owns: [],
    ownsFound: ['found.accountId'],
    unlimitedIf: ['body.toAccountId'],
  },
  {
    method: 'post',
    path: '/v1/holds/{holdId}/capture',
    operationId: 'captureHold',
    tags: ['holds'],
    summary: 'Debit all or part of a hold (to another wallet with `toAccountId`); release the rest',
    description:
      'The body may be left out (no body and no `Content-Type`): the whole hold is captured, out of the economy.',
    request: {
      params: HoldParams,
      headers: IdempotencyHeaders,
      body: optionalJsonBody(CaptureBody),
    },
    responses: {
      200: ok('The capture, or its replay.', CaptureResult),
      ...describedErrors(
        {
          404: 'HOLD_NOT_FOUND, or WALLET_NOT_FOUND for `toAccountId`.',
          409: 'HOLD_NOT_ACTIVE (already captured, released or expired), or CONCURRENCY_CONFLICT (nothing was written; retry).',
        },
        ...WRITE_ERRORS,
      ),
    },
  },
);

/**
 * `POST /v1/holds/{holdId}/release` (debit; a caller limited to one account releases only its
 * own holds).
 *
 * @example
 * registerRoute(app, releaseHoldRoute, handler, [auth.authenticate, guard.before]);
 */
export const releaseHoldRoute = guardedRoute(
  { scope: 'debit', owns: [], ownsFound: ['found.accountId'] },
  {
    method: 'post',
    path: '/v1/holds/{holdId}/release',
    operationId: 'releaseHold',
    tags: ['holds'],
    summary: "Free all of a hold's funds",
    description: 'The body may be left out (no body and no `Content-Type`).',
    request: {
      params: HoldParams,
      headers: IdempotencyHeaders,
      body: optionalJsonBody(ReleaseBody),
    },
    responses: {
      200: ok('The released hold, or its replay.', HoldResult),
      ...describedErrors(
        {
          404: 'HOLD_NOT_FOUND.',
          409: 'HOLD_NOT_ACTIVE (already captured, released or expired), or CONCURRENCY_CONFLICT (nothing was written; retry).',
        },
        ...WRITE_ERRORS,
      ),
    },
  },
);

/**
 * `POST /v1/postings` (admin): 2 to 16 balanced legs, all or nothing.
 *
 * @example
 * registerRoute(app, postingRoute, handler, [auth.authenticate, guard.before]);
 */
export const postingRoute = guardedRoute(
  { scope: 'admin', owns: [] },
  {
    method: 'post',
    path: '/v1/postings',
    operationId: 'post',
    tags: ['funds'],
    summary: 'Apply 2 to 16 legs over any wallets at once, balanced per currency',
    description:
      'Marketplace trades with a fee, tournament payouts, guild splits: debit legs are `POSTING_OUT` entries, credit legs `POSTING_IN`. Legs that do not balance per currency are 400 `VALIDATION_ERROR`.',
    request: { headers: IdempotencyHeaders, body: jsonBody(PostingBody) },
    responses: {
      200: ok('The posting, or its replay.', PostingResult),
      ...errors(...WRITE_ERRORS),
    },
  },
);

/**
 * `GET /healthz` (no auth): the process answers. It does not probe the store.
 *
 * @example
 * registerRoute(app, healthRoute, (c) => c.json({ status: 'ok' as const }, 200));
 */
export const healthRoute = publicRoute({
  method: 'get',
  path: '/healthz',
  operationId: 'health',
  tags: ['meta'],
  summary: 'Liveness',
  responses: { 200: ok('The process is serving.', Health) },
});

/**
 * `GET /openapi.json` (no auth): the OpenAPI 3.1 document of this API.
 *
 * @example
 * registerRoute(app, openApiRoute, (c) => c.json(document, 200));
 */
export const openApiRoute = publicRoute({
  method: 'get',
  path: '/openapi.json',
  operationId: 'openapi',
  tags: ['meta'],
  summary: 'This document',
  responses: {
    200: {
      description: 'The OpenAPI 3.1 document.',
      content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } },
    },
  },
});

/**
 * Every route, in the order of the document.
 *
 * @example
 * const operationIds = ROUTES.map((route) => route.operationId);
 */
export const ROUTES: readonly RouteConfig[] = [
  healthRoute,
  openApiRoute,
  callerRoute,
  createWalletRoute,
  getWalletRoute,
  addFundsRoute,
  withdrawFundsRoute,
  transferRoute,
  exchangeRoute,
  historyRoute,
  verifyRoute,
  verifyAgainstDigestRoute,
  proofRoute,
  listWalletsRoute,
  getTransactionRoute,
  reverseRoute,
  placeHoldRoute,
  getHoldRoute,
  captureHoldRoute,
  releaseHoldRoute,
  postingRoute,
  createDigestRoute,
  listDigestsRoute,
  getDigestRoute,
];

/**
 * The access rule a route declares, or `undefined` for a public route.
 *
 * @example
 * accessOf(addFundsRoute)?.scope; // 'credit'
 */
export function accessOf(route: RouteConfig): RouteAccess | undefined {
  return route['x-wallet-access'];
}
