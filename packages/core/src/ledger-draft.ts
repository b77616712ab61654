import { decimalToUnits } from './amount.js';
import type { Currency } from './currency.js';
import {
  BalanceLimitExceededError,
  InsufficientFundsError,
  WalletAlreadyExistsError,
  WalletNotFoundError,
} from './errors.js';
import { GENESIS_HASH, hashEntry } from './hash-chain.js';
import type { IdempotencyRecord, LedgerSnapshot, LedgerWrite, WalletRecord } from './ports.js';
import type { EntryType, JournalEntry, Metadata } from './types.js';

/** Entry types that add to a balance; the others subtract. */
const CREDIT_TYPES: ReadonlySet<EntryType> = new Set(['CREDIT', 'TRANSFER_IN', 'EXCHANGE_IN']);

/** True when an entry of this type adds its amount to the balance. */
export function isCreditType(type: EntryType): boolean {
  return CREDIT_TYPES.has(type);
}

/** One balance change of an operation. */
export interface Leg {
  accountId: string;
  currency: Currency;
  /** Minor units, > 0. */
  units: bigint;
  type: EntryType;
  counterparty: string | null;
}

/** An operation's legs and what every entry of it shares. */
export interface Posting {
  transactionId: string;
  idempotencyKey: string | null;
  metadata: Metadata | null;
  legs: readonly Leg[];
}

/** A balance a draft changed: its minor units and their rendering. */
interface Balance {
  units: bigint;
  text: string;
}

interface WalletDraft {
  readonly record: WalletRecord;
  /** Balances changed so far, by currency code. */
  balances: Map<string, Balance>;
  sequence: number;
  headHash: string;
  /** How many postings changed this wallet: its version goes up by as many. */
  postings: number;
}

/**
 * The working state of one ledger transaction: wallets as read, changed by postings in order,
 * turned into one {@link LedgerWrite}. All balance rules are enforced here.
 */
export class LedgerDraft {
  readonly #snapshot: LedgerSnapshot;
  readonly #txTime: string;
  readonly #epochMs: number;
  /** The wallets postings have changed, by account id. */
  readonly #wallets = new Map<string, WalletDraft>();
  readonly #created: WalletRecord[] = [];
  readonly #entries: JournalEntry[] = [];
  readonly #idempotency = new Map<string, IdempotencyRecord>();

  /** `now` is read once: every entry and wallet change of the draft carries that time. */
  constructor(snapshot: LedgerSnapshot, now: Date) {
    this.#snapshot = snapshot;
    this.#epochMs = now.getTime();
    this.#txTime = isoTime(this.#epochMs);
  }

  /** The transaction time every entry of this draft carries, ISO 8601 with milliseconds. */
  get txTime(): string {
    return this.#txTime;
  }

  /** The same time in milliseconds since the epoch. */
  get epochMs(): number {
    return this.#epochMs;
  }

  /** A committed or drafted idempotency record for `key`. */
  idempotencyRecord(key: string): IdempotencyRecord | undefined {
    return this.#idempotency.get(key) ?? this.#snapshot.idempotency.get(key);
  }

  /** Remembers a key's result; it is written with the draft. */
  rememberKey(record: IdempotencyRecord): void {
    this.#idempotency.set(record.key, record);
  }

