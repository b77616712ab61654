import { createMemoryLedger, createWalletService } from '@wallet/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Authorizer, createWalletApi, silentLogger } from '../src/index.js';
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
      scope: 'admin',
      path: '/v1/transfers',
      json: { fromAccountId: accountId, toAccountId: to, amount: '1', currency: 'GEMS' },
    },
    {
      name: 'exchange',
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
  const tokens = ['reader', 'creditor', 'debitor'] as const;
  const held = { reader: 'read', creditor: 'credit', debitor: 'debit' } as const;

  it.each(tokens)(
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
          expect(reply.body.error.details).toEqual({ scope: route.scope });
          expect(reply.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
        }
      }
    },
  );

  it('the admin scope implies read, credit and debit', async () => {
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
  it('may use every route on its own account', async () => {
    for (const route of everyRoute(PLAYER_ACCOUNT, other)) {
      if (route.name === 'create') continue;
      const reply = await server.call(route.path, {
        token: 'player',
        json: 'json' in route ? route.json : undefined,
      });
      expect([route.name, reply.status]).toEqual([route.name, 200]);
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

  it('may create only its own wallet', async () => {
    const limited = await startServer({
      tokens: [{ token: 'new-player', scopes: ['admin'], accountId: 'fresh-player' }],
    });
    try {
      const otherId = await limited.call('/v1/wallets', {
        token: 'new-player',
        json: { accountId: 'someone' },
      });
      expect([otherId.status, otherId.body.error.code]).toEqual([403, 'FORBIDDEN']);
      const own = await limited.call('/v1/wallets', {
        token: 'new-player',
        json: { accountId: 'fresh-player' },
      });
      expect(own.status).toBe(201);
    } finally {
      await limited.close();
    }
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
    expect(warnings[0]?.msg).toMatch(/every \/v1 route will answer 401/);
  });

  it.each([
    ['an empty token', [{ token: '', scopes: ['read'] }]],
    ['a token with a space', [{ token: 'a b', scopes: ['read'] }]],
    ['no scopes', [{ token: 'abc', scopes: [] }]],
    ['an unknown scope', [{ token: 'abc', scopes: ['write'] }]],
    [
      'a repeated token',
      [
        { token: 'abc', scopes: ['read'] },
        { token: 'abc', scopes: ['admin'] },
      ],
    ],
  ])('refuses to start with %s', (_name, tokens) => {
    const service = createWalletService({ ledger: createMemoryLedger(), currencies: CURRENCIES });
    expect(() =>
      createWalletApi({ service, tokens: tokens as never, logger: silentLogger }),
    ).toThrow(TypeError);
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
      expect((await both.call('/v1/wallets/nobody', { token: 'unknown' })).status).toBe(401);
      expect(calls).toBe(1);
    } finally {
      await both.close();
    }
  });
});
