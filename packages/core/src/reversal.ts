import { decimalToUnits, parseAmount } from './amount.js';
import { canonicalJson, quoteJson } from './canonical-json.js';
import { TransactionNotFoundError, ValidationError } from './errors.js';
import { isConsolidation } from './hot-wallets.js';
import { requestKeys } from './idempotency.js';
import { isCreditType, isDebitType, type Leg } from './ledger-draft.js';
import type { Operation, OperationContext } from './operation.js';
import type { LedgerRecord, LedgerStore } from './ports.js';
import type { ReverseInput } from './requests.js';
import type { JournalEntry, ReversalResult, TransactionDetails } from './types.js';
import * as check from './validation.js';

/** The longest reason a reversal may give. */
export const MAX_REASON_LENGTH = 500;

/**
 * What the ledger remembers of a transaction's reversals: how much of it (in minor units of
 * its one currency, for a transaction that may be reversed in part) and by which transactions.
 */
interface ReversalsData {
  reversedUnits: string;
  reversedBy: string[];
}

/** The record key of a transaction's reversals. */
export function reversalsRecordKey(transactionId: string): string {
  return `reversals:${transactionId}`;
}

function reversalsOf(record: LedgerRecord | undefined | null): ReversalsData {
  const data = record?.data as unknown as ReversalsData | undefined;
  return { reversedUnits: data?.reversedUnits ?? '0', reversedBy: data?.reversedBy ?? [] };
}

/**
 * The entries of a transaction in a stable order: debits first (the side funds leave), then
 * credits, then entries that move no balance; by account id and sequence within each.
 */
function ordered(entries: readonly JournalEntry[]): JournalEntry[] {
  const rank = (entry: JournalEntry) =>
    isDebitType(entry.type) ? 0 : isCreditType(entry.type) ? 1 : 2;
  return [...entries].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0) ||
      a.sequence - b.sequence,
  );
}

/**
 * `getTransaction`: every entry a transaction wrote (debits first, then credits, then entries
 * that move no balance), and what reversed it.
 *
 * @throws {TransactionNotFoundError}
 * @example
 * const details = await transactionDetails(ledger, transactionId);
 */
export async function transactionDetails(
  ledger: LedgerStore,
  transactionId: string,
): Promise<TransactionDetails> {
  const id = check.identifier(transactionId, 'transactionId');
  const [entries, record] = await Promise.all([
    ledger.queryTransaction(id),
    ledger.getRecord(reversalsRecordKey(id)),
  ]);
  if (entries.length === 0) throw new TransactionNotFoundError(id);
  const sorted = ordered(entries);
  return {
    transactionId: id,
    txTime: sorted[0]!.txTime,
    entries: sorted,
    reversedBy: [...reversalsOf(record).reversedBy],
  };
}

/**
 * The operation of `reverseTransaction`: for every leg of the original that moved a balance, a
 * leg in the other direction (`REVERSAL_DEBIT` undoes a credit, `REVERSAL_CREDIT` a debit),
 * each naming the original in `reverses`. A single-leg transaction or a transfer may be
 * reversed in part, several times, never beyond its amount; any other is reversed once, whole.
 * Reads the original's entries first (they never change), to know which wallets to lock.
 *
 * @throws {TransactionNotFoundError} {ValidationError} (a reversal, or a hold placement)
 * @example
 * const operation = await reverseOperation(input, context, ledger);
 */
