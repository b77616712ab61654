import { WalletError } from '@wallet/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './support.js';

let server: TestServer;
let accountId: string;
beforeAll(async () => {
  server = await startServer();
  accountId = await server.wallet('bad', { GOLD: '100.00', GEMS: '100' });
});
afterAll(() => server.close());

/** The code the service itself throws for an input, to compare the HTTP answer with. */
async function serviceCode(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
  } catch (error) {
    if (error instanceof WalletError) return error.code;
    throw error;
  }
  throw new Error('the service accepted the input');
}

async function balances() {
  return (await server.service.getFunds({ accountId })).balances;
}

describe('malformed bodies', () => {
  it.each([
    ['truncated JSON', '{"amount": "1"'],
    ['a bare word', 'hello'],
    ['single quotes', "{'amount': '1'}"],
    ['a NaN literal', '{"amount": NaN}'],
    ['an empty body', ''],
  ])('%s is 400 VALIDATION_ERROR and credits nothing', async (_name, body) => {
    const before = await balances();
    const reply = await server.call(`/v1/wallets/${accountId}/add-funds`, { body });
    expect(reply.status).toBe(400);
    expect(reply.body.error).toEqual({
      code: 'VALIDATION_ERROR',
      message: 'the request body is not valid JSON',
    });
    expect(await balances()).toEqual(before);
  });

  it.each([
    ['/v1/wallets', 'INVALID_ACCOUNT_ID'],
    ['/v1/transfers', 'INVALID_ACCOUNT_ID'],
    ['/v1/postings', 'VALIDATION_ERROR'],
  ])(
    'POST %s with no body and no Content-Type is 400 %s, as for {}, never a 500',
    async (path, code) => {
      const empty = await server.call(path, { method: 'POST' });
      const object = await server.call(path, { json: {} });
      expect(empty.status).toBe(400);
      expect(empty.body.error.code).toBe(code);
      expect(empty.body).toEqual(object.body);
    },
  );

  it('add-funds with no body and no Content-Type is 400 INVALID_AMOUNT and credits nothing', async () => {
    const before = await balances();
    const reply = await server.call(`/v1/wallets/${accountId}/add-funds`, { method: 'POST' });
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe('INVALID_AMOUNT');
    expect(await balances()).toEqual(before);
  });

  it.each([
    ['an array', '[]'],
    ['a string', '"10"'],
    ['null', 'null'],
    ['a number', '5'],
  ])('a JSON body that is %s instead of an object is 400 VALIDATION_ERROR', async (_name, body) => {
    const reply = await server.call(`/v1/wallets/${accountId}/add-funds`, { body });
    expect(reply.status).toBe(400);
    expect(reply.body.error).toEqual({
      code: 'VALIDATION_ERROR',
      message: 'the request body must be a JSON object',
    });
  });

  it('an unknown field is 400 VALIDATION_ERROR naming it, so a typo never credits the default currency', async () => {
    const before = await balances();
    const reply = await server.call(`/v1/wallets/${accountId}/add-funds`, {
      json: { amount: '1', curency: 'GEMS' },
    });
    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatchObject({
      code: 'VALIDATION_ERROR',
      details: { field: 'curency' },
    });
    expect(await balances()).toEqual(before);
  });
});

