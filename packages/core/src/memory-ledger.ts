import { ConcurrencyConflictError } from './errors.js';
import type {
  EntryQuery,
  IdempotencyRecord,
  JournalsQuery,
  LedgerRecord,
  LedgerSnapshot,
  LedgerStore,
  LedgerTransaction,
  LedgerWrite,
  WalletRecord,
} from './ports.js';
import type { JournalEntry } from './types.js';

/**
 * The in-memory reference ledger.
 *
 * @example
 * const ledger: MemoryLedger = createMemoryLedger();
 * const wallets = createWalletService({ ledger, currencies: [{ code: 'GEMS', scale: 0 }] });
 */
export interface MemoryLedger extends LedgerStore {
  /** See {@link LedgerStore.queryJournals}: the memory ledger serves it. */
  queryJournals(query: JournalsQuery): Promise<JournalEntry[]>;
  /** See {@link LedgerStore.countWallets}: the memory ledger serves it. */
  countWallets(prefix: string): Promise<number>;
}

/** What `@wallet/core/testing` may do to one memory ledger's stored state, bypassing every rule. */
export interface MemoryLedgerTampering {
  /** Replaces a wallet's stored journal with what `edit` returns. */
  journal(accountId: string, edit: (entries: JournalEntry[]) => JournalEntry[]): void;
  /** Replaces a wallet's stored state with what `edit` returns; does nothing if it has none. */
  wallet(accountId: string, edit: (wallet: WalletRecord) => WalletRecord): void;
}

/**
 * Each memory ledger's tampering, for `@wallet/core/testing` alone: held beside the ledger rather
 * than on it, so the ledger an application gets carries no way around the rules.
 */
export const memoryLedgerTampering = new WeakMap<MemoryLedger, MemoryLedgerTampering>();

/**
 * A {@link LedgerStore} held in process memory: the reference adapter every conformance suite
 * runs against, and a zero-setup ledger for demos and unit tests. Data is lost on exit.
 *
 * Each transaction reads, decides and writes within one turn of the event loop, so
 * transactions are serialized and never conflict; stored values are frozen, so no caller can
 * change them afterwards.
 *
 * @example
 * const wallets = createWalletService({ ledger: createMemoryLedger(), currencies: [{ code: 'GEMS', scale: 0 }] });
 */
