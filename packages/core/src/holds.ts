import { decimalToUnits, parseAmount, renderAmount } from './amount.js';
import { canonicalJson, quoteJson } from './canonical-json.js';
import type { Currency } from './currency.js';
import { HoldNotActiveError, HoldNotFoundError, ValidationError } from './errors.js';
import { type HoldRecordData, holdData, holdRecordKey, settledHold } from './hold-record.js';
import { NOT_SPREADABLE, spreadable } from './hot-wallets.js';
import { requestKeys } from './idempotency.js';
import { heldOf, type LedgerDraft, type Leg } from './ledger-draft.js';
import type { Operation, OperationContext } from './operation.js';
import type { LedgerStore, WalletHold } from './ports.js';
import type { CaptureHoldInput, PlaceHoldInput, ReleaseHoldInput } from './requests.js';
import { newTransactionId } from './transaction-id.js';
import type { CaptureResult, CaptureSide, HoldResult, HoldStatus, JournalEntry } from './types.js';
import * as check from './validation.js';

/** The most active holds one wallet may carry. */
export const MAX_ACTIVE_HOLDS = 100;
/** How long a hold lasts when the call names no `expiresInSeconds`: 15 minutes. */
export const DEFAULT_HOLD_SECONDS = 900;
/** The longest a hold may last: 7 days. */
export const MAX_HOLD_SECONDS = 7 * 24 * 3600;

/**
 * Where a hold stands at `time`, from the hold its wallet carries (if any) and its record (if
 * any): a record that says how it ended; else `active` while the wallet carries it unexpired;
 * else `expired` (an expiry not yet journaled, or that of a hold whose record is from its
 * placement), or undefined when there is no such hold.
 */
function holdStatus(
  hold: WalletHold | undefined,
  data: HoldRecordData | undefined,
  time: string,
): HoldStatus | undefined {
  if (data !== undefined && data.status !== 'active') return data.status;
  if (hold !== undefined) return hold.expiresAt > time ? 'active' : 'expired';
  return data === undefined ? undefined : recordedStatus(data);
}

/**
 * Where a hold whose wallet no longer carries it stands, by its record: as the record says, or
 * `expired` for a record from a placement still `active` (the hold's expiry was journaled).
 */
function recordedStatus(data: HoldRecordData): HoldStatus {
  return data.status === 'active' ? 'expired' : data.status;
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
    maxRecords: 2 + (scopedKey === null ? 0 : 1),
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
      // No record: the wallet carries the active hold (see `HoldRecordData`).
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

/**
 * The hold `holdId` of `holder` as the transaction reads it, or the error of a hold that cannot
 * be settled now. The transaction read the hold's record too: a hold that ended has one.
 */
function activeHold(draft: LedgerDraft, holder: string, holdId: string, context: OperationContext) {
  const record = draft.record(holdRecordKey(holdId));
  const hold = draft.findHold(holder, holdId);
  const status = holdStatus(hold, record && holdData(record), draft.txTime);
  if (status === undefined) throw new HoldNotFoundError(holdId);
  if (status !== 'active') throw new HoldNotActiveError(holdId, status);
  const currency = context.currencies.get(hold!.currency);
  const units = decimalToUnits(hold!.amount, currency.scale)!;
  return { held: hold!, units, currency };
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
      const active = activeHold(draft, holder, holdId, context);
      const { currency } = active;
      // The amount as given, against the hold's scale: "1.0" of a whole currency is refused.
      const captured =
        asked === null ? active.units : parseAmount(request.amount, currency.scale, 'amount');
      if (captured > active.units) {
        throw new ValidationError(
          `amount ${currency.render(captured)} exceeds the hold of ${currency.render(active.units)}`,
          { field: 'amount' },
        );
      }
      const rest = active.units - captured;
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
        settledHold(
          active.held,
          holder,
          'captured',
          draft.txTime,
          transactionId,
          currency.render(captured),
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
  let released: { hold: WalletHold; available: string } | undefined;
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
      const active = activeHold(draft, holder, holdId, context);
      const entries = draft.post({
        transactionId,
        idempotencyKey,
        metadata: null,
        legs: [
          {
            accountId: holder,
            currency: active.currency,
            units: active.units,
            type: 'HOLD_RELEASE',
            counterparty: null,
            hold: { holdId },
          },
        ],
      });
      draft.putRecord(
        key,
        settledHold(active.held, holder, 'released', draft.txTime, transactionId),
      );
      released = { hold: active.held, available: available(draft, holder, active.currency) };
      return entries;
    },
    result(entries, _transactionId, txTime) {
      return {
        holdId,
        accountId: holder,
        currency: released!.hold.currency,
        amount: entries[0]!.amount,
        status: 'released',
        expiresAt: released!.hold.expiresAt,
        available: released!.available,
        txTime,
        replayed: false,
      };
    },
  };
}

/**
 * When the placement of hold `holdId` was asked for: the time its id was made (a UUID version 7,
 * whose first 48 bits are milliseconds since the epoch), a few milliseconds before the hold's
 * `txTime`. Read only for a hold whose wallet an earlier version rewrote, dropping `placedAt`,
 * before the hold had a record.
 */
function requestedAt(holdId: string): string {
  return new Date(Number.parseInt(holdId.slice(0, 8) + holdId.slice(9, 13), 16)).toISOString();
}

/**
 * A capture's or release's outcome, with a refusal of a hold found nowhere checked once more. A
 * store whose snapshot is not one atomic read (DynamoDB reads a transaction's items with
 * `BatchGetItem`) may read the wallet after a settlement that committed meanwhile and the hold's
 * record before it: the hold is then neither on its wallet nor recorded. Its record, read now,
 * says how it ended; only a hold still unrecorded is {@link HoldNotFoundError}.
 *
 * @example
 * const capture = await checkedRefusal(ledger, run(captureHoldOperation(input, context)));
 */
export async function checkedRefusal<R>(ledger: LedgerStore, settling: Promise<R>): Promise<R> {
  try {
    return await settling;
  } catch (error) {
    if (!(error instanceof HoldNotFoundError)) throw error;
    const record = await ledger.getRecord(holdRecordKey(error.holdId));
    if (record === null) throw error;
    throw new HoldNotActiveError(error.holdId, recordedStatus(holdData(record)));
  }
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
  const holder = holderOf(id);
  const wallet = await ledger.getWallet(holder);
  const holds = wallet?.holds ?? [];
  const hold = holds.find((candidate) => candidate.holdId === id);
  // A hold its wallet carries with `placedAt` has no record yet; any other has one, or is none.
  const record = hold?.placedAt === undefined ? await ledger.getRecord(holdRecordKey(id)) : null;
  const data = record === null ? undefined : holdData(record);
  const status = holdStatus(hold, data, now);
  if (status === undefined) throw new HoldNotFoundError(id);
  const about = hold ?? data!;
  const currency = context.currencies.get(about.currency);
  const balance = decimalToUnits(wallet?.balances[currency.code] ?? '0', currency.scale) ?? 0n;
  return {
    holdId: id,
    accountId: holder,
    currency: about.currency,
    amount: about.amount,
    status,
    expiresAt: about.expiresAt,
    available: currency.render(balance - heldOf(holds, currency, now)),
    txTime: data?.txTime ?? hold!.placedAt ?? requestedAt(id),
    replayed: false,
  };
}
