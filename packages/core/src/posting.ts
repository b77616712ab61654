import { parseAmount } from './amount.js';
import { canonicalJson, quoteJson } from './canonical-json.js';
import type { Currency } from './currency.js';
import { ValidationError } from './errors.js';
import { requestKeys } from './idempotency.js';
import type { Leg } from './ledger-draft.js';
import type { Operation, OperationContext } from './operation.js';
import type { PostingInput } from './requests.js';
import type { PostingResult } from './types.js';
import * as check from './validation.js';

/** The fewest legs of a posting. */
export const MIN_POSTING_LEGS = 2;
/** The most legs of a posting. */
export const MAX_POSTING_LEGS = 16;

interface CheckedLeg {
  accountId: string;
  currency: Currency;
  direction: 'debit' | 'credit';
  units: bigint;
}

function checkedLeg(value: unknown, index: number, context: OperationContext): CheckedLeg {
  const field = `legs.${index}`;
  const leg = check.requestObject(value as Record<string, unknown>, field);
  const accountId = check.accountId(leg.accountId, `${field}.accountId`);
  const currency = context.currencyOf(leg.currency);
  if (leg.direction !== 'debit' && leg.direction !== 'credit') {
    throw new ValidationError(`${field}.direction must be "debit" or "credit"`, {
      field: `${field}.direction`,
    });
  }
  const units = parseAmount(leg.amount, currency.scale, `${field}.amount`);
  return { accountId, currency, direction: leg.direction, units };
}

/**
 * The operation of `post`: 2 to 16 legs over any wallets (one may appear in several), the
 * debits equal to the credits in every currency, applied in the order given, all or nothing.
 * Entries are `POSTING_OUT` for a debit and `POSTING_IN` for a credit. The key is scoped to the
 * first leg's wallet.
 *
 * @throws {ValidationError} for a malformed or unbalanced posting
 * @example
 * const operation = postingOperation(input, context);
 */
export function postingOperation(
  input: PostingInput,
  context: OperationContext,
): Operation<PostingResult> {
  const request = check.requestObject(input);
  const raw: unknown = request.legs;
  if (!Array.isArray(raw) || raw.length < MIN_POSTING_LEGS || raw.length > MAX_POSTING_LEGS) {
    throw new ValidationError(
      `legs must be an array of ${MIN_POSTING_LEGS} to ${MAX_POSTING_LEGS} legs`,
      { field: 'legs' },
    );
  }
  const legs = raw.map((leg, index) => checkedLeg(leg, index, context));
  const net = new Map<string, bigint>();
  for (const leg of legs) {
    const signed = leg.direction === 'credit' ? leg.units : -leg.units;
    net.set(leg.currency.code, (net.get(leg.currency.code) ?? 0n) + signed);
  }
  for (const [code, sum] of net) {
    if (sum !== 0n) {
      const currency = context.currencies.get(code);
      const [more, less] = sum > 0n ? ['credits', 'debits'] : ['debits', 'credits'];
      throw new ValidationError(
        `the legs in ${code} do not balance: ${more} exceed ${less} by ${currency.render(sum > 0n ? sum : -sum)}`,
        { field: 'legs', currency: code },
      );
    }
  }
  const metadata = check.metadata(request.metadata);
  const { idempotencyKey, scopedKey } = requestKeys(request, legs[0]!.accountId);
  const accountIds = [...new Set(legs.map((leg) => leg.accountId))];
  const postingLegs: Leg[] = legs.map((leg) => ({
    accountId: leg.accountId,
    currency: leg.currency,
    units: leg.units,
    type: leg.direction === 'debit' ? 'POSTING_OUT' : 'POSTING_IN',
    counterparty: null,
  }));
  return {
    accountIds,
    idempotencyKey,
    scopedKey,
    recordKeys: [],
    maxRecords: accountIds.length + legs.length + (scopedKey === null ? 0 : 1),
    metadata,
    legs: postingLegs,
    canonicalRequest() {
      // `canonicalJson` of { operation, legs: [{ accountId, currency, direction, amount }],
      // metadata }, in JCS order (a test holds them equal).
      let text = '{"legs":[';
      for (let i = 0; i < legs.length; i++) {
        const leg = legs[i]!;
        text +=
          `${i === 0 ? '' : ','}{"accountId":${quoteJson(leg.accountId)}` +
          `,"amount":${quoteJson(leg.currency.render(leg.units))}` +
          `,"currency":${quoteJson(leg.currency.code)},"direction":"${leg.direction}"}`;
      }
      return `${text}],"metadata":${canonicalJson(metadata)},"operation":"post"}`;
    },
    result(entries, transactionId, txTime) {
      return {
        transactionId,
        txTime,
        replayed: false,
        legs: entries.map((entry, i) => ({
          accountId: entry.accountId,
          currency: entry.currency,
          direction: legs[i]!.direction,
          amount: entry.amount,
          previousBalance: entry.balanceBefore,
          currentBalance: entry.balanceAfter,
        })),
      };
    },
  };
}
