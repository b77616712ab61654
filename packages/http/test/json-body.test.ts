import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyProblem } from '../src/json-body.js';
import { startServer, type TestServer, TOKENS } from './support.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

/** A request sent two ways: over a real socket, and straight into the app's `fetch`. */
const TRANSPORTS = {
  'a real server': (path: string, init: RequestInit) => fetch(`${server.url}${path}`, init),
  'the fetch handler': (path: string, init: RequestInit) =>
    server.api.fetch(new Request(`http://wallet.test${path}`, init)),
} as const;

async function post(
  transport: keyof typeof TRANSPORTS,
  path: string,
  body: string | Uint8Array,
  contentType: string | null = 'application/json',
) {
  const headers: Record<string, string> = { authorization: `Bearer ${TOKENS.admin}` };
  if (contentType !== null) headers['content-type'] = contentType;
  const response = await TRANSPORTS[transport](path, { method: 'POST', headers, body });
  const text = await response.text();
  return {
    status: response.status,
    error: (JSON.parse(text) as { error?: { code: string } }).error,
  };
}

const gems = async (accountId: string) =>
  (await server.service.getFunds({ accountId })).balances.GEMS;

describe.each(Object.keys(TRANSPORTS) as (keyof typeof TRANSPORTS)[])(
  'a JSON body, through %s',
  (transport) => {
    it('naming a member twice is 400 VALIDATION_ERROR, never "last one wins"', async () => {
      const accountId = await server.wallet();
      const path = `/v1/wallets/${accountId}/add-funds`;
      for (const body of [
        '{"amount":"1","amount":"500","currency":"GEMS"}',
        '{"amount":"1","currency":"GEMS","\\u0061mount":"500"}',
        '{"amount":"1","currency":"GEMS","metadata":{"a":1,"b":{"x":1,"x":2}}}',
        '{"amount":"1","currency":"GEMS","currency":"GEMS"}',
      ]) {
        const reply = await post(transport, path, body);
        expect([body, reply.status, reply.error?.code]).toEqual([body, 400, 'VALIDATION_ERROR']);
      }
      expect(await gems(accountId)).toBe('0');
      // The same names in different objects, or in arrays of objects, are fine.
      const fine = await post(
        transport,
        path,
        '{"amount":"1","currency":"GEMS","metadata":{"amount":"2","list":[{"a":1},{"a":2}]}}',
      );
      expect(fine.status).toBe(200);
      expect(await gems(accountId)).toBe('1');
    });

    it('is accepted as application/json, with or without charset=utf-8, in any case', async () => {
      const accountId = await server.wallet();
      const path = `/v1/wallets/${accountId}/add-funds`;
      for (const type of [
        'application/json',
        'application/json; charset=utf-8',
        'Application/JSON;charset=UTF-8',
        'application/json;charset="utf-8"',
      ]) {
        const reply = await post(transport, path, '{"amount":"1","currency":"GEMS"}', type);
        expect([type, reply.status]).toEqual([type, 200]);
      }
      expect(await gems(accountId)).toBe('4');
    });

    it('of any other media type or charset is 415 UNSUPPORTED_MEDIA_TYPE and writes nothing', async () => {
      const accountId = await server.wallet();
      const path = `/v1/wallets/${accountId}/add-funds`;
      const utf16 = new Uint8Array(Buffer.from('{"amount":"1","currency":"GEMS"}', 'utf16le'));
      const cases: [string | null, string | Uint8Array][] = [
        ['application/json; charset=utf-16', utf16],
        ['application/json; charset=utf-16le', '{"amount":"1","currency":"GEMS"}'],
        ['application/json; charset=latin1', '{"amount":"1","currency":"GEMS"}'],
        ['application/merge-patch+json', '{"amount":"1","currency":"GEMS"}'],
        ['text/json', '{"amount":"1","currency":"GEMS"}'],
        ['text/plain', '{"amount":"1","currency":"GEMS"}'],
        ['application/x-www-form-urlencoded', 'amount=1&currency=GEMS'],
        ['application/jsonx', '{"amount":"1","currency":"GEMS"}'],
        ['application/json; charset=utf-8; profile=x', '{"amount":"1","currency":"GEMS"}'],
        [null, '{"amount":"1","currency":"GEMS"}'],
      ];
      for (const [type, body] of cases) {
        const reply = await post(transport, path, body, type);
        expect([type, reply.status, reply.error?.code]).toEqual([
          type,
          415,
          'UNSUPPORTED_MEDIA_TYPE',
        ]);
      }
      expect(await gems(accountId)).toBe('0');
    });

    it('that is not UTF-8 is 400 VALIDATION_ERROR, never read with U+FFFD in place of its bytes', async () => {
      const accountId = await server.wallet();
      const path = `/v1/wallets/${accountId}/add-funds`;
      const prefix = Buffer.from('{"amount":"1","currency":"GEMS","metadata":{"note":"');
      const suffix = Buffer.from('"}}');
      for (const bad of [[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xe9, 0x74, 0xe9]]) {
        const body = new Uint8Array(Buffer.concat([prefix, Buffer.from(bad), suffix]));
        const reply = await post(transport, path, body);
        expect([bad, reply.status, reply.error?.code]).toEqual([bad, 400, 'VALIDATION_ERROR']);
      }
      expect(await gems(accountId)).toBe('0');
    });

    it('holding a lone surrogate or U+0000 as a JSON escape is 400 VALIDATION_ERROR and writes nothing', async () => {
      const accountId = await server.wallet();
      const path = `/v1/wallets/${accountId}/add-funds`;
      for (const body of [
        '{"amount":"1","currency":"GEMS","metadata":{"note":"k-\\ud800"}}',
        '{"amount":"1","currency":"GEMS","metadata":{"\\udc00":"x"}}',
        '{"amount":"1","currency":"GEMS","metadata":{"note":"a\\u0000b"}}',
        '{"amount":"1","currency":"GEMS","idempotencyKey":"k-\\ud800"}',
      ]) {
        const reply = await post(transport, path, body);
        expect([body, reply.status, reply.error?.code]).toEqual([body, 400, 'VALIDATION_ERROR']);
      }
      const create = await post(
        transport,
        '/v1/wallets',
        '{"accountId":"lone","metadata":{"a":"\\ud800"}}',
      );
      expect([create.status, create.error?.code]).toEqual([400, 'VALIDATION_ERROR']);
      expect(await gems(accountId)).toBe('0');
    });

    it('that is empty, or not JSON at all, is 400 VALIDATION_ERROR', async () => {
      const accountId = await server.wallet();
      for (const body of ['', '{', '{"amount":1,}', '\ufeff{"amount":"1"}', 'NaN']) {
        const reply = await post(transport, `/v1/wallets/${accountId}/add-funds`, body);
        expect([body, reply.status, reply.error?.code]).toEqual([body, 400, 'VALIDATION_ERROR']);
      }
    });
  },
);

