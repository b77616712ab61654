import type { LedgerRecord, WalletHold } from './ports.js';
import type { JsonValue } from './types.js';

/**
 * What the ledger remembers of a hold once it has left its wallet: how it ended. While a hold is
 * active it lives only in its wallet's list (see {@link WalletHold}); this record is written when
 * it is captured or released, or when its expiry is journaled, so a late capture or release is
 * told the hold is no longer active rather than that it never was.
 *
 * A hold placed before `placedAt` existed also has a record from its placement, `active` until it
 * settles; its expiry leaves that record as it was, and the hold's absence from its wallet then
 * says it expired.
 *
 * @example
 * const data = record.data as unknown as HoldRecordData;
 */
export interface HoldRecordData {
  accountId: string;
  currency: string;
  amount: string;
  expiresAt: string;
  /** `active` only in the record of a hold placed before `placedAt` existed. */
  status: 'active' | 'captured' | 'released' | 'expired';
  /** When the hold last changed: settled, or (a record from a placement) placed. */
  txTime: string;
  /** The transaction that settled the hold; absent for an expiry and a placement's record. */
  settledBy?: string;
  /** What a capture took, at the hold's scale. */
  captured?: string;
}

/**
 * The record key of a hold.
 *
 * @example
 * holdRecordKey('0190b6d2-…~player-1'); // 'hold:0190b6d2-…~player-1'
 */
export function holdRecordKey(holdId: string): string {
  return `hold:${holdId}`;
}

/**
 * A record's data as a hold's.
 *
 * @example
 * const { status } = holdData(record);
 */
export function holdData(record: LedgerRecord): HoldRecordData {
  return record.data as unknown as HoldRecordData;
}

/**
 * The record of a hold that ended: captured or released by `settledBy`, or expired. Every field
 * is named rather than spread from the hold: a spread plus new properties gives each such object
 * a hidden class of its own.
 *
 * @example
 * draft.putRecord(holdRecordKey(hold.holdId), settledHold(hold, accountId, 'released', txTime, transactionId));
 */
export function settledHold(
  hold: WalletHold,
  accountId: string,
  status: 'captured' | 'released' | 'expired',
  txTime: string,
  settledBy?: string,
  captured?: string,
): { [key: string]: JsonValue } {
  const data: HoldRecordData = {
    accountId,
    currency: hold.currency,
    amount: hold.amount,
    expiresAt: hold.expiresAt,
    status,
    txTime,
  };
  if (settledBy !== undefined) data.settledBy = settledBy;
  if (captured !== undefined) data.captured = captured;
  return data as unknown as { [key: string]: JsonValue };
}
