import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ERROR_CODES, buildOpenApiDocument, SCOPES } from '../src/index.js';
import { startServer, type TestServer } from './support.js';

let server: TestServer;
// biome-ignore lint/suspicious/noExplicitAny: the document is arbitrary JSON.
let doc: any;
beforeAll(async () => {
  server = await startServer();
  const reply = await server.call('/openapi.json', { token: null });
  expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
  doc = JSON.parse(reply.text);
});
afterAll(() => server.close());

const OPERATIONS = {
  'get /healthz': null,
  'get /openapi.json': null,
  // Any valid token: the caller's own scopes and account limit.
  'get /v1/me': 'any',
  'post /v1/wallets': 'admin',
  'get /v1/wallets/{accountId}': 'read',
  'post /v1/wallets/{accountId}/add-funds': 'credit',
  'post /v1/wallets/{accountId}/withdraw-funds': 'debit',
  'post /v1/transfers': 'transfer',
  'post /v1/wallets/{accountId}/exchange': 'exchange',
  'get /v1/wallets/{accountId}/transactions': 'read',
  'get /v1/wallets/{accountId}/verify': 'admin',
  'get /v1/wallets': 'admin',
  'get /v1/transactions/{transactionId}': 'read',
  'post /v1/transactions/{transactionId}/reverse': 'admin',
  'post /v1/wallets/{accountId}/holds': 'debit',
  'get /v1/holds/{holdId}': 'read',
  'post /v1/holds/{holdId}/capture': 'debit',
  'post /v1/holds/{holdId}/release': 'debit',
  'post /v1/postings': 'admin',
  'post /v1/wallets/{accountId}/verify': 'admin',
  'get /v1/wallets/{accountId}/proof': 'read',
  'post /v1/digests': 'admin',
  'get /v1/digests': 'admin',
  'get /v1/digests/{digestId}': 'admin',
} as const;

function operations(): [string, Record<string, unknown>][] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item as Record<string, Record<string, unknown>>).map(
      ([method, op]) => [`${method} ${path}`, op] as [string, Record<string, unknown>],
    ),
  );
}

