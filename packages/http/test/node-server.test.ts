import { connect, type Socket } from 'node:net';
import {
  createMemoryLedger,
  createWalletService,
  silentLogger,
  type WalletService,
} from '@wallet/core';
import { afterEach, describe, expect, it } from 'vitest';
import { listen } from '../src/node.js';
import type { ListenOptions, RunningServer } from '../src/node-server.js';
import { createWalletApi } from '../src/wallet-api.js';

const ADMIN = 'test-admin-token-0123456789';
const servers: RunningServer[] = [];
const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** The API over a fresh in-memory ledger with one funded wallet, `w-1`, listening on a free port. */
async function serve(
  options: Omit<ListenOptions, 'port'> = {},
  wrap: (service: WalletService) => WalletService = (service) => service,
): Promise<{ server: RunningServer; service: WalletService }> {
  const service = createWalletService({
    ledger: createMemoryLedger(),
    currencies: [{ code: 'GEMS', scale: 0 }],
  });
  await service.createWallet({ accountId: 'w-1' });
  await service.addFunds({ accountId: 'w-1', amount: '10' });
  const api = createWalletApi({
    service: wrap(service),
    tokens: [{ token: ADMIN, scopes: ['admin'], name: 'test' }],
    logger: silentLogger,
  });
  const server = await listen(api, { port: 0, ...options });
  servers.push(server);
  return { server, service };
}

/** An API over an empty ledger, for tests of `listen` itself. */
function idleApi() {
  return createWalletApi({
    service: createWalletService({
      ledger: createMemoryLedger(),
      currencies: [{ code: 'GEMS', scale: 0 }],
    }),
    tokens: [{ token: ADMIN, scopes: ['admin'] }],
    logger: silentLogger,
  });
}

/** A raw TCP client: what it received, and when the server closed the socket. */
interface Client {
  socket: Socket;
  received(): string;
  /** Resolves when the socket closes, with the milliseconds since it connected. */
  closed: Promise<number>;
  /** Writes `text`, ignoring a socket the server already closed. */
  send(text: string): void;
}

async function open(port: number): Promise<Client> {
  const socket = connect({ port, host: '127.0.0.1' });
  sockets.push(socket);
  let data = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    data += chunk;
  });
  // A refused or reset connection is an outcome the tests look at, not a failure.
  socket.on('error', () => {});
  let connectedAt = performance.now();
  const closed = new Promise<number>((resolve) =>
    socket.once('close', () => resolve(performance.now() - connectedAt)),
  );
  // A connection over the cap may be closed as soon as it is accepted: that is an outcome too.
  await new Promise<void>((resolve) => {
    socket.once('connect', () => {
      connectedAt = performance.now();
      resolve();
    });
    socket.once('close', () => resolve());
  });
  return {
    socket,
    received: () => data,
    closed,
    send(text) {
      if (!socket.destroyed && socket.writable) socket.write(text);
    },
  };
}

/** Sends `text` one character every `everyMs` until the socket closes; returns the stopper. */
function drip(client: Client, text: string, everyMs: number): () => void {
  let index = 0;
  const timer = setInterval(() => {
    client.send(text[index % text.length]!);
    index += 1;
  }, everyMs);
  void client.closed.then(() => clearInterval(timer));
  return () => clearInterval(timer);
}

