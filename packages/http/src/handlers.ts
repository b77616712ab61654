import { type HoldResult, isWalletError, type WalletService } from '@wallet/core';
import type { Context, Hono } from 'hono';
import { accessGuard } from './access.js';
import type { Auth, Principal } from './auth.js';
import type { WalletApiEnv } from './context.js';
import { ApiError } from './errors.js';
import { keyOptions } from './idempotency-options.js';
import type { OpenApiDocument } from './openapi.js';
import { registerRoute } from './register-route.js';
import type { RequestTarget, RouteConfig, Validated } from './route-config.js';
import {
  accessOf,
  addFundsRoute,
  callerRoute,
  captureHoldRoute,
  createDigestRoute,
  createWalletRoute,
  exchangeRoute,
  getDigestRoute,
  getHoldRoute,
  getTransactionRoute,
  getWalletRoute,
  healthRoute,
  historyRoute,
  listDigestsRoute,
  listWalletsRoute,
  openApiRoute,
  placeHoldRoute,
  postingRoute,
  proofRoute,
  releaseHoldRoute,
  reverseRoute,
  transferRoute,
  verifyAgainstDigestRoute,
  verifyRoute,
  withdrawFundsRoute,
} from './routes.js';

/** The validated `target` of the request, typed by the route's schemas. */
function valid<R extends RouteConfig, T extends RequestTarget>(
  c: Context<WalletApiEnv>,
  _route: R,
  target: T,
): Validated<R, T> {
  return (c.req.valid as (target: T) => unknown)(target) as Validated<R, T>;
}

/** A page size given as query text, as the number core checks; absent stays absent. */
function limitOption(limit: string | undefined): { limit?: number } {
  return limit === undefined ? {} : { limit: Number(limit) };
}

/**
 * How the API reads a hold to learn its wallet: the service's `getHold`, or `undefined` for a
 * service without one (built by an older `@wallet/core`, or a hand-made wrapper that left it
 * out), whose holds a caller limited to one account then cannot capture or release (403).
 */
function holdReader(service: WalletService): ((holdId: string) => Promise<HoldResult>) | undefined {
  if (typeof service.getHold !== 'function') return undefined;
  return (holdId) => service.getHold({ holdId });
}

/** What a guarded handler may call besides the service: its route's `found` access step. */
type FoundCheck = (lookup: () => unknown) => Promise<void>;

/**
 * Wires every route to the wallet service: each handler passes the validated request to one
 * service call and answers its result. Domain errors are thrown on to the error handler.
 *
 * @example
 * registerWalletRoutes(app, { service, auth, document });
 */
