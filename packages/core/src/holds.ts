import { decimalToUnits, parseAmount, renderAmount } from './amount.js';
import { canonicalJson, quoteJson } from './canonical-json.js';
import type { Currency } from './currency.js';
import { HoldNotActiveError, HoldNotFoundError, ValidationError } from './errors.js';
import { NOT_SPREADABLE, spreadable } from './hot-wallets.js';
import { requestKeys } from './idempotency.js';
import { heldOf, type LedgerDraft, type Leg } from './ledger-draft.js';
import type { Operation, OperationContext } from './operation.js';
import type { LedgerRecord, LedgerStore } from './ports.js';
import type { CaptureHoldInput, PlaceHoldInput, ReleaseHoldInput } from './requests.js';
import { newTransactionId } from './transaction-id.js';
import type {
  CaptureResult,
  CaptureSide,
  HoldResult,
  HoldStatus,
  JournalEntry,
  JsonValue,
} from './types.js';
import * as check from './validation.js';

/** The most active holds one wallet may carry. */
export const MAX_ACTIVE_HOLDS = 100;
/** How long a hold lasts when the call names no `expiresInSeconds`: 15 minutes. */
export const DEFAULT_HOLD_SECONDS = 900;
/** The longest a hold may last: 7 days. */
export const MAX_HOLD_SECONDS = 7 * 24 * 3600;

/**
 * What the ledger remembers of a hold beside the wallet: where it is and where it stands. The
 * wallet record carries the active hold itself; this record outlives it, so a late capture or
 * release is told the hold is no longer active rather than that it never was.
 */
interface HoldRecordData {
  accountId: string;
  currency: string;
  amount: string;
  expiresAt: string;
  /** `active` until captured or released; an expiry leaves it `active` (see {@link holdStatus}). */
  status: 'active' | 'captured' | 'released';
  /** When the hold last changed: placed, or captured or released. */
  txTime: string;
  placedBy: string;
  settledBy?: string;
  captured?: string;
}

/** The record key of a hold. */
export function holdRecordKey(holdId: string): string {
  return `hold:${holdId}`;
}

function holdData(record: LedgerRecord): HoldRecordData {
  return record.data as unknown as HoldRecordData;
}

/** The data to store: the object itself, built for this write alone. */
function recordData(data: HoldRecordData): { [key: string]: JsonValue } {
  return data as unknown as { [key: string]: JsonValue };
}

/**
 * A hold's data once captured or released. Every field is named rather than spread from the
 * active hold's: a spread plus new properties gives each such object a hidden class of its own.
 */
function settledData(
  data: HoldRecordData,
  status: 'captured' | 'released',
  txTime: string,
  settledBy: string,
  captured?: string,
): HoldRecordData {
  const settled: HoldRecordData = {
    accountId: data.accountId,
    currency: data.currency,
    amount: data.amount,
    expiresAt: data.expiresAt,
    status,
    txTime,
    placedBy: data.placedBy,
    settledBy,
  };
  if (captured !== undefined) settled.captured = captured;
  return settled;
}

/**
 * Where a hold stands, from its record and the holder's active holds at `time`: a record still
 * `active` whose hold has expired, or has left the wallet's list (its expiry was journaled), is
 * `expired`.
 */
function holdStatus(
  data: HoldRecordData,
  holds: readonly { holdId: string; expiresAt: string }[],
  holdId: string,
  time: string,
): HoldStatus {
  if (data.status !== 'active') return data.status;
  const hold = holds.find((candidate) => candidate.holdId === holdId);
  return hold !== undefined && hold.expiresAt > time ? 'active' : 'expired';
}

// The last expiry written: holds placed in one millisecond with one duration share it, and
// `toISOString` costs about as much as hashing an entry.
let expiryMs = Number.NaN;
let expiryIso = '';

/** `epochMs` plus `seconds` as ISO 8601 with milliseconds. */
function expiryTime(epochMs: number, seconds: number): string {
  const ms = epochMs + seconds * 1000;
  if (ms !== expiryMs) {
    expiryIso = new Date(ms).toISOString();
    expiryMs = ms;
  }
  return expiryIso;
}

function holdSeconds(value: unknown): number {
  if (value === undefined || value === null) return DEFAULT_HOLD_SECONDS;
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > MAX_HOLD_SECONDS) {
    throw new ValidationError(
      `expiresInSeconds must be an integer from 1 to ${MAX_HOLD_SECONDS} (7 days)`,
      { field: 'expiresInSeconds' },
    );
  }
  return value as number;
}