export async function reverseOperation(
  input: ReverseInput,
  context: OperationContext,
  ledger: LedgerStore,
): Promise<Operation<ReversalResult>> {
  const request = check.requestObject(input);
  const reverses = check.identifier(request.transactionId, 'transactionId');
  const reason = check.optionalText(request.reason, 'reason', MAX_REASON_LENGTH);
  const metadata = check.metadata(request.metadata);
  const original = await ledger.queryTransaction(reverses);
  if (original.length === 0) throw new TransactionNotFoundError(reverses);
  if (original.some((entry) => entry.reverses !== undefined)) {
    throw new ValidationError(`transaction ${reverses} is a reversal, which is never reversed`, {
      field: 'transactionId',
    });
  }
  const moved = ordered(original).filter(
    (entry) => isCreditType(entry.type) || isDebitType(entry.type),
  );
  if (moved.length === 0) {
    throw new ValidationError(
      `transaction ${reverses} moved no funds (a hold is released, not reversed)`,
      { field: 'transactionId' },
    );
  }
  // A hot wallet's credits sit on its sub-accounts; what reverses them debits the wallet itself.
  const owners = moved.map((entry) => context.ownerOf(entry.accountId));
  if (isConsolidation(moved, owners)) {
    throw new ValidationError(
      `transaction ${reverses} moved funds within one hot wallet (a consolidation), which is never reversed`,
      { field: 'transactionId' },
    );
  }
  const currency = context.currencies.get(moved[0]!.currency);
  const legUnits = decimalToUnits(moved[0]!.amount, currency.scale)!;
  // A single leg, or a transfer's two: one currency, one amount, one debit and one credit.
  const divisible =
    moved.length === 1 ||
    (moved.length === 2 &&
      moved[1]!.currency === currency.code &&
      moved[1]!.amount === moved[0]!.amount &&
      isDebitType(moved[0]!.type) &&
      isCreditType(moved[1]!.type));
  const asked =
    request.amount === undefined || request.amount === null
      ? null
      : parseAmount(request.amount, currency.scale);
  if (asked !== null && !divisible) {
    throw new ValidationError(
      'only a single-leg transaction or a transfer may be reversed in part; omit amount',
      { field: 'amount' },
    );
  }
  const legCurrencies = moved.map((entry) => context.currencies.get(entry.currency));
  // Keyed on the wallet the reversal debits: the one the original credited.
  const debited = moved.findIndex((entry) => isCreditType(entry.type));
  const { idempotencyKey, scopedKey } = requestKeys(request, owners[Math.max(debited, 0)]!);
  const accountIds = [...new Set(owners)];
  const key = reversalsRecordKey(reverses);
  return {
    accountIds,
    idempotencyKey,
    scopedKey,
    recordKeys: [key],
    maxRecords: accountIds.length + moved.length + 1 + (scopedKey === null ? 0 : 1),
    metadata,
    legs: null,
    canonicalRequest() {
      // `canonicalJson` of { operation, transactionId, amount, reason, metadata }, in JCS order.
      return (
        `{"amount":${asked === null ? 'null' : quoteJson(currency.render(asked))}` +
        `,"metadata":${canonicalJson(metadata)},"operation":"reverseTransaction"` +
        `,"reason":${reason === null ? 'null' : quoteJson(reason)}` +
        `,"transactionId":${quoteJson(reverses)}}`
      );
    },
    apply(draft, transactionId) {
      const done = reversalsOf(draft.record(key));
      const reversed = BigInt(done.reversedUnits);
      let units: bigint | null = null;
      if (divisible) {
        const left = legUnits - reversed;
        if (left <= 0n) {
          throw new ValidationError(`transaction ${reverses} is already reversed in full`, {
            field: 'transactionId',
          });
        }
        units = asked ?? left;
        if (units > left) {
          throw new ValidationError(
            `amount ${currency.render(units)} exceeds what is left to reverse of transaction ${reverses}: ${currency.render(left)}`,
            { field: 'amount' },
          );
        }
      } else if (done.reversedBy.length > 0) {
        throw new ValidationError(`transaction ${reverses} is already reversed`, {
          field: 'transactionId',
        });
      }
      const legs: Leg[] = moved.map((entry, i) => ({
        accountId: owners[i]!,
        currency: legCurrencies[i]!,
        units: units ?? decimalToUnits(entry.amount, legCurrencies[i]!.scale)!,
        type: isCreditType(entry.type) ? 'REVERSAL_DEBIT' : 'REVERSAL_CREDIT',
        counterparty: entry.counterparty,
        reversal: { reverses, reason },
      }));
      const entries = draft.post({ transactionId, idempotencyKey, metadata, legs });
      const data: ReversalsData = {
        reversedUnits: String(units === null ? legUnits : reversed + units),
        reversedBy: [...done.reversedBy, transactionId],
      };
      draft.putRecord(key, { ...data });
      return entries;
    },
    result(entries, transactionId, txTime) {
      return {
        transactionId,
        reverses,
        txTime,
        replayed: false,
        legs: entries.map((entry) => ({
          accountId: entry.accountId,
          currency: entry.currency,
          amount: entry.amount,
          previousBalance: entry.balanceBefore,
          currentBalance: entry.balanceAfter,
        })),
      };
    },
  };
}
