import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';

/**
 * Where to listen. `hostname` defaults to `127.0.0.1`, so a wallet API is not reachable from
 * the network by accident; pass `0.0.0.0` in a container.
 *
 * @example
 * const options: ListenOptions = { port: Number(process.env.PORT ?? 3000), hostname: '0.0.0.0' };
 */
export interface ListenOptions {
  /** 0 picks a free port (see {@link RunningServer.port}). */
  port: number;
  hostname?: string;
}

/**
 * A listening Node HTTP server.
 *
 * @example
 * const server = await api.listen({ port: 0 });
 * await fetch(`${server.url}/healthz`);
 * await server.close();
 */
export interface RunningServer {
  /** `http://host:port`, without a trailing slash. */
  url: string;
  port: number;
  /** Stops accepting connections, lets requests in flight finish, then resolves. */
  close(): Promise<void>;
}

/**
 * Serves a fetch handler on Node with `@hono/node-server`. Global `Request`/`Response` are left
 * alone (`overrideGlobalObjects: false`): this runs inside a studio's own process.
 *
 * @example
 * const server = await listen(app.fetch, { port: 3000 });
 */
export function listen(
  fetch: (request: Request) => Response | Promise<Response>,
  { port, hostname = '127.0.0.1' }: ListenOptions,
): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port, hostname, overrideGlobalObjects: false });
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      const bound = (server.address() as AddressInfo).port;
      const host = hostname.includes(':') ? `[${hostname}]` : hostname;
      resolve({
        url: `http://${host}:${bound}`,
        port: bound,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            // Idle keep-alive sockets would otherwise hold `close` open until they time out.
            if ('closeIdleConnections' in server) server.closeIdleConnections();
          }),
      });
    });
  });
}
