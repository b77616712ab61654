import type { OpenAPIHono, RouteConfig } from '@hono/zod-openapi';
import type { WalletService } from '@wallet/core';
import type { Context } from 'hono';
import { type Auth, assertAccountAccess } from './auth.js';
import type { WalletApiEnv } from './context.js';
import type { OpenApiDocument } from './openapi.js';
import {
  addFundsRoute,
  createWalletRoute,
  exchangeRoute,
  getWalletRoute,
  healthRoute,
  historyRoute,
  openApiRoute,
  scopeOf,
  transferRoute,
  verifyRoute,
  withdrawFundsRoute,
} from './routes.js';

/**
 * The idempotency key of a mutating call: the `Idempotency-Key` header, else the body's
 * `idempotencyKey`. Core checks its length.
 */
function idempotencyKey(
  headers: { 'Idempotency-Key'?: string | undefined },
  body: { idempotencyKey?: string | null | undefined },
): string | null | undefined {
  return headers['Idempotency-Key'] ?? body.idempotencyKey;
}

/**
 * Wires every route to the wallet service: each handler passes the validated request to one
 * service call and answers its result. Domain errors are thrown on to the error handler.
 *
 * @example
 * registerWalletRoutes(app, { service, auth, document });
 */
export function registerWalletRoutes(
  app: OpenAPIHono<WalletApiEnv>,
  {
    service,
    auth,
    document,
  }: { service: WalletService; auth: Auth; document: () => OpenApiDocument },
): void {
  // The middleware enforces the scope the route's own `security` requirement declares.
  const guarded = <R extends RouteConfig>(route: R) => {
    const scope = scopeOf(route);
    if (!scope) throw new Error(`route ${route.path} declares no scope`);
    return { ...route, middleware: auth.require(scope) };
  };
  const principal = (c: Context<WalletApiEnv>) => c.var.principal;

  app.openapi(healthRoute, (c) => c.json({ status: 'ok' as const }, 200));

  app.openapi(openApiRoute, (c) => c.json(document(), 200));

  app.openapi(guarded(createWalletRoute), async (c) => {
    const body = c.req.valid('json');
    assertAccountAccess(principal(c), body.accountId);
    const wallet = await service.createWallet(body);
    c.header('Location', `/v1/wallets/${encodeURIComponent(wallet.accountId)}`);
    return c.json(wallet, 201);
  });

  app.openapi(guarded(getWalletRoute), async (c) => {
    const { accountId } = c.req.valid('param');
    return c.json(await service.getFunds({ accountId }), 200);
  });

  app.openapi(guarded(addFundsRoute), async (c) => {
    const { accountId } = c.req.valid('param');
    const body = c.req.valid('json');
    const key = idempotencyKey(c.req.valid('header'), body);
    return c.json(await service.addFunds({ ...body, accountId, idempotencyKey: key }), 200);
  });

  app.openapi(guarded(withdrawFundsRoute), async (c) => {
    const { accountId } = c.req.valid('param');
    const body = c.req.valid('json');
    const key = idempotencyKey(c.req.valid('header'), body);
    return c.json(await service.withdrawFunds({ ...body, accountId, idempotencyKey: key }), 200);
  });

  app.openapi(guarded(transferRoute), async (c) => {
    const body = c.req.valid('json');
    assertAccountAccess(principal(c), body.fromAccountId);
    const key = idempotencyKey(c.req.valid('header'), body);
    return c.json(await service.transfer({ ...body, idempotencyKey: key }), 200);
  });

  app.openapi(guarded(exchangeRoute), async (c) => {
    const { accountId } = c.req.valid('param');
    const body = c.req.valid('json');
    const key = idempotencyKey(c.req.valid('header'), body);
    return c.json(await service.exchange({ ...body, accountId, idempotencyKey: key }), 200);
  });

  app.openapi(guarded(historyRoute), async (c) => {
    const { accountId } = c.req.valid('param');
    const { limit, ...query } = c.req.valid('query');
    const page = await service.getTransactionHistory({
      ...query,
      accountId,
      ...(limit === undefined ? {} : { limit: Number(limit) }),
    });
    return c.json(page, 200);
  });

  app.openapi(guarded(verifyRoute), async (c) => {
    const { accountId } = c.req.valid('param');
    return c.json(await service.verifyWallet({ accountId }), 200);
  });
}
