import type { Handler, Hono, MiddlewareHandler } from 'hono';
import type { WalletApiEnv } from './context.js';
import { jsonBody } from './json-body.js';
import type { RouteConfig } from './route-config.js';
import { validator } from './validation.js';

/** OpenAPI's `/v1/wallets/{accountId}` as Hono's `/v1/wallets/:accountId`. */
function routerPath(path: string): string {
  return path.replaceAll(/\{([^}]+)\}/g, ':$1');
}

/** The body's form, checked once a caller may call the route (see {@link jsonBody}). */
const bodyCheck = jsonBody();

/**
 * Serves a declared route: its `middleware` (authentication, the access guard) first, then the
 * body's form ({@link jsonBody}: only a caller who may call the route has its body read), then
 * the validation of what the route declares of the request, then `handler`, which reads the
 * results with `c.req.valid`.
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
  const handlers = [...middleware, bodyCheck, ...validation, handler] as [Handler<WalletApiEnv>];
  app.on(route.method.toUpperCase(), routerPath(route.path), ...handlers);
}
