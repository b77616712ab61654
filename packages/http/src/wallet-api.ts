import { jsonLogger, type Logger, type WalletService } from '@wallet/core';
import { type Context, Hono } from 'hono';
import { methodNotAllowed } from 'hono/method-not-allowed';
import { type ApiToken, type Authorizer, createAuth } from './auth.js';
import { bodyLimit } from './body-limit.js';
import {
  compatCurrency,
  registerServerlessWalletRoutes,
  SERVERLESS_WALLET_PREFIX,
  serverlessWalletErrors,
  type WalletApiCompat,
} from './compat-serverless-wallet.js';
import { type ConsoleAssets, registerConsoleRoutes } from './console-page.js';
import type { WalletApiEnv } from './context.js';
import { type DocsPageOptions, registerDocsRoutes } from './docs-page.js';
import { ApiError, errorReply } from './errors.js';
import { registerWalletRoutes } from './handlers.js';
import {
  buildOpenApiDocument,
  type OpenApiDocument,
  type OpenApiDocumentOptions,
} from './openapi.js';
import { accessLog, requestIds } from './request-log.js';

/**
 * How to build the wallet HTTP API.
 *
 * @example
 * const options: WalletApiOptions = {
 *   service,
 *   tokens: [{ token: process.env.WALLET_API_TOKEN!, scopes: ['admin'], name: 'backend' }],
 * };
 */
export interface WalletApiOptions {
  /** The wallet service every route calls. */
  service: WalletService;
  /** Accepted bearer tokens. */
  tokens?: readonly ApiToken[];
  /**
   * Decides the caller when no token matched, e.g. from an API Gateway authorizer's context.
   * With neither `tokens` nor `authorizer`, every `/v1` route answers 401.
   */
  authorizer?: Authorizer;
  /** Default {@link jsonLogger}: JSON lines on stdout and stderr. */
  logger?: Logger;
  /** Title, version and servers of the document served at `/openapi.json`. */
  openApi?: OpenApiDocumentOptions;
  /**
   * `GET /docs`, an interactive reference of `/openapi.json` (Swagger UI, served from the
   * installed `swagger-ui-dist`, nothing from another origin). Default `true`; `false` turns it
   * off (404 like any unknown path). Public exactly as `/openapi.json` is.
   */
  docs?: boolean | DocsPageOptions;
  /**
   * The operators' console at `/console/`: pass `consoleAssets()` from `@wallet/console`. Off
   * when absent. The page is public; what it shows comes from `/v1` calls with the token the
   * operator signs in with, so the token's scopes decide what it can do.
   */
  console?: ConsoleAssets;
  /**
   * `'serverless-wallet'`: also serve the five routes of the original AWS sample
   * (`aws-samples/serverless-wallet`) under `/compat/serverless-wallet/`, with its bodies and
   * error shape, the same tokens and scopes as `/v1`, over one currency (see
   * {@link WalletApiCompat}), so old game clients keep working while they move to `/v1`. Not in
   * `/openapi.json`. Off when absent (those paths are 404).
   */
  compat?: WalletApiCompat;
}

/**
 * The wallet HTTP API (DESIGN section 5): one app as a `fetch`, served on Node by
 * `@wallet/http/node`, run on Lambda by `@wallet/http/aws-lambda`, or mounted in any fetch-style
 * host.
 *
 * @example
 * const api = createWalletApi({ service, tokens });
 * const response = await api.fetch(new Request('http://wallet/healthz'));
 */
export interface WalletApi {
  /**
   * Answers one request; mount it in any fetch-style server or call it in tests. `env` is what
   * the runtime passes beside the request (on Lambda, the event and context an authorizer reads).
   */
  fetch(request: Request, env?: unknown): Promise<Response>;
}

/**
 * Builds the wallet HTTP API over a {@link WalletService}.
 *
 * @throws {TypeError} when a token is shorter than 16 characters, repeated, names an unknown
 *   scope, or is limited to one account and holds `credit` or `admin`; when `compat` names
 *   a currency the service does not have
 * @example
 * import { createMemoryLedger, createWalletService } from '@wallet/core';
 * import { createWalletApi } from '@wallet/http';
 *
 * const service = createWalletService({ ledger: createMemoryLedger(), currencies: [{ code: 'GOLD', scale: 2 }] });
 * const api = createWalletApi({ service, tokens: [{ token: 'dev-admin-token-0123', scopes: ['admin'] }] });
 * const server = await listen(api, { port: 3000 }); // import { listen } from '@wallet/http/node'
 * console.log(`wallet API on ${server.url}`);
 */
export function createWalletApi(options: WalletApiOptions): WalletApi {
  const logger = options.logger ?? jsonLogger;
  const auth = createAuth(options);
  const compatCode = compatCurrency(options.compat, options.service);
  if (auth.closed) {
    logger.warn({
      message: 'no tokens or authorizer configured: every /v1 route will answer 401',
    });
  }
  let document: OpenApiDocument | undefined;
  const openApiDocument = () => {
    document ??= buildOpenApiDocument(options.openApi);
    return document;
  };

  const app = new Hono<WalletApiEnv>();
  const reply = (c: Context<WalletApiEnv>, error: unknown) => {
    const { status, body, headers } = errorReply(error);
    c.set('errorCode', body.error.code);
    return c.json(body, status, headers);
  };

  // Order matters: the id exists before anything can log; the access log sees the final
  // response, including ones the catch-all and the 405 check replace; the body limit runs before
  // auth so no route ever buffers more than 64 KiB, and the JSON check runs on what it read.
  app.use(requestIds());
  app.use(accessLog(logger));
  app.use(async (c, next) => {
    try {
      await next();
    } catch (thrown) {
      // Hono hands only Error instances to onError; anything else thrown ends up here.
      c.error = new Error('a non-Error value was thrown', { cause: thrown });
      c.res = reply(c, c.error);
    }
  });
  // Before every middleware that can refuse a request, so all its errors take the old shape.
  if (compatCode !== undefined) {
    app.use(`${SERVERLESS_WALLET_PREFIX}/*`, serverlessWalletErrors());
  }
  app.use(
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, methods) =>
        reply(
          c,
          new ApiError(
            405,
            'METHOD_NOT_ALLOWED',
            `${c.req.method} is not allowed here`,
            undefined,
            {
              Allow: methods.join(', '),
            },
          ),
        ),
    }),
  );
  app.use(bodyLimit());
  registerWalletRoutes(app, { service: options.service, auth, document: openApiDocument });
  if (compatCode !== undefined) {
    registerServerlessWalletRoutes(app, { service: options.service, auth, currency: compatCode });
  }
  if (options.console) registerConsoleRoutes(app, options.console);
  if (options.docs !== false) {
    registerDocsRoutes(app, {
      ...(typeof options.docs === 'object' ? options.docs : {}),
      title: () => openApiDocument().info.title,
      logger,
    });
  }
  app.notFound((c) =>
    reply(
      c,
      new ApiError(
        404,
        'NOT_FOUND',
        `no route matches ${c.req.method} ${c.req.path.slice(0, 128)}`,
      ),
    ),
  );
  app.onError((error, c) => reply(c, error));

  return { fetch: async (request, env) => app.fetch(request, env as WalletApiEnv['Bindings']) };
}