describe('wrong types get the code the service gives them', () => {
  const funds = [
    ['a boolean amount', 'INVALID_AMOUNT', { amount: true }],
    ['a null amount', 'INVALID_AMOUNT', { amount: null }],
    ['an object amount', 'INVALID_AMOUNT', { amount: { value: '1' } }],
    ['an array amount', 'INVALID_AMOUNT', { amount: ['1'] }],
    ['a missing amount', 'INVALID_AMOUNT', {}],
    ['a numeric currency', 'UNKNOWN_CURRENCY', { amount: '1', currency: 7 }],
    ['a boolean currency', 'UNKNOWN_CURRENCY', { amount: '1', currency: false }],
    ['metadata that is an array', 'VALIDATION_ERROR', { amount: '1', metadata: [1] }],
    ['metadata that is a string', 'VALIDATION_ERROR', { amount: '1', metadata: 'vip' }],
    ['a numeric idempotencyKey', 'VALIDATION_ERROR', { amount: '1', idempotencyKey: 42 }],
    [
      'a bad currency and a bad amount (currency is checked first)',
      'UNKNOWN_CURRENCY',
      { amount: true, currency: 1 },
    ],
  ] as const;

  it.each(funds)('add-funds with %s is 400 %s, as the service says', async (_name, code, body) => {
    const before = await balances();
    const reply = await server.call(`/v1/wallets/${accountId}/add-funds`, { json: body });
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe(code);
    expect(
      await serviceCode(() => server.service.addFunds({ ...(body as object), accountId } as never)),
    ).toBe(code);
    expect(await balances()).toEqual(before);
  });

  it.each([
    ['a numeric accountId', 'INVALID_ACCOUNT_ID', { accountId: 42 }],
    ['a missing accountId', 'INVALID_ACCOUNT_ID', {}],
    ['a null accountId', 'INVALID_ACCOUNT_ID', { accountId: null }],
  ] as const)('create with %s is 400 %s, as the service says', async (_name, code, body) => {
    const reply = await server.call('/v1/wallets', { json: body });
    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatchObject({ code, details: { field: 'accountId' } });
    expect(await serviceCode(() => server.service.createWallet(body as never))).toBe(code);
  });

  it.each([
    ['a numeric toAccountId', 'INVALID_ACCOUNT_ID', { toAccountId: 5 }],
    ['a boolean amount', 'INVALID_AMOUNT', { amount: false }],
    ['an object currency', 'UNKNOWN_CURRENCY', { currency: {} }],
  ] as const)('transfer with %s is 400 %s, as the service says', async (_name, code, change) => {
    const to = await server.wallet('to');
    const body = { fromAccountId: accountId, toAccountId: to, amount: '1', ...change };
    const reply = await server.call('/v1/transfers', { json: body });
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe(code);
    expect(await serviceCode(() => server.service.transfer(body as never))).toBe(code);
  });

  it.each([
    ['a missing from', 'VALIDATION_ERROR', { to: { currency: 'GEMS', amount: '1' } }],
    ['a string from', 'VALIDATION_ERROR', { from: 'GOLD', to: { currency: 'GEMS', amount: '1' } }],
    [
      'a boolean from.amount',
      'INVALID_AMOUNT',
      { from: { currency: 'GOLD', amount: true }, to: { currency: 'GEMS', amount: '1' } },
    ],
    [
      'a bad from.amount and a numeric to.currency (currencies are checked first)',
      'UNKNOWN_CURRENCY',
      { from: { currency: 'GOLD', amount: true }, to: { currency: 5, amount: '1' } },
    ],
  ] as const)('exchange with %s is 400 %s, as the service says', async (_name, code, body) => {
    const reply = await server.call(`/v1/wallets/${accountId}/exchange`, { json: body });
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe(code);
    expect(await serviceCode(() => server.service.exchange({ ...body, accountId } as never))).toBe(
      code,
    );
  });
});

describe('metadata naming __proto__', () => {
  it.each([
    [
      'in metadata',
      '{"amount": "1", "currency": "GEMS", "metadata": {"__proto__": {"x": 1}, "y": 2}}',
    ],
    ['escaped', '{"amount": "1", "currency": "GEMS", "metadata": {"\\u005f_proto__": 1}}'],
  ])('%s is 400 VALIDATION_ERROR, never a credit with the member dropped', async (_name, body) => {
    const before = await balances();
    const reply = await server.call(`/v1/wallets/${accountId}/add-funds`, { body });
    expect([reply.status, reply.body.error]).toEqual([
      400,
      expect.objectContaining({ code: 'VALIDATION_ERROR', details: { field: '__proto__' } }),
    ]);
    expect(await balances()).toEqual(before);
  });
});

