import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { API_ERROR_CODES, buildOpenApiDocument, SCOPES } from '../src/index.js';
import { ROUTES } from '../src/routes.js';
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

  it('describes each id in a path as what it is: a hold id names its wallet after a ~, a transaction id does not', () => {
    const seen: string[] = [];
    for (const [key, op] of operations()) {
      const parameters = (op.parameters ?? []) as {
        name: string;
        in: string;
        description?: string;
        schema?: { example?: string };
      }[];
      for (const parameter of parameters.filter((p) => p.in === 'path')) {
        seen.push(parameter.name);
        if (parameter.name === 'holdId') {
          expect(parameter.description, key).toMatch(/placeHold/);
          expect(parameter.schema?.example, key).toMatch(/~player-1$/);
        }
        if (parameter.name === 'transactionId') {
          expect(parameter.description, key).not.toMatch(/hold/i);
          expect(parameter.schema?.example, key).toMatch(/^[0-9a-f-]{36}$/);
        }
      }
    }
    // GET, capture and release of a hold; GET and reverse of a transaction.
    expect(seen.filter((name) => name === 'holdId')).toHaveLength(3);
    expect(seen.filter((name) => name === 'transactionId')).toHaveLength(2);
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

/** The schema a `$ref` names, or the schema itself. */
// biome-ignore lint/suspicious/noExplicitAny: the document is arbitrary JSON.
function resolve(schema: any): any {
  if (typeof schema?.$ref !== 'string') return schema;
  return resolve(doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')]);
}

/** What a member may be: itself, or each of its `anyOf` variants (a nullable member's two). */
// biome-ignore lint/suspicious/noExplicitAny: the document is arbitrary JSON.
function variants(schema: any): any[] {
  const resolved = resolve(schema);
  return resolved.anyOf ? resolved.anyOf.flatMap(variants) : [resolved];
}

const nonNull = (schema: unknown) => variants(schema).filter((variant) => variant.type !== 'null');
const allowsNull = (schema: unknown) => variants(schema).some((variant) => variant.type === 'null');

/** Every key `name` anywhere below `value`. */
function keysNamed(value: unknown, name: string, found: unknown[] = []): unknown[] {
  if (Array.isArray(value)) for (const item of value) keysNamed(item, name, found);
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === name) found.push(item);
      keysNamed(item, name, found);
    }
  }
  return found;
}

