import {
  BalanceLimitExceededError,
  ConcurrencyConflictError,
  HoldNotActiveError,
  HoldNotFoundError,
  IdempotencyKeyReusedError,
  InsufficientFundsError,
  InvalidAccountIdError,
  InvalidAmountError,
  OutcomeUnknownError,
  StoreUnavailableError,
  TransactionNotFoundError,
  UnknownCurrencyError,
  ValidationError,
  WALLET_ERROR_CODES,
  WalletAlreadyExistsError,
  type WalletError,
  type WalletErrorCode,
  WalletNotFoundError,
} from '@wallet/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './support.js';

const context = { accountId: 'p1', currency: 'GOLD', balance: '1.00', requested: '2.00' };

/** One instance of every wallet error, with the status DESIGN section 5 gives its code. */
const CASES: Record<WalletErrorCode, [WalletError, number]> = {
  VALIDATION_ERROR: [new ValidationError('bad', { field: 'x' }), 400],
  INVALID_AMOUNT: [new InvalidAmountError('amount', 'must be greater than 0'), 400],
  INVALID_ACCOUNT_ID: [new InvalidAccountIdError('accountId'), 400],
  UNKNOWN_CURRENCY: [new UnknownCurrencyError('RUBIES'), 400],
  WALLET_NOT_FOUND: [new WalletNotFoundError('p1'), 404],
  TRANSACTION_NOT_FOUND: [new TransactionNotFoundError('t1'), 404],
  HOLD_NOT_FOUND: [new HoldNotFoundError('h1'), 404],
  WALLET_ALREADY_EXISTS: [new WalletAlreadyExistsError('p1'), 409],
  CONCURRENCY_CONFLICT: [new ConcurrencyConflictError(8), 409],
  HOLD_NOT_ACTIVE: [new HoldNotActiveError('h1', 'captured'), 409],
  INSUFFICIENT_FUNDS: [new InsufficientFundsError(context), 422],
  BALANCE_LIMIT_EXCEEDED: [new BalanceLimitExceededError({ ...context, limit: '1000' }), 422],
  IDEMPOTENCY_KEY_REUSED: [new IdempotencyKeyReusedError('k1'), 422],
  OUTCOME_UNKNOWN: [new OutcomeUnknownError({ cause: new Error('socket hang up') }), 503],
  STORE_UNAVAILABLE: [new StoreUnavailableError('connection refused'), 503],
};

let failWith: unknown;
let server: TestServer;
beforeAll(async () => {
  server = await startServer({
    wrap: (service) => ({
      ...service,
      getFunds: async (input) => {
        if (failWith !== undefined) throw failWith;
        return service.getFunds(input);
      },
    }),
  });
});
afterAll(() => server.close());

