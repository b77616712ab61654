import {
  createMemoryLedger,
  createWalletService,
  StoreUnavailableError,
  silentLogger,
} from '@wallet/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonNumber } from '../src/compat-serverless-wallet.js';
import { createWalletApi, MAX_BODY_BYTES } from '../src/index.js';
import {
  API_TOKENS,
  type CallOptions,
  CURRENCIES,
  PLAYER_ACCOUNT,
  startServer,
  type TestServer,
} from './support.js';

// The shapes below are the sample's (aws-samples/serverless-wallet, see
// docs/research/qldb-export.md section 1.2), served over GOLD (scale 2), the first currency.

const PREFIX = '/compat/serverless-wallet';

let server: TestServer;
let gems: TestServer;
let off: TestServer;
beforeAll(async () => {
  [server, gems, off] = await Promise.all([
    startServer({ compat: 'serverless-wallet' }),
    startServer({ compat: { api: 'serverless-wallet', currency: 'GEMS' } }),
    startServer(),
  ]);
  await server.service.createWallet({ accountId: PLAYER_ACCOUNT });
  await server.service.addFunds({ accountId: PLAYER_ACCOUNT, amount: '10.00' });
});
afterAll(() => Promise.all([server.close(), gems.close(), off.close()]));

const call = (name: string, json: unknown, options: CallOptions = {}, on = server) =>
  on.call(`${PREFIX}/${name}`, { method: 'POST', json, ...options });

/** The sample's error body with our code. */
const oldError = (code: string, status: 'error' | 'Error' = 'error') => ({
  status,
  code,
  message: expect.any(String),
});

/** An error body without its optional `details` (an object, when the error has facts to give). */
function bare(body: Record<string, unknown>): Record<string, unknown> {
  const { details, ...rest } = body;
  if (details !== undefined) expect(details).toBeTypeOf('object');
  return rest;
}

describe('compat serverless-wallet: the sample routes answer the sample shapes', () => {
  it('create-account answers 200 { status: "Ok", accountId } and makes an empty wallet', async () => {
    const accountId = server.account();
    const reply = await call('create-account', { accountId });
    expect(reply.status).toBe(200);
    expect(reply.text).toBe(`{"status":"Ok","accountId":"${accountId}"}`);
    expect((await server.service.getFunds({ accountId })).balances.GOLD).toBe('0.00');
  });

  it('get-funds answers { accountId, balance, status: "Ok" } with the balance as a JSON number', async () => {
    const accountId = await server.wallet('funds', { GOLD: '12.50', GEMS: '7' });
    const reply = await call('get-funds', { accountId });
    expect(reply.status).toBe(200);
    expect(reply.text).toBe(`{"accountId":"${accountId}","balance":12.5,"status":"Ok"}`);
  });

  it('add-funds answers { accountId, old_balance, new_balance, status: "Ok" }', async () => {
    const accountId = await server.wallet('add', { GOLD: '1.00' });
    const reply = await call('add-funds', { accountId, amount: 2.25 });
    expect(reply.status).toBe(200);
    expect(reply.text).toBe(
      `{"accountId":"${accountId}","old_balance":1,"new_balance":3.25,"status":"Ok"}`,
    );
  });

  it('withdraw-funds answers the same shape and debits the compat currency only', async () => {
    const accountId = await server.wallet('withdraw', { GOLD: '5.00', GEMS: '5' });
    const reply = await call('withdraw-funds', { accountId, amount: '1.5' });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ accountId, old_balance: 5, new_balance: 3.5, status: 'Ok' });
    const wallet = await server.service.getFunds({ accountId });
    expect(wallet.balances).toMatchObject({ GOLD: '3.50', GEMS: '5' });
  });

  it('get-transactions answers { Transactions: [balance snapshots, oldest first], status: "Ok" }', async () => {
    const accountId = await server.wallet('history', { GOLD: '3.00', GEMS: '9' });
    await server.service.withdrawFunds({ accountId, amount: '1.25' });
    const reply = await call('get-transactions', { accountId });
    expect(reply.status).toBe(200);
    expect(reply.body.status).toBe('Ok');
    expect(Object.keys(reply.body)).toEqual(['Transactions', 'status']);
    const items = reply.body.Transactions as Record<string, unknown>[];
    expect(items.map((item) => item.balance)).toEqual([3, 1.75]);
    for (const item of items) {
      expect(Object.keys(item)).toEqual(['accountId', 'balance', 'txTime', 'txId', 'timestamp']);
      expect(item.accountId).toBe(accountId);
      expect(item.timestamp).toBe(Math.floor(Date.parse(item.txTime as string) / 1000));
    }
  });

  it('get-transactions of an unknown account answers an empty list, as the sample did', async () => {
    const reply = await call('get-transactions', { accountId: server.account('nobody') });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ Transactions: [], status: 'Ok' });
  });

  it('members the sample ignored are ignored', async () => {
    const accountId = await server.wallet();
    const reply = await call('get-funds', { accountId, extra: true });
    expect(reply.status).toBe(200);
  });

  it('a trailing slash reaches the same route', async () => {
    const accountId = await server.wallet();
    const reply = await server.call(`${PREFIX}/get-funds/`, { json: { accountId } });
    expect(reply.body).toEqual({ accountId, balance: 0, status: 'Ok' });
  });
});

