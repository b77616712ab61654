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
] as const;

/** One of {@link ENTRY_TYPES}. */
export type EntryType = (typeof ENTRY_TYPES)[number];

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
}

/**
 * Every field of a {@link JournalEntry}, in the order DESIGN lists them: what a stored journal
 * document or history item must hold, no more and no less.
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
