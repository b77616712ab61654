import { createMemoryLedger, createWalletService } from '@wallet/core';
import { type ApiGatewayRequest, httpApiEvent, lambdaContext, restApiEvent } from '@wallet/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { lambdaHandler, type WalletLambdaEvent } from '../src/aws-lambda.js';
import { type ApiToken, type Authorizer, createWalletApi } from '../src/index.js';
import { API_TOKENS, CURRENCIES, memoryLogger, TOKENS } from './support.js';

const auth = { Authorization: `Bearer ${TOKENS.admin}` };
const json = { ...auth, 'Content-Type': 'application/json' };

function setup(options: { tokens?: readonly ApiToken[]; authorizer?: Authorizer } = {}) {
  const service = createWalletService({ ledger: createMemoryLedger(), currencies: CURRENCIES });
  const logger = memoryLogger();
  const api = createWalletApi({ service, tokens: API_TOKENS, logger, ...options });
  const invoke = async <Event extends WalletLambdaEvent>(event: Event) => {
    const result = await lambdaHandler(api)(event, lambdaContext());
    return { ...result, json: JSON.parse(result.body) };
  };
  return { service, logger, invoke };
}

let app: ReturnType<typeof setup>;
beforeEach(async () => {
  app = setup();
  await app.service.createWallet({ accountId: 'p1' });
  await app.service.addFunds({ accountId: 'p1', amount: '10.00', currency: 'GOLD' });
});

const v1 = (request: ApiGatewayRequest) => restApiEvent(request);
const v2 = (request: ApiGatewayRequest) => httpApiEvent(request);

