import {
  InvalidAccountIdError,
  InvalidAmountError,
  MAX_POSTING_LEGS,
  MIN_POSTING_LEGS,
  UnknownCurrencyError,
  ValidationError,
  type WalletError,
} from '@wallet/core';
import type { Context, MiddlewareHandler } from 'hono';
import type * as z from 'zod/mini';
import type { WalletApiEnv } from './context.js';
import type { ParameterSchema, RouteRequest } from './route-config.js';

type Issue = z.core.$ZodIssue;

/** What a field is, by its name (the last segment of a posting leg's field, e.g. `legs.0.amount`). */
type FieldKind = 'account' | 'object' | 'currency' | 'direction' | 'amount' | 'legs' | 'other';

const ACCOUNT_FIELDS = new Set(['accountId', 'fromAccountId', 'toAccountId']);
const OBJECT_FIELDS = new Set(['from', 'to']);
const CURRENCY_FIELDS = new Set(['currency', 'from.currency', 'to.currency']);
const AMOUNT_FIELDS = new Set(['amount', 'from.amount', 'to.amount']);
/** A posting leg (`legs.3`) or a field of one (`legs.3.amount`). */
const LEG_FIELD = /^legs\.(\d+)(?:\.(.+))?$/;

function kindOf(field: string): FieldKind {
  if (field === 'legs') return 'legs';
  const leg = LEG_FIELD.exec(field);
  if (leg) {
    const member = leg[2];
    if (member === undefined) return 'object';
    if (member === 'direction') return 'direction';
    return kindOf(member);
  }
  if (ACCOUNT_FIELDS.has(field)) return 'account';
  if (OBJECT_FIELDS.has(field)) return 'object';
  if (CURRENCY_FIELDS.has(field)) return 'currency';
  if (AMOUNT_FIELDS.has(field)) return 'amount';
  return 'other';
}

/** The order core checks the members of one object in. */
const KIND_RANK: Record<FieldKind, number> = {
  account: 1,
  object: 2,
  legs: 2,
  currency: 3,
  direction: 3.5,
  amount: 4,
  other: 5,
};

/**
 * The order core checks a request in (the request object, account ids, nested objects, a
 * posting's legs one by one, currencies, amounts, the rest), as a sort key. When a request
 * breaks several rules, the first in this order is reported, as the service would. Unknown
 * fields come last: core ignores them, only the HTTP layer refuses them.
 */
function rank(issue: Issue): number[] {
  if (issue.code === 'unrecognized_keys') return [6];
  const field = issue.path.join('.');
  if (field === '') return [0];
  const leg = LEG_FIELD.exec(field);
  // Core checks the legs array, then each leg in order: itself, then its members.
  if (leg) return [KIND_RANK.legs, Number(leg[1]) + 1, KIND_RANK[kindOf(field)]];
  return [KIND_RANK[kindOf(field)]];
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/**
 * The wallet error the service would throw for a request the schemas refused, so a boolean
 * amount is `INVALID_AMOUNT` and a numeric account id `INVALID_ACCOUNT_ID` whichever layer
 * caught it (in a posting's legs too: `legs.0.amount`); messages follow core's wording.
 *
 * @example
 * inputError(result.error, body); // InvalidAmountError for { amount: true }
 */
export function inputError(error: z.core.$ZodError, input: unknown): WalletError {
  const issue = [...error.issues].sort((a, b) => compare(rank(a), rank(b)))[0]!;
  const field = issue.path.join('.');
  if (issue.code === 'unrecognized_keys') {
    const unknown = [...issue.path, issue.keys[0]].join('.');
    return new ValidationError(`${unknown} is not a known field`, { field: unknown });
  }
  if (field === '') return new ValidationError('the request body must be a JSON object');
  switch (kindOf(field)) {
    case 'account':
      return new InvalidAccountIdError(field);
    case 'object':
      return new ValidationError(`${field} must be an object`, { field });
    case 'legs':
      return new ValidationError(
        `legs must be an array of ${MIN_POSTING_LEGS} to ${MAX_POSTING_LEGS} legs`,
        { field },
      );
    case 'currency':
      return UnknownCurrencyError.of(valueAt(input, issue.path));
    case 'direction':
      return new ValidationError(`${field} must be "debit" or "credit"`, { field });
    case 'amount':
      return new InvalidAmountError(field, 'must be a decimal string');
    default: {
      const message = issue.message.startsWith(field) ? issue.message : `${field} is not valid`;
      return new ValidationError(message, { field });
    }
  }
}

/**
 * A request's query: a name sent once as its string, a repeated one as the list of its values
 * (which the schemas refuse, so `?limit=1&limit=1000` is never read as either).
 */
function queryOf(c: Context<WalletApiEnv>): Record<string, string | string[]> {
  return Object.fromEntries(
    Object.entries(c.req.queries()).map(([name, values]) => [
      name,
      values.length === 1 ? values[0]! : values,
    ]),
  );
}

/** The request's headers under the schema's names: a request's header names are lower case. */
function headersOf(c: Context<WalletApiEnv>, schema: ParameterSchema): Record<string, string> {
  const names = new Map(Object.keys(schema.shape).map((name) => [name.toLowerCase(), name]));
  return Object.fromEntries(
    Object.entries(c.req.header()).map(([name, value]) => [names.get(name) ?? name, value]),
  );
}

/** The JSON body; the JSON body middleware already refused text that does not parse. */
async function bodyOf(c: Context<WalletApiEnv>): Promise<unknown> {
  // Without a content type there is no body (that middleware saw to it): validated as `{}`.
  if (c.req.header('content-type') === undefined) return {};
  try {
    return await c.req.json<unknown>();
  } catch (cause) {
    // An empty body sent as JSON.
    throw new ValidationError('the request body is not valid JSON', undefined, { cause });
  }
}

/**
 * Route middleware that validates the parts of a request a route declares, in the order
 * query, path parameters, headers, JSON body, and leaves each result for `c.req.valid`. The
 * first part its schema refuses becomes the matching {@link WalletError} (see
 * {@link inputError}), thrown to the one error handler that renders every error. A body the
 * route does not require is `{}` when the request sends none.
 *
 * @example
 * app.post('/v1/transfers', validator(transferRoute.request), handler);
 */
export function validator(request: RouteRequest): MiddlewareHandler<WalletApiEnv> {
  const { query, params, headers, body } = request;
  return async (c, next) => {
    if (query) {
      const result = query.safeParse(queryOf(c));
      if (!result.success) throw inputError(result.error, c.req.queries());
      c.req.addValidatedData('query', result.data);
    }
    if (params) {
      const result = params.safeParse(c.req.param());
      if (!result.success) throw inputError(result.error, undefined);
      c.req.addValidatedData('param', result.data);
    }
    if (headers) {
      const result = headers.safeParse(headersOf(c, headers));
      if (!result.success) throw inputError(result.error, undefined);
      c.req.addValidatedData('header', result.data);
    }
    if (body) {
      if (!body.required && c.req.header('content-type') === undefined) {
        c.req.addValidatedData('json', {});
      } else {
        const input = await bodyOf(c);
        const result = body.content['application/json'].schema.safeParse(input);
        if (!result.success) throw inputError(result.error, input);
        c.req.addValidatedData('json', result.data as Record<string, unknown>);
      }
    }
    await next();
  };
}