describe('a currency that is no text', () => {
  // JSON that String() cannot turn into text: naming it in the error used to throw (a 500).
  const codes = [
    ['an object whose toString is a string', { toString: 'x' }],
    ['an object whose toString is null', { toString: null }],
    ['an object with neither method', { toString: {}, valueOf: {} }],
  ] as const;
  const routes = (currency: unknown, to: string) =>
    [
      ['add-funds', `/v1/wallets/${accountId}/add-funds`, { amount: '1', currency }],
      ['withdraw-funds', `/v1/wallets/${accountId}/withdraw-funds`, { amount: '1', currency }],
      ['a hold', `/v1/wallets/${accountId}/holds`, { amount: '1', currency }],
      [
        'a transfer',
        '/v1/transfers',
        { fromAccountId: accountId, toAccountId: to, amount: '1', currency },
      ],
      [
        'an exchange (from)',
        `/v1/wallets/${accountId}/exchange`,
        { from: { currency, amount: '1' }, to: { currency: 'GEMS', amount: '1' } },
      ],
      [
        'an exchange (to)',
        `/v1/wallets/${accountId}/exchange`,
        { from: { currency: 'GOLD', amount: '1' }, to: { currency, amount: '1' } },
      ],
      [
        'a posting leg',
        '/v1/postings',
        {
          legs: [
            { accountId, direction: 'debit', amount: '1', currency },
            { accountId: to, direction: 'credit', amount: '1', currency },
          ],
        },
      ],
    ] as const;

  it.each(codes)(
    'given as %s, is 400 UNKNOWN_CURRENCY named by its JSON on every route, never a 500',
    async (_name, currency) => {
      const to = await server.wallet(`to-${Object.keys(currency).length}`);
      const before = await balances();
      for (const [route, path, body] of routes(currency, to)) {
        const reply = await server.call(path, { json: body });
        expect([route, reply.status, reply.body.error]).toEqual([
          route,
          400,
          expect.objectContaining({
            code: 'UNKNOWN_CURRENCY',
            details: { currency: JSON.stringify(currency).slice(0, 32) },
          }),
        ]);
      }
      expect(await balances()).toEqual(before);
    },
  );
});

