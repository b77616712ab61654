import { ConcurrencyConflictError } from './errors.js';
import type {
  EntryQuery,
  IdempotencyRecord,
  LedgerSnapshot,
  LedgerStore,
  LedgerTransaction,
  LedgerWrite,
  WalletRecord,
} from './ports.js';
import type { JournalEntry } from './types.js';

/**
 * The in-memory reference ledger, plus a hook tests use to tamper with a journal.
 */
export interface MemoryLedger extends LedgerStore {
  /**
   * Replaces a wallet's stored journal with what `edit` returns, bypassing every rule.
   * For tests of tamper evidence only.
   *
   * @example
   * ledger.tamperJournal('p1', (entries) => entries.slice(1)); // delete the first entry
   */
  tamperJournal(accountId: string, edit: (entries: JournalEntry[]) => JournalEntry[]): void;
}

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

  function snapshot(transaction: LedgerTransaction<unknown>): LedgerSnapshot {
    const read = new Map<string, WalletRecord>();
    for (const id of transaction.accountIds) {
      const record = wallets.get(id);
      if (record) read.set(id, record);
    }
    const idempotency = new Map<string, IdempotencyRecord>();
    for (const key of transaction.idempotencyKeys) {
      const record = keys.get(key);
      if (record) idempotency.set(key, record);
    }
    return { wallets: read, idempotency };
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
  }

  function apply(write: LedgerWrite, read: LedgerSnapshot): void {
    assertApplicable(write, read);
    for (const record of write.wallets) {
      Object.freeze(record.balances);
      wallets.set(record.accountId, freezeWithMetadata(record));
    }
    for (const entry of write.entries) {
      let journal = journals.get(entry.accountId);
      if (!journal) {
        journal = [];
        journals.set(entry.accountId, journal);
      }
      journal.push(freezeWithMetadata(entry));
    }
    for (const record of write.idempotency) keys.set(record.key, deepFreeze(record));
  }

  return {
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

    tamperJournal(accountId, edit) {
      journals.set(accountId, edit([...(journals.get(accountId) ?? [])]));
    },
  };
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

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}
