import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import type { WalletApiEnv } from './context.js';
import { ApiError } from './errors.js';
import type { WalletLambdaContext, WalletLambdaEvent } from './lambda.js';

/**
 * What a caller may do. `read`: get a wallet and its transactions; `credit`: add funds;
 * `debit`: withdraw funds; `admin`: create wallets, transfer, exchange, verify, and everything
 * the other scopes allow.
 *
 * @example
 * const scopes: Scope[] = ['read', 'debit'];
 */
export type Scope = 'read' | 'credit' | 'debit' | 'admin';

/**
 * Every {@link Scope}, in the order the docs list them.
 *
 * @example
 * SCOPES.includes(value as Scope);
 */
export const SCOPES: readonly Scope[] = ['read', 'credit', 'debit', 'admin'];

/**
 * A bearer token the API accepts.
 *
 * @example
 * const token: ApiToken = { token: process.env.GAME_SERVER_TOKEN!, scopes: ['read', 'credit', 'debit'], name: 'game-server' };
 */
export interface ApiToken {
  /** The secret the caller sends as `Authorization: Bearer <token>`. */
  token: string;
  scopes: readonly Scope[];
  /** When set, the token may only touch this account (for a transfer: only send from it). */
  accountId?: string;
  /** A label for the access log; the token itself is never logged. */
  name?: string;
}

/**
 * An authenticated caller: the scopes it holds and the one account it may be limited to.
 *
 * @example
 * const principal: Principal = { scopes: ['read'], accountId: 'player-1', name: 'player-1 session' };
 */
export interface Principal {
  scopes: readonly Scope[];
  accountId?: string | null;
  /** Shown in the access log. */
  name?: string;
}

/**
 * What an {@link Authorizer} sees: the request and, on Lambda, the API Gateway event whose
 * `requestContext.authorizer` (or `requestContext.identity` for IAM) says who the caller is.
 *
 * @example
 * const claims = input.lambda?.event.requestContext;
 */
export interface AuthorizerInput {
  request: Request;
  lambda?: { event: WalletLambdaEvent; context?: WalletLambdaContext };
}

/**
 * Decides who a caller is when no bearer token of `tokens` matched; `null` means anonymous
 * (401). Typically maps an API Gateway authorizer's context or IAM caller to scopes.
 *
 * @example
 * const authorizer: Authorizer = ({ lambda }) => {
 *   const context = lambda?.event.requestContext as { authorizer?: { lambda?: { scopes?: string; accountId?: string } } };
 *   const granted = context.authorizer?.lambda;
 *   return granted?.scopes ? { scopes: granted.scopes.split(' ') as Scope[], accountId: granted.accountId ?? null } : null;
 * };
 */
export type Authorizer = (
  input: AuthorizerInput,
) => Principal | null | undefined | Promise<Principal | null | undefined>;

