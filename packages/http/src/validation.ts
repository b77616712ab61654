import type { Hook } from '@hono/zod-openapi';
import {
  InvalidAccountIdError,
  InvalidAmountError,
  UnknownCurrencyError,
  ValidationError,
  type WalletError,
} from '@wallet/core';
import type { ZodError } from 'zod';
import type { WalletApiEnv } from './context.js';

type Issue = ZodError['issues'][number];

const ACCOUNT_FIELDS = new Set(['accountId', 'fromAccountId', 'toAccountId']);
const OBJECT_FIELDS = new Set(['from', 'to']);
const CURRENCY_FIELDS = new Set(['currency', 'from.currency', 'to.currency']);
const AMOUNT_FIELDS = new Set(['amount', 'from.amount', 'to.amount']);

/**
 * The order core checks a request in (the request object, account ids, nested objects,
 * currencies, amounts, the rest). When a request breaks several rules, the first in this order
 * is reported, as the service would. Unknown fields come last: core ignores them, only the HTTP
 * layer refuses them.
 */
function rank(issue: Issue): number {
  const field = issue.path.join('.');
  if (issue.code === 'unrecognized_keys') return 6;
  if (field === '') return 0;
  if (ACCOUNT_FIELDS.has(field)) return 1;
  if (OBJECT_FIELDS.has(field)) return 2;
  if (CURRENCY_FIELDS.has(field)) return 3;
  if (AMOUNT_FIELDS.has(field)) return 4;
  return 5;
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
 * caught it; messages follow core's wording.
 *
 * @example
 * inputError(result.error, body); // InvalidAmountError for { amount: true }
 */
export function inputError(error: ZodError, input: unknown): WalletError {
  const issue = [...error.issues].sort((a, b) => rank(a) - rank(b))[0]!;
  const field = issue.path.join('.');
  if (issue.code === 'unrecognized_keys') {
    const unknown = [...issue.path, issue.keys[0]].join('.');
    return new ValidationError(`${unknown} is not a known field`, { field: unknown });
  }
  if (field === '') return new ValidationError('the request body must be a JSON object');
  if (ACCOUNT_FIELDS.has(field)) return new InvalidAccountIdError(field);
  if (OBJECT_FIELDS.has(field)) return new ValidationError(`${field} must be an object`, { field });
  if (CURRENCY_FIELDS.has(field))
    return new UnknownCurrencyError(String(valueAt(input, issue.path)));
  if (AMOUNT_FIELDS.has(field)) return new InvalidAmountError(field, 'must be a decimal string');
  const message = issue.message.startsWith(field) ? issue.message : `${field} is not valid`;
  return new ValidationError(message, { field });
}

/**
 * The `defaultHook` of the API: a request the schemas refuse becomes the matching
 * {@link WalletError}, thrown to the one error handler that renders every error.
 *
 * @example
 * new OpenAPIHono<WalletApiEnv>({ defaultHook: validationHook });
 */
export const validationHook: Hook<unknown, WalletApiEnv, string, Promise<void>> = async (
  result,
  c,
) => {
  if (result.success) return;
  const input =
    result.target === 'json'
      ? await c.req.json<unknown>()
      : result.target === 'query'
        ? c.req.queries()
        : undefined;
  throw inputError(result.error, input);
};
