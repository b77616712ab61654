import type { Digest } from './digest.js';

/** A JSON value, as metadata may hold. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };

/** Free-form data a caller attaches to a wallet or an operation. */
export type Metadata = { [key: string]: JsonValue };

/** The journal entry types, one per leg of an operation. */
export const ENTRY_TYPES = [
  'CREDIT',
  'DEBIT',
  'TRANSFER_IN',
  'TRANSFER_OUT',
  'EXCHANGE_IN',
  'EXCHANGE_OUT',
  'REVERSAL_CREDIT',
  'REVERSAL_DEBIT',
  'HOLD',
  'HOLD_CAPTURE',
  'HOLD_RELEASE',
  'POSTING_IN',
  'POSTING_OUT',
] as const;

/** One of {@link ENTRY_TYPES}. */
export type EntryType = (typeof ENTRY_TYPES)[number];

/**
 * The entry types that add their amount to the balance; {@link DEBIT_ENTRY_TYPES} subtract it,
 * and `HOLD` and `HOLD_RELEASE` leave it unchanged (they move funds in and out of `held`).
 *
 * @example
 * CREDIT_ENTRY_TYPES.includes(entry.type); // the balance went up by entry.amount
 */
export const CREDIT_ENTRY_TYPES = [
  'CREDIT',
  'TRANSFER_IN',
  'EXCHANGE_IN',
  'REVERSAL_CREDIT',
  'POSTING_IN',
] as const satisfies readonly EntryType[];

/**
 * The entry types that subtract their amount from the balance.
 *
 * @example
 * DEBIT_ENTRY_TYPES.includes(entry.type); // the balance went down by entry.amount
 */
export const DEBIT_ENTRY_TYPES = [
  'DEBIT',
  'TRANSFER_OUT',
  'EXCHANGE_OUT',
  'REVERSAL_DEBIT',
  'HOLD_CAPTURE',
  'POSTING_OUT',
] as const satisfies readonly EntryType[];

/**
 * The fields only some entry types carry, by type: a reversal names what it reverses (and why),
 * a hold's entries name the hold. Every other type carries none of them, so the entries of the
 * first six types (and their hashes) are what they always were.
 *
 * @example
 * const extra = ENTRY_TYPE_FIELDS[entry.type] ?? []; // ['holdId'] for a HOLD
 */
export const ENTRY_TYPE_FIELDS: Readonly<
  Partial<Record<EntryType, readonly ('reverses' | 'reason' | 'holdId')[]>>
> = {
  REVERSAL_CREDIT: ['reverses', 'reason'],
  REVERSAL_DEBIT: ['reverses', 'reason'],
  HOLD: ['holdId'],
  HOLD_CAPTURE: ['holdId'],
  HOLD_RELEASE: ['holdId'],
};

/**
 * One leg of an operation on one wallet in one currency: the unit of the hash chain.
 * Amounts are decimal strings with exactly the currency's scale.
 *
 * @example
 * const { items } = await wallets.getTransactionHistory({ accountId: 'player-1' });
 * for (const entry of items) console.log(entry.sequence, entry.type, entry.amount, entry.balanceAfter);
 */
export interface JournalEntry {
  /** Shared by every entry the same operation wrote. */
  transactionId: string;
  /** The wallet this entry belongs to. */
  accountId: string;
  /** 1, 2, 3, ... per wallet, without gaps. */
  sequence: number;
  /** What the leg did to the wallet: see {@link CREDIT_ENTRY_TYPES}, {@link DEBIT_ENTRY_TYPES}. */
  type: EntryType;
  /** The currency code of `amount` and the balances. */
  currency: string;
  /** Always > 0. */
  amount: string;
  /** The wallet's balance in `currency` before this entry. */
  balanceBefore: string;
  /** The wallet's balance in `currency` after this entry. */
  balanceAfter: string;
  /** ISO 8601 UTC with milliseconds. */
  txTime: string;
  /** The idempotency key the caller sent with the operation, as sent; null without one. */
  idempotencyKey: string | null;
  /** The other wallet of a transfer, else null. */
  counterparty: string | null;
  /** The operation's metadata, or null. */
  metadata: Metadata | null;
  /** The previous entry's `hash`; 64 zeros for sequence 1. */
  prevHash: string;
  /** SHA-256 (lowercase hex) of the RFC 8785 canonical JSON of this entry without `hash`. */
  hash: string;
  /** `REVERSAL_CREDIT` and `REVERSAL_DEBIT` only: the `transactionId` reversed. */
  reverses?: string;
  /** `REVERSAL_CREDIT` and `REVERSAL_DEBIT` only: why, as the caller said, or null. */
  reason?: string | null;
  /** `HOLD`, `HOLD_CAPTURE` and `HOLD_RELEASE` only: the hold. */
  holdId?: string;
}