/** A whole GET on a kept-alive connection; resolves once the response's body has arrived. */
async function get(client: Client, path: string): Promise<string> {
  const before = client.received().length;
  client.send(`GET ${path} HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer ${ADMIN}\r\n\r\n`);
  const deadline = performance.now() + 5_000;
  for (;;) {
    const reply = client.received().slice(before);
    const head = reply.indexOf('\r\n\r\n');
    const length = /content-length: (\d+)/i.exec(reply)?.[1];
    if (head >= 0 && length !== undefined && reply.length >= head + 4 + Number(length)) {
      return reply;
    }
    if (client.socket.destroyed) throw new Error(`closed before a response: ${reply}`);
    if (performance.now() > deadline) throw new Error(`no response: ${reply}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const within = (promise: Promise<number>, ms: number) =>
  Promise.race([
    promise,
    new Promise<number>((_, reject) =>
      setTimeout(() => reject(new Error(`socket still open after ${ms} ms`)), ms),
    ),
  ]);

describe('the Node server: slow clients', () => {
  it('cuts off a client that sends its headers slowly after the headers timeout, with a 408', async () => {
    const { server } = await serve({ headersTimeoutMs: 300, requestTimeoutMs: 5_000 });
    const client = await open(server.port);
    client.send('GET /v1/wallets/w-1 HTTP/1.1\r\nHost: test\r\n');
    // One header byte every 20 ms: the socket is never idle, but the headers never end.
    drip(client, 'X-Slow: aaaaaaaaaaaaaaaa\r\n', 20);
    // Well before the request timeout: the headers timeout ended it.
    const elapsed = await within(client.closed, 2_500);
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(client.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('cuts off a connection that never sends a byte after the headers timeout', async () => {
    const { server } = await serve({ headersTimeoutMs: 300, requestTimeoutMs: 5_000 });
    const client = await open(server.port);
    const elapsed = await within(client.closed, 2_500);
    expect(elapsed).toBeGreaterThanOrEqual(250);
  });

  it('answers 408 (or closes) when a body never finishes within the request timeout, and credits nothing', async () => {
    const { server, service } = await serve({ headersTimeoutMs: 200, requestTimeoutMs: 600 });
    const client = await open(server.port);
    client.send(
      [
        'POST /v1/wallets/w-1/add-funds HTTP/1.1',
        'Host: test',
        `Authorization: Bearer ${ADMIN}`,
        'Content-Type: application/json',
        'Content-Length: 4096',
        '',
        '{"amount":"5"',
      ].join('\r\n'),
    );
    // Whitespace keeps the body valid JSON so far; 4096 bytes at 1 per 20 ms take 80 s.
    drip(client, ' ', 20);
    const elapsed = await within(client.closed, 2_000);
    // Past the headers timeout: it is the request timeout that ended this one.
    expect(elapsed).toBeGreaterThanOrEqual(550);
    expect(client.received() === '' || /^HTTP\/1\.1 408 /.test(client.received())).toBe(true);
    expect((await service.getFunds({ accountId: 'w-1' })).balances.GEMS).toBe('10');
  });

  it('closes an idle keep-alive connection after the keep-alive timeout', async () => {
    const { server } = await serve({ keepAliveTimeoutMs: 300 });
    const client = await open(server.port);
    const reply = await get(client, '/v1/wallets/w-1');
    expect(reply).toMatch(/^HTTP\/1\.1 200 /);
    const servedAt = performance.now();
    // Node keeps the socket 1 s past the advertised timeout, so clients close first.
    await within(client.closed, 3_000);
    expect(performance.now() - servedAt).toBeGreaterThanOrEqual(250);
  });

  it('destroys a socket on which nothing moves for the socket timeout', async () => {
    const { server } = await serve({ socketTimeoutMs: 300 }, (service) => ({
      ...service,
      // A handler that takes far longer than the socket timeout, writing nothing meanwhile.
      getFunds: async (request) => {
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        return service.getFunds(request);
      },
    }));
    const client = await open(server.port);
    client.send(
      `GET /v1/wallets/w-1 HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer ${ADMIN}\r\n\r\n`,
    );
    const elapsed = await within(client.closed, 1_200);
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(client.received()).toBe('');
  });

  it('serves ordinary requests under small limits', async () => {
    const { server } = await serve({
      headersTimeoutMs: 200,
      requestTimeoutMs: 400,
      keepAliveTimeoutMs: 1_000,
      socketTimeoutMs: 1_000,
      maxConnections: 2,
    });
    const client = await open(server.port);
    for (let i = 0; i < 3; i += 1) {
      const reply = await get(client, '/v1/wallets/w-1');
      expect(reply).toMatch(/^HTTP\/1\.1 200 /);
      expect(reply).toContain('"GEMS":"10"');
      // Longer than the headers and request timeouts between requests: idle is not slow.
      await new Promise((resolve) => setTimeout(resolve, 450));
    }
  });
});

describe('the Node server: connection cap', () => {
  it('with maxConnections 2, closes a third connection while two are open, and serves again once one closes', async () => {
    const { server } = await serve({ maxConnections: 2, keepAliveTimeoutMs: 10_000 });
    const first = await open(server.port);
    const second = await open(server.port);
    expect(await get(first, '/healthz')).toMatch(/^HTTP\/1\.1 200 /);
    expect(await get(second, '/healthz')).toMatch(/^HTTP\/1\.1 200 /);

    const third = await open(server.port);
    third.send('GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n');
    await within(third.closed, 1_000);
    expect(third.received()).toBe('');
    // The two open connections are still served.
    expect(await get(first, '/healthz')).toMatch(/^HTTP\/1\.1 200 /);

    first.socket.end();
    await first.closed;
    // The server counts the close once it has seen it; retry briefly until it has.
    const deadline = performance.now() + 2_000;
    let served: string | undefined;
    while (served === undefined) {
      const next = await open(server.port);
      try {
        served = await get(next, '/healthz');
      } catch (error) {
        if (performance.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    expect(served).toMatch(/^HTTP\/1\.1 200 /);
    expect(await get(second, '/healthz')).toMatch(/^HTTP\/1\.1 200 /);
  });
});

describe('the Node server: options', () => {
  it('applies the documented defaults when no limit is given', async () => {
    const { server } = await serve();
    expect(server.limits).toEqual({
      requestTimeoutMs: 30_000,
      headersTimeoutMs: 10_000,
      keepAliveTimeoutMs: 5_000,
      socketTimeoutMs: 120_000,
      maxConnections: 1024,
    });
  });

  it('applies the limits given, and caps the default headers timeout at a shorter request timeout', async () => {
    const given = {
      requestTimeoutMs: 20_000,
      headersTimeoutMs: 4_000,
      keepAliveTimeoutMs: 65_000,
      socketTimeoutMs: 300_000,
      maxConnections: 64,
    };
    expect((await serve(given)).server.limits).toEqual(given);
    expect((await serve({ requestTimeoutMs: 5_000 })).server.limits).toMatchObject({
      requestTimeoutMs: 5_000,
      headersTimeoutMs: 5_000,
    });
  });

  it.each([
    'requestTimeoutMs',
    'headersTimeoutMs',
    'keepAliveTimeoutMs',
    'socketTimeoutMs',
    'maxConnections',
  ] as const)(
    'rejects a %s that is not a positive integer with a TypeError naming it',
    async (name) => {
      const api = idleApi();
      for (const value of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '100', null]) {
        const options = { port: 0, [name]: value } as unknown as ListenOptions;
        await expect(listen(api, options), `${name}: ${String(value)}`).rejects.toThrow(TypeError);
        await expect(listen(api, options)).rejects.toThrow(name);
      }
      const tooLarge = name === 'maxConnections' ? 2 ** 53 : 2 ** 31;
      await expect(listen(api, { port: 0, [name]: tooLarge })).rejects.toThrow(TypeError);
    },
  );

  it('rejects a headers timeout longer than the request timeout', async () => {
    const api = idleApi();
    await expect(
      listen(api, { port: 0, headersTimeoutMs: 2_000, requestTimeoutMs: 1_000 }),
    ).rejects.toThrow(/headersTimeoutMs \(2000\) must not exceed requestTimeoutMs \(1000\)/);
    await expect(
      listen(api, { port: 0, headersTimeoutMs: 2_000, requestTimeoutMs: 1_000 }),
    ).rejects.toThrow(TypeError);
  });
});