function refs(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) refs(item, found);
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === '$ref' && typeof item === 'string') found.push(item);
      else refs(item, found);
    }
  }
  return found;
}

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3.1 document with title and version', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info).toMatchObject({ title: 'Wallet API', version: '1.0.0' });
  });

  it('describes every route and no other', () => {
    expect(
      operations()
        .map(([key]) => key)
        .sort(),
    ).toEqual(Object.keys(OPERATIONS).sort());
  });

  it('declares bearer auth and, per /v1 operation, the one scope the server enforces', () => {
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    for (const [key, op] of operations()) {
      const scope = OPERATIONS[key as keyof typeof OPERATIONS];
      const security = scope === null ? [] : [{ bearerAuth: scope === 'any' ? [] : [scope] }];
      expect([key, op.security]).toEqual([key, security]);
      if (scope !== null && scope !== 'any') expect(SCOPES).toContain(scope);
    }
  });

  it("shows each route's access rule: its scope, the accounts a limited caller must own, and admin-only fields", () => {
    const access = Object.fromEntries(
      operations()
        .filter(([, op]) => op['x-wallet-access'] !== undefined)
        .map(([key, op]) => [key, op['x-wallet-access']]),
    );
    expect(access).toEqual({
      'get /v1/me': { scope: null, owns: [] },
      'post /v1/wallets': { scope: 'admin', owns: ['body.accountId'] },
      'get /v1/wallets/{accountId}': { scope: 'read', owns: ['path.accountId'] },
      'post /v1/wallets/{accountId}/add-funds': { scope: 'credit', owns: ['path.accountId'] },
      'post /v1/wallets/{accountId}/withdraw-funds': { scope: 'debit', owns: ['path.accountId'] },
      'post /v1/transfers': { scope: 'transfer', owns: ['body.fromAccountId'] },
      'post /v1/wallets/{accountId}/exchange': {
        scope: 'exchange',
        owns: ['path.accountId'],
        adminIf: ['body.to.amount'],
      },
      'get /v1/wallets/{accountId}/transactions': { scope: 'read', owns: ['path.accountId'] },
      'get /v1/wallets/{accountId}/verify': { scope: 'admin', owns: ['path.accountId'] },
      'get /v1/wallets': { scope: 'admin', owns: [] },
      'get /v1/transactions/{transactionId}': {
        scope: 'read',
        owns: [],
        ownsFound: ['found.entries.accountId'],
      },
      'post /v1/transactions/{transactionId}/reverse': { scope: 'admin', owns: [] },
      'post /v1/wallets/{accountId}/holds': { scope: 'debit', owns: ['path.accountId'] },
      'get /v1/holds/{holdId}': { scope: 'read', owns: [], ownsFound: ['found.accountId'] },
      'post /v1/holds/{holdId}/capture': {
        scope: 'debit',
        owns: [],
        ownsFound: ['found.accountId'],
        unlimitedIf: ['body.toAccountId'],
      },
      'post /v1/holds/{holdId}/release': {
        scope: 'debit',
        owns: [],
        ownsFound: ['found.accountId'],
      },
      'post /v1/postings': { scope: 'admin', owns: [] },
      'post /v1/wallets/{accountId}/verify': { scope: 'admin', owns: ['path.accountId'] },
      'get /v1/wallets/{accountId}/proof': { scope: 'read', owns: ['path.accountId'] },
      'post /v1/digests': { scope: 'admin', owns: [] },
      'get /v1/digests': { scope: 'admin', owns: [] },
      'get /v1/digests/{digestId}': { scope: 'admin', owns: [] },
    });
    const exchange = operations().find(([key]) => key.endsWith('/exchange'))![1];
    expect(exchange.description).toMatch(/Scope: `exchange`.*`body\.to\.amount` needs `admin`/s);
    const capture = doc.paths['/v1/holds/{holdId}/capture'].post;
    expect(capture.description).toMatch(
      /Scope: `debit`.*must find its own among `found\.accountId`.*may not send `body\.toAccountId`/s,
    );
  });

  it('documents the error responses of every /v1 operation with the Error schema', () => {
    for (const [key, op] of operations()) {
      if (!key.includes('/v1/')) continue;
      const responses = op.responses as Record<string, { content: unknown }>;
      const statuses = Object.keys(responses);
      // `GET /v1/me` takes no input and needs no scope: only a bad token or the server fails it.
      const always =
        key === 'get /v1/me' ? ['401', '500', '503'] : ['400', '401', '403', '500', '503'];
      expect(statuses).toEqual(expect.arrayContaining(always));
      if (key.startsWith('post')) expect(statuses).toEqual(expect.arrayContaining(['413', '415']));
      if (
        key.startsWith('post') &&
        ['funds', 'transfers', 'exchange', 'reverse', 'holds', 'postings'].some((part) =>
          key.includes(part),
        )
      ) {
        expect(statuses).toEqual(expect.arrayContaining(['404', '409', '422']));
      }
      for (const status of statuses.filter((s) => s >= '400')) {
        expect(responses[status]?.content).toEqual({
          'application/json': { schema: { $ref: '#/components/schemas/Error' } },
        });
      }
    }
  });

  it('names the codes of the new statuses: 404 TRANSACTION_NOT_FOUND and HOLD_NOT_FOUND, 409 HOLD_NOT_ACTIVE', () => {
    const transaction = doc.paths['/v1/transactions/{transactionId}'].get;
    expect(transaction.responses['404'].description).toContain('TRANSACTION_NOT_FOUND');
    const reverse = doc.paths['/v1/transactions/{transactionId}/reverse'].post;
    expect(reverse.responses['404'].description).toContain('TRANSACTION_NOT_FOUND');
    for (const action of ['capture', 'release']) {
      const op = doc.paths[`/v1/holds/{holdId}/${action}`].post;
      expect(op.responses['404'].description).toContain('HOLD_NOT_FOUND');
      expect(op.responses['409'].description).toContain('HOLD_NOT_ACTIVE');
    }
    for (const path of [
      '/v1/holds/{holdId}/release',
      '/v1/holds/{holdId}/capture',
      '/v1/transactions/{transactionId}/reverse',
    ]) {
      expect([path, doc.paths[path].post.requestBody.required]).toEqual([path, false]);
    }
    expect(doc.paths['/v1/postings'].post.requestBody.required).toBe(true);
    expect(Object.keys(doc.paths['/v1/wallets/{accountId}/holds'].post.responses)).toContain('201');
  });

  it('documents the new bodies and results: legs of 2 to 16, held balances, optional entry fields', () => {
    const schemas = doc.components.schemas;
    expect(schemas.PostingRequest.properties.legs).toMatchObject({ minItems: 2, maxItems: 16 });
    expect(schemas.PostingRequest.required).toEqual(['legs']);
    expect([...schemas.PostingLegInput.required].sort()).toEqual([
      'accountId',
      'amount',
      'direction',
    ]);
    expect(schemas.Wallet.required).toContain('held');
    expect(Object.keys(schemas.JournalEntry.properties)).toEqual(
      expect.arrayContaining(['reverses', 'reason', 'holdId']),
    );
    expect(schemas.JournalEntry.required).not.toContain('holdId');
    for (const name of [
      'WalletPage',
      'TransactionDetails',
      'ReversalResult',
      'HoldResult',
      'CaptureResult',
      'PostingResult',
    ]) {
      expect([name, schemas[name]?.type]).toEqual([name, 'object']);
    }
    expect(schemas.HoldResult.properties.status.enum).toEqual([
      'active',
      'captured',
      'released',
      'expired',
    ]);
    const list = doc.paths['/v1/wallets'].get;
    const names = list.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`);
    expect(names.sort()).toEqual(['query:cursor', 'query:limit', 'query:prefix']);
  });

  it('lists every error code the API can answer', () => {
    expect(doc.components.schemas.Error.properties.error.properties.code.enum).toEqual([
      ...API_ERROR_CODES,
    ]);
  });

  it('has only references that resolve', () => {
    const all = refs(doc);
    expect(all.length).toBeGreaterThan(10);
    for (const ref of all) {
      const target = ref
        .slice(2)
        .split('/')
        .reduce((node: Record<string, unknown> | undefined, key) => node?.[key] as never, doc);
      expect([ref, target !== undefined]).toEqual([ref, true]);
    }
  });

  it('documents the Idempotency-Key header on mutating calls and the history query', () => {
    const addFunds = doc.paths['/v1/wallets/{accountId}/add-funds'].post;
    expect(addFunds.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'Idempotency-Key', in: 'header' })]),
    );
    const history = doc.paths['/v1/wallets/{accountId}/transactions'].get;
    const names = history.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`);
    expect(names.sort()).toEqual(
      ['path:accountId', 'query:currency', 'query:cursor', 'query:limit', 'query:order'].sort(),
    );
    const limit = history.parameters.find((p: { name: string }) => p.name === 'limit');
    expect(limit.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 1000 });
  });

  it('documents request bodies that refuse unknown fields', () => {
    for (const name of [
      'CreateWalletRequest',
      'FundsRequest',
      'TransferRequest',
      'ExchangeRequest',
      'ReverseRequest',
      'HoldRequest',
      'CaptureRequest',
      'ReleaseRequest',
      'PostingRequest',
      'PostingLegInput',
    ]) {
      expect([name, doc.components.schemas[name].additionalProperties]).toEqual([name, false]);
    }
  });

  it('documents an accountId pattern that accepts and rejects the same ids as the service', async () => {
    const pattern = new RegExp(
      doc.paths['/v1/wallets/{accountId}'].get.parameters[0].schema.pattern,
    );
    const ids = [
      'p1',
      'a',
      'A.b_c:d@e-f',
      'a'.repeat(128),
      'a'.repeat(129),
      '-p',
      '.p',
      'p q',
      "p'",
      '',
    ];
    for (const id of ids) {
      let serviceAccepts = true;
      try {
        await server.service.getFunds({ accountId: id });
      } catch (error) {
        serviceAccepts = (error as { code?: string }).code !== 'INVALID_ACCOUNT_ID';
      }
      expect([id, pattern.test(id)]).toEqual([id, serviceAccepts]);
    }
  });

  it('is what buildOpenApiDocument() builds, which takes a title, version and servers', () => {
    expect(doc).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument())));
    const custom = buildOpenApiDocument({
      title: 'Studio wallets',
      version: '2.3.0',
      servers: [{ url: 'https://wallet.example.com' }],
    });
    expect(custom.info).toMatchObject({ title: 'Studio wallets', version: '2.3.0' });
    expect(custom.servers).toEqual([{ url: 'https://wallet.example.com' }]);
  });
});