interface StoredToken {
  digest: Buffer;
  principal: Principal;
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * Checks the configured tokens once, at start-up, so a typo fails loudly instead of locking
 * callers out (or in) later.
 *
 * @throws {TypeError} on an empty or duplicate token or an unknown scope
 * @example
 * const stored = prepareTokens([{ token: 's3cret', scopes: ['admin'] }]);
 */
function prepareTokens(tokens: readonly ApiToken[]): StoredToken[] {
  const seen = new Set<string>();
  return tokens.map(({ token, scopes, accountId, name }, index) => {
    if (typeof token !== 'string' || token.length === 0 || /\s/.test(token)) {
      throw new TypeError(`tokens[${index}].token must be a non-empty string without spaces`);
    }
    const unknown = scopes.filter((scope) => !SCOPES.includes(scope));
    if (scopes.length === 0 || unknown.length > 0) {
      throw new TypeError(`tokens[${index}].scopes must list some of ${SCOPES.join(', ')}`);
    }
    const stored = { digest: digest(token), principal: { scopes, accountId, name } };
    const key = stored.digest.toString('hex');
    if (seen.has(key)) throw new TypeError(`tokens[${index}] repeats an earlier token`);
    seen.add(key);
    return stored;
  });
}

/**
 * Finds the token a caller presented. Both sides are SHA-256 digests of equal length, compared
 * with `timingSafeEqual` against every configured token, so timing reveals neither the token
 * nor how much of it matched.
 */
function matchToken(stored: readonly StoredToken[], presented: string): Principal | undefined {
  const candidate = digest(presented);
  let match: Principal | undefined;
  for (const entry of stored) {
    if (timingSafeEqual(entry.digest, candidate)) match = entry.principal;
  }
  return match;
}

function bearerToken(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Bearer[ ]+(\S+)[ ]*$/i.exec(header);
  return match?.[1];
}

/**
 * Who the callers of one API are: its tokens, then its authorizer.
 *
 * @example
 * const auth = createAuth({ tokens: [{ token: 's3cret', scopes: ['admin'] }] });
 * app.openapi({ ...route, middleware: auth.require('read') }, handler);
 */
export interface Auth {
  /**
   * Middleware: 401 without a known caller, 403 without `scope` or for another account named
   * in the path; else the principal is set for the handler.
   */
  require(scope: Scope): MiddlewareHandler<WalletApiEnv>;
  /** True when neither tokens nor an authorizer are configured: every `/v1` call is refused. */
  readonly closed: boolean;
}

/**
 * Builds the authentication of one API from its tokens and optional authorizer.
 *
 * @example
 * const auth = createAuth({ tokens: [{ token: 's3cret', scopes: ['admin'] }] });
 */
export function createAuth(options: {
  tokens?: readonly ApiToken[];
  authorizer?: Authorizer;
}): Auth {
  const stored = prepareTokens(options.tokens ?? []);
  const { authorizer } = options;

  async function identify(c: Context<WalletApiEnv>): Promise<Principal | undefined> {
    const presented = bearerToken(c.req.header('authorization'));
    const matched = presented === undefined ? undefined : matchToken(stored, presented);
    if (matched || !authorizer) return matched;
    const { event, lambdaContext } = c.env ?? {};
    const lambda = event
      ? { event, ...(lambdaContext ? { context: lambdaContext } : {}) }
      : undefined;
    return (await authorizer({ request: c.req.raw, ...(lambda ? { lambda } : {}) })) ?? undefined;
  }

  const closed = stored.length === 0 && authorizer === undefined;
  return {
    closed,
    require(scope) {
      return async (c, next) => {
        const principal = await identify(c);
        if (!principal) {
          const presented = c.req.header('authorization') !== undefined;
          throw new ApiError(
            401,
            'UNAUTHORIZED',
            closed
              ? 'this API has no tokens or authorizer configured, so it refuses every call'
              : presented
                ? 'the credentials are not valid'
                : 'a bearer token is required',
            undefined,
            {
              'WWW-Authenticate': presented
                ? 'Bearer realm="wallet", error="invalid_token"'
                : 'Bearer realm="wallet"',
            },
          );
        }
        c.set('principal', principal);
        if (!principal.scopes.includes(scope) && !principal.scopes.includes('admin')) {
          throw new ApiError(
            403,
            'FORBIDDEN',
            `this caller lacks the ${scope} scope`,
            { scope },
            {
              'WWW-Authenticate': `Bearer realm="wallet", error="insufficient_scope", scope="${scope}"`,
            },
          );
        }
        // Routes that name their wallet in the path are checked here, before the body is
        // validated; routes that name it in the body check it in their handler.
        const accountId = c.req.param('accountId');
        if (accountId !== undefined) assertAccountAccess(principal, accountId);
        await next();
      };
    },
  };
}

/**
 * Refuses (403) a caller limited to one account when it asks about another.
 *
 * @throws {ApiError} `FORBIDDEN`
 * @example
 * assertAccountAccess(c.var.principal, body.fromAccountId);
 */
export function assertAccountAccess(principal: Principal | undefined, accountId: string): void {
  const limit = principal?.accountId;
  if (limit !== undefined && limit !== null && limit !== accountId) {
    throw new ApiError(403, 'FORBIDDEN', 'this caller is limited to another account', {
      field: 'accountId',
    });
  }
}