describe('status mapping', () => {
  it('covers every wallet error code', () => {
    expect(Object.keys(CASES).sort()).toEqual([...WALLET_ERROR_CODES].sort());
  });

  it.each(Object.entries(CASES))(
    '%s is answered with its status, code, message and details',
    async (code, [error, status]) => {
      failWith = error;
      const reply = await server.call('/v1/wallets/p1');
      failWith = undefined;
      expect(reply.status).toBe(status);
      expect(reply.body).toEqual({
        error: {
          code,
          message: error.message,
          ...(error.details === undefined ? {} : { details: error.details }),
        },
      });
    },
  );

  it('an unexpected error is 500 INTERNAL_ERROR with a generic message, no stack, and is logged with the request id', async () => {
    failWith = new TypeError('secret internals at /srv/app/ledger.js:42');
    const reply = await server.call('/v1/wallets/p1', { headers: { 'x-request-id': 'req-500' } });
    failWith = undefined;
    expect(reply.status).toBe(500);
    expect(reply.body).toEqual({ error: { code: 'INTERNAL_ERROR', message: 'internal error' } });
    expect(reply.text).not.toMatch(/secret|ledger\.js|at /);
    const logged = server.logger.records.find((r) => r.requestId === 'req-500');
    expect(logged).toMatchObject({ level: 'error', status: 500, errorCode: 'INTERNAL_ERROR' });
    expect(logged?.error).toMatchObject({
      name: 'TypeError',
      message: expect.stringMatching(/secret/),
    });
    expect(logged?.error).toHaveProperty('stack', expect.stringContaining('TypeError'));
  });

  it('a thrown non-Error value is 500 INTERNAL_ERROR with an error body too', async () => {
    failWith = 'a string, not an Error';
    const reply = await server.call('/v1/wallets/p1');
    failWith = undefined;
    expect(reply.status).toBe(500);
    expect(reply.body).toEqual({ error: { code: 'INTERNAL_ERROR', message: 'internal error' } });
    expect(reply.headers.get('x-request-id')).toBeTruthy();
  });

  it('a 503 keeps the store error cause out of the response but in the log', async () => {
    failWith = new StoreUnavailableError('the ledger store is unavailable', {
      cause: new Error('ECONNREFUSED 10.0.0.7:5432'),
    });
    const reply = await server.call('/v1/wallets/p1', { headers: { 'x-request-id': 'req-503' } });
    failWith = undefined;
    expect(reply.status).toBe(503);
    expect(reply.text).not.toContain('ECONNREFUSED');
    const logged = server.logger.records.find((r) => r.requestId === 'req-503');
    expect(JSON.stringify(logged?.error)).toContain('ECONNREFUSED');
  });

  it('an unknown route is 404 NOT_FOUND with an error body', async () => {
    const reply = await server.call('/v2/wallets');
    expect(reply.status).toBe(404);
    expect(reply.body.error).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a known path with another method is 405 METHOD_NOT_ALLOWED with an Allow header', async () => {
    const reply = await server.call('/v1/wallets/p1/add-funds', { method: 'DELETE' });
    expect(reply.status).toBe(405);
    expect(reply.headers.get('allow')).toBe('POST');
    expect(reply.body.error).toMatchObject({ code: 'METHOD_NOT_ALLOWED' });
    const put = await server.call('/v1/wallets/p1', { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, HEAD');
  });

  it('a body that is not application/json is 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const accountId = await server.wallet();
    const reply = await server.call(`/v1/wallets/${accountId}/add-funds`, {
      body: 'amount=5',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(reply.status).toBe(415);
    expect(reply.body.error).toEqual({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: 'the request body must be application/json (optionally with charset=utf-8)',
    });
    const untyped = await server.call(`/v1/wallets/${accountId}/add-funds`, {
      body: '{"amount":"5"}',
      headers: { 'content-type': '' },
    });
    expect(untyped.status).toBe(415);
    expect((await server.service.getFunds({ accountId })).balances.GOLD).toBe('0.00');
  });

  it('real domain failures reach their statuses: 404, 409, 422 and 400 for a self-transfer', async () => {
    const accountId = await server.wallet('real', { TOKENS: '990' });
    expect(
      (await server.call('/v1/wallets/nobody-here/add-funds', { json: { amount: '1' } })).body.error
        .code,
    ).toBe('WALLET_NOT_FOUND');
    const again = await server.call('/v1/wallets', { json: { accountId } });
    expect([again.status, again.body.error.code]).toEqual([409, 'WALLET_ALREADY_EXISTS']);
    const overdraw = await server.call(`/v1/wallets/${accountId}/withdraw-funds`, {
      json: { amount: '0.01' },
    });
    expect([overdraw.status, overdraw.body.error.code]).toEqual([422, 'INSUFFICIENT_FUNDS']);
    expect(overdraw.body.error.details).toMatchObject({ balance: '0.00', requested: '0.01' });
    const overfill = await server.call(`/v1/wallets/${accountId}/add-funds`, {
      json: { amount: '11', currency: 'TOKENS' },
    });
    expect([overfill.status, overfill.body.error.code]).toEqual([422, 'BALANCE_LIMIT_EXCEEDED']);
    const self = await server.call('/v1/transfers', {
      json: { fromAccountId: accountId, toAccountId: accountId, amount: '1' },
    });
    expect([self.status, self.body.error.code]).toEqual([400, 'VALIDATION_ERROR']);
  });
});
