import { randomUUID } from 'node:crypto';
import type { Logger } from '@wallet/core';
import type { MiddlewareHandler } from 'hono';
import { requestId } from 'hono/request-id';
import type { WalletApiEnv } from './context.js';

/**
 * Middleware that gives every request an id: the caller's `X-Request-Id` when it is 1 to 128
 * characters of `A-Z a-z 0-9 _ - =` (anything else could forge log lines), else API Gateway's
 * request id on Lambda, else a new UUID. The id is echoed in the `X-Request-Id` response header.
 *
 * @example
 * app.use(requestIds());
 */
export function requestIds(): MiddlewareHandler<WalletApiEnv> {
  return requestId({
    limitLength: 128,
    generator: (c) => {
      const context = c.env?.event?.requestContext as { requestId?: unknown } | undefined;
      return typeof context?.requestId === 'string' ? context.requestId : randomUUID();
    },
  });
}

/**
 * Middleware that writes one structured record per request once it is answered: request id,
 * method, path, matched route, status, duration in ms, the error code of an error response and
 * the caller's name. A 5xx also carries the error's name, message, stack and cause, which never
 * reach the client.
 *
 * @example
 * app.use(accessLog(jsonLogger));
 */
export function accessLog(logger: Logger): MiddlewareHandler<WalletApiEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const status = c.res.status;
    const record = {
      message: 'request',
      requestId: c.var.requestId,
      method: c.req.method,
      path: c.req.path,
      route: c.req.routePath,
      status,
      durationMs: Math.round((performance.now() - started) * 1000) / 1000,
      ...(c.var.errorCode ? { errorCode: c.var.errorCode } : {}),
      ...(c.var.principal?.name ? { caller: c.var.principal.name } : {}),
    };
    if (status >= 500) logger.error({ ...record, error: describe(c.error) });
    else logger.info(record);
  };
}

function describe(error: unknown): unknown {
  if (!(error instanceof Error)) return error === undefined ? undefined : String(error);
  return {
    name: error.name,
    message: error.message,
    stack: error.stack,
    ...(error.cause === undefined ? {} : { cause: describe(error.cause) }),
  };
}