describe('compat serverless-wallet: amounts stay exact', () => {
  it('balances are JSON number text written from the decimal, never through a float', async () => {
    const accountId = await server.wallet('exact');
    await call('add-funds', { accountId, amount: 0.1 });
    const reply = await call('add-funds', { accountId, amount: 0.2 });
    expect(reply.text).toContain('"old_balance":0.1,"new_balance":0.3,');
    expect(jsonNumber('123456789012345678.99')).toBe('123456789012345678.99');
    expect(jsonNumber('-0.50')).toBe('-0.5');
    expect(jsonNumber('0.00')).toBe('0');
    expect(jsonNumber('100.00')).toBe('100');
  });

  it('a float that is not exactly a decimal (0.1 + 0.2) is 400 INVALID_AMOUNT and nothing is written', async () => {
    const accountId = await server.wallet('float');
    const reply = await call('add-funds', { accountId, amount: 0.1 + 0.2 });
    expect(reply.status).toBe(400);
    expect(bare(reply.body)).toEqual(oldError('INVALID_AMOUNT'));
    expect((await server.service.getFunds({ accountId })).balances.GOLD).toBe('0.00');
  });

  it('0.1 in a currency of scale 0 is 400 INVALID_AMOUNT, never rounded', async () => {
    const accountId = await gems.wallet('gems');
    const reply = await call('add-funds', { accountId, amount: 0.1 }, {}, gems);
    expect(reply.status).toBe(400);
    expect(bare(reply.body)).toEqual(oldError('INVALID_AMOUNT'));
    const ok = await call('add-funds', { accountId, amount: 3 }, {}, gems);
    expect(ok.body).toEqual({ accountId, old_balance: 0, new_balance: 3, status: 'Ok' });
    expect((await gems.service.getFunds({ accountId })).balances.GEMS).toBe('3');
  });
});