/**
 * Every field every {@link JournalEntry} has, in the order DESIGN lists them: what a stored
 * journal document or history item must hold, with the fields of {@link ENTRY_TYPE_FIELDS} for
 * its type, no more and no less.
 *
 * @example
 * const missing = JOURNAL_ENTRY_FIELDS.filter((field) => !(field in document));
 */
export const JOURNAL_ENTRY_FIELDS = [
  'transactionId',
  'accountId',
  'sequence',
  'type',
  'currency',
  'amount',
  'balanceBefore',
  'balanceAfter',
  'txTime',
  'idempotencyKey',
  'counterparty',
  'metadata',
  'prevHash',
  'hash',
] as const satisfies readonly (keyof JournalEntry)[];

/**
 * A wallet as the service returns it: every configured currency is listed.
 *
 * @example
 * const wallet = await wallets.getFunds({ accountId: 'player-1' });
 * wallet.balances.GEMS; // '120'
 */
export interface Wallet {
  /** The wallet's account id. */
  accountId: string;
  /** Currency code to balance, rendered at the currency's scale. */
  balances: Record<string, string>;
  /**
   * Currency code to the funds active holds reserve: `balance - held` is what a debit may
   * spend. Expired holds no longer count, even before their release is journaled.
   */
  held: Record<string, string>;
  /** Incremented by every committed operation on this wallet; 0 when new. */
  version: number;
  /** When the wallet was created: ISO 8601 UTC with milliseconds. */
  createdAt: string;
  /** When an operation last changed the wallet: ISO 8601 UTC with milliseconds. */
  updatedAt: string;
  /** The metadata the wallet was created with, or null. */
  metadata: Metadata | null;
}

/**
 * The result of `addFunds` and `withdrawFunds`.
 *
 * @example
 * const result = await wallets.addFunds({ accountId: 'player-1', amount: '10', idempotencyKey: 'order-1' });
 * result.currentBalance; // the balance after the credit
 */
export interface FundsResult {
  /** The id of the operation's transaction. */
  transactionId: string;
  /** The wallet credited or debited. */
  accountId: string;
  /** The currency code. */
  currency: string;
  /** The amount credited or debited, at the currency's scale. */
  amount: string;
  /** The wallet's balance before the operation. */
  previousBalance: string;
  /** The wallet's balance after the operation. */
  currentBalance: string;
  /** The operation's time, as its journal entries carry it: ISO 8601 UTC with milliseconds. */
  txTime: string;
  /** True when this is the stored result of an earlier call with the same idempotency key. */
  replayed: boolean;
}

/**
 * One side of a transfer.
 *
 * @example
 * const { from } = await wallets.transfer({ fromAccountId: 'p1', toAccountId: 'p2', amount: '5' });
 * from.currentBalance; // p1's balance after the transfer
 */
export interface TransferSide {
  /** The wallet of this side. */
  accountId: string;
  /** Its balance before the transfer. */
  previousBalance: string;
  /** Its balance after the transfer. */
  currentBalance: string;
}

/**
 * The result of `transfer`.
 *
 * @example
 * const result = await wallets.transfer({ fromAccountId: 'p1', toAccountId: 'p2', amount: '5', idempotencyKey: 'gift-9' });
 * console.log(result.from.currentBalance, result.to.currentBalance);
 */
export interface TransferResult {
  /** The id of the transfer's transaction. */
  transactionId: string;
  /** The currency code. */
  currency: string;
  /** The amount moved, at the currency's scale. */
  amount: string;
  /** The transfer's time, as its journal entries carry it: ISO 8601 UTC with milliseconds. */
  txTime: string;
  /** True when this is the stored result of an earlier call with the same idempotency key. */
  replayed: boolean;
  /** The wallet debited. */
  from: TransferSide;
  /** The wallet credited. */
  to: TransferSide;
}

/**
 * One currency leg of an exchange.
 *
 * @example
 * const { to } = await wallets.exchange({ accountId: 'p1', from: { currency: 'GEMS', amount: '8' }, to: { currency: 'GOLD' } });
 * to.amount; // the GOLD credited
 */
