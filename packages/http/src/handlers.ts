import type { OpenAPIHono, RouteConfig, z } from '@hono/zod-openapi';
import { ValidationError, type WalletService } from '@wallet/core';
import type { Context } from 'hono';
import { accessGuard } from './access.js';
import type { Auth, Principal } from './auth.js';
import type { WalletApiEnv } from './context.js';
import type { OpenApiDocument } from './openapi.js';
import {
  accessOf,
  addFundsRoute,
  createWalletRoute,
  exchangeRoute,
  getWalletRoute,
  healthRoute,
  historyRoute,
  openApiRoute,
  transferRoute,
  verifyRoute,
  withdrawFundsRoute,
} from './routes.js';

/** What a route's schemas validated for one part of the request. */
type Validated<
  R extends RouteConfig,
  T extends 'json' | 'param' | 'query' | 'header',
> = T extends 'json'
  ? R['request'] extends {
      body: { content: { 'application/json': { schema: infer S extends z.ZodType } } };
    }
    ? z.output<S>
    : never
  : R['request'] extends {
        [K in T extends 'param'
          ? 'params'
          : T extends 'query'
            ? 'query'
            : 'headers']: infer S extends z.ZodType;
      }
    ? z.output<S>
    : never;

/** The validated `target` of the request, typed by the route's schemas. */
function valid<R extends RouteConfig, T extends 'json' | 'param' | 'query' | 'header'>(
  c: Context<WalletApiEnv>,
  _route: R,
  target: T,
): Validated<R, T> {
  return (c.req.valid as (target: T) => unknown)(target) as Validated<R, T>;
}

/**
 * The idempotency options of a mutating call: the key from the `Idempotency-Key` header or the
 * body's `idempotencyKey` (one key: sent both ways, they must be equal), in the caller's
 * namespace (an account-limited caller's own, so a player can never block, replay or detect a
 * key a server uses). Core checks the key's characters.
 *
 * @throws {ValidationError} when the header and the body name different keys
 */
function keyOptions(
  principal: Principal,
  headers: { 'Idempotency-Key'?: string | undefined },
  body: { idempotencyKey?: string | null | undefined },
): { idempotencyKey: string | null | undefined; idempotencyNamespace: string | null } {
  const header = headers['Idempotency-Key'];
  const inBody = body.idempotencyKey;
  if (header !== undefined && inBody !== undefined && inBody !== null && header !== inBody) {
    throw new ValidationError(
      "the Idempotency-Key header and the body's idempotencyKey differ; send one key",
      { field: 'idempotencyKey' },
    );
  }
  return {
    idempotencyKey: header ?? inBody,
    idempotencyNamespace: principal.idempotencyNamespace ?? null,
  };
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
  /**
   * Registers a route that needs a caller: authentication, then the route's own access rule
   * (its `x-wallet-access`), checked by the one guard before and after validation. A route
   * without a rule is refused here, when the API is built, so none can be left open.
   */
  function guarded<R extends RouteConfig>(
    route: R,
    handler: (c: Context<WalletApiEnv>, principal: Principal) => Promise<Response>,
  ): void {
    const access = accessOf(route);
    if (!access) throw new Error(`route ${route.path} declares no access rule`);
    const guard = accessGuard(access);
    const register = app.openapi as unknown as (
      route: RouteConfig,
      handler: (c: Context<WalletApiEnv>) => Promise<Response>,
    ) => void;
    register.call(app, { ...route, middleware: [auth.authenticate, guard.before] }, async (c) =>
      handler(c, guard.after(c)),
    );
  }

  app.openapi(healthRoute, (c) => c.json({ status: 'ok' as const }, 200));

  app.openapi(openApiRoute, (c) => c.json(document(), 200));

  guarded(createWalletRoute, async (c) => {
    const body = valid(c, createWalletRoute, 'json');
    const wallet = await service.createWallet(body);
    c.header('Location', `/v1/wallets/${encodeURIComponent(wallet.accountId)}`);
    return c.json(wallet, 201);
  });

  guarded(getWalletRoute, async (c) => {
    const { accountId } = valid(c, getWalletRoute, 'param');
    return c.json(await service.getFunds({ accountId }), 200);
  });

  guarded(addFundsRoute, async (c, principal) => {
    const { accountId } = valid(c, addFundsRoute, 'param');
    const body = valid(c, addFundsRoute, 'json');
    const keys = keyOptions(principal, valid(c, addFundsRoute, 'header'), body);
    return c.json(await service.addFunds({ ...body, accountId, ...keys }), 200);
  });

  guarded(withdrawFundsRoute, async (c, principal) => {
    const { accountId } = valid(c, withdrawFundsRoute, 'param');
    const body = valid(c, withdrawFundsRoute, 'json');
    const keys = keyOptions(principal, valid(c, withdrawFundsRoute, 'header'), body);
    return c.json(await service.withdrawFunds({ ...body, accountId, ...keys }), 200);
  });

  guarded(transferRoute, async (c, principal) => {
    const body = valid(c, transferRoute, 'json');
    const keys = keyOptions(principal, valid(c, transferRoute, 'header'), body);
    return c.json(await service.transfer({ ...body, ...keys }), 200);
  });

  guarded(exchangeRoute, async (c, principal) => {
    const { accountId } = valid(c, exchangeRoute, 'param');
    const body = valid(c, exchangeRoute, 'json');
    const keys = keyOptions(principal, valid(c, exchangeRoute, 'header'), body);
    return c.json(await service.exchange({ ...body, accountId, ...keys }), 200);
  });

  guarded(historyRoute, async (c) => {
    const { accountId } = valid(c, historyRoute, 'param');
    const { limit, ...query } = valid(c, historyRoute, 'query');
    const page = await service.getTransactionHistory({
      ...query,
      accountId,
      ...(limit === undefined ? {} : { limit: Number(limit) }),
    });
    return c.json(page, 200);
  });

  guarded(verifyRoute, async (c) => {
    const { accountId } = valid(c, verifyRoute, 'param');
    return c.json(await service.verifyWallet({ accountId }), 200);
  });
}
