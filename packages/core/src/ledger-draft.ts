import { decimalToUnits } from './amount.js';
import type { Currency, CurrencyRegistry } from './currency.js';
import {
  BalanceLimitExceededError,
  InsufficientFundsError,
  WalletAlreadyExistsError,
  WalletNotFoundError,
} from './errors.js';
import { GENESIS_HASH, hashEntry } from './hash-chain.js';
import { holdRecordKey, settledHold } from './hold-record.js';
import type {
  IdempotencyRecord,
  LedgerRecord,
  LedgerSnapshot,
  LedgerWrite,
  WalletHold,
  WalletRecord,
} from './ports.js';
import { newTransactionId } from './transaction-id.js';
import {
  CREDIT_ENTRY_TYPES,
  DEBIT_ENTRY_TYPES,
  type EntryType,
  type JournalEntry,
  type JsonValue,
  type Metadata,
} from './types.js';

/** Entry types that add to a balance. */
const CREDIT_TYPES: ReadonlySet<EntryType> = new Set(CREDIT_ENTRY_TYPES);
/** Entry types that subtract from it; the rest (`HOLD`, `HOLD_RELEASE`) leave it as it is. */
const DEBIT_TYPES: ReadonlySet<EntryType> = new Set(DEBIT_ENTRY_TYPES);

/**
 * How many expired holds of one wallet a write releases in the journal on its way (the rest
 * stay to the next write or `releaseExpiredHolds`): it bounds what one transaction writes.
 */
export const MAX_EXPIRIES_PER_WRITE = 8;

/** The metadata of the `HOLD_RELEASE` entry that journals a hold's expiry. */
const EXPIRED: Metadata = Object.freeze({ expired: true }) as Metadata;

/** True when an entry of this type adds its amount to the balance. */
export function isCreditType(type: EntryType): boolean {
  return CREDIT_TYPES.has(type);
}

/** True when an entry of this type subtracts its amount from the balance. */
export function isDebitType(type: EntryType): boolean {
  return DEBIT_TYPES.has(type);
}

/** One balance change of an operation (or, for `HOLD` and `HOLD_RELEASE`, of what is held). */
export interface Leg {
  accountId: string;
  currency: Currency;
  /** Minor units, > 0. */
  units: bigint;
  type: EntryType;
  counterparty: string | null;
  /** `HOLD`: the hold placed; `HOLD_CAPTURE`, `HOLD_RELEASE`: the hold settled. */
  hold?: { holdId: string; expiresAt?: string };
  /** `REVERSAL_*`: what is reversed, and why. */
  reversal?: { reverses: string; reason: string | null };
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
  /** Balances as this draft's postings left them, by currency code. */
  balances: Map<string, Balance>;
  sequence: number;
  headHash: string;
  /** How many postings changed this wallet: its version goes up by as many. */
  postings: number;
  /** The active holds as drafted; the record's own list until a posting changes it. */
  holds: readonly WalletHold[];
}

/**
 * What journaling a wallet's expired holds adds to a write: the `HOLD_RELEASE` entries and the
 * records of the holds that ended, kept apart until the posting that met them is kept (a refused
 * posting, in a batch that goes on, leaves no trace of them).
 */
interface Expiries {
  entries: JournalEntry[];
  records: [key: string, data: { [key: string]: JsonValue }][];
}

/**
 * The working state of one ledger transaction: wallets as read, changed by postings in order,
 * turned into one {@link LedgerWrite}. All balance rules are enforced here.
 */
export class LedgerDraft {
  readonly #snapshot: LedgerSnapshot;
  readonly #currencies: CurrencyRegistry;
  readonly #txTime: string;
  readonly #epochMs: number;
  /** The wallets postings have changed, by account id. */
  readonly #wallets = new Map<string, WalletDraft>();
  readonly #created: WalletRecord[] = [];
  readonly #entries: JournalEntry[] = [];
  readonly #idempotency = new Map<string, IdempotencyRecord>();
  readonly #records = new Map<string, LedgerRecord>();
  /** How many more records (entries and hold records) expiries may write (see the constructor). */
  #expiryBudget: number;