export interface ExchangeSide {
  /** The currency code of this leg. */
  currency: string;
  /** The amount debited or credited, at the currency's scale. */
  amount: string;
  /** The wallet's balance in this currency before the exchange. */
  previousBalance: string;
  /** The wallet's balance in this currency after the exchange. */
  currentBalance: string;
}

/**
 * The result of `exchange`.
 *
 * @example
 * const result = await wallets.exchange({ accountId: 'p1', from: { currency: 'GEMS', amount: '8' }, to: { currency: 'GOLD' } });
 * console.log(result.from.amount, result.to.amount);
 */
export interface ExchangeResult {
  /** The id of the exchange's transaction. */
  transactionId: string;
  /** The wallet exchanged in. */
  accountId: string;
  /** The exchange's time, as its journal entries carry it: ISO 8601 UTC with milliseconds. */
  txTime: string;
  /** True when this is the stored result of an earlier call with the same idempotency key. */
  replayed: boolean;
  /** The leg debited. */
  from: ExchangeSide;
  /** The leg credited. */
  to: ExchangeSide;
}

/**
 * A page of a wallet's journal.
 *
 * @example
 * const page: HistoryPage = await wallets.getTransactionHistory({ accountId: 'p1', limit: 20 });
 * if (page.nextCursor) await wallets.getTransactionHistory({ accountId: 'p1', limit: 20, cursor: page.nextCursor });
 */
