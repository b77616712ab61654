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
 */
export interface JournalEntry {
  /** Shared by every entry the same operation wrote. */
  transactionId: string;
  accountId: string;
  /** 1, 2, 3, ... per wallet, without gaps. */
  sequence: number;
  type: EntryType;
  currency: string;
  /** Always > 0. */
  amount: string;
  balanceBefore: string;
  balanceAfter: string;
  /** ISO 8601 UTC with milliseconds. */
  txTime: string;
  idempotencyKey: string | null;
  /** The other wallet of a transfer, else null. */
  counterparty: string | null;
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

/** A wallet as the service returns it: every configured currency is listed. */
export interface Wallet {
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
  createdAt: string;
  updatedAt: string;
  metadata: Metadata | null;
}

/** The result of `addFunds` and `withdrawFunds`. */
export interface FundsResult {
  transactionId: string;
  accountId: string;
  currency: string;
  amount: string;
  previousBalance: string;
  currentBalance: string;
  txTime: string;
  /** True when this is the stored result of an earlier call with the same idempotency key. */
  replayed: boolean;
}

/** One side of a transfer. */
export interface TransferSide {
  accountId: string;
  previousBalance: string;
  currentBalance: string;
}

/** The result of `transfer`. */
export interface TransferResult {
  transactionId: string;
  currency: string;
  amount: string;
  txTime: string;
  replayed: boolean;
  from: TransferSide;
  to: TransferSide;
}

/** One currency leg of an exchange. */
export interface ExchangeSide {
  currency: string;
  amount: string;
  previousBalance: string;
  currentBalance: string;
}

/** The result of `exchange`. */
export interface ExchangeResult {
  transactionId: string;
  accountId: string;
  txTime: string;
  replayed: boolean;
  from: ExchangeSide;
  to: ExchangeSide;
}

/** A page of a wallet's journal. */
export interface HistoryPage {
  items: JournalEntry[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** The outcome of `verifyWallet`. */
export interface VerificationReport {
  /** True when `problems` is empty. */
  ok: boolean;
  /** How many journal entries were checked. */
  entries: number;
  /** The last entry's hash (64 zeros for an empty journal). */
  headHash: string;
  /** One sentence per broken rule, in journal order. */
  problems: string[];
}

/** One leg of a transaction reversed: the wallet, what moved, and its balance around it. */
export interface ReversalLeg {
  accountId: string;
  currency: string;
  amount: string;
  previousBalance: string;
  currentBalance: string;
}

/** The result of `reverseTransaction`. */
export interface ReversalResult {
  transactionId: string;
  /** The transaction reversed. */
  reverses: string;
  txTime: string;
  replayed: boolean;
  /** One per balance-changing leg of the original, in the original's order. */
  legs: ReversalLeg[];
}

/** The result of `getTransaction`. */
export interface TransactionDetails {
  transactionId: string;
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

/** The result of `placeHold` and `releaseHold`. */
export interface HoldResult {
  holdId: string;
  accountId: string;
  currency: string;
  /** What the hold reserves (reserved, for a hold no longer active). */
  amount: string;
  status: HoldStatus;
  expiresAt: string;
  /** What the wallet may spend in the hold's currency once the call committed. */
  available: string;
  txTime: string;
  replayed: boolean;
}

/** The holder's or the receiver's side of a capture. */
export interface CaptureSide {
  accountId: string;
  previousBalance: string;
  currentBalance: string;
}

/** The result of `captureHold`. */
export interface CaptureResult {
  transactionId: string;
  holdId: string;
  txTime: string;
  replayed: boolean;
  /** The amount debited from the holder. */
  captured: string;
  /** The rest of the hold, released (`"0"` at scale when captured in full). */
  released: string;
  from: CaptureSide;
  /** The wallet credited when captured to another wallet; else null. */
  to: CaptureSide | null;
}

/** One leg of a posting as it applied. */
export interface PostingLegResult {
  accountId: string;
  currency: string;
  direction: 'debit' | 'credit';
  amount: string;
  previousBalance: string;
  currentBalance: string;
}

/** The result of `post`. */
export interface PostingResult {
  transactionId: string;
  txTime: string;
  replayed: boolean;
  /** In the order of the request's legs. */
  legs: PostingLegResult[];
}

/** A page of wallets, by account id. */
export interface WalletPage {
  items: Wallet[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** The result of `releaseExpiredHolds`. */
export interface ExpiredHoldsReport {
  /** How many expired holds were released in the journal. */
  released: number;
  /** How many wallets they were in. */
  wallets: number;
}