  /**
   * `now` is read once: every entry and wallet change of the draft carries that time. The
   * currencies are needed to release a wallet's expired holds on its way; `expiryBudget` is how
   * many records such releases may write beside the operations' own (the store's
   * `maxRecordsPerTransaction` less what the operations may write), so journaling an expiry
   * never makes a write too large.
   */
  constructor(
    snapshot: LedgerSnapshot,
    now: Date,
    currencies: CurrencyRegistry,
    expiryBudget = Number.POSITIVE_INFINITY,
  ) {
    this.#snapshot = snapshot;
    this.#currencies = currencies;
    this.#expiryBudget = expiryBudget;
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

  /** The record under `key` as this draft has it (drafted, else as read), or undefined. */
  record(key: string): LedgerRecord | undefined {
    return this.#records.get(key) ?? this.#snapshot.records.get(key);
  }

  /**
   * Writes `data` under `key`: an insert, or the version after the record the transaction read.
   * Written again in the same draft (a batch settling one record twice), the last data wins
   * and the version stays one above the one read, which is what the store checks.
   */
  putRecord(key: string, data: { [key: string]: JsonValue }): void {
    const read = this.#snapshot.records.get(key);
    this.#records.set(key, { key, version: (read?.version ?? 0) + 1, data });
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
   * A wallet's active holds as this draft has them (some may have expired since).
   *
   * @throws {WalletNotFoundError}
   */
  holdsOf(accountId: string): readonly WalletHold[] {
    const drafted = this.#wallets.get(accountId);
    if (drafted) return drafted.holds;
    const record = this.#snapshot.wallets.get(accountId);
    if (!record) throw new WalletNotFoundError(accountId);
    return record.holds ?? NO_HOLDS;
  }

  /**
   * The active hold `holdId` of `accountId` as this draft has it (it may have expired since), or
   * undefined when the wallet does not carry it or does not exist.
   */
  findHold(accountId: string, holdId: string): WalletHold | undefined {
    const holds =
      this.#wallets.get(accountId)?.holds ?? this.#snapshot.wallets.get(accountId)?.holds;
    return holds?.find((hold) => hold.holdId === holdId);
  }

  /**
   * What a wallet may spend in `currency` as this draft has it: its balance less what its
   * unexpired holds reserve, in minor units.
   *
   * @throws {WalletNotFoundError}
   */
  available(accountId: string, currency: Currency): bigint {
    const drafted = this.#wallets.get(accountId);
    if (drafted)
      return balanceOf(drafted, currency) - heldOf(drafted.holds, currency, this.#txTime);
    const record = this.#snapshot.wallets.get(accountId);
    if (!record) throw new WalletNotFoundError(accountId);
    return (
      storedBalance(record, currency) - heldOf(record.holds ?? NO_HOLDS, currency, this.#txTime)
    );
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
    const expiries: Expiries = { entries: [], records: [] };
    const entries: JournalEntry[] = [];
    for (const leg of posting.legs) {
      let draft = pending.get(leg.accountId);
      if (!draft) {
        draft = this.#workingCopy(leg.accountId, expiries);
        pending.set(leg.accountId, draft);
      }
      entries.push(this.#applyLeg(draft, leg, posting));
    }
    for (const [accountId, draft] of pending) {
      draft.postings++;
      this.#wallets.set(accountId, draft);
    }
    this.#keep(expiries);
    for (const entry of entries) this.#entries.push(entry);
    return entries;
  }

  /**
   * Releases, in the journal, the expired holds of `accountId` this draft has not yet released
   * (at most {@link MAX_EXPIRIES_PER_WRITE}), and returns how many.
   *
   * @throws {WalletNotFoundError}
   */
  releaseExpired(accountId: string): number {
    const expiries: Expiries = { entries: [], records: [] };
    const draft = this.#workingCopy(accountId, expiries);
    if (expiries.entries.length === 0) return 0;
    this.#wallets.set(accountId, draft);
    this.#keep(expiries);
    return expiries.entries.length;
  }

  /** Everything to commit, or null when nothing changed. */
  toWrite(): LedgerWrite | null {
    const wallets = [...this.#created];
    for (const draft of this.#wallets.values()) wallets.push(this.#updatedRecord(draft));
    if (wallets.length === 0 && this.#idempotency.size === 0 && this.#records.size === 0) {
      return null;
    }
    return {
      wallets,
      entries: this.#entries,
      idempotency: [...this.#idempotency.values()],
      records: [...this.#records.values()],
    };
  }

  /**
   * A copy of the wallet as this draft has it, for a posting to change. A wallet this draft
   * meets for the first time first releases its expired holds in the journal (a few at most),
   * each in a transaction of its own, into `expiries`.
   */
  #workingCopy(accountId: string, expiries: Expiries): WalletDraft {
    const drafted = this.#wallets.get(accountId);
    if (drafted) return { ...drafted, balances: new Map(drafted.balances) };
    // A wallet this draft has not changed yet is read afresh: nothing to copy.
    const record = this.#snapshot.wallets.get(accountId);
    if (!record) throw new WalletNotFoundError(accountId);
    const draft: WalletDraft = {
      record,
      balances: new Map(),
      sequence: record.sequence,
      headHash: record.headHash,
      postings: 0,
      holds: record.holds ?? NO_HOLDS,
    };
    if (draft.holds.length > 0) this.#expire(draft, expiries);
    return draft;
  }

  /** Journals the release of the draft wallet's expired holds, oldest first, a few at most. */
  #expire(draft: WalletDraft, expiries: Expiries): void {
    // Most wallets with holds have none due: find that out without building a list.
    if (!draft.holds.some((hold) => hold.expiresAt <= this.#txTime)) return;
    const due = draft.holds.filter((hold) => hold.expiresAt <= this.#txTime);
    for (const hold of due.slice(0, MAX_EXPIRIES_PER_WRITE)) {
      // An expiry writes its entry and, for a hold with `placedAt`, the record of how it ended.
      const cost = hold.placedAt === undefined ? 1 : 2;
      if (cost > this.#expiryBudget) break;
      this.#expiryBudget -= cost;
      const currency = this.#currencies.get(hold.currency);
      const units = decimalToUnits(hold.amount, currency.scale)!;
      const posting: Posting = {
        transactionId: newTransactionId(this.#epochMs),
        idempotencyKey: null,
        metadata: EXPIRED,
        legs: [],
      };
      const leg: Leg = {
        accountId: draft.record.accountId,
        currency,
        units,
        type: 'HOLD_RELEASE',
        counterparty: null,
        hold: { holdId: hold.holdId },
      };
      expiries.entries.push(this.#applyLeg(draft, leg, posting));
      draft.postings++;
      if (hold.placedAt !== undefined) {
        const data = settledHold(hold, draft.record.accountId, 'expired', this.#txTime);
        expiries.records.push([holdRecordKey(hold.holdId), data]);
      }
    }
  }

  /** Adds journaled expiries to the write, once the posting that met them is kept. */
  #keep(expiries: Expiries): void {
    for (const entry of expiries.entries) this.#entries.push(entry);
    for (const [key, data] of expiries.records) this.putRecord(key, data);
  }

  #applyLeg(draft: WalletDraft, leg: Leg, posting: Posting): JournalEntry {
    const { currency, units, type } = leg;
    const before = balanceOf(draft, currency);
    let after = before;
    if (CREDIT_TYPES.has(type)) {
      after = before + units;
      if (after > currency.maxUnits) {
        throw new BalanceLimitExceededError({
          accountId: leg.accountId,
          currency: currency.code,
          balance: currency.render(before),
          requested: currency.render(units),
          limit: currency.render(currency.maxUnits),
        });
      }
    } else if (DEBIT_TYPES.has(type) || type === 'HOLD') {
      // A hold's own funds are spendable by its capture; every other debit, and a new hold,
      // may spend only what no active hold reserves. A reversal may leave a debt where its
      // currency allows a clawback below the minimum.
      if (type === 'HOLD_CAPTURE') draft.holds = withoutHold(draft.holds, leg.hold!.holdId);
      if (type !== 'HOLD') after = before - units;
      const overdraft = type === 'REVERSAL_DEBIT' && currency.reversalOverdraft;
      const held = heldOf(draft.holds, currency, this.#txTime);
      if (!overdraft && (type === 'HOLD' ? before - units : after) - held < currency.minUnits) {
        throw new InsufficientFundsError({
          accountId: leg.accountId,
          currency: currency.code,
          balance: currency.render(before),
          requested: currency.render(units),
          ...(held === 0n ? {} : { held: currency.render(held) }),
        });
      }
    }
    if (type === 'HOLD') {
      draft.holds = [
        ...draft.holds,
        {
          holdId: leg.hold!.holdId,
          currency: currency.code,
          amount: currency.render(units),
          expiresAt: leg.hold!.expiresAt!,
          placedAt: this.#txTime,
        },
      ];
    } else if (type === 'HOLD_RELEASE') {
      draft.holds = withoutHold(draft.holds, leg.hold!.holdId);
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
      type,
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
    // The fields of the new entry types, only on them, so every other entry keeps its shape.
    if (leg.hold !== undefined) entry.holdId = leg.hold.holdId;
    if (leg.reversal !== undefined) {
      entry.reverses = leg.reversal.reverses;
      entry.reason = leg.reversal.reason;
    }
    entry.hash = hashEntry(entry);
    // Kept even when unchanged: a later read of this balance in the draft (a hold's result
    // reports what is still available) then needs no parse of the stored text.
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
      holds: draft.holds,
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
  return changed !== undefined ? changed.units : storedBalance(draft.record, currency);
}

/** A wallet record's balance in `currency`, as stored. */
function storedBalance(record: WalletRecord, currency: Currency): bigint {
  const stored = record.balances[currency.code];
  const units = stored === undefined ? 0n : decimalToUnits(stored, currency.scale);
  if (units === undefined) {
    throw new Error(
      `wallet ${record.accountId} holds ${stored} ${currency.code}, not a decimal at scale ${currency.scale}`,
    );
  }
  return units;
}

/**
 * What the unexpired holds of `holds` reserve in `currency` at `time`: a hold past its
 * `expiresAt` frees its funds at once, before its release is journaled.
 *
 * @example
 * heldOf(record.holds, currencies.get('GOLD'), new Date().toISOString()); // 150n
 */
export function heldOf(holds: readonly WalletHold[], currency: Currency, time: string): bigint {
  let held = 0n;
  for (const hold of holds) {
    if (hold.currency === currency.code && hold.expiresAt > time) {
      held += decimalToUnits(hold.amount, currency.scale) ?? 0n;
    }
  }
  return held;
}

/** No holds: the list of most wallets, shared rather than made anew for each. */
const NO_HOLDS: readonly WalletHold[] = Object.freeze([]);

function withoutHold(holds: readonly WalletHold[], holdId: string): readonly WalletHold[] {
  if (holds.length === 1 && holds[0]!.holdId === holdId) return NO_HOLDS;
  return holds.filter((hold) => hold.holdId !== holdId);
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
    holds: [],
  };
}
