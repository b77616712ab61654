import { createMemoryLedger, createWalletService, silentLogger } from '@wallet/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Authorizer, createWalletApi } from '../src/index.js';
import {
  CURRENCIES,
  memoryLogger,
  PLAYER_ACCOUNT,
  startServer,
  type TestServer,
  TOKENS,
} from './support.js';

let server: TestServer;
let other: string;
beforeAll(async () => {
  server = await startServer();
  await server.service.createWallet({ accountId: PLAYER_ACCOUNT });
  await server.service.addFunds({ accountId: PLAYER_ACCOUNT, amount: '50', currency: 'GEMS' });
  other = await server.wallet('other', { GEMS: '50' });
});
afterAll(() => server.close());

/** One request per /v1 route, against `accountId`. */
function everyRoute(accountId: string, to: string) {
  return [
    {
      name: 'create',
      scope: 'admin',
      path: '/v1/wallets',
      json: { accountId: `${accountId}-new` },
    },
    { name: 'get', scope: 'read', path: `/v1/wallets/${accountId}` },
    { name: 'history', scope: 'read', path: `/v1/wallets/${accountId}/transactions` },
    {
      name: 'add-funds',
      scope: 'credit',
      path: `/v1/wallets/${accountId}/add-funds`,
      json: { amount: '1', currency: 'GEMS' },
    },
    {
      name: 'withdraw-funds',
      scope: 'debit',
      path: `/v1/wallets/${accountId}/withdraw-funds`,
      json: { amount: '1', currency: 'GEMS' },
    },
    {
      name: 'transfer',
      scope: 'transfer',
      path: '/v1/transfers',
      json: { fromAccountId: accountId, toAccountId: to, amount: '1', currency: 'GEMS' },
    },
    {
      name: 'exchange',
      scope: 'exchange',
      path: `/v1/wallets/${accountId}/exchange`,
      json: { from: { currency: 'GEMS', amount: '2' }, to: { currency: 'GOLD' } },
    },
    {
      name: 'exchange-at-own-amount',
      scope: 'admin',
      path: `/v1/wallets/${accountId}/exchange`,
      json: { from: { currency: 'GEMS', amount: '1' }, to: { currency: 'GOLD', amount: '0.50' } },
    },
    { name: 'verify', scope: 'admin', path: `/v1/wallets/${accountId}/verify` },
  ] as const;
}

