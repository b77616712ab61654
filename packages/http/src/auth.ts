import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import type { WalletApiEnv } from './context.js';
import { ApiError } from './errors.js';
import type { WalletLambdaContext, WalletLambdaEvent } from './lambda.js';

/**
 * What a caller may do (DESIGN section 5):
 * - `read`: get a wallet, its history, a transaction;
 * - `credit`: add funds, which mints currency: trusted servers only;
 * - `debit`: withdraw funds;
 * - `transfer`: move funds from a wallet to another (an account-limited caller: only from its own);
 * - `exchange`: exchange at the configured rates (no `to.amount`);
 * - `admin`: everything: create wallets, verify, exchange with a given `to.amount`, and all of the above.
 *
 * @example
 * const scopes: Scope[] = ['read', 'debit', 'transfer'];
 */
export type Scope = 'read' | 'credit' | 'debit' | 'transfer' | 'exchange' | 'admin';

/**
 * Every {@link Scope}, in the order the docs list them.
 *
 * @example
 * SCOPES.includes(value as Scope);
 */
export const SCOPES: readonly Scope[] = [
  'read',
  'credit',
  'debit',
  'transfer',
  'exchange',
  'admin',
];

/**
 * The scopes a caller limited to one account may hold: never `credit` or `admin`, so no player
 * credential can mint currency or act on other wallets.
 *
 * @example
 * ACCOUNT_SCOPES.includes('credit'); // false
 */
export const ACCOUNT_SCOPES: readonly Scope[] = ['read', 'debit', 'transfer', 'exchange'];

/** The fewest characters a bearer token may have. */
export const MIN_TOKEN_LENGTH = 16;

/**
 * A bearer token the API accepts.
 *
 * @example
 * const token: ApiToken = { token: process.env.GAME_SERVER_TOKEN!, scopes: ['read', 'credit', 'debit'], name: 'game-server' };
 */
export interface ApiToken {
  /** The secret the caller sends as `Authorization: Bearer <token>`: at least 16 characters. */
  token: string;
  /** What the token may do: one or more {@link SCOPES}; `admin` holds them all. */
  scopes: readonly Scope[];
  /**
   * When set, the token may only touch this account (for a transfer: only send from it), may
   * hold only {@link ACCOUNT_SCOPES}, and its idempotency keys live in a namespace of its own.
   */
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
  /** What the caller may do: one or more {@link SCOPES}; `admin` holds them all. */
  scopes: readonly Scope[];
  /** When set, the caller may only touch this account and holds only {@link ACCOUNT_SCOPES}. */
  accountId?: string | null;
  /** Shown in the access log. */
  name?: string;
  /**
   * Where this caller's idempotency keys live (1..128 printable ASCII characters). Default: a
   * namespace per token for configured tokens, `account:<accountId>` for an account-limited
   * caller an authorizer returned, and the servers' shared namespace for every other caller.
   */
  idempotencyNamespace?: string | null;
}

/**
 * What an {@link Authorizer} sees: the request and, on Lambda, the API Gateway event whose
 * `requestContext.authorizer` (or `requestContext.identity` for IAM) says who the caller is.
 *
 * @example
 * const claims = input.lambda?.event.requestContext;
 */