export function createMemoryLedger(): MemoryLedger {
  const wallets = new Map<string, WalletRecord>();
  const journals = new Map<string, JournalEntry[]>();
  const keys = new Map<string, IdempotencyRecord>();
  const records = new Map<string, LedgerRecord>();
  /**
   * Each transaction's entries, by transaction id: the entry itself for a transaction of one
   * (most are), else their list, so the index costs no array for a deposit or a withdrawal.
   */
  const transactions = new Map<string, JournalEntry | JournalEntry[]>();
  /** Account ids in ascending order, for listing; kept sorted on insert. */
  const accountIds: string[] = [];

  function snapshot(transaction: LedgerTransaction<unknown>): LedgerSnapshot {
    const read = new Map<string, WalletRecord>();
    for (const id of transaction.accountIds) {
      const record = wallets.get(id);
      if (record) read.set(id, record);
    }
    return {
      wallets: read,
      idempotency: selected(keys, transaction.idempotencyKeys),
      records: selected(records, transaction.recordKeys ?? []),
    };
  }

  function assertApplicable(write: LedgerWrite, read: LedgerSnapshot): void {
    for (const record of write.wallets) {
      const stored = wallets.get(record.accountId);
      if (stored?.version !== read.wallets.get(record.accountId)?.version) {
        throw new ConcurrencyConflictError(1);
      }
    }
    for (const record of write.idempotency) {
      if (keys.has(record.key)) throw new ConcurrencyConflictError(1);
    }
    // A journal only grows: an entry at or below the last sequence of its wallet (the stored one,
    // or an earlier entry of this write) is one whose place is taken.
    const { entries } = write;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      const journal = journals.get(entry.accountId);
      const last = journal?.[journal.length - 1];
      if (last !== undefined && entry.sequence <= last.sequence) {
        throw new ConcurrencyConflictError(1);
      }
      // A write holds a few dozen entries at most: comparing pairs allocates nothing.
      for (let j = 0; j < i; j++) {
        const earlier = entries[j]!;
        if (earlier.accountId === entry.accountId && entry.sequence <= earlier.sequence) {
          throw new ConcurrencyConflictError(1);
        }
      }
    }
    for (const record of write.records) {
      if ((records.get(record.key)?.version ?? 0) !== record.version - 1) {
        throw new ConcurrencyConflictError(1);
      }
    }
  }

  function apply(write: LedgerWrite, read: LedgerSnapshot): void {
    assertApplicable(write, read);
    for (const record of write.wallets) {
      Object.freeze(record.balances);
      freezeHolds(record.holds);
      if (!wallets.has(record.accountId)) insertSorted(accountIds, record.accountId);
      wallets.set(record.accountId, freezeWithMetadata(record));
    }
    for (const entry of write.entries) {
      let journal = journals.get(entry.accountId);
      if (!journal) {
        journal = [];
        journals.set(entry.accountId, journal);
      }
      const stored = freezeWithMetadata(entry);
      journal.push(stored);
      const legs = transactions.get(entry.transactionId);
      if (legs === undefined) transactions.set(entry.transactionId, stored);
      else if (Array.isArray(legs)) legs.push(stored);
      else transactions.set(entry.transactionId, [legs, stored]);
    }
    for (const record of write.idempotency) keys.set(record.key, deepFreeze(record));
    // The draft built these records for this write alone: nothing else holds them. A digest's
    // records nest lists in lists, so they are frozen all the way down.
    for (const record of write.records) records.set(record.key, deepFreeze(record));
  }

  const ledger: MemoryLedger = {
    async transact<T>(transaction: LedgerTransaction<T>): Promise<T> {
      // Yield first, so concurrent callers really interleave as they would on a database.
      await Promise.resolve();
      const read = snapshot(transaction);
      const decision = transaction.decide(read);
      if (decision.write) apply(decision.write, read);
      return decision.result;
    },

    async getWallet(accountId) {
      return wallets.get(accountId) ?? null;
    },

    async queryEntries(query) {
      return selectEntries(journals.get(query.accountId) ?? [], query);
    },

    async getRecord(key) {
      return records.get(key) ?? null;
    },

    async queryTransaction(transactionId) {
      const legs = transactions.get(transactionId);
      return legs === undefined ? [] : Array.isArray(legs) ? [...legs] : [legs];
    },

    async queryJournals({ accountIds, after, limit }) {
      const page: JournalEntry[] = [];
      for (const accountId of [...accountIds].sort()) {
        if (after !== undefined && accountId < after.accountId) continue;
        const journal = journals.get(accountId) ?? [];
        let i =
          after !== undefined && accountId === after.accountId
            ? firstAfter(journal, after.sequence)
            : 0;
        for (; i < journal.length && page.length < limit; i++) page.push(journal[i]!);
        if (page.length >= limit) break;
      }
      return page;
    },

    async countWallets(prefix) {
      // Ids with the prefix are contiguous in ascending order, from the first at least it.
      const first = firstAtLeast(accountIds, prefix);
      let end = first;
      while (end < accountIds.length && accountIds[end]!.startsWith(prefix)) end++;
      return end - first;
    },

    async listWallets({ prefix = '', startAfter, limit }) {
      const page: WalletRecord[] = [];
      let i = firstAtLeast(accountIds, prefix);
      if (startAfter !== undefined) i = Math.max(i, firstAfterId(accountIds, startAfter));
      // Ids with the prefix are contiguous in ascending order, from the first at least it.
      for (; i < accountIds.length && page.length < limit; i++) {
        const id = accountIds[i]!;
        if (!id.startsWith(prefix)) break;
        page.push(wallets.get(id)!);
      }
      return page;
    },

    async listWalletsWithExpiredHolds({ dueBy, limit }) {
      const due: string[] = [];
      for (const record of wallets.values()) {
        if (due.length >= limit) break;
        if (record.holds.some((hold) => hold.expiresAt <= dueBy)) due.push(record.accountId);
      }
      return due;
    },
  };
  memoryLedgerTampering.set(ledger, {
    journal(accountId, edit) {
      journals.set(accountId, edit([...(journals.get(accountId) ?? [])]));
    },
    wallet(accountId, edit) {
      const stored = wallets.get(accountId);
      if (stored) wallets.set(accountId, Object.freeze(edit(structuredClone(stored))));
    },
  });
  return ledger;
}