  /**
   * Adds a new wallet with no balances.
   *
   * @throws {WalletAlreadyExistsError}
   */
  createWallet(accountId: string, metadata: Metadata | null): WalletRecord {
    if (this.#snapshot.wallets.has(accountId) || this.#wallets.has(accountId)) {
      throw new WalletAlreadyExistsError(accountId);
    }
    const record = newWalletRecord(accountId, metadata, this.#txTime);
    this.#created.push(record);
    return record;
  }

  /**
   * Applies every leg of a posting in order, or none of them, and returns the posting's entries.
   *
   * @throws {WalletNotFoundError} {InsufficientFundsError} {BalanceLimitExceededError}
   */
  post(posting: Posting): JournalEntry[] {
    // Legs change working copies, kept only once every leg applied, so a refused posting
    // leaves the draft as it was.
    const pending = new Map<string, WalletDraft>();
    const entries: JournalEntry[] = [];
    for (const leg of posting.legs) {
      let draft = pending.get(leg.accountId);
      if (!draft) {
        draft = this.#workingCopy(leg.accountId);
        pending.set(leg.accountId, draft);
      }
      entries.push(this.#applyLeg(draft, leg, posting));
    }
    for (const [accountId, draft] of pending) {
      draft.postings++;
      this.#wallets.set(accountId, draft);
    }
    for (const entry of entries) this.#entries.push(entry);
    return entries;
  }

  /** Everything to commit, or null when nothing changed. */
  toWrite(): LedgerWrite | null {
    const wallets = [...this.#created];
    for (const draft of this.#wallets.values()) wallets.push(this.#updatedRecord(draft));
    if (wallets.length === 0 && this.#idempotency.size === 0) return null;
    return { wallets, entries: this.#entries, idempotency: [...this.#idempotency.values()] };
  }

  /** A copy of the wallet as this draft has it, for a posting to change. */
  #workingCopy(accountId: string): WalletDraft {
    const drafted = this.#wallets.get(accountId);
    if (drafted) return { ...drafted, balances: new Map(drafted.balances) };
    // A wallet this draft has not changed yet is read afresh: nothing to copy.
    const record = this.#snapshot.wallets.get(accountId);
    if (!record) throw new WalletNotFoundError(accountId);
    return {
      record,
      balances: new Map(),
      sequence: record.sequence,
      headHash: record.headHash,
      postings: 0,
    };
  }

  #applyLeg(draft: WalletDraft, leg: Leg, posting: Posting): JournalEntry {
    const { currency, units } = leg;
    const before = balanceOf(draft, currency);
    const credit = CREDIT_TYPES.has(leg.type);
    const after = credit ? before + units : before - units;
    if (!credit && after < currency.minUnits) {
      throw new InsufficientFundsError({
        accountId: leg.accountId,
        currency: currency.code,
        balance: currency.render(before),
        requested: currency.render(units),
      });
    }
    if (credit && after > currency.maxUnits) {
      throw new BalanceLimitExceededError({
        accountId: leg.accountId,
        currency: currency.code,
        balance: currency.render(before),
        requested: currency.render(units),
        limit: currency.render(currency.maxUnits),
      });
    }
    const balanceAfter = currency.render(after);
    // One literal with every field, hashed in place (the hash covers every field but `hash`).
    // Spreading a hash-less body into an entry would cost a second object, and V8 gives every
    // object built as a spread plus a new property a hidden class of its own (retained with
    // each stored entry, and too many shapes for property reads to stay fast).
    const entry: JournalEntry = {
      transactionId: posting.transactionId,
      accountId: leg.accountId,
      sequence: draft.sequence + 1,
      type: leg.type,
      currency: currency.code,
      amount: currency.render(units),
      balanceBefore: currency.render(before),
      balanceAfter,
      txTime: this.#txTime,
      idempotencyKey: posting.idempotencyKey,
      counterparty: leg.counterparty,
      metadata: posting.metadata,
      prevHash: draft.headHash,
      hash: '',
    };
    entry.hash = hashEntry(entry);
    draft.balances.set(currency.code, { units: after, text: balanceAfter });
    draft.sequence = entry.sequence;
    draft.headHash = entry.hash;
    return entry;
  }

  #updatedRecord(draft: WalletDraft): WalletRecord {
    const balances = { ...draft.record.balances };
    for (const [code, balance] of draft.balances) balances[code] = balance.text;
    return {
      ...draft.record,
      balances,
      version: draft.record.version + draft.postings,
      sequence: draft.sequence,
      headHash: draft.headHash,
      updatedAt: this.#txTime,
    };
  }
}

// The last txTime written. `toISOString` costs about as much as hashing an entry, and drafts
// come many to a millisecond under load (all of which then share one string).
let isoMs = Number.NaN;
let iso = '';

/** `new Date(epochMs).toISOString()`, remembered for the last millisecond asked. */
function isoTime(epochMs: number): string {
  if (epochMs !== isoMs) {
    iso = new Date(epochMs).toISOString();
    isoMs = epochMs;
  }
  return iso;
}

function balanceOf(draft: WalletDraft, currency: Currency): bigint {
  const changed = draft.balances.get(currency.code);
  if (changed !== undefined) return changed.units;
  const stored = draft.record.balances[currency.code];
  const units = stored === undefined ? 0n : decimalToUnits(stored, currency.scale);
  if (units === undefined) {
    throw new Error(
      `wallet ${draft.record.accountId} holds ${stored} ${currency.code}, not a decimal at scale ${currency.scale}`,
    );
  }
  return units;
}

/** A new, empty wallet record created at `time`. */
export function newWalletRecord(
  accountId: string,
  metadata: Metadata | null,
  time: string,
): WalletRecord {
  return {
    accountId,
    balances: {},
    version: 0,
    sequence: 0,
    headHash: GENESIS_HASH,
    createdAt: time,
    updatedAt: time,
    metadata,
  };
}