describe('bodyProblem', () => {
  it.each([
    ['{"a":1,"a":2}', { kind: 'repeated', name: 'a' }],
    ['{"a":{"b":1,"b":2}}', { kind: 'repeated', name: 'b' }],
    ['[{"a":1},{"a":2,"a":3}]', { kind: 'repeated', name: 'a' }],
    ['{"a\\"":1,"a\\u0022":2}', { kind: 'repeated', name: 'a"' }],
    ['{"x":"{\\"a\\":1,\\"a\\":2}"}', undefined],
    ['{"a":[1,{"a":2}],"b":{"a":3}}', undefined],
    ['[1,"a","a"]', undefined],
    ['"a"', undefined],
    ['{"m":{"__proto__":{"x":1}}}', { kind: 'prototype' }],
    ['{"m":{"\\u005f_proto__":1}}', { kind: 'prototype' }],
    ['{"m":"__proto__","__proto":1}', undefined],
    [
      '{"amount":10.009999999999999}',
      { kind: 'inexact', literal: '10.009999999999999', path: 'amount' },
    ],
    [
      '{"from":{"amount":9007199254740993}}',
      { kind: 'inexact', literal: '9007199254740993', path: 'from.amount' },
    ],
    [
      '{"legs":[{"amount":"1"},{"amount":0.30000000000000001}]}',
      { kind: 'inexact', literal: '0.30000000000000001', path: 'legs.1.amount' },
    ],
    ['{"metadata":{"n":[1,2,1e400]}}', { kind: 'inexact', literal: '1e400', path: 'metadata.n.2' }],
    [
      '{"a":1.50,"b":-0,"c":1E0,"d":1e21,"e":0.000001,"f":-12.5e-3,"g":9007199254740992}',
      undefined,
    ],
  ])('in %s finds %j', (text, expected) => {
    expect(bodyProblem(text)).toEqual(expected);
  });
});