function available(draft: LedgerDraft, accountId: string, currency: Currency): string {
  return currency.render(draft.available(accountId, currency));
}

/**
 * The operation of `placeHold`: reserve funds of one wallet. The hold id is made here, once,
 * so a transaction retried after a conflict places the same hold.
 *
 * @example
 * const operation = placeHoldOperation(input, context);
 */
export function placeHoldOperation(
  input: PlaceHoldInput,
  context: OperationContext,
): Operation<HoldResult> {
  const request = check.requestObject(input);
  const accountId = check.accountId(request.accountId);
  const currency = context.currencyOf(request.currency);
  const units = parseAmount(request.amount, currency.scale);
  const seconds = holdSeconds(request.expiresInSeconds);
  const metadata = check.metadata(request.metadata);
  const { idempotencyKey, scopedKey } = requestKeys(request, accountId);
  const holdId = newHoldId(accountId);
  /** What `result` answers, as `apply` left it (it runs right before, in the same decide). */
  let placed: { expiresAt: string; available: string } | undefined;
  return {
    accountIds: [accountId],
    idempotencyKey,
    scopedKey,
    recordKeys: [],
    maxRecords: 3 + (scopedKey === null ? 0 : 1),
    metadata,
    legs: null,
    canonicalRequest() {
      // `canonicalJson` of { operation, accountId, currency, amount, expiresInSeconds,
      // metadata }, written in JCS order (a test holds them equal).
      return (
        `{"accountId":${quoteJson(accountId)},"amount":${quoteJson(currency.render(units))}` +
        `,"currency":${quoteJson(currency.code)},"expiresInSeconds":${seconds}` +
        `,"metadata":${canonicalJson(metadata)},"operation":"placeHold"}`
      );
    },
    apply(draft, transactionId) {
      const holds = draft.holdsOf(accountId);
      let active = 0;
      for (const hold of holds) if (hold.expiresAt > draft.txTime) active++;
      if (active >= MAX_ACTIVE_HOLDS) {
        throw new ValidationError(
          `wallet ${accountId} already has ${MAX_ACTIVE_HOLDS} active holds, the most it may have`,
          { accountId },
        );
      }
      const expiresAt = expiryTime(draft.epochMs, seconds);
      const entries = draft.post({
        transactionId,
        idempotencyKey,
        metadata,
        legs: [
          {
            accountId,
            currency,
            units,
            type: 'HOLD',
            counterparty: null,
            hold: { holdId, expiresAt },
          },
        ],
      });
      const data: HoldRecordData = {
        accountId,
        currency: currency.code,
        amount: currency.render(units),
        expiresAt,
        status: 'active',
        txTime: draft.txTime,
        placedBy: transactionId,
      };
      draft.putRecord(holdRecordKey(holdId), recordData(data));
      placed = { expiresAt, available: available(draft, accountId, currency) };
      return entries;
    },
    result(_entries, _transactionId, txTime) {
      return {
        holdId,
        accountId,
        currency: currency.code,
        amount: currency.render(units),
        status: 'active',
        expiresAt: placed!.expiresAt,
        available: placed!.available,
        txTime,
        replayed: false,
      };
    },
  };
}

/**
 * A new hold id: a UUID version 7 and, after a `~`, the holder's account id (which cannot hold a
 * `~`), so a capture or release knows which wallet to lock without reading the hold first.
 */
function newHoldId(accountId: string): string {
  return `${newTransactionId(Date.now())}~${accountId}`;
}

const HOLD_ID_PATTERN = /^[0-9a-f-]{36}~([A-Za-z0-9][A-Za-z0-9._:@-]{0,127})$/;

/** The longest hold id: a UUID, `~` and the longest account id. */
const MAX_HOLD_ID_LENGTH = 36 + 1 + 128;

/**
 * The holder's account id, read from a hold id.
 *
 * @throws {ValidationError} for text that is not an id; {@link HoldNotFoundError} for an id no
 *   hold can have
 */
function holderOf(holdId: string): string {
  const holder = HOLD_ID_PATTERN.exec(holdId)?.[1];
  if (holder === undefined) throw new HoldNotFoundError(holdId);
  return holder;
}

/**
 * An amount as given, normalized without knowing its currency (the hold's, read in the
 * transaction): `1.5` and `"1.50"` are one request.
 *
 * @throws {InvalidAmountError}
 */
function amountText(value: unknown, field: string): string {
  const units = parseAmount(value, 18, field);
  const text = renderAmount(units, 18);
  return text.replace(/\.?0+$/, '');
}