describe('Lambda handler', () => {
  it.each([
    ['REST API (v1)', v1],
    ['HTTP API (v2)', v2],
  ])("%s: GET a wallet answers 200 JSON with API Gateway's request id", async (_name, build) => {
    const event = build({ method: 'GET', path: '/v1/wallets/p1', headers: auth });
    const result = await app.invoke(event);
    expect(result.statusCode).toBe(200);
    expect(result.json.balances.GOLD).toBe('10.00');
    const headers =
      'multiValueHeaders' in result && result.multiValueHeaders
        ? Object.fromEntries(Object.entries(result.multiValueHeaders).map(([k, v]) => [k, v[0]]))
        : result.headers;
    expect(headers?.['content-type']).toMatch(/^application\/json/);
    expect(headers?.['x-request-id']).toBe(event.requestContext.requestId);
  });

  it.each([
    ['REST API (v1)', v1],
    ['HTTP API (v2)', v2],
  ])('%s: add-funds with an Idempotency-Key credits once and replays', async (_name, build) => {
    const input = {
      method: 'POST',
      path: '/v1/wallets/p1/add-funds',
      headers: { ...json, 'Idempotency-Key': 'iap-receipt-77' },
      body: JSON.stringify({ amount: '2.50', currency: 'GOLD' }),
    };
    const first = await app.invoke(build(input));
    const retry = await app.invoke(build(input));
    expect(first.statusCode).toBe(200);
    expect(first.json).toMatchObject({ currentBalance: '12.50', replayed: false });
    expect(retry.json).toMatchObject({ currentBalance: '12.50', replayed: true });
    expect((await app.service.getFunds({ accountId: 'p1' })).balances.GOLD).toBe('12.50');
  });

  it.each([
    ['REST API (v1)', v1],
    [
      'REST API (v1), headers only',
      (request: ApiGatewayRequest) => {
        const { multiValueHeaders: _, ...event } = restApiEvent(request);
        return event;
      },
    ],
    ['HTTP API (v2)', v2],
  ])(
    '%s: an Idempotency-Key that is empty or not ASCII is 400, as on Node, and nothing is applied',
    async (_name, build) => {
      const withdrawal = (key: string) => ({
        method: 'POST',
        path: '/v1/wallets/p1/withdraw-funds',
        headers: { ...json, 'Idempotency-Key': key },
        body: JSON.stringify({ amount: '1.00', currency: 'GOLD' }),
      });
      for (const key of ['', 'ordér-1', 'キー']) {
        for (const attempt of [1, 2]) {
          const result = await app.invoke(build(withdrawal(key)));
          expect([key, attempt, result.statusCode, result.json.error?.code]).toEqual([
            key,
            attempt,
            400,
            'VALIDATION_ERROR',
          ]);
        }
      }
      // Sent as such, the percent-encoding Hono's adapter would have made of 'ordér-1' is a key
      // of its own, applied once.
      expect((await app.invoke(build(withdrawal('ord%C3%A9r-1')))).json.replayed).toBe(false);
      expect((await app.service.getFunds({ accountId: 'p1' })).balances.GOLD).toBe('9.00');
    },
  );

  it.each([
    ['REST API (v1)', v1],
    ['HTTP API (v2)', v2],
  ])('%s: a base64-encoded body is decoded', async (_name, build) => {
    const result = await app.invoke(
      build({
        method: 'POST',
        path: '/v1/wallets/p1/withdraw-funds',
        headers: json,
        body: JSON.stringify({ amount: '1.00', currency: 'GOLD' }),
        base64: true,
      }),
    );
    expect(result.statusCode).toBe(200);
    expect(result.json.currentBalance).toBe('9.00');
  });

  it.each([
    ['REST API (v1)', v1],
    ['HTTP API (v2)', v2],
  ])('%s: history query parameters page the journal', async (_name, build) => {
    await app.service.addFunds({ accountId: 'p1', amount: '1', currency: 'GEMS' });
    const result = await app.invoke(
      build({
        method: 'GET',
        path: '/v1/wallets/p1/transactions?limit=1&order=asc',
        headers: auth,
      }),
    );
    expect(result.statusCode).toBe(200);
    expect(result.json.items).toHaveLength(1);
    expect(result.json.items[0].sequence).toBe(1);
    expect(result.json.nextCursor).toEqual(expect.any(String));
  });

  it.each([
    ['REST API (v1)', v1],
    ['HTTP API (v2)', v2],
  ])('%s: a GET that carries a body is answered as if it had none', async (_name, build) => {
    const result = await app.invoke(
      build({ method: 'GET', path: '/v1/wallets/p1', headers: auth, body: '{"ignored":true}' }),
    );
    expect(result.statusCode).toBe(200);
    expect(result.json.accountId).toBe('p1');
  });

  it('answers a REST API event with multiValueHeaders and an HTTP API event with headers', async () => {
    const request = { method: 'GET', path: '/v1/wallets/p1', headers: auth };
    const rest = await app.invoke(restApiEvent(request));
    const http = await app.invoke(httpApiEvent(request));
    expect([rest.statusCode, http.statusCode]).toEqual([200, 200]);
    expect(rest.json).toEqual(http.json);
    expect(rest.headers).toBeUndefined();
    expect(rest.multiValueHeaders?.['content-type']).toEqual([
      expect.stringMatching(/^application\/json/),
    ]);
    expect(http).not.toHaveProperty('multiValueHeaders');
    expect(http.headers['content-type']).toMatch(/^application\/json/);
  });

  it('HTTP API on a named stage: the stage prefix of rawPath is not part of the route', async () => {
    const event = httpApiEvent(
      { method: 'GET', path: '/v1/wallets/p1', headers: auth },
      { stage: 'prod' },
    );
    expect(event.rawPath).toBe('/prod/v1/wallets/p1');
    const result = await app.invoke(event);
    expect(result.statusCode).toBe(200);
    expect(result.json.accountId).toBe('p1');
  });

  it.each([
    ['REST API (v1)', v1],
    ['HTTP API (v2)', v2],
  ])(
    '%s: errors keep the error body: 401 without a token, 404 for an unknown route, 400 for bad JSON',
    async (_name, build) => {
      const anonymous = await app.invoke(
        build({
          method: 'POST',
          path: '/v1/wallets/p1/add-funds',
          body: '{"amount":"5"}',
          headers: { 'Content-Type': 'application/json' },
        }),
      );
      expect([anonymous.statusCode, anonymous.json.error.code]).toEqual([401, 'UNAUTHORIZED']);
      const unknown = await app.invoke(
        build({ method: 'GET', path: '/v1/nothing', headers: auth }),
      );
      expect([unknown.statusCode, unknown.json.error.code]).toEqual([404, 'NOT_FOUND']);
      const malformed = await app.invoke(
        build({
          method: 'POST',
          path: '/v1/wallets/p1/add-funds',
          headers: json,
          body: '{"amount":',
        }),
      );
      expect([malformed.statusCode, malformed.json.error.code]).toEqual([400, 'VALIDATION_ERROR']);
      expect((await app.service.getFunds({ accountId: 'p1' })).balances.GOLD).toBe('10.00');
    },
  );

  it.each([
    ['REST API (v1)', v1],
    ['HTTP API (v2)', v2],
  ])(
    '%s: a 1 MiB body is 413 PAYLOAD_TOO_LARGE whatever its headers claim',
    async (_name, build) => {
      const body = JSON.stringify({
        amount: '1',
        currency: 'GOLD',
        metadata: { pad: 'x'.repeat(1 << 20) },
      });
      for (const headers of [json, { ...json, 'Content-Length': '64' }]) {
        const result = await app.invoke(
          build({ method: 'POST', path: '/v1/wallets/p1/add-funds', headers, body }),
        );
        expect([result.statusCode, result.json.error.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
      }
    },
  );
});

describe('Lambda authorizer', () => {
  it('maps an HTTP API Lambda authorizer context to scopes and an account', async () => {
    const seen: unknown[] = [];
    app = setup({
      tokens: [],
      authorizer: ({ lambda }) => {
        seen.push(lambda?.context?.functionName);
        const context = lambda?.event.requestContext as {
          authorizer?: { lambda?: { scopes?: string; playerId?: string } };
        };
        const granted = context.authorizer?.lambda;
        if (!granted?.scopes) return null;
        return {
          scopes: granted.scopes.split(' ') as ('read' | 'credit')[],
          accountId: granted.playerId ?? null,
          name: `player ${granted.playerId}`,
        };
      },
    });
    await app.service.createWallet({ accountId: 'p2' });
    const granted = { lambda: { scopes: 'read', playerId: 'p2' } };
    const own = await app.invoke(
      httpApiEvent({ method: 'GET', path: '/v1/wallets/p2' }, { authorizer: granted }),
    );
    expect(own.statusCode).toBe(200);
    const other = await app.invoke(
      httpApiEvent({ method: 'GET', path: '/v1/wallets/p3' }, { authorizer: granted }),
    );
    expect([other.statusCode, other.json.error.code]).toEqual([403, 'FORBIDDEN']);
    const credit = await app.invoke(
      httpApiEvent(
        {
          method: 'POST',
          path: '/v1/wallets/p2/add-funds',
          headers: { 'content-type': 'application/json' },
          body: '{"amount":"1"}',
        },
        { authorizer: granted },
      ),
    );
    expect([credit.statusCode, credit.json.error.code]).toEqual([403, 'FORBIDDEN']);
    const none = await app.invoke(httpApiEvent({ method: 'GET', path: '/v1/wallets/p2' }));
    expect([none.statusCode, none.json.error.code]).toEqual([401, 'UNAUTHORIZED']);
    expect(seen).toEqual(Array(4).fill('wallet-api'));
    expect(app.logger.records.some((r) => r.caller === 'player p2')).toBe(true);
  });

  it('maps a REST API IAM caller to scopes: only the backend role may credit', async () => {
    const backendRole = 'arn:aws:sts::123456789012:assumed-role/wallet-backend/game-server';
    app = setup({
      tokens: [],
      authorizer: ({ lambda }) => {
        const event = lambda?.event;
        const userArn = event && 'httpMethod' in event && event.requestContext.identity?.userArn;
        return userArn === backendRole ? { scopes: ['admin'], name: 'wallet-backend' } : null;
      },
    });
    await app.service.createWallet({ accountId: 'p4' });
    const credit = (userArn: string) =>
      restApiEvent(
        { method: 'POST', path: '/v1/wallets/p4/add-funds', json: { amount: '5' } },
        { userArn },
      );
    const allowed = await app.invoke(credit(backendRole));
    expect(allowed.statusCode).toBe(200);
    const refused = await app.invoke(
      credit('arn:aws:sts::123456789012:assumed-role/analytics/athena'),
    );
    expect([refused.statusCode, refused.json.error.code]).toEqual([401, 'UNAUTHORIZED']);
    expect((await app.service.getFunds({ accountId: 'p4' })).balances.GOLD).toBe('5.00');
  });

  it('with neither tokens nor an authorizer, Lambda refuses crediting with 401', async () => {
    app = setup({ tokens: [] });
    await app.service.createWallet({ accountId: 'p5' });
    const result = await app.invoke(
      httpApiEvent({
        method: 'POST',
        path: '/v1/wallets/p5/add-funds',
        headers: { 'content-type': 'application/json' },
        body: '{"amount":"1000"}',
      }),
    );
    expect([result.statusCode, result.json.error.code]).toEqual([401, 'UNAUTHORIZED']);
    expect((await app.service.getFunds({ accountId: 'p5' })).version).toBe(0);
  });
});