export function registerWalletRoutes(
  app: Hono<WalletApiEnv>,
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
    handler: (
      c: Context<WalletApiEnv>,
      principal: Principal,
      found: FoundCheck,
    ) => Promise<Response>,
  ): void {
    const access = accessOf(route);
    if (!access) throw new Error(`route ${route.path} declares no access rule`);
    const guard = accessGuard(access);
    const checked = async (c: Context<WalletApiEnv>) => {
      const response = await handler(c, guard.after(c), (lookup) => guard.found(c, lookup));
      guard.finish(c);
      return response;
    };
    registerRoute(app, route, checked, [auth.authenticate, guard.before]);
  }

  const readHold = holdReader(service);
  /** The hold a request names, for the `found` check (undefined when it cannot be read). */
  const holdOf = (holdId: string) => () => readHold?.(holdId);

  registerRoute(app, healthRoute, (c) => c.json({ status: 'ok' as const }, 200));

  registerRoute(app, openApiRoute, (c) => c.json(document(), 200));

  guarded(callerRoute, async (c, principal) =>
    c.json(
      {
        name: principal.name ?? null,
        scopes: [...principal.scopes],
        accountId: principal.accountId ?? null,
      },
      200,
    ),
  );

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
      ...limitOption(limit),
    });
    return c.json(page, 200);
  });

  guarded(verifyRoute, async (c) => {
    const { accountId } = valid(c, verifyRoute, 'param');
    return c.json(await service.verifyWallet({ accountId }), 200);
  });

  guarded(verifyAgainstDigestRoute, async (c) => {
    const { accountId } = valid(c, verifyAgainstDigestRoute, 'param');
    const { digest } = valid(c, verifyAgainstDigestRoute, 'json');
    return c.json(await service.verifyWallet({ accountId, digest }), 200);
  });

  guarded(proofRoute, async (c) => {
    const { accountId } = valid(c, proofRoute, 'param');
    const { digestId } = valid(c, proofRoute, 'query');
    return c.json(await service.getProof({ accountId, digestId: digestId ?? null }), 200);
  });

  guarded(createDigestRoute, async (c) => {
    const digest = await service.createDigest();
    c.header('Location', `/v1/digests/${encodeURIComponent(digest.digestId)}`);
    return c.json(digest, 201);
  });

  guarded(listDigestsRoute, async (c) => {
    const { limit, ...query } = valid(c, listDigestsRoute, 'query');
    return c.json(await service.listDigests({ ...query, ...limitOption(limit) }), 200);
  });

  guarded(getDigestRoute, async (c) => {
    const { digestId } = valid(c, getDigestRoute, 'param');
    const digest = await service.getDigest({ digestId }).catch((error: unknown) => {
      // The path names no digest: the resource is not there, as for any unknown path.
      if (isWalletError(error, 'VALIDATION_ERROR') && error.details?.field === 'digestId') {
        throw new ApiError(404, 'NOT_FOUND', error.message);
      }
      throw error;
    });
    return c.json(digest, 200);
  });

  guarded(listWalletsRoute, async (c) => {
    const { limit, ...query } = valid(c, listWalletsRoute, 'query');
    return c.json(await service.listWallets({ ...query, ...limitOption(limit) }), 200);
  });

  guarded(getTransactionRoute, async (c, _principal, found) => {
    const { transactionId } = valid(c, getTransactionRoute, 'param');
    const transaction = await service.getTransaction({ transactionId });
    await found(() => transaction);
    return c.json(transaction, 200);
  });

  guarded(reverseRoute, async (c, principal) => {
    const { transactionId } = valid(c, reverseRoute, 'param');
    const body = valid(c, reverseRoute, 'json') ?? {};
    const keys = keyOptions(principal, valid(c, reverseRoute, 'header'), body);
    return c.json(await service.reverseTransaction({ ...body, transactionId, ...keys }), 200);
  });

  guarded(placeHoldRoute, async (c, principal) => {
    const { accountId } = valid(c, placeHoldRoute, 'param');
    const body = valid(c, placeHoldRoute, 'json');
    const keys = keyOptions(principal, valid(c, placeHoldRoute, 'header'), body);
    return c.json(await service.placeHold({ ...body, accountId, ...keys }), 201);
  });

  guarded(getHoldRoute, async (c, _principal, found) => {
    const { holdId } = valid(c, getHoldRoute, 'param');
    const hold = await service.getHold({ holdId });
    await found(() => hold);
    return c.json(hold, 200);
  });

  guarded(captureHoldRoute, async (c, principal, found) => {
    const { holdId } = valid(c, captureHoldRoute, 'param');
    const body = valid(c, captureHoldRoute, 'json') ?? {};
    const keys = keyOptions(principal, valid(c, captureHoldRoute, 'header'), body);
    await found(holdOf(holdId));
    return c.json(await service.captureHold({ ...body, holdId, ...keys }), 200);
  });

  guarded(releaseHoldRoute, async (c, principal, found) => {
    const { holdId } = valid(c, releaseHoldRoute, 'param');
    // Without a body (and its content type) the validated body is `{}`; `??` in case it is not.
    const body = valid(c, releaseHoldRoute, 'json') ?? {};
    const keys = keyOptions(principal, valid(c, releaseHoldRoute, 'header'), body);
    await found(holdOf(holdId));
    return c.json(await service.releaseHold({ holdId, ...keys }), 200);
  });

  guarded(postingRoute, async (c, principal) => {
    const body = valid(c, postingRoute, 'json');
    const keys = keyOptions(principal, valid(c, postingRoute, 'header'), body);
    return c.json(await service.post({ ...body, ...keys }), 200);
  });
}