/** A hold as its record says, read before the transaction to learn its wallet. */
async function heldBy(
  ledger: LedgerStore,
  holdId: string,
  context: OperationContext,
): Promise<{ data: HoldRecordData; currency: Currency }> {
  const record = await ledger.getRecord(holdRecordKey(holdId));
  if (!record) throw new HoldNotFoundError(holdId);
  const data = holdData(record);
  return { data, currency: context.currencies.get(data.currency) };
}

/** The hold as the transaction reads it, or the error of a hold that cannot be settled now. */
function activeHold(draft: LedgerDraft, holdId: string, context: OperationContext) {
  const record = draft.record(holdRecordKey(holdId));
  if (!record) throw new HoldNotFoundError(holdId);
  const data = holdData(record);
  const currency = context.currencies.get(data.currency);
  const status = holdStatus(data, draft.holdsOf(data.accountId), holdId, draft.txTime);
  if (status !== 'active') throw new HoldNotActiveError(holdId, status);
  const units = decimalToUnits(data.amount, currency.scale)!;
  return { data, units, currency };
}

function side(entry: JournalEntry): CaptureSide {
  return {
    accountId: entry.accountId,
    previousBalance: entry.balanceBefore,
    currentBalance: entry.balanceAfter,
  };
}

/**
 * The operation of `captureHold`: debit all or part of a hold from its wallet (crediting
 * another wallet when `toAccountId` is given) and release the rest. The hold id names the
 * holder; the hold itself (its currency, amount and state) is read in the transaction.
 *
 * @throws {HoldNotFoundError} for an id no hold can have
 * @example
 * const operation = captureHoldOperation(input);
 */
export function captureHoldOperation(
  input: CaptureHoldInput,
  context: OperationContext,
): Operation<CaptureResult> {
  const request = check.requestObject(input);
  const holdId = check.identifier(request.holdId, 'holdId', MAX_HOLD_ID_LENGTH);
  const holder = holderOf(holdId);
  const to =
    request.toAccountId === undefined || request.toAccountId === null
      ? null
      : check.accountId(request.toAccountId, 'toAccountId');
  if (to === holder) {
    throw new ValidationError('toAccountId must be another wallet than the holder', {
      field: 'toAccountId',
    });
  }
  const asked =
    request.amount === undefined || request.amount === null
      ? null
      : amountText(request.amount, 'amount');
  const metadata = check.metadata(request.metadata);
  const { idempotencyKey, scopedKey } = requestKeys(request, holder);
  const key = holdRecordKey(holdId);
  // `creditTo` is the wallet the capture credits: `to`, or a hot wallet's sub-account in its
  // place (see `credits` below); the request, and so its fingerprint, names `to` either way.
  const build = (creditTo: string | null): Operation<CaptureResult> => ({
    accountIds: creditTo === null ? [holder] : [holder, creditTo],
    idempotencyKey,
    scopedKey,
    recordKeys: [key],
    maxRecords: (to === null ? 4 : 6) + (scopedKey === null ? 0 : 1),
    metadata,
    legs: null,
    canonicalRequest() {
      // `canonicalJson` of { operation, holdId, amount, toAccountId, metadata }, in JCS order.
      return (
        `{"amount":${asked === null ? 'null' : quoteJson(asked)}` +
        `,"holdId":${quoteJson(holdId)},"metadata":${canonicalJson(metadata)}` +
        `,"operation":"captureHold","toAccountId":${to === null ? 'null' : quoteJson(to)}}`
      );
    },
    apply(draft, transactionId) {
      const hold = activeHold(draft, holdId, context);
      const { currency } = hold;
      // The amount as given, against the hold's scale: "1.0" of a whole currency is refused.
      const captured =
        asked === null ? hold.units : parseAmount(request.amount, currency.scale, 'amount');
      if (captured > hold.units) {
        throw new ValidationError(
          `amount ${currency.render(captured)} exceeds the hold of ${currency.render(hold.units)}`,
          { field: 'amount' },
        );
      }
      const rest = hold.units - captured;
      const legs: Leg[] = [
        {
          accountId: holder,
          currency,
          units: captured,
          type: 'HOLD_CAPTURE',
          counterparty: to,
          hold: { holdId },
        },
      ];
      if (rest > 0n) {
        legs.push({
          accountId: holder,
          currency,
          units: rest,
          type: 'HOLD_RELEASE',
          counterparty: null,
          hold: { holdId },
        });
      }
      if (creditTo !== null) {
        // A sub-account cannot check a limit on its wallet's sum: take the exact path.
        if (context.ownerOf(creditTo) !== creditTo && !spreadable(currency)) throw NOT_SPREADABLE;
        legs.push({
          accountId: creditTo,
          currency,
          units: captured,
          type: 'TRANSFER_IN',
          counterparty: holder,
        });
      }
      const entries = draft.post({ transactionId, idempotencyKey, metadata, legs });
      draft.putRecord(
        key,
        recordData(
          settledData(
            hold.data,
            'captured',
            draft.txTime,
            transactionId,
            currency.render(captured),
          ),
        ),
      );
      return entries;
    },
    result(entries, transactionId, txTime) {
      const [capture] = entries;
      const released = entries.find((entry) => entry.type === 'HOLD_RELEASE');
      const credited = entries.find((entry) => entry.type === 'TRANSFER_IN');
      return {
        transactionId,
        holdId,
        txTime,
        replayed: false,
        captured: capture!.amount,
        released: released?.amount ?? context.currencies.get(capture!.currency).render(0n),
        from: side(capture!),
        to: credited === undefined ? null : side(credited),
      };
    },
  });
  const operation = build(to);
  if (to !== null) {
    operation.credits = { accountIds: [to], to: (moved) => build(moved(to)) };
  }
  return operation;
}

