import type { Context, MiddlewareHandler } from 'hono';
import type { Principal, Scope } from './auth.js';
import type { WalletApiEnv } from './context.js';
import { ApiError } from './errors.js';

/** Where a route names a value: a path parameter or a member of the JSON body (dotted). */
export type RequestField = `path.${string}` | `body.${string}`;

/**
 * Where the thing a route looks up names an account: a dotted path into it, where a path
 * through an array names that field of every element (`found.entries.accountId`: the account of
 * every entry of a transaction).
 */
export type FoundField = `found.${string}`;

/**
 * Who may call a route, declared once beside the route (as its `x-wallet-access` OpenAPI
 * extension, so the published document shows it too) and enforced by the access guard, the
 * one place every route's access is checked.
 *
 * @example
 * const access: RouteAccess = { scope: 'transfer', owns: ['body.fromAccountId'] };
 */
export interface RouteAccess {
  /**
   * The scope a caller needs (`admin` holds every scope); `null`: any authenticated caller
   * (`GET /v1/me`, which only tells a caller what it may do).
   */
  scope: Scope | null;
  /**
   * Every field naming an account the route acts for: a caller limited to one account must
   * name its own there. Accounts the route only pays into (a transfer's `toAccountId`) are not
   * listed. An empty list: the route names no account.
   */
  owns: readonly RequestField[];
  /**
   * Accounts that only a lookup reveals, for a route that names a thing by id (a transaction, a
   * hold): a caller limited to one account must find its own among them, else 403. Checked by
   * the guard's `found` step once the handler has looked the thing up, before anything is
   * written or answered.
   */
  ownsFound?: readonly FoundField[];
  /** Fields whose presence needs `admin` on top of `scope` (an exchange's own `to.amount`). */
  adminIf?: readonly RequestField[];
  /**
   * Fields a caller limited to one account may not send at all (a capture's `toAccountId`:
   * such a caller never pays a hold out to another wallet).
   */
  unlimitedIf?: readonly RequestField[];
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

const fieldName = (field: string): string => field.slice(field.indexOf('.') + 1);

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

/** The one account a caller is limited to, if any. */
function limitOf(principal: Principal): string | undefined {
  return principal.accountId === undefined || principal.accountId === null
    ? undefined
    : principal.accountId;
}

function checkOwned(c: Context<WalletApiEnv>, principal: Principal, fields: RequestField[]): void {
  const limit = limitOf(principal);
  if (limit === undefined) return;
  for (const field of fields) {
    const named = valueAt(c, field);
    if (named !== undefined && named !== limit) {
      throw forbidden('this caller is limited to another account', { field: fieldName(field) });
    }
  }
}

/** Every string at `path` in `value`, stepping into arrays on the way. */
function valuesAt(value: unknown, path: readonly string[]): unknown[] {
  if (Array.isArray(value)) return value.flatMap((item) => valuesAt(item, path));
  if (path.length === 0) return [value];
  if (typeof value !== 'object' || value === null) return [];
  return valuesAt((value as Record<string, unknown>)[path[0]!], path.slice(1));
}

/**
 * The accounts `found` (what a route looked up) names in `fields`: a transaction's
 * `found.entries.accountId` is the account of each of its entries.
 *
 * @example
 * foundAccounts(['found.entries.accountId'], transaction); // ['p1', 'p2']
 */
export function foundAccounts(fields: readonly FoundField[], found: unknown): string[] {
  const accounts = fields.flatMap((field) => valuesAt(found, fieldName(field).split('.')));
  return [...new Set(accounts.filter((value): value is string => typeof value === 'string'))];
}

/**
 * The access check of one route, in up to three steps: `before` (as route middleware, after
 * authentication) refuses a caller without the scope, or limited to another account than the
 * path names; `after` (in the handler, once the body is validated) checks the accounts the body
 * names, the fields only `admin` may send and those a limited caller may not send; `found` (for
 * a route with `ownsFound`, once the handler has looked up what the request names) refuses a
 * limited caller whose account the thing found does not name. Nothing is written for a refused
 * call. `finish` fails closed if a handler answered a limited caller without the `found` step.
 *
 * @example
 * const guard = accessGuard({ scope: 'debit', owns: [], ownsFound: ['found.accountId'] });
 * registerRoute(app, route, async (c) => {
 *   guard.after(c);
 *   await guard.found(c, () => service.getHold({ holdId }));
 *   const result = await service.releaseHold({ holdId });
 *   guard.finish(c);
 *   return c.json(result, 200);
 * }, [auth.authenticate, guard.before]);
 */
export function accessGuard(access: RouteAccess): AccessGuard {
  const pathFields = access.owns.filter((field) => field.startsWith('path.'));
  const bodyFields = access.owns.filter((field) => field.startsWith('body.'));
  const adminFields = access.adminIf ?? [];
  const unlimitedFields = access.unlimitedIf ?? [];
  const foundFields = access.ownsFound ?? [];
  /** The requests whose `found` step ran. */
  const checked = new WeakSet<Context<WalletApiEnv>>();
  const principalOf = (c: Context<WalletApiEnv>): Principal => {
    const principal = c.var.principal;
    // Only reachable if a route were registered without authentication: fail closed.
    if (!principal) throw new ApiError(401, 'UNAUTHORIZED', 'a bearer token is required');
    return principal;
  };
  return {
    async before(c, next) {
      const principal = principalOf(c);
      if (access.scope !== null && !holds(principal, access.scope)) {
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
          const name = fieldName(field);
          throw forbidden(
            `${name} may only be sent with the admin scope`,
            { field: name, scope: 'admin' },
            'admin',
          );
        }
      }
      if (limitOf(principal) !== undefined) {
        for (const field of unlimitedFields) {
          const value = valueAt(c, field);
          if (value !== undefined && value !== null) {
            const name = fieldName(field);
            throw forbidden(`${name} may not be sent by a caller limited to one account`, {
              field: name,
            });
          }
        }
      }
      return principal;
    },
    async found(c, lookup) {
      if (foundFields.length === 0) {
        throw new Error(`route ${c.req.routePath} declares no ownsFound to check`);
      }
      checked.add(c);
      const limit = limitOf(principalOf(c));
      // Only a limited caller needs the lookup: nobody else pays for the extra read.
      if (limit === undefined) return;
      const thing = await lookup();
      if (thing === undefined) {
        throw forbidden(
          'this caller is limited to one account, and the account of what it names cannot be checked',
          { found: foundFields.map(fieldName).join(', ') },
        );
      }
      if (!foundAccounts(foundFields, thing).includes(limit)) {
        throw forbidden('this caller is limited to another account', {
          found: foundFields.map(fieldName).join(', '),
        });
      }
    },
    finish(c) {
      if (foundFields.length === 0 || checked.has(c)) return;
      if (limitOf(principalOf(c)) === undefined) return;
      // A handler bug, never a caller's: answer nothing it produced.
      throw new Error(`route ${c.req.routePath} answered a limited caller without its found check`);
    },
  };
}

/**
 * The steps of {@link accessGuard}.
 *
 * @example
 * const guard: AccessGuard = accessGuard(accessOf(route)!);
 */
export interface AccessGuard {
  /** Route middleware: the scope, and the accounts the path names. */
  before: MiddlewareHandler<WalletApiEnv>;
  /** Once the body is validated: the accounts it names, admin-only and unlimited-only fields. */
  after(c: Context<WalletApiEnv>): Principal;
  /**
   * For a route with `ownsFound`: a caller limited to one account must find its own among the
   * accounts of what `lookup` returns (called only for such a caller; `undefined` when the
   * thing cannot be looked up, which refuses the caller).
   *
   * @throws {ApiError} 403 for a limited caller the thing found does not name
   */
  found(c: Context<WalletApiEnv>, lookup: () => unknown): Promise<void>;
  /** After the handler: throws if a route with `ownsFound` answered a limited caller unchecked. */
  finish(c: Context<WalletApiEnv>): void;
}