describe('compat serverless-wallet: errors take the old shape, with our code, never a 5xx', () => {
  it('an unknown wallet is 400 "Account <x> not found" with WALLET_NOT_FOUND', async () => {
    const accountId = server.account('ghost');
    for (const [name, json] of [
      ['get-funds', { accountId }],
      ['add-funds', { accountId, amount: 1 }],
    ] as const) {
      const reply = await call(name, json);
      expect([name, reply.status]).toEqual([name, 400]);
      expect(bare(reply.body)).toEqual({
        ...oldError('WALLET_NOT_FOUND'),
        message: `Account ${accountId} not found`,
      });
    }
    const withdraw = await call('withdraw-funds', { accountId, amount: 1 });
    expect(withdraw.status).toBe(400);
    expect(bare(withdraw.body)).toEqual(oldError('WALLET_NOT_FOUND', 'Error'));
  });

  it('an existing wallet is 400 "Account with user id <x> already exists" with WALLET_ALREADY_EXISTS', async () => {
    const accountId = await server.wallet();
    const reply = await call('create-account', { accountId });
    expect(reply.status).toBe(400);
    expect(bare(reply.body)).toEqual({
      ...oldError('WALLET_ALREADY_EXISTS'),
      message: `Account with user id ${accountId} already exists`,
    });
  });

  it('insufficient funds is 400 with status "Error" (as the sample spelled it) and INSUFFICIENT_FUNDS', async () => {
    const accountId = await server.wallet('poor', { GOLD: '1.00' });
    const reply = await call('withdraw-funds', { accountId, amount: 2 });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({
      status: 'Error',
      message: `Funds too low. Cannot deduct 2 from account ${accountId}`,
      code: 'INSUFFICIENT_FUNDS',
    });
    expect((await server.service.getFunds({ accountId })).balances.GOLD).toBe('1.00');
  });

  it('bad amounts ("abc", 0, -1, true, null, missing, an object) are 400 INVALID_AMOUNT', async () => {
    const accountId = await server.wallet();
    for (const amount of ['abc', 0, -1, true, null, undefined, { value: 1 }, 1e21]) {
      const reply = await call('add-funds', { accountId, amount });
      expect([amount, reply.status]).toEqual([amount, 400]);
      expect(bare(reply.body)).toEqual(oldError('INVALID_AMOUNT'));
    }
  });

  it('a missing accountId is 400 "accountId not specified" with INVALID_ACCOUNT_ID on every route', async () => {
    for (const name of [
      'create-account',
      'get-funds',
      'add-funds',
      'withdraw-funds',
      'get-transactions',
    ]) {
      for (const json of [{}, { accountId: '' }, { accountId: null, amount: 1 }]) {
        const reply = await call(name, json);
        expect([name, reply.status]).toEqual([name, 400]);
        expect(reply.body).toMatchObject({
          message: 'accountId not specified',
          code: 'INVALID_ACCOUNT_ID',
        });
      }
    }
  });

  it('wrong types (a numeric or object accountId, a body that is not an object) are 400 with our code', async () => {
    for (const [json, code] of [
      [{ accountId: 123 }, 'INVALID_ACCOUNT_ID'],
      [{ accountId: { id: 'p' } }, 'INVALID_ACCOUNT_ID'],
      [{ accountId: 'bad id with spaces' }, 'INVALID_ACCOUNT_ID'],
      [['p'], 'VALIDATION_ERROR'],
      ['p', 'VALIDATION_ERROR'],
      [null, 'VALIDATION_ERROR'],
    ] as const) {
      const reply = await call('get-funds', json);
      expect([json, reply.status]).toEqual([json, 400]);
      expect(bare(reply.body)).toEqual(oldError(code));
    }
  });

  it('a repeated member, a __proto__ member and an amount not read as written are 400, in the old shape, and move nothing', async () => {
    await call('create-account', { accountId: 'compat-body' });
    await call('add-funds', { accountId: 'compat-body', amount: 10 });
    for (const [body, code] of [
      ['{"accountId":"compat-body","amount":1,"amount":5}', 'VALIDATION_ERROR'],
      ['{"accountId":"compat-body","amount":1,"__proto__":{"x":1}}', 'VALIDATION_ERROR'],
      ['{"accountId":"compat-body","amount":1.0000000000000001}', 'INVALID_AMOUNT'],
    ] as const) {
      const reply = await server.call(`${PREFIX}/withdraw-funds`, { body });
      expect([body, reply.status]).toEqual([body, 400]);
      // The sample spells it 'Error' on withdraw-funds.
      expect(bare(reply.body)).toEqual(oldError(code, 'Error'));
    }
    expect((await server.service.getFunds({ accountId: 'compat-body' })).balances).toMatchObject({
      GOLD: '10.00',
    });
  });

  it('malformed JSON and an empty body are 400 VALIDATION_ERROR in the old shape', async () => {
    const malformed = await server.call(`${PREFIX}/add-funds`, { body: '{"accountId":' });
    expect(malformed.status).toBe(400);
    expect(bare(malformed.body)).toEqual(oldError('VALIDATION_ERROR'));
    const empty = await server.call(`${PREFIX}/get-funds`, { method: 'POST' });
    expect(empty.status).toBe(400);
    expect(bare(empty.body)).toEqual(oldError('VALIDATION_ERROR'));
  });

  it('a store outage is 503 STORE_UNAVAILABLE and an unexpected failure 500 INTERNAL_ERROR, in the old shape, never its internals', async () => {
    const failing = await startServer({
      compat: 'serverless-wallet',
      wrap: (service) => ({
        ...service,
        currencies: service.currencies,
        getFunds: () => Promise.reject(new StoreUnavailableError('db down')),
        getTransactionHistory: () => Promise.reject(new Error('secret internals')),
      }),
    });
    try {
      const outage = await call('get-funds', { accountId: 'p1' }, {}, failing);
      expect(outage.status).toBe(503);
      expect(bare(outage.body)).toEqual(oldError('STORE_UNAVAILABLE'));
      const reply = await call('get-transactions', { accountId: 'p1' }, {}, failing);
      expect(reply.status).toBe(500);
      expect(reply.body).toEqual({
        status: 'error',
        message: 'internal error',
        code: 'INTERNAL_ERROR',
      });
      expect(reply.text).not.toContain('secret');
    } finally {
      await failing.close();
    }
  });

  it('a body that is not application/json is 415 and one over 64 KiB is 413, in the old shape', async () => {
    const text = await server.call(`${PREFIX}/get-funds`, {
      body: '{"accountId":"p1"}',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(415);
    expect(bare(text.body)).toEqual(oldError('UNSUPPORTED_MEDIA_TYPE'));
    const large = await server.call(`${PREFIX}/withdraw-funds`, {
      body: JSON.stringify({ accountId: 'p1', amount: 1, pad: 'x'.repeat(MAX_BODY_BYTES) }),
    });
    expect(large.status).toBe(413);
    expect(bare(large.body)).toEqual(oldError('PAYLOAD_TOO_LARGE', 'Error'));
  });

  it('GET on a compat route is 405 and an unknown compat path 404, both in the old shape', async () => {
    const get = await server.call(`${PREFIX}/get-funds`, { method: 'GET' });
    expect(get.status).toBe(405);
    expect(bare(get.body)).toEqual(oldError('METHOD_NOT_ALLOWED'));
    const unknown = await call('delete-account', { accountId: 'p1' });
    expect(unknown.status).toBe(404);
    expect(bare(unknown.body)).toEqual(oldError('NOT_FOUND'));
  });
});

describe('compat serverless-wallet: same tokens and scopes as v1', () => {
  it('no token is 401 UNAUTHORIZED in the old shape', async () => {
    const reply = await call('get-funds', { accountId: PLAYER_ACCOUNT }, { token: null });
    expect(reply.status).toBe(401);
    expect(bare(reply.body)).toEqual(oldError('UNAUTHORIZED'));
  });

  it('each route needs its v1 scope: create admin, get-funds and get-transactions read, add-funds credit, withdraw-funds debit', async () => {
    const accountId = await server.wallet('scopes', { GOLD: '10.00' });
    const cases = [
      ['create-account', { accountId: server.account() }, 'creditor', 'admin'],
      ['get-funds', { accountId }, 'creditor', 'reader'],
      ['get-transactions', { accountId }, 'debitor', 'reader'],
      ['add-funds', { accountId, amount: 1 }, 'reader', 'creditor'],
      ['withdraw-funds', { accountId, amount: 1 }, 'creditor', 'debitor'],
    ] as const;
    for (const [name, json, refused, allowed] of cases) {
      const no = await call(name, json, { token: refused });
      expect([name, no.status, no.body.code]).toEqual([name, 403, 'FORBIDDEN']);
      const yes = await call(name, json, { token: allowed });
      expect([name, yes.status, yes.body.status]).toEqual([name, 200, 'Ok']);
    }
  });

  it('a read token cannot add funds', async () => {
    const reply = await call(
      'add-funds',
      { accountId: PLAYER_ACCOUNT, amount: 1 },
      { token: 'reader' },
    );
    expect(reply.status).toBe(403);
    expect(bare(reply.body)).toEqual(oldError('FORBIDDEN'));
  });

  it('a player token reads and spends only its own account', async () => {
    const other = await server.wallet('other', { GOLD: '5.00' });
    const own = await call('get-funds', { accountId: PLAYER_ACCOUNT }, { token: 'player' });
    expect(own.status).toBe(200);
    const spend = await call(
      'withdraw-funds',
      { accountId: PLAYER_ACCOUNT, amount: 1 },
      { token: 'player' },
    );
    expect(spend.status).toBe(200);
    for (const [name, json] of [
      ['get-funds', { accountId: other }],
      ['get-transactions', { accountId: other }],
      ['withdraw-funds', { accountId: other, amount: 1 }],
    ] as const) {
      const reply = await call(name, json, { token: 'player' });
      expect([name, reply.status, reply.body.code]).toEqual([name, 403, 'FORBIDDEN']);
    }
    const credit = await call(
      'add-funds',
      { accountId: PLAYER_ACCOUNT, amount: 1 },
      { token: 'player' },
    );
    expect(credit.status).toBe(403);
    expect((await server.service.getFunds({ accountId: other })).balances.GOLD).toBe('5.00');
  });
});

describe('compat serverless-wallet: idempotency and the option', () => {
  it('an Idempotency-Key header makes a retried add-funds apply once', async () => {
    const accountId = await server.wallet();
    const headers = { 'Idempotency-Key': 'old-client-1' };
    const first = await call('add-funds', { accountId, amount: 4 }, { headers });
    const retry = await call('add-funds', { accountId, amount: 4 }, { headers });
    expect(retry.body).toEqual(first.body);
    expect(first.body).toEqual({ accountId, old_balance: 0, new_balance: 4, status: 'Ok' });
    expect((await server.service.getFunds({ accountId })).balances.GOLD).toBe('4.00');
    const reused = await call('add-funds', { accountId, amount: 5 }, { headers });
    expect(reused.status).toBe(400);
    expect(bare(reused.body)).toEqual(oldError('IDEMPOTENCY_KEY_REUSED'));
  });

  it('without the option the compat paths are 404 in the v1 shape', async () => {
    const accountId = await off.wallet();
    const reply = await call('get-funds', { accountId }, {}, off);
    expect(reply.status).toBe(404);
    expect(reply.body.error.code).toBe('NOT_FOUND');
  });

  it('the compat routes are not in /openapi.json, and v1 errors keep the v1 shape', async () => {
    const document = await server.call('/openapi.json', { token: null });
    expect(Object.keys(document.body.paths).some((path) => path.startsWith('/compat'))).toBe(false);
    const v1 = await server.call(`/v1/wallets/${server.account('none')}`);
    expect(v1.body.error.code).toBe('WALLET_NOT_FOUND');
  });

  it('a compat currency the service lacks is refused when the API is built', () => {
    const service = createWalletService({ ledger: createMemoryLedger(), currencies: CURRENCIES });
    const build = () =>
      createWalletApi({
        service,
        tokens: API_TOKENS,
        logger: silentLogger,
        compat: { api: 'serverless-wallet', currency: 'EUR' },
      });
    expect(build).toThrow(TypeError);
  });
});
