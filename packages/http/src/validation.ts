import type { Hook } from '@hono/zod-openapi';
import {
  InvalidAccountIdError,
  InvalidAmountError,
  MAX_POSTING_LEGS,
  MIN_POSTING_LEGS,
  UnknownCurrencyError,
  ValidationError,
  type WalletError,
} from '@wallet/core';
import type { ZodError } from 'zod';
import type { WalletApiEnv } from './context.js';

type Issue = ZodError['issues'][number];

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
export function inputError(error: ZodError, input: unknown): WalletError {
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
      return new UnknownCurrencyError(String(valueAt(input, issue.path)));
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