export interface HistoryPage {
  /** The entries, in the order asked for. */
  items: JournalEntry[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/**
 * The outcome of `verifyWallet`.
 *
 * @example
 * const report = await wallets.verifyWallet({ accountId: 'p1' });
 * if (!report.ok) console.error(report.problems);
 */
export interface VerificationReport {
  /** True when `problems` is empty. */
  ok: boolean;
  /** How many journal entries were checked. */
  entries: number;
  /** The last entry's hash (64 zeros for an empty journal). */
  headHash: string;
  /** One sentence per broken rule, in journal order. */
  problems: string[];
  /**
   * Present when a digest (or a proof) was given: its id, and the sequence its leaf holds for
   * the wallet, or null when the digest holds none (the wallet was created after it).
   */
  digest?: {
    /** The digest (or the proof's digest) checked against. */
    digestId: string;
    /** The sequence its leaf holds for the wallet, or null when it holds none. */
    sequence: number | null;
  };
}

/**
 * One leg of a transaction reversed: the wallet, what moved, and its balance around it.
 *
 * @example
 * const { legs } = await wallets.reverseTransaction({ transactionId, reason: 'refund' });
 * for (const leg of legs) console.log(leg.accountId, leg.amount, leg.currentBalance);
 */
export interface ReversalLeg {
  /** The wallet of this leg. */
  accountId: string;
  /** The currency code. */
  currency: string;
  /** The amount moved back, at the currency's scale. */
  amount: string;
  /** The wallet's balance before the reversal. */
  previousBalance: string;
  /** The wallet's balance after the reversal. */
  currentBalance: string;
}

/**
 * The result of `reverseTransaction`.
 *
 * @example
 * const result = await wallets.reverseTransaction({ transactionId, reason: 'app store refund 4471', idempotencyKey: 'refund-4471' });
 * result.reverses === transactionId; // true
 */
export interface ReversalResult {
  /** The id of the reversal's own transaction. */
  transactionId: string;
  /** The transaction reversed. */
  reverses: string;
  /** The reversal's time, as its journal entries carry it: ISO 8601 UTC with milliseconds. */
  txTime: string;
  /** True when this is the stored result of an earlier call with the same idempotency key. */
  replayed: boolean;
  /** One per balance-changing leg of the original, in the original's order. */
  legs: ReversalLeg[];
}

/**
 * The result of `getTransaction`.
 *
 * @example
 * const details = await wallets.getTransaction({ transactionId });
 * const reversed = details.reversedBy.length > 0;
 */
export interface TransactionDetails {
  /** The transaction's id. */
  transactionId: string;
  /** Its time, as its journal entries carry it: ISO 8601 UTC with milliseconds. */
  txTime: string;
  /**
   * Every entry the transaction wrote: debits first, then credits, then entries that move no
   * balance (`HOLD`, `HOLD_RELEASE`); by account id and sequence within each.
   */
  entries: JournalEntry[];
  /** The transactions that reversed it (all or part), oldest first. */
  reversedBy: string[];
}

/** Where a hold stands. */
export type HoldStatus = 'active' | 'captured' | 'released' | 'expired';

/**
 * The result of `placeHold`, `releaseHold` and `getHold`.
 *
 * @example
 * const hold = await wallets.placeHold({ accountId: 'p1', amount: '50', currency: 'GEMS', expiresInSeconds: 600 });
 * console.log(hold.holdId, hold.expiresAt, hold.available);
 */
export interface HoldResult {
  /** The hold's id: pass it to `captureHold`, `releaseHold` and `getHold`. */
  holdId: string;
  /** The wallet whose funds the hold reserves. */
  accountId: string;
  /** The currency code. */
  currency: string;
  /** What the hold reserves (reserved, for a hold no longer active). */
  amount: string;
  /** Where the hold stands. */
  status: HoldStatus;
  /** When the hold stops reserving its funds: ISO 8601 UTC with milliseconds. */
  expiresAt: string;
  /** What the wallet may spend in the hold's currency once the call committed. */
  available: string;
  /** The call's transaction time; for `getHold`, that of the hold's last change. */
  txTime: string;
  /** True when this is the stored result of an earlier call with the same idempotency key. */
  replayed: boolean;
}

/**
 * The holder's or the receiver's side of a capture.
 *
 * @example
 * const { from } = await wallets.captureHold({ holdId });
 * from.currentBalance; // the holder's balance after the capture
 */
export interface CaptureSide {
  /** The wallet of this side. */
  accountId: string;
  /** Its balance before the capture. */
  previousBalance: string;
  /** Its balance after the capture. */
  currentBalance: string;
}

/**
 * The result of `captureHold`.
 *
 * @example
 * const result = await wallets.captureHold({ holdId: hold.holdId, amount: '30', toAccountId: 'tournament-pool' });
 * console.log(result.captured, result.released); // '30', '20' for a hold of 50
 */
export interface CaptureResult {
  /** The id of the capture's transaction. */
  transactionId: string;
  /** The hold captured. */
  holdId: string;
  /** The capture's time, as its journal entries carry it: ISO 8601 UTC with milliseconds. */
  txTime: string;
  /** True when this is the stored result of an earlier call with the same idempotency key. */
  replayed: boolean;
  /** The amount debited from the holder. */
  captured: string;
  /** The rest of the hold, released (`"0"` at scale when captured in full). */
  released: string;
  /** The holder, debited. */
  from: CaptureSide;
  /** The wallet credited when captured to another wallet; else null. */
  to: CaptureSide | null;
}

/**
 * One leg of a posting as it applied.
 *
 * @example
 * const { legs } = await wallets.post({ legs: [
 *   { accountId: 'buyer', direction: 'debit', amount: '100' },
 *   { accountId: 'seller', direction: 'credit', amount: '100' },
 * ] });
 * legs[0].currentBalance; // the buyer's balance after the posting
 */
export interface PostingLegResult {
  /** The wallet of this leg. */
  accountId: string;
  /** The currency code. */
  currency: string;
  /** Whether the leg took from the wallet or added to it. */
  direction: 'debit' | 'credit';
  /** The amount of the leg, at the currency's scale. */
  amount: string;
  /** The wallet's balance before this leg. */
  previousBalance: string;
  /** The wallet's balance after this leg. */
  currentBalance: string;
}

/**
 * The result of `post`.
 *
 * @example
 * const result = await wallets.post({ legs, idempotencyKey: 'sale-77' });
 * console.log(result.transactionId, result.legs.length);
 */
export interface PostingResult {
  /** The id of the posting's transaction. */
  transactionId: string;
  /** The posting's time, as its journal entries carry it: ISO 8601 UTC with milliseconds. */
  txTime: string;
  /** True when this is the stored result of an earlier call with the same idempotency key. */
  replayed: boolean;
  /** In the order of the request's legs. */
  legs: PostingLegResult[];
}

/**
 * A page of wallets, by account id.
 *
 * @example
 * const page: WalletPage = await wallets.listWallets({ prefix: 'eu-', limit: 100 });
 * for (const wallet of page.items) console.log(wallet.accountId);
 */
export interface WalletPage {
  /** The wallets, by account id ascending. */
  items: Wallet[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/**
 * A page of `listDigests`.
 *
 * @example
 * const { items: [latest] } = await wallets.listDigests({ limit: 1 });
 */
export interface DigestPage {
  /** The digests, newest first. */
  items: Digest[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/**
 * The result of `releaseExpiredHolds`.
 *
 * @example
 * const { released, wallets: touched } = await wallets.releaseExpiredHolds({ limit: 500 });
 */
export interface ExpiredHoldsReport {
  /** How many expired holds were released in the journal. */
  released: number;
  /** How many wallets they were in. */
  wallets: number;
}