describe('amounts', () => {
  it.each([
    ['"-1"', '-1'],
    ['-1', -1],
    ['"0"', '0'],
    ['0', 0],
    ['"1.001" for scale-2 GOLD', '1.001'],
    ['1.001 for scale-2 GOLD', 1.001],
    ['"1e3"', '1e3'],
    ['"NaN"', 'NaN'],
    ['"Infinity"', 'Infinity'],
    ['1e21 (prints with an exponent)', 1e21],
    ['0.0000001 (prints as 1e-7)', 0.0000001],
    ['" 1" with a space', ' 1'],
    ['19 integer digits', '1234567890123456789'],
  ])('amount %s is 400 INVALID_AMOUNT and credits nothing', async (_name, amount) => {
    const before = await balances();
    const reply = await server.call(`/v1/wallets/${accountId}/add-funds`, {
      json: { amount, currency: 'GOLD' },
    });
    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatchObject({
      code: 'INVALID_AMOUNT',
      details: { field: 'amount' },
    });
    expect(await balances()).toEqual(before);
  });

  it('a JSON number a double cannot hold as written (12345678901234567890) is 400 INVALID_AMOUNT, never a rounded credit', async () => {
    const before = await balances();
    const reply = await server.call(`/v1/wallets/${accountId}/add-funds`, {
      body: '{"amount": 12345678901234567890, "currency": "GEMS"}',
    });
    expect([reply.status, reply.body.error.code]).toEqual([400, 'INVALID_AMOUNT']);
    expect(await balances()).toEqual(before);
  });

  it('a JSON number past 2^53 that a double holds as written (9007199254740994, 1e16) credits exactly that', async () => {
    const target = await server.wallet('big-numbers');
    for (const [literal, amount] of [
      ['9007199254740994', '9007199254740994'],
      ['1e16', '10000000000000000'],
    ]) {
      const reply = await server.call(`/v1/wallets/${target}/add-funds`, {
        body: `{"amount": ${literal}, "currency": "GEMS"}`,
      });
      expect([literal, reply.status, reply.body.amount]).toEqual([literal, 200, amount]);
    }
    const { balances: held } = await server.service.getFunds({ accountId: target });
    expect(held.GEMS).toBe('19007199254740994');
  });

  it('amount NaN as a raw JSON token is malformed JSON: 400 VALIDATION_ERROR', async () => {
    const reply = await server.call(`/v1/wallets/${accountId}/add-funds`, {
      body: '{"amount": NaN, "currency": "GOLD"}',
    });
    expect([reply.status, reply.body.error.code]).toEqual([400, 'VALIDATION_ERROR']);
  });

  it('the JSON number 1e3 is the number 1000 and is accepted as "1000" (DESIGN: String(n) is a plain decimal)', async () => {
    const reply = await server.call(`/v1/wallets/${accountId}/add-funds`, {
      body: '{"amount": 1e3, "currency": "GEMS"}',
    });
    expect(reply.status).toBe(200);
    expect(reply.body.amount).toBe('1000');
  });

  it.each([
    ['more digits than a double holds', '10.009999999999999', 'amount'],
    ['a digit past 2^53 on an exchange', '9007199254740993', 'from.amount'],
    ['a posting leg one part in 10^17 off', '0.30000000000000001', 'legs.0.amount'],
  ])(
    'a JSON number amount with %s is 400 INVALID_AMOUNT naming it, never read rounded',
    async (_name, literal, field) => {
      const to = await server.wallet('exact-to');
      const bodies: Record<string, string> = {
        amount: `{"amount": ${literal}, "currency": "GOLD"}`,
        'from.amount': `{"from": {"currency": "GOLD", "amount": ${literal}}, "to": {"currency": "GEMS"}}`,
        'legs.0.amount': `{"legs": [{"accountId": "${accountId}", "direction": "debit", "amount": ${literal}}, {"accountId": "${to}", "direction": "credit", "amount": "0.30"}]}`,
      };
      const paths: Record<string, string> = {
        amount: `/v1/wallets/${accountId}/withdraw-funds`,
        'from.amount': `/v1/wallets/${accountId}/exchange`,
        'legs.0.amount': '/v1/postings',
      };
      const before = await balances();
      const reply = await server.call(paths[field]!, { body: bodies[field] });
      expect([reply.status, reply.body.error]).toEqual([
        400,
        expect.objectContaining({
          code: 'INVALID_AMOUNT',
          details: expect.objectContaining({ field }),
        }),
      ]);
      expect(await balances()).toEqual(before);
    },
  );

  it('a JSON number in metadata that needs rounding is 400 VALIDATION_ERROR; exact ones are kept', async () => {
    const before = await balances();
    const refused = await server.call(`/v1/wallets/${accountId}/add-funds`, {
      body: '{"amount": "1", "currency": "GEMS", "metadata": {"score": 12345678901234567890}}',
    });
    expect([refused.status, refused.body.error]).toEqual([
      400,
      expect.objectContaining({ code: 'VALIDATION_ERROR', details: { field: 'metadata.score' } }),
    ]);
    expect(await balances()).toEqual(before);
    const kept = await server.call(`/v1/wallets/${accountId}/add-funds`, {
      body: '{"amount": 1.0, "currency": "GEMS", "metadata": {"score": 1.50, "rank": -0, "big": 1E3}}',
    });
    expect(kept.status).toBe(200);
    const [entry] = (
      await server.service.getTransactionHistory({ accountId, order: 'desc', limit: 1 })
    ).items;
    expect(entry?.metadata).toEqual({ score: 1.5, rank: 0, big: 1000 });
  });

  it('a withdraw amount with too many fraction digits is refused, never rounded', async () => {
    const before = await balances();
    const reply = await server.call(`/v1/wallets/${accountId}/withdraw-funds`, {
      json: { amount: '0.005', currency: 'GOLD' },
    });
    expect(reply.body.error).toMatchObject({
      code: 'INVALID_AMOUNT',
      message: 'amount has more than 2 fraction digits',
    });
    expect(await balances()).toEqual(before);
  });
});

