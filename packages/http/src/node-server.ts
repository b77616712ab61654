import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';

/**
 * Where to listen, and how long a client may take. `hostname` defaults to `127.0.0.1`, so a
 * wallet API is not reachable from the network by accident; pass `0.0.0.0` in a container.
 *
 * The limits bound what one client can hold: a client that sends its headers or body slowly
 * (slow loris), opens connections and sends nothing, or stops reading its response loses its
 * socket after a bounded time, and at most `maxConnections` sockets are open at once. Every
 * limit is a positive integer; anything else rejects `listen` with a `TypeError`.
 *
 * @example
 * const options: ListenOptions = {
 *   port: Number(process.env.PORT ?? 3000),
 *   hostname: '0.0.0.0',
 *   // Behind an AWS ALB (idle timeout 60 s), keep idle connections open longer than the ALB.
 *   keepAliveTimeoutMs: 65_000,
 * };
 */
export interface ListenOptions {
  /** 0 picks a free port (see {@link RunningServer.port}). */
  port: number;
  /** The address to listen on; default `127.0.0.1`, reachable from this machine only. */
  hostname?: string;
  /**
   * Milliseconds from a request's first byte until all of it (headers and body) has arrived;
   * later, the client gets `408 Request Timeout` (or, once anything was written, a closed
   * socket). Default **30 s**. It bounds receiving the request only: a handler may take longer
   * to answer (see `socketTimeoutMs`).
   *
   * @example
   * await listen(api, { port: 3000, requestTimeoutMs: 10_000 });
   */
  requestTimeoutMs?: number;
  /**
   * Milliseconds from a request's first byte (or from the connection, before any byte) until
   * its headers are complete; later, `408` and the socket is closed. At most
   * `requestTimeoutMs`. Default **10 s** (or `requestTimeoutMs` when that is shorter).
   *
   * @example
   * await listen(api, { port: 3000, headersTimeoutMs: 5_000 });
   */
  headersTimeoutMs?: number;
  /**
   * Milliseconds an idle keep-alive connection stays open after a response. Default **5 s**.
   * Behind a load balancer that reuses connections, set it above the balancer's idle timeout,
   * or the balancer may send a request on a socket the server is closing (a 502).
   *
   * @example
   * await listen(api, { port: 3000, keepAliveTimeoutMs: 65_000 }); // AWS ALB: 60 s idle
   */
  keepAliveTimeoutMs?: number;
  /**
   * Milliseconds a socket may stay open with no byte moving either way, whatever it is doing;
   * then it is destroyed. This bounds a client that stops reading its response (slow read);
   * it also ends a handler that runs this long without writing. Default **120 s**.
   *
   * @example
   * await listen(api, { port: 3000, socketTimeoutMs: 300_000 }); // long verifications
   */
  socketTimeoutMs?: number;
  /**
   * The most connections open at once; the server accepts and immediately closes any more
   * until one of them closes. Default **1024**. Keep it below the process's file descriptor
   * limit (`ulimit -n`).
   *
   * @example
   * await listen(api, { port: 3000, maxConnections: 256 });
   */
  maxConnections?: number;
}

/** The defaults of {@link ListenOptions}' limits. */
const DEFAULTS = {
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  socketTimeoutMs: 120_000,
  maxConnections: 1024,
} as const;

/**
 * A listening Node HTTP server.
 *
 * @example
 * const server = await listen(api, { port: 0 });
 * await fetch(`${server.url}/healthz`);
 * await server.close();
 */
export interface RunningServer {
  /** `http://host:port`, without a trailing slash. */
  url: string;
  /** The port the server listens on: the one asked for, or the one picked for port 0. */
  port: number;
  /** The limits in force, defaults included, read back from the Node server. */
  limits: ServerLimits;
  /** Stops accepting connections, lets requests in flight finish, then resolves. */
  close(): Promise<void>;
}

/**
 * The limits a {@link RunningServer} enforces: {@link ListenOptions}' with the defaults applied.
 *
 * @example
 * const { limits } = await listen(api, { port: 0 });
 * console.log(`requests must arrive within ${limits.requestTimeoutMs} ms`);
 */
export interface ServerLimits {
  /** Milliseconds to receive a whole request: {@link ListenOptions.requestTimeoutMs}. */
  readonly requestTimeoutMs: number;
  /** Milliseconds to receive a request's headers: {@link ListenOptions.headersTimeoutMs}. */
  readonly headersTimeoutMs: number;
  /** Milliseconds an idle connection stays open: {@link ListenOptions.keepAliveTimeoutMs}. */
  readonly keepAliveTimeoutMs: number;
  /** Milliseconds a socket may sit with nothing moving: {@link ListenOptions.socketTimeoutMs}. */
  readonly socketTimeoutMs: number;
  /** The most connections open at once: {@link ListenOptions.maxConnections}. */
  readonly maxConnections: number;
}

