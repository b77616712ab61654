import type { Context, MiddlewareHandler } from 'hono';
import type { Principal, Scope } from './auth.js';
import type { WalletApiEnv } from './context.js';
import { ApiError } from './errors.js';

/** Where a route names a value: a path parameter or a member of the JSON body (dotted). */
export type RequestField = `path.${string}` | `body.${string}`;

/**
 * Who may call a route, declared once beside the route (as its `x-wallet-access` OpenAPI
 * extension, so the published document shows it too) and enforced by {@link accessGuard}, the
 * one place every route's access is checked.
 *
 * @example
 * const access: RouteAccess = { scope: 'transfer', owns: ['body.fromAccountId'] };
 */
export interface RouteAccess {
  /** The scope a caller needs (`admin` holds every scope). */
  scope: Scope;
  /**
   * Every field naming an account the route acts for: a caller limited to one account must
   * name its own there. Accounts the route only pays into (a transfer's `toAccountId`) are not
   * listed. An empty list: the route names no account.
   */
  owns: readonly RequestField[];
  /** Fields whose presence needs `admin` on top of `scope` (an exchange's own `to.amount`). */
  adminIf?: readonly RequestField[];
}

function forbidden(message: string, details: Record<string, string>, scope?: Scope): ApiError {
  return new ApiError(
    403,
    'FORBIDDEN',
    message,
    details,
    scope
      ? {
          'WWW-Authenticate': `Bearer realm="wallet", error="insufficient_scope", scope="${scope}"`,
        }
      : undefined,
  );
}

function holds(principal: Principal, scope: Scope): boolean {
  return principal.scopes.includes(scope) || principal.scopes.includes('admin');
}

function valueAt(c: Context<WalletApiEnv>, field: RequestField): unknown {
  const [where, ...path] = field.split('.');
  if (where === 'path') return c.req.param(path.join('.'));
  // The body as the route's schema validated it (absent before validation).
  let value: unknown = (c.req.valid as (target: 'json') => unknown)('json');
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function checkOwned(c: Context<WalletApiEnv>, principal: Principal, fields: RequestField[]): void {
  const limit = principal.accountId;
  if (limit === undefined || limit === null) return;
  for (const field of fields) {
    const named = valueAt(c, field);
    if (named !== undefined && named !== limit) {
      throw forbidden('this caller is limited to another account', {
        field: field.slice(field.indexOf('.') + 1),
      });
    }
  }
}

/**
 * The access check of one route, in two steps around request validation: `before` (as route
 * middleware, after authentication) refuses a caller without the scope, or limited to another
 * account than the path names; `after` (in the handler, once the body is validated) checks the
 * accounts the body names and the fields only `admin` may send. Nothing is read or written for
 * a refused call.
 *
 * @example
 * const guard = accessGuard({ scope: 'debit', owns: ['path.accountId'] });
 * app.openapi({ ...route, middleware: [auth.authenticate, guard.before] }, async (c) => {
 *   guard.after(c);
 *   return c.json(await service.withdrawFunds(...), 200);
 * });
 */
export function accessGuard(access: RouteAccess): {
  before: MiddlewareHandler<WalletApiEnv>;
  after(c: Context<WalletApiEnv>): Principal;
} {
  const pathFields = access.owns.filter((field) => field.startsWith('path.'));
  const bodyFields = access.owns.filter((field) => field.startsWith('body.'));
  const adminFields = access.adminIf ?? [];
  const principalOf = (c: Context<WalletApiEnv>): Principal => {
    const principal = c.var.principal;
    // Only reachable if a route were registered without authentication: fail closed.
    if (!principal) throw new ApiError(401, 'UNAUTHORIZED', 'a bearer token is required');
    return principal;
  };
  return {
    async before(c, next) {
      const principal = principalOf(c);
      if (!holds(principal, access.scope)) {
        throw forbidden(
          `this caller lacks the ${access.scope} scope`,
          { scope: access.scope },
          access.scope,
        );
      }
      checkOwned(c, principal, pathFields);
      await next();
    },
    after(c) {
      const principal = principalOf(c);
      checkOwned(c, principal, bodyFields);
      for (const field of adminFields) {
        const value = valueAt(c, field);
        if (value !== undefined && value !== null && !holds(principal, 'admin')) {
          const name = field.slice(field.indexOf('.') + 1);
          throw forbidden(
            `${name} may only be sent with the admin scope`,
            { field: name, scope: 'admin' },
            'admin',
          );
        }
      }
      return principal;
    },
  };
}