describe('the document says what the validator checks', () => {
  // Each body by its component, with the members it cannot go without.
  const BODIES: Record<string, [component: string, required: string[], bodyRequired: boolean]> = {
    'post /v1/wallets': ['CreateWalletRequest', ['accountId'], true],
    'post /v1/wallets/{accountId}/add-funds': ['FundsRequest', ['amount'], true],
    'post /v1/wallets/{accountId}/withdraw-funds': ['FundsRequest', ['amount'], true],
    'post /v1/transfers': ['TransferRequest', ['amount', 'fromAccountId', 'toAccountId'], true],
    'post /v1/wallets/{accountId}/exchange': ['ExchangeRequest', ['from', 'to'], true],
    'post /v1/wallets/{accountId}/verify': ['VerifyRequest', ['digest'], true],
    'post /v1/transactions/{transactionId}/reverse': ['ReverseRequest', [], false],
    'post /v1/wallets/{accountId}/holds': ['HoldRequest', ['amount'], true],
    'post /v1/holds/{holdId}/capture': ['CaptureRequest', [], false],
    'post /v1/holds/{holdId}/release': ['ReleaseRequest', [], false],
    'post /v1/postings': ['PostingRequest', ['legs'], true],
  };

  it('gives every body route its named body, which refuses unknown members and lists the required ones', () => {
    const withBodies = operations().filter(([, op]) => op.requestBody !== undefined);
    expect(withBodies.map(([key]) => key).sort()).toEqual(Object.keys(BODIES).sort());
    for (const [key, op] of withBodies) {
      const [component, required, bodyRequired] = BODIES[key]!;
      const body = op.requestBody as { required: boolean; content: Record<string, unknown> };
      expect([key, body.required]).toEqual([key, bodyRequired]);
      expect([key, body.content]).toEqual([
        key,
        { 'application/json': { schema: { $ref: `#/components/schemas/${component}` } } },
      ]);
      const schema = doc.components.schemas[component];
      expect([component, schema.type, schema.additionalProperties]).toEqual([
        component,
        'object',
        false,
      ]);
      expect([component, [...(schema.required ?? [])].sort()]).toEqual([component, required]);
    }
  });

  it("has, for every route, the members and parameters of the route's own schemas, required where absence is refused", () => {
    for (const route of ROUTES) {
      const op = doc.paths[route.path][route.method];
      const key = `${route.method} ${route.path}`;
      const expected: string[] = [];
      for (const [where, schema] of [
        ['path', route.request?.params],
        ['query', route.request?.query],
        ['header', route.request?.headers],
      ] as const) {
        for (const [name, member] of Object.entries(schema?.shape ?? {})) {
          expected.push(`${where}:${name}:${!z.safeParse(member, undefined).success}`);
        }
      }
      const parameters = (op.parameters ?? []) as { name: string; in: string; required: boolean }[];
      expect([key, parameters.map((p) => `${p.in}:${p.name}:${p.required}`).sort()]).toEqual([
        key,
        expected.sort(),
      ]);
      const body = route.request?.body?.content['application/json'].schema as
        | z.ZodMiniObject
        | undefined;
      if (body === undefined) continue;
      const documented = resolve(op.requestBody.content['application/json'].schema);
      expect([key, Object.keys(documented.properties).sort()]).toEqual([
        key,
        Object.keys(body.shape).sort(),
      ]);
      const required = Object.entries(body.shape)
        .filter(([, member]) => !z.safeParse(member, undefined).success)
        .map(([name]) => name);
      expect([key, [...(documented.required ?? [])].sort()]).toEqual([key, required.sort()]);
    }
  });

  it('keeps the words and rules of the request members: patterns, ranges, descriptions, examples', () => {
    const schemas = doc.components.schemas;
    const [text, number] = variants(schemas.AmountInput);
    expect(text).toMatchObject({ type: 'string', pattern: '^(0|[1-9][0-9]{0,17})(\\.[0-9]+)?$' });
    expect(number).toMatchObject({ type: 'number', exclusiveMinimum: 0 });
    expect(schemas.AmountInput.description).toMatch(/^A positive exact decimal/);
    const funds = schemas.FundsRequest.properties;
    expect(funds.amount).toEqual({ $ref: '#/components/schemas/AmountInput' });
    expect(nonNull(funds.currency)).toEqual([
      { type: 'string', pattern: '^[A-Z][A-Z0-9_]{1,15}$', example: 'GOLD' },
    ]);
    expect(nonNull(funds.idempotencyKey)[0]).toMatchObject({
      type: 'string',
      minLength: 1,
      maxLength: 255,
      pattern: '^[\\x21-\\x7E]{1,255}$',
    });
    expect(nonNull(funds.metadata)[0]).toMatchObject({
      type: 'object',
      example: { orderId: 'A-1001' },
      description: expect.stringMatching(/^Free-form JSON object/),
    });
    for (const member of ['currency', 'metadata', 'idempotencyKey']) {
      expect([member, allowsNull(funds[member])]).toEqual([member, true]);
    }
    const expires = schemas.HoldRequest.properties.expiresInSeconds;
    expect(nonNull(expires)).toEqual([
      { type: 'integer', minimum: 1, maximum: 604800, default: 900 },
    ]);
    expect(allowsNull(expires)).toBe(true);
    expect(nonNull(schemas.ReverseRequest.properties.reason)[0]).toMatchObject({
      minLength: 1,
      maxLength: 500,
      example: 'app store refund 4471',
    });
    expect(nonNull(schemas.CaptureRequest.properties.toAccountId)[0]).toMatchObject({
      pattern: '^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$',
      example: 'player-1',
    });
    expect(schemas.CaptureRequest.properties.toAccountId.description).toMatch(/may not send it/);
    expect(schemas.ExchangeTargetInput.properties.amount.description).toMatch(/needs the `admin`/);
    expect(schemas.PostingLegInput.properties.direction.enum).toEqual(['debit', 'credit']);
    expect(schemas.VerifyRequest.properties.digest.anyOf).toEqual([
      { $ref: '#/components/schemas/DigestProof' },
      { $ref: '#/components/schemas/Digest' },
    ]);
    expect(schemas.Digest.properties.root.pattern).toBe('^[0-9a-f]{64}$');
    const wallets = doc.paths['/v1/wallets'].get.parameters;
    expect(wallets.find((p: { name: string }) => p.name === 'prefix')).toMatchObject({
      description: 'Only wallets whose account id starts with this.',
      schema: { type: 'string', pattern: '^[A-Za-z0-9._:@-]{0,128}$', example: 'eu-' },
    });
    const key = doc.paths['/v1/postings'].post.parameters[0];
    expect(key).toMatchObject({ name: 'Idempotency-Key', in: 'header', required: false });
    expect(key.description).toMatch(/returns the original result with `replayed: true`/);
    expect(key.schema).toMatchObject({ pattern: '^[\\x21-\\x7E]{1,255}$', example: 'order-1001' });
  });

  it('describes results as they are sent, nullable where the service answers null, open to new members', () => {
    const schemas = doc.components.schemas;
    expect(allowsNull(schemas.CaptureResult.properties.to)).toBe(true);
    expect(nonNull(schemas.CaptureResult.properties.to)).toEqual([schemas.CaptureSide]);
    expect(schemas.CaptureResult.properties.to.description).toMatch(/^The wallet credited/);
    expect(allowsNull(schemas.Wallet.properties.metadata)).toBe(true);
    expect(schemas.Wallet.properties.held.additionalProperties).toMatchObject({
      pattern: '^-?[0-9]+(\\.[0-9]+)?$',
    });
    expect(schemas.JournalEntry.properties.hash).toMatchObject({
      pattern: '^[0-9a-f]{64}$',
      description: expect.stringMatching(/^SHA-256/),
    });
    expect(schemas.JournalEntry.properties.txTime).toMatchObject({ format: 'date-time' });
    for (const name of ['Wallet', 'FundsResult', 'JournalEntry', 'HoldResult', 'Error']) {
      expect([name, schemas[name].additionalProperties]).toEqual([name, undefined]);
    }
  });

  it('is structurally sound: unique operation ids, path templates matched by required path parameters, no JSON Schema plumbing left', () => {
    const ids = operations().map(([, op]) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const [key, op] of operations()) {
      const path = key.split(' ')[1]!;
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      const inPath = ((op.parameters ?? []) as { name: string; in: string; required: boolean }[])
        .filter((p) => p.in === 'path')
        .map((p) => [p.name, p.required]);
      expect([key, inPath]).toEqual([key, templated.map((name) => [name, true])]);
      expect(op.tags).toHaveLength(1);
      expect(typeof op.summary).toBe('string');
      for (const [status, response] of Object.entries(
        op.responses as Record<string, { description: string; content: Record<string, unknown> }>,
      )) {
        expect([key, status, /^[1-5][0-9]{2}$/.test(status)]).toEqual([key, status, true]);
        expect(typeof response.description).toBe('string');
        expect(Object.keys(response.content)).toEqual(['application/json']);
      }
    }
    for (const name of ['$schema', '$defs', '$id', 'id']) {
      expect([name, keysNamed(doc.components.schemas, name)]).toEqual([name, []]);
    }
    // Every component is used, directly or through another.
    const used = new Set(refs(doc.paths).concat(refs(doc.components.schemas)));
    for (const name of Object.keys(doc.components.schemas)) {
      expect([name, used.has(`#/components/schemas/${name}`)]).toEqual([name, true]);
    }
  });
});