/** Larger values than this are not timers Node can run (they would fire at once). */
const MAX_TIMER_MS = 2 ** 31 - 1;

function positiveInteger(name: keyof ServerLimits, value: unknown, fallback: number, max: number) {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new TypeError(
      `listen: ${name} must be an integer from 1 to ${max}, got ${typeof value === 'number' ? value : typeof value}`,
    );
  }
  return value;
}

/**
 * Applies the defaults and checks every limit.
 *
 * @throws {TypeError} when a limit is not a positive integer, or `headersTimeoutMs` exceeds
 *   `requestTimeoutMs`
 */
function limits(options: ListenOptions): ServerLimits {
  const requestTimeoutMs = positiveInteger(
    'requestTimeoutMs',
    options.requestTimeoutMs,
    DEFAULTS.requestTimeoutMs,
    MAX_TIMER_MS,
  );
  const headersTimeoutMs = positiveInteger(
    'headersTimeoutMs',
    options.headersTimeoutMs,
    // A request timeout below the default headers timeout caps it, as Node does.
    Math.min(DEFAULTS.headersTimeoutMs, requestTimeoutMs),
    MAX_TIMER_MS,
  );
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new TypeError(
      `listen: headersTimeoutMs (${headersTimeoutMs}) must not exceed requestTimeoutMs (${requestTimeoutMs})`,
    );
  }
  return {
    requestTimeoutMs,
    headersTimeoutMs,
    keepAliveTimeoutMs: positiveInteger(
      'keepAliveTimeoutMs',
      options.keepAliveTimeoutMs,
      DEFAULTS.keepAliveTimeoutMs,
      MAX_TIMER_MS,
    ),
    socketTimeoutMs: positiveInteger(
      'socketTimeoutMs',
      options.socketTimeoutMs,
      DEFAULTS.socketTimeoutMs,
      MAX_TIMER_MS,
    ),
    maxConnections: positiveInteger(
      'maxConnections',
      options.maxConnections,
      DEFAULTS.maxConnections,
      Number.MAX_SAFE_INTEGER,
    ),
  };
}

/**
 * Serves a fetch handler on Node with `@hono/node-server`. Global `Request`/`Response` are left
 * alone (`overrideGlobalObjects: false`): this runs inside a studio's own process.
 *
 * @throws {TypeError} (as a rejection) when a limit of {@link ListenOptions} is invalid
 * @example
 * const server = await listen(app.fetch, { port: 3000, requestTimeoutMs: 10_000 });
 */
export function listen(
  fetch: (request: Request) => Response | Promise<Response>,
  options: ListenOptions,
): Promise<RunningServer> {
  const { port, hostname = '127.0.0.1' } = options;
  return new Promise((resolve, reject) => {
    // Thrown inside the executor, so a bad limit rejects the promise like any other failure.
    const limit = limits(options);
    const server = serve({
      fetch,
      port,
      hostname,
      overrideGlobalObjects: false,
      serverOptions: {
        requestTimeout: limit.requestTimeoutMs,
        headersTimeout: limit.headersTimeoutMs,
        keepAliveTimeout: limit.keepAliveTimeoutMs,
        // Node enforces the two timeouts above only when it sweeps its connections, every 30 s
        // by default: a 10 s headers timeout could then hold a socket for 40 s. Sweep at a
        // quarter of the headers timeout (at most once a second, at least every 10 ms).
        connectionsCheckingInterval: Math.min(
          1_000,
          Math.max(10, Math.floor(limit.headersTimeoutMs / 4)),
        ),
      },
    }) as Server;
    server.maxConnections = limit.maxConnections;
    // With no 'timeout' listener, Node destroys a socket idle this long.
    server.setTimeout(limit.socketTimeoutMs);
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      const bound = (server.address() as AddressInfo).port;
      const host = hostname.includes(':') ? `[${hostname}]` : hostname;
      resolve({
        url: `http://${host}:${bound}`,
        port: bound,
        limits: {
          requestTimeoutMs: server.requestTimeout,
          headersTimeoutMs: server.headersTimeout,
          keepAliveTimeoutMs: server.keepAliveTimeout,
          socketTimeoutMs: server.timeout,
          maxConnections: server.maxConnections,
        },
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            // Idle keep-alive sockets would otherwise hold `close` open until they time out.
            server.closeIdleConnections();
          }),
      });
    });
  });
}