/**
 * Selects a page of one wallet's journal (sorted by sequence) as {@link EntryQuery} asks.
 * Shared by the in-memory ledger and the in-memory history store.
 */
export function selectEntries(journal: readonly JournalEntry[], query: EntryQuery): JournalEntry[] {
  const page: JournalEntry[] = [];
  const ascending = query.order === 'asc';
  const matches = (entry: JournalEntry) =>
    query.currency === undefined || entry.currency === query.currency;
  if (ascending) {
    const from = query.startAfter === undefined ? 0 : firstAfter(journal, query.startAfter);
    for (let i = from; i < journal.length && page.length < query.limit; i++) {
      if (matches(journal[i]!)) page.push(journal[i]!);
    }
  } else {
    const from =
      query.startAfter === undefined ? journal.length : firstAfter(journal, query.startAfter - 1);
    for (let i = from - 1; i >= 0 && page.length < query.limit; i--) {
      if (matches(journal[i]!)) page.push(journal[i]!);
    }
  }
  return page;
}

/** An empty map, shared by every snapshot that reads no keys or no records. */
const NOTHING: ReadonlyMap<string, unknown> = new Map<string, unknown>();

/** The entries of `stored` under `keys`; most transactions name none, and share one empty map. */
function selected<T>(
  stored: ReadonlyMap<string, T>,
  keys: readonly string[],
): ReadonlyMap<string, T> {
  if (keys.length === 0) return NOTHING as ReadonlyMap<string, T>;
  const found = new Map<string, T>();
  for (const key of keys) {
    const value = stored.get(key);
    if (value !== undefined) found.set(key, value);
  }
  return found;
}

/** Inserts `id` into the ascending list `ids`. */
function insertSorted(ids: string[], id: string): void {
  ids.splice(firstAtLeast(ids, id), 0, id);
}

/** The index of the first id not below `id`. */
function firstAtLeast(ids: readonly string[], id: string): number {
  let low = 0;
  let high = ids.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (ids[mid]! < id) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The index of the first id above `id`. */
function firstAfterId(ids: readonly string[], id: string): number {
  let low = 0;
  let high = ids.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (ids[mid]! <= id) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The index of the first entry whose sequence is greater than `sequence`. */
function firstAfter(journal: readonly JournalEntry[], sequence: number): number {
  let low = 0;
  let high = journal.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (journal[mid]!.sequence <= sequence) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Freezes a stored record; only its metadata nests, so only that is walked. */
function freezeWithMetadata<T extends { metadata: unknown }>(record: T): T {
  if (record.metadata !== null) deepFreeze(record.metadata);
  return Object.freeze(record);
}

/** Freezes a wallet's list of holds: an array of flat objects, most of them frozen already. */
function freezeHolds(holds: readonly object[]): void {
  if (Object.isFrozen(holds)) return;
  for (const hold of holds) Object.freeze(hold);
  Object.freeze(holds);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    // `for...in` rather than `Object.values`: no array per object frozen.
    for (const name in value) deepFreeze(value[name]);
  }
  return value;
}