export interface AuthorizerInput {
  /**
   * The request being authenticated, headers included: a copy, so an authorizer that reads the
   * body (to check a signature over it, say) leaves the route's own to be checked and read. The
   * body is not checked yet: authentication comes first.
   */
  request: Request;
  /** Set only when the API runs on Lambda: what the handler was invoked with. */
  lambda?: {
    /** The API Gateway proxy event of the request. */
    event: WalletLambdaEvent;
    /** The Lambda context, when the handler was called with one. */
    context?: WalletLambdaContext;
  };
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
 * Why a principal may not act, or undefined when it may: an unknown scope, or `credit` or
 * `admin` on a caller limited to one account.
 */
function principalProblem(principal: Principal): string | undefined {
  const { scopes, accountId } = principal;
  if (!Array.isArray(scopes) || scopes.length === 0) {
    return `scopes must list some of ${SCOPES.join(', ')}`;
  }
  const unknown = scopes.filter((scope) => !SCOPES.includes(scope));
  if (unknown.length > 0) return `scopes must list some of ${SCOPES.join(', ')}`;
  if (accountId !== undefined && accountId !== null) {
    const refused = scopes.filter((scope) => !ACCOUNT_SCOPES.includes(scope));
    if (refused.length > 0) {
      return `a caller limited to one account may hold only ${ACCOUNT_SCOPES.join(', ')}, not ${refused.join(', ')}`;
    }
  }
  return undefined;
}

/**
 * The idempotency namespace of a configured account-limited token: derived from the token, so
 * each token has its own, without storing anything from which the token could be recovered.
 */
function tokenNamespace(token: string): string {
  return `token:${createHash('sha256').update(`wallet idempotency namespace\n${token}`).digest('base64url').slice(0, 22)}`;
}

/**
 * Checks the configured tokens once, at start-up, so a typo fails loudly instead of locking
 * callers out (or in) later.
 *
 * @throws {TypeError} on a short, blank or repeated token, an unknown scope, or `credit` or
 *   `admin` on an account-limited token
 * @example
 * const stored = prepareTokens([{ token: 'dev-admin-token-0123', scopes: ['admin'] }]);
 */
function prepareTokens(tokens: readonly ApiToken[]): StoredToken[] {
  const seen = new Set<string>();
  return tokens.map(({ token, scopes, accountId, name }, index) => {
    if (typeof token !== 'string' || token.length < MIN_TOKEN_LENGTH || /\s/.test(token)) {
      throw new TypeError(
        `tokens[${index}].token must be at least ${MIN_TOKEN_LENGTH} characters without spaces`,
      );
    }
    const principal: Principal = {
      scopes,
      accountId,
      name,
      idempotencyNamespace: accountId === undefined ? null : tokenNamespace(token),
    };
    const problem = principalProblem(principal);
    if (problem) throw new TypeError(`tokens[${index}]: ${problem}`);
    const stored = { digest: digest(token), principal };
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
 * const auth = createAuth({ tokens: [{ token: 'dev-admin-token-0123', scopes: ['admin'] }] });
 * app.use('/v1/*', auth.authenticate);
 */
export interface Auth {
  /**
   * Middleware: 401 without a known caller, 403 for a caller no API may serve (an
   * account-limited caller with `credit` or `admin`); else the principal is set for the route's
   * access guard and handler.
   */
  readonly authenticate: MiddlewareHandler<WalletApiEnv>;
  /** True when neither tokens nor an authorizer are configured: every `/v1` call is refused. */
  readonly closed: boolean;
}

/**
 * Builds the authentication of one API from its tokens and optional authorizer.
 *
 * @throws {TypeError} when a configured token is refused (see {@link ApiToken})
 * @example
 * const auth = createAuth({ tokens: [{ token: 'dev-admin-token-0123', scopes: ['admin'] }] });
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
    const granted = await authorizer({
      request: c.req.raw.clone(),
      ...(lambda ? { lambda } : {}),
    });
    if (!granted) return undefined;
    // Checked on every call: an authorizer maps claims a caller may influence.
    const problem = principalProblem(granted);
    if (problem) {
      throw new ApiError(403, 'FORBIDDEN', `the authorizer's grant is refused: ${problem}`);
    }
    const limited = granted.accountId !== undefined && granted.accountId !== null;
    return {
      ...granted,
      idempotencyNamespace:
        granted.idempotencyNamespace ?? (limited ? `account:${granted.accountId}` : null),
    };
  }

  const closed = stored.length === 0 && authorizer === undefined;
  return {
    closed,
    async authenticate(c, next) {
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
      await next();
    },
  };
}
