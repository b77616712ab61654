import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createMemoryLedger, createWalletService } from '@wallet/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWalletApi, MAX_BODY_BYTES } from '../src/index.js';
import { startServer, type TestServer, TOKENS } from './support.js';

let server: TestServer;
let accountId: string;
beforeAll(async () => {
  server = await startServer();
  accountId = await server.wallet('limit');
});
afterAll(() => server.close());

/** A valid add-funds body of exactly `size` bytes, padded with JSON whitespace. */
function bodyOfSize(size: number): string {
  const json = JSON.stringify({ amount: '1', currency: 'GEMS' });
  return `${json.slice(0, -1)}${' '.repeat(size - json.length)}}`;
}

/** Posts `chunks` with chunked transfer encoding: no Content-Length to trust. */
function postChunked(path: string, chunks: string[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, server.url);
    const req = httpRequest(
      url,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${TOKENS.admin}`,
          'content-type': 'application/json',
          'transfer-encoding': 'chunked',
        },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    // The server may answer and stop reading before the upload ends.
    req.on('error', (error) => {
      if ((error as NodeJS.ErrnoException).code !== 'EPIPE') reject(error);
    });
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe('body limit', () => {
  it('is 64 KiB', () => {
    expect(MAX_BODY_BYTES).toBe(65536);
  });

  it('a 1 MiB body is 413 PAYLOAD_TOO_LARGE, credits nothing, and the server stays healthy', async () => {
    const reply = await server.call(`/v1/wallets/${accountId}/add-funds`, {
      body: bodyOfSize(1024 * 1024),
    });
    expect(reply.status).toBe(413);
    expect(reply.body.error).toEqual({
      code: 'PAYLOAD_TOO_LARGE',
      message: 'the request body exceeds 65536 bytes',
      details: { limit: 65536 },
    });
    expect(reply.headers.get('x-request-id')).toBeTruthy();
    expect(reply.headers.get('connection')).toBe('close');
    expect((await server.call('/healthz')).status).toBe(200);
    const next = await server.call(`/v1/wallets/${accountId}/add-funds`, {
      json: { amount: '2', currency: 'GEMS' },
    });
    expect(next.status).toBe(200);
    expect(next.body.previousBalance).toBe('0');
  });

  it('a body of exactly 64 KiB is read; one byte more is 413', async () => {
    const exact = await server.call(`/v1/wallets/${accountId}/add-funds`, {
      body: bodyOfSize(MAX_BODY_BYTES),
    });
    expect(exact.status).toBe(200);
    const over = await server.call(`/v1/wallets/${accountId}/add-funds`, {
      body: bodyOfSize(MAX_BODY_BYTES + 1),
    });
    expect(over.status).toBe(413);
  });

  it('a chunked 1 MiB body without Content-Length is counted while read and refused with 413', async () => {
    const before = await server.service.getFunds({ accountId });
    const body = bodyOfSize(1024 * 1024);
    const chunks = Array.from({ length: 64 }, (_, i) => body.slice(i * 16384, (i + 1) * 16384));
    const reply = await postChunked(`/v1/wallets/${accountId}/add-funds`, chunks);
    expect(reply.status).toBe(413);
    expect(JSON.parse(reply.body).error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await server.service.getFunds({ accountId })).toEqual(before);
    expect((await server.call('/healthz')).status).toBe(200);
  });

  it('a small chunked body is read in full and applied', async () => {
    const body = JSON.stringify({ amount: '3', currency: 'GEMS' });
    const reply = await postChunked(`/v1/wallets/${accountId}/add-funds`, [
      body.slice(0, 10),
      body.slice(10),
    ]);
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body).amount).toBe('3');
  });

  it('a body sent a byte a chunk is held as its bytes, not as an object per chunk, and still read', async () => {
    // The garbage collector, to measure what stays reachable (vitest runs without --expose-gc).
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const api = createWalletApi({
      service: createWalletService({
        ledger: createMemoryLedger(),
        currencies: [{ code: 'GEMS', scale: 0 }],
      }),
      tokens: [{ token: TOKENS.admin, scopes: ['admin'] }],
    });
    const text = new TextEncoder().encode(bodyOfSize(60_000));
    let sent = 0;
    let drained: () => void = () => {};
    const allRead = new Promise<void>((resolve) => {
      drained = resolve;
    });
    let finish: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      finish = resolve;
    });
    // One byte a pull: pulled again only once the reader took the last, so once every byte is
    // queued and the next pull comes, the body limit has read them all and holds what it keeps.
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          if (sent < text.length) {
            controller.enqueue(text.slice(sent, sent + 1));
            sent++;
            return;
          }
          drained();
          await held;
          controller.close();
        },
      },
      { highWaterMark: 1 },
    );
    gc();
    const before = process.memoryUsage().heapUsed;
    const reply = api.fetch(
      new Request('http://wallet.test/v1/wallets/nobody/add-funds', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        duplex: 'half',
      } as RequestInit),
    );
    await allRead;
    gc();
    const retained = process.memoryUsage().heapUsed - before;
    finish();
    // Read in full, then refused for want of a token (the body limit runs first).
    expect((await reply).status).toBe(401);
    // 60,000 chunks held as objects are several MiB; their bytes, with doubling, under 128 KiB.
    expect(retained).toBeLessThan(1024 * 1024);
  });

  it('a client that hangs up mid-body is logged as its own doing (400), never a 500 with a stack', async () => {
    const url = new URL(server.url);
    const records = server.logger.records.length;
    const socket = connect(Number(url.port), url.hostname);
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      `POST /v1/wallets/${accountId}/add-funds HTTP/1.1\r\nHost: ${url.host}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"amount"',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    await expect
      .poll(() => server.logger.records.slice(records).find((record) => record.path !== undefined))
      .toBeDefined();
    const logged = server.logger.records.slice(records);
    expect(logged.map((record) => [record.level, record.status])).toEqual([['info', 400]]);
    expect(logged.filter((record) => record.level === 'error')).toEqual([]);
  });

  it('ten 1 MiB bodies in parallel are all refused and the server keeps serving', async () => {
    const replies = await Promise.all(
      Array.from({ length: 10 }, () =>
        server.call(`/v1/wallets/${accountId}/add-funds`, { body: bodyOfSize(1024 * 1024) }),
      ),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(10).fill(413));
    expect((await server.call(`/v1/wallets/${accountId}`)).status).toBe(200);
  });
});