describe('authentication', () => {
  it('every /v1 route without a token is 401 UNAUTHORIZED with a Bearer challenge', async () => {
    for (const route of everyRoute(other, PLAYER_ACCOUNT)) {
      const reply = await server.call(route.path, {
        token: null,
        json: 'json' in route ? route.json : undefined,
      });
      expect([route.name, reply.status, reply.body.error.code]).toEqual([
        route.name,
        401,
        'UNAUTHORIZED',
      ]);
      expect(reply.headers.get('www-authenticate')).toBe('Bearer realm="wallet"');
    }
    expect((await server.service.getFunds({ accountId: other })).balances.GEMS).toBe('50');
  });

  it.each([
    ['a body that is not JSON', 'text/plain', '{"amount":"1","currency":"GEMS"}'],
    ['malformed JSON', 'application/json', '{"amount":'],
    ['a repeated member', 'application/json', '{"amount":"1","amount":"2"}'],
    ['bytes that are not UTF-8', 'application/json', Buffer.from([0x7b, 0xff, 0x7d])],
  ])(
    '%s from a caller with no token is 401, not a verdict on the body',
    async (_name, type, body) => {
      const response = await fetch(`${server.url}/v1/wallets/${other}/add-funds`, {
        method: 'POST',
        headers: { 'content-type': type },
        body,
      });
      expect(response.status).toBe(401);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
        'UNAUTHORIZED',
      );
    },
  );

  it('a body that is not JSON from a token without the scope is 403: the body is read only for a caller who may call', async () => {
    const response = await fetch(`${server.url}/v1/wallets/${other}/add-funds`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKENS.reader}`, 'content-type': 'text/plain' },
      body: 'x',
    });
    expect(response.status).toBe(403);
  });

  it.each([
    ['an unknown token', 'Bearer not-a-token'],
    ['a prefix of a valid token', `Bearer ${TOKENS.admin.slice(0, -1)}`],
    ['a valid token with a suffix', `Bearer ${TOKENS.admin}x`],
    ['another scheme', `Basic ${Buffer.from(`admin:${TOKENS.admin}`).toString('base64')}`],
    ['a scheme without a token', 'Bearer'],
    ['two tokens', `Bearer ${TOKENS.admin} ${TOKENS.admin}`],
  ])('%s is 401 UNAUTHORIZED with error="invalid_token"', async (_name, authorization) => {
    const reply = await server.call(`/v1/wallets/${other}/add-funds`, {
      token: null,
      json: { amount: '1', currency: 'GEMS' },
      headers: { authorization },
    });
    expect([reply.status, reply.body.error.code]).toEqual([401, 'UNAUTHORIZED']);
    expect(reply.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('the bearer scheme is case-insensitive', async () => {
    const reply = await server.call(`/v1/wallets/${other}`, {
      token: null,
      headers: { authorization: `bearer ${TOKENS.reader}` },
    });
    expect(reply.status).toBe(200);
  });

  it('/healthz and /openapi.json need no token', async () => {
    expect((await server.call('/healthz', { token: null })).status).toBe(200);
    expect((await server.call('/openapi.json', { token: null })).status).toBe(200);
  });
});

describe('scopes', () => {
  const held = {
    reader: 'read',
    creditor: 'credit',
    debitor: 'debit',
    transferer: 'transfer',
    exchanger: 'exchange',
  } as const;

  it.each(Object.keys(held) as (keyof typeof held)[])(
    'the %s token may call only the routes of its scope; the rest are 403 FORBIDDEN',
    async (token) => {
      for (const route of everyRoute(other, PLAYER_ACCOUNT)) {
        const reply = await server.call(route.path, {
          token,
          json: 'json' in route ? route.json : undefined,
        });
        if (route.scope === held[token]) {
          expect([route.name, reply.status]).toEqual([route.name, 200]);
        } else {
          expect([route.name, reply.status, reply.body.error.code]).toEqual([
            route.name,
            403,
            'FORBIDDEN',
          ]);
          expect(reply.body.error.details).toEqual(
            route.name === 'exchange-at-own-amount' && token === 'exchanger'
              ? { field: 'to.amount', scope: 'admin' }
              : {
                  scope:
                    route.scope === 'admin' && route.name.startsWith('exchange')
                      ? 'exchange'
                      : route.scope,
                },
          );
          expect(reply.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
        }
      }
    },
  );

  it('the admin scope holds every scope, and alone may name its own exchange amount', async () => {
    for (const route of everyRoute(other, PLAYER_ACCOUNT)) {
      const reply = await server.call(route.path, {
        token: 'admin',
        json: 'json' in route ? route.json : undefined,
      });
      expect([route.name, reply.status]).toEqual([route.name, route.name === 'create' ? 201 : 200]);
    }
  });

  it('a refused credit writes nothing', async () => {
    const before = (await server.service.getFunds({ accountId: other })).version;
    await server.call(`/v1/wallets/${other}/add-funds`, {
      token: 'reader',
      json: { amount: '1000' },
    });
    expect((await server.service.getFunds({ accountId: other })).version).toBe(before);
  });
});

describe('account-limited tokens', () => {
  it('may use every route of its scopes on its own account, and no other', async () => {
    for (const route of everyRoute(PLAYER_ACCOUNT, other)) {
      const reply = await server.call(route.path, {
        token: 'player',
        json: 'json' in route ? route.json : undefined,
      });
      const allowed = ['read', 'debit', 'transfer', 'exchange'].includes(route.scope);
      expect([route.name, reply.status]).toEqual([route.name, allowed ? 200 : 403]);
    }
  });

  it('is 403 FORBIDDEN on every route that names another account, and writes nothing', async () => {
    const before = await server.service.getFunds({ accountId: other });
    for (const route of everyRoute(other, PLAYER_ACCOUNT)) {
      const reply = await server.call(route.path, {
        token: 'player',
        json: 'json' in route ? route.json : undefined,
      });
      expect([route.name, reply.status, reply.body.error.code]).toEqual([
        route.name,
        403,
        'FORBIDDEN',
      ]);
    }
    expect(await server.service.getFunds({ accountId: other })).toEqual(before);
  });

  it('can never mint currency: no credit, no exchange at its own amount, no transfer in from another wallet', async () => {
    const before = await server.service.getFunds({ accountId: PLAYER_ACCOUNT });
    const attempts = [
      server.call(`/v1/wallets/${PLAYER_ACCOUNT}/add-funds`, {
        token: 'player',
        json: { amount: '1000000', currency: 'GEMS' },
      }),
      server.call(`/v1/wallets/${PLAYER_ACCOUNT}/exchange`, {
        token: 'player',
        json: {
          from: { currency: 'GEMS', amount: '1' },
          to: { currency: 'GOLD', amount: '99999999.99' },
        },
      }),
      server.call('/v1/transfers', {
        token: 'player',
        json: { fromAccountId: other, toAccountId: PLAYER_ACCOUNT, amount: '50', currency: 'GEMS' },
      }),
      server.call('/v1/wallets', { token: 'player', json: { accountId: `${PLAYER_ACCOUNT}-2` } }),
    ];
    for (const reply of await Promise.all(attempts)) {
      expect([reply.status, reply.body.error.code]).toEqual([403, 'FORBIDDEN']);
    }
    expect(await server.service.getFunds({ accountId: PLAYER_ACCOUNT })).toEqual(before);
  });

  it('exchanges at the configured rate only, rounded down', async () => {
    const reply = await server.call(`/v1/wallets/${PLAYER_ACCOUNT}/exchange`, {
      token: 'player',
      json: { from: { currency: 'GEMS', amount: '3' }, to: { currency: 'GOLD' } },
    });
    expect(reply.status).toBe(200);
    expect(reply.body.to).toMatchObject({ currency: 'GOLD', amount: '0.75' });
  });

  it('may transfer out of its account but not into it from another', async () => {
    const out = await server.call('/v1/transfers', {
      token: 'player',
      json: { fromAccountId: PLAYER_ACCOUNT, toAccountId: other, amount: '1', currency: 'GEMS' },
    });
    expect(out.status).toBe(200);
    const into = await server.call('/v1/transfers', {
      token: 'player',
      json: { fromAccountId: other, toAccountId: PLAYER_ACCOUNT, amount: '1', currency: 'GEMS' },
    });
    expect([into.status, into.body.error.code]).toEqual([403, 'FORBIDDEN']);
  });
});

describe('configuration', () => {
  it('with no tokens and no authorizer every /v1 route is 401, it says why, and warns at start-up', async () => {
    const logger = memoryLogger();
    const open = await startServer({ tokens: [], logger });
    try {
      const accountId = await open.wallet();
      for (const route of everyRoute(accountId, other)) {
        for (const token of [null, TOKENS.admin]) {
          const reply = await open.call(route.path, {
            token,
            json: 'json' in route ? route.json : undefined,
          });
          expect([route.name, reply.status, reply.body.error.code]).toEqual([
            route.name,
            401,
            'UNAUTHORIZED',
          ]);
          expect(reply.body.error.message).toMatch(/no tokens or authorizer/);
        }
      }
      expect((await open.service.getFunds({ accountId })).version).toBe(0);
      expect((await open.call('/healthz', { token: null })).status).toBe(200);
    } finally {
      await open.close();
    }
    const warnings = logger.records.filter((r) => r.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toMatch(/every \/v1 route will answer 401/);
  });

  const long = (label: string) => `${label}-0123456789abcdef`;
  it.each([
    ['an empty token', [{ token: '', scopes: ['read'] }]],
    ['a 1-character token', [{ token: 'x', scopes: ['admin'] }]],
    ['a 15-character token', [{ token: '0123456789abcde', scopes: ['admin'] }]],
    ['a token with a space', [{ token: long('a b'), scopes: ['read'] }]],
    ['no scopes', [{ token: long('abc'), scopes: [] }]],
    ['an unknown scope', [{ token: long('abc'), scopes: ['write'] }]],
    [
      'a repeated token',
      [
        { token: long('abc'), scopes: ['read'] },
        { token: long('abc'), scopes: ['admin'] },
      ],
    ],
    [
      'an account-limited token with credit',
      [{ token: long('player'), scopes: ['read', 'credit'], accountId: 'p1' }],
    ],
    [
      'an account-limited token with admin',
      [{ token: long('player'), scopes: ['admin'], accountId: 'p1' }],
    ],
  ])('refuses to start with %s', (_name, tokens) => {
    const service = createWalletService({ ledger: createMemoryLedger(), currencies: CURRENCIES });
    expect(() =>
      createWalletApi({ service, tokens: tokens as never, logger: silentLogger }),
    ).toThrow(TypeError);
  });

  it('accepts a 16-character token, and an account-limited one with read, debit, transfer and exchange', async () => {
    const service = createWalletService({ ledger: createMemoryLedger(), currencies: CURRENCIES });
    await service.createWallet({ accountId: 'p1' });
    const api = createWalletApi({
      service,
      logger: silentLogger,
      tokens: [
        { token: '0123456789abcdef', scopes: ['admin'] },
        {
          token: long('player'),
          scopes: ['read', 'debit', 'transfer', 'exchange'],
          accountId: 'p1',
        },
      ],
    });
    for (const token of ['0123456789abcdef', long('player')]) {
      const reply = await api.fetch(
        new Request('http://wallet.test/v1/wallets/p1', {
          headers: { authorization: `Bearer ${token}` },
        }),
      );
      expect(reply.status).toBe(200);
    }
  });
});

describe('authorizer', () => {
  it('decides the caller when no token matched, and sees the request', async () => {
    const seen: string[] = [];
    const authorizer: Authorizer = ({ request, lambda }) => {
      seen.push(`${request.headers.get('x-caller')} ${lambda === undefined}`);
      return request.headers.get('x-caller') === 'ops' ? { scopes: ['read'], name: 'ops' } : null;
    };
    const withAuthorizer = await startServer({ tokens: [], authorizer });
    try {
      const accountId = await withAuthorizer.wallet();
      const ok = await withAuthorizer.call(`/v1/wallets/${accountId}`, {
        token: null,
        headers: { 'x-caller': 'ops' },
      });
      expect(ok.status).toBe(200);
      const credit = await withAuthorizer.call(`/v1/wallets/${accountId}/add-funds`, {
        token: null,
        headers: { 'x-caller': 'ops' },
        json: { amount: '1' },
      });
      expect(credit.status).toBe(403);
      const anonymous = await withAuthorizer.call(`/v1/wallets/${accountId}`, { token: null });
      expect(anonymous.status).toBe(401);
      expect(seen).toEqual(['ops true', 'ops true', 'null true']);
      expect(withAuthorizer.logger.records.some((r) => r.caller === 'ops')).toBe(true);
    } finally {
      await withAuthorizer.close();
    }
  });

  it('that throws is a 500 INTERNAL_ERROR, never an open door', async () => {
    const failing = await startServer({
      tokens: [],
      authorizer: () => {
        throw new Error('JWKS endpoint unreachable');
      },
    });
    try {
      const accountId = await failing.wallet();
      const reply = await failing.call(`/v1/wallets/${accountId}/add-funds`, {
        token: null,
        json: { amount: '1' },
      });
      expect(reply.status).toBe(500);
      expect(reply.body).toEqual({ error: { code: 'INTERNAL_ERROR', message: 'internal error' } });
      expect((await failing.service.getFunds({ accountId })).version).toBe(0);
    } finally {
      await failing.close();
    }
  });

  it('refuses (403) a grant of credit or admin to an account-limited caller, and writes nothing', async () => {
    const generous = await startServer({
      tokens: [],
      authorizer: ({ request }) => ({
        scopes: [request.headers.get('x-scope') as 'credit'],
        accountId: 'claimed-player',
      }),
    });
    try {
      await generous.service.createWallet({ accountId: 'claimed-player' });
      for (const scope of ['credit', 'admin']) {
        const reply = await generous.call('/v1/wallets/claimed-player/add-funds', {
          token: null,
          headers: { 'x-scope': scope },
          json: { amount: '1000' },
        });
        expect([reply.status, reply.body.error.code]).toEqual([403, 'FORBIDDEN']);
      }
      const read = await generous.call('/v1/wallets/claimed-player', {
        token: null,
        headers: { 'x-scope': 'read' },
      });
      expect(read.status).toBe(200);
      expect(read.body.version).toBe(0);
    } finally {
      await generous.close();
    }
  });

  it('may read the body (a signature over it, say) and the route still checks and reads its own', async () => {
    const seen: string[] = [];
    const signed = await startServer({
      tokens: [],
      authorizer: async ({ request }) => {
        seen.push(await request.text());
        return { scopes: ['credit'] };
      },
    });
    try {
      await signed.service.createWallet({ accountId: 'signed-player' });
      const credit = await signed.call('/v1/wallets/signed-player/add-funds', {
        token: null,
        json: { amount: '7' },
      });
      expect([credit.status, credit.body.currentBalance]).toEqual([200, '7.00']);
      const repeated = await signed.call('/v1/wallets/signed-player/add-funds', {
        token: null,
        body: '{"amount":"1","amount":"500"}',
      });
      expect([repeated.status, repeated.body.error.code]).toEqual([400, 'VALIDATION_ERROR']);
      expect(seen).toEqual(['{"amount":"7"}', '{"amount":"1","amount":"500"}']);
      const { balances } = await signed.service.getFunds({ accountId: 'signed-player' });
      expect(balances[credit.body.currency]).toBe('7.00');
    } finally {
      await signed.close();
    }
  });

  it('is not consulted when a configured token matched', async () => {
    let calls = 0;
    const both = await startServer({
      authorizer: () => {
        calls++;
        return null;
      },
    });
    try {
      expect((await both.call('/v1/wallets/nobody', { token: 'reader' })).status).toBe(404);
      expect(calls).toBe(0);
      expect((await both.call('/v1/wallets/nobody', { token: 'unknown-0123456789' })).status).toBe(
        401,
      );
      expect(calls).toBe(1);
    } finally {
      await both.close();
    }
  });
});