/**
 * The operation of `releaseHold`: free all of a hold's funds.
 *
 * @throws {HoldNotFoundError} for an id no hold can have
 * @example
 * const operation = releaseHoldOperation(input, context);
 */
export function releaseHoldOperation(
  input: ReleaseHoldInput,
  context: OperationContext,
): Operation<HoldResult> {
  const request = check.requestObject(input);
  const holdId = check.identifier(request.holdId, 'holdId', MAX_HOLD_ID_LENGTH);
  const holder = holderOf(holdId);
  const { idempotencyKey, scopedKey } = requestKeys(request, holder);
  const key = holdRecordKey(holdId);
  let released: { data: HoldRecordData; available: string } | undefined;
  return {
    accountIds: [holder],
    idempotencyKey,
    scopedKey,
    recordKeys: [key],
    maxRecords: 3 + (scopedKey === null ? 0 : 1),
    metadata: null,
    legs: null,
    canonicalRequest() {
      return `{"holdId":${quoteJson(holdId)},"operation":"releaseHold"}`;
    },
    apply(draft, transactionId) {
      const hold = activeHold(draft, holdId, context);
      const entries = draft.post({
        transactionId,
        idempotencyKey,
        metadata: null,
        legs: [
          {
            accountId: holder,
            currency: hold.currency,
            units: hold.units,
            type: 'HOLD_RELEASE',
            counterparty: null,
            hold: { holdId },
          },
        ],
      });
      draft.putRecord(
        key,
        recordData(settledData(hold.data, 'released', draft.txTime, transactionId)),
      );
      released = { data: hold.data, available: available(draft, holder, hold.currency) };
      return entries;
    },
    result(entries, _transactionId, txTime) {
      return {
        holdId,
        accountId: holder,
        currency: released!.data.currency,
        amount: entries[0]!.amount,
        status: 'released',
        expiresAt: released!.data.expiresAt,
        available: released!.available,
        txTime,
        replayed: false,
      };
    },
  };
}

/**
 * `getHold`: a hold as it stands now (`expired` once past `expiresAt`, whether or not its
 * release is journaled yet), with what its wallet may spend in its currency.
 *
 * @throws {HoldNotFoundError}
 * @example
 * const hold = await holdDetails(ledger, context, holdId, new Date().toISOString());
 */
export async function holdDetails(
  ledger: LedgerStore,
  context: OperationContext,
  holdId: unknown,
  now: string,
): Promise<HoldResult> {
  const id = check.identifier(holdId, 'holdId', MAX_HOLD_ID_LENGTH);
  const { data, currency } = await heldBy(ledger, id, context);
  const wallet = await ledger.getWallet(data.accountId);
  const holds = wallet?.holds ?? [];
  const balance = decimalToUnits(wallet?.balances[currency.code] ?? '0', currency.scale) ?? 0n;
  return {
    holdId: id,
    accountId: data.accountId,
    currency: data.currency,
    amount: data.amount,
    status: holdStatus(data, holds, id, now),
    expiresAt: data.expiresAt,
    available: currency.render(balance - heldOf(holds, currency, now)),
    txTime: data.txTime,
    replayed: false,
  };
}
