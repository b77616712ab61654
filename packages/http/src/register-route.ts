import type { Handler, Hono, MiddlewareHandler } from 'hono';
import type { WalletApiEnv } from './context.js';
import type { RouteConfig } from './route-config.js';
import { validator } from './validation.js';

/** OpenAPI's `/v1/wallets/{accountId}` as Hono's `/v1/wallets/:accountId`. */
function routerPath(path: string): string {
  return path.replaceAll(/\{([^}]+)\}/g, ':$1');
}

/**
 * Serves a declared route: its `middleware` (authentication, the access guard) first, then the
 * validation of what the route declares of the request, then `handler`, which reads the results
 * with `c.req.valid`.
 *
 * @example
 * registerRoute(app, healthRoute, (c) => c.json({ status: 'ok' as const }, 200));
 */
export function registerRoute(
  app: Hono<WalletApiEnv>,
  route: RouteConfig,
  handler: Handler<WalletApiEnv>,
  middleware: readonly MiddlewareHandler<WalletApiEnv>[] = [],
): void {
  const validation = route.request ? [validator(route.request)] : [];
  // One list, for Hono's overloads of `on`, which name each handler's position.
  const handlers = [...middleware, ...validation, handler] as [Handler<WalletApiEnv>];
  app.on(route.method.toUpperCase(), routerPath(route.path), ...handlers);
}