describe('account ids', () => {
  const longId = 'a'.repeat(1000);
  const sqlIds = [
    "' OR '1'='1",
    '1; DROP TABLE wallets;--',
    'p1"); DELETE FROM journal_entries; --',
    "x' UNION SELECT * FROM wallets --",
  ];

  it('a 1,000-character accountId is 400 INVALID_ACCOUNT_ID in the path and in a body', async () => {
    const path = await server.call(`/v1/wallets/${longId}`);
    expect([path.status, path.body.error.code]).toEqual([400, 'INVALID_ACCOUNT_ID']);
    const credit = await server.call(`/v1/wallets/${longId}/add-funds`, { json: { amount: '1' } });
    expect([credit.status, credit.body.error.code]).toEqual([400, 'INVALID_ACCOUNT_ID']);
    const create = await server.call('/v1/wallets', { json: { accountId: longId } });
    expect([create.status, create.body.error.code]).toEqual([400, 'INVALID_ACCOUNT_ID']);
  });

  it.each(sqlIds)(
    'the SQL fragment %j is 400 INVALID_ACCOUNT_ID wherever an id goes',
    async (id) => {
      const encoded = encodeURIComponent(id);
      for (const reply of [
        await server.call(`/v1/wallets/${encoded}`),
        await server.call(`/v1/wallets/${encoded}/add-funds`, { json: { amount: '1' } }),
        await server.call(`/v1/wallets/${encoded}/transactions`),
        await server.call('/v1/wallets', { json: { accountId: id } }),
        await server.call('/v1/transfers', {
          json: { fromAccountId: accountId, toAccountId: id, amount: '1' },
        }),
      ]) {
        expect(reply.status).toBe(400);
        expect(reply.body.error.code).toBe('INVALID_ACCOUNT_ID');
      }
      expect((await server.call(`/v1/wallets/${accountId}`)).status).toBe(200);
    },
  );

  it('an encoded slash or dot-dot in the path is an invalid id, not another route', async () => {
    for (const id of ['a%2Fb', '..%2F..%2Fhealthz', '%2E%2E%2Fv1']) {
      const reply = await server.call(`/v1/wallets/${id}`);
      expect([reply.status, reply.body.error.code]).toEqual([400, 'INVALID_ACCOUNT_ID']);
    }
  });
});

describe('query parameters', () => {
  it.each([
    ['limit=abc', 'limit'],
    ['limit=0', 'limit'],
    ['limit=1001', 'limit'],
    ['limit=1.5', 'limit'],
    ['limit=-1', 'limit'],
    ['limit=', 'limit'],
    ['limit=1&limit=2', 'limit'],
    ['order=sideways', 'order'],
    ['cursor=not-a-cursor', 'cursor'],
    ['page=2', 'page'],
  ])('?%s is 400 VALIDATION_ERROR naming the %s field', async (query, field) => {
    const reply = await server.call(`/v1/wallets/${accountId}/transactions?${query}`);
    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field } });
  });

  it('an unknown currency filter is 400 UNKNOWN_CURRENCY', async () => {
    const reply = await server.call(`/v1/wallets/${accountId}/transactions?currency=RUBIES`);
    expect([reply.status, reply.body.error.code]).toEqual([400, 'UNKNOWN_CURRENCY']);
  });

  it('an Idempotency-Key header over 255 characters is 400 VALIDATION_ERROR', async () => {
    const reply = await server.call(`/v1/wallets/${accountId}/add-funds`, {
      json: { amount: '1' },
      headers: { 'idempotency-key': 'k'.repeat(256) },
    });
    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatchObject({
      code: 'VALIDATION_ERROR',
      details: { field: 'idempotencyKey' },
    });
  });
});
