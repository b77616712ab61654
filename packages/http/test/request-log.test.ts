import { jsonLogger } from '@wallet/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startServer, type TestServer, TOKENS } from './support.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('request ids', () => {
  it('a request without X-Request-Id gets a new UUID in the response header', async () => {
    const first = await server.call('/healthz');
    const second = await server.call('/healthz');
    expect(first.headers.get('x-request-id')).toMatch(UUID);
    expect(second.headers.get('x-request-id')).not.toBe(first.headers.get('x-request-id'));
  });

  it('a well-formed incoming X-Request-Id is kept and echoed', async () => {
    const reply = await server.call('/healthz', { headers: { 'x-request-id': 'edge-7f3a_01=' } });
    expect(reply.headers.get('x-request-id')).toBe('edge-7f3a_01=');
  });

  it.each([
    ['spaces and quotes', 'a "b" c'],
    ['a JSON fragment', '","level":"error'],
    ['129 characters', 'r'.repeat(129)],
  ])('an incoming X-Request-Id with %s is replaced by a new one', async (_name, id) => {
    const reply = await server.call('/healthz', { headers: { 'x-request-id': id } });
    expect(reply.headers.get('x-request-id')).toMatch(UUID);
  });

  it('error responses carry the request id too', async () => {
    for (const reply of [
      await server.call('/nowhere', { headers: { 'x-request-id': 'err-1' } }),
      await server.call('/v1/wallets/x', { token: null, headers: { 'x-request-id': 'err-1' } }),
      await server.call('/v1/wallets/x', {
        method: 'DELETE',
        headers: { 'x-request-id': 'err-1' },
      }),
    ]) {
      expect(reply.headers.get('x-request-id')).toBe('err-1');
    }
  });
});

describe('access log', () => {
  it('writes one record per request with id, method, path, route, status and duration', async () => {
    const accountId = await server.wallet();
    await server.call(`/v1/wallets/${accountId}`, {
      token: 'reader',
      headers: { 'x-request-id': 'log-ok' },
    });
    const records = server.logger.records.filter((r) => r.requestId === 'log-ok');
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      level: 'info',
      message: 'request',
      method: 'GET',
      path: `/v1/wallets/${accountId}`,
      route: '/v1/wallets/:accountId',
      status: 200,
      caller: 'dashboard',
    });
    expect(records[0]?.durationMs).toBeTypeOf('number');
    expect(records[0]).not.toHaveProperty('errorCode');
  });

  it('records the error code of an error response and never the token', async () => {
    await server.call('/v1/wallets/missing-wallet', { headers: { 'x-request-id': 'log-404' } });
    const record = server.logger.records.find((r) => r.requestId === 'log-404');
    expect(record).toMatchObject({ status: 404, errorCode: 'WALLET_NOT_FOUND', caller: 'backend' });
    expect(JSON.stringify(server.logger.records)).not.toContain(TOKENS.admin);
  });

  it('the default logger writes each record as one JSON line with time and level', () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      jsonLogger.info({ message: 'request', status: 200 });
      const line = String(write.mock.calls[0]?.[0]);
      expect(line.endsWith('\n')).toBe(true);
      expect(JSON.parse(line)).toMatchObject({ level: 'info', message: 'request', status: 200 });
      expect(Date.parse(JSON.parse(line).time)).not.toBeNaN();
    } finally {
      write.mockRestore();
    }
  });
});
