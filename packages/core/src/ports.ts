import type { JournalEntry, JsonValue, Metadata } from './types.js';

/**
 * The stored state of one wallet. Balances are decimal strings at their currency's scale and
 * list only the currencies the wallet has used; a missing currency is a zero balance.
 *
 * @example
 * const record = await ledger.getWallet('player-1');
 * const gems = record?.balances.GEMS ?? '0';
 */
export interface WalletRecord {
  /** The wallet's account id. */
  accountId: string;
  /** Currency code to balance, for the currencies the wallet has used. */
  balances: Record<string, string>;
  /** 0 when created; +1 for every committed operation that touches the wallet. */
  version: number;
  /** The `sequence` of the wallet's last journal entry; 0 before the first. */
  sequence: number;
  /** The `hash` of the wallet's last journal entry; 64 zeros before the first. */
  headHash: string;
  /** When the wallet was created: ISO 8601 UTC with milliseconds. */
  createdAt: string;
  /** When a transaction last wrote the wallet: ISO 8601 UTC with milliseconds. */
  updatedAt: string;
  /** The metadata the wallet was created with, or null. */
  metadata: Metadata | null;
  /**
   * The wallet's active holds (at most 100), oldest first. Those past `expiresAt` no longer
   * reserve anything; they leave this list when their release is journaled. A store that reads
   * a wallet written before holds existed gives an empty list.
   */
  holds: readonly WalletHold[];
}

/**
 * A hold a wallet carries: funds reserved until captured, released or expired.
 *
 * @example
 * const active = record.holds.filter((hold) => hold.expiresAt > new Date().toISOString());
 */
export interface WalletHold {
  /** The hold's id, as `placeHold` returned it. */
  holdId: string;
  /** The currency code of `amount`. */
  currency: string;
  /** Rendered at the currency's scale. */
  amount: string;
  /** ISO 8601 UTC with milliseconds. */
  expiresAt: string;
  /**
   * When the hold was placed (its `HOLD` entry's `txTime`). Absent only on a hold placed before
   * this field existed: such a hold has a ledger record from its placement, while a hold with
   * `placedAt` has one only once it has ended. Stores keep it as they keep the other fields.
   */
  placedAt?: string;
}

/**
 * A small versioned document the ledger keeps beside wallets, read and written inside
 * transactions like them: how a hold ended (`hold:<holdId>`), what reversed a transaction
 * (`reversals:<transactionId>`). Stores keep it as it is, by `key`.
 *
 * @example
 * const record = await ledger.getRecord(`reversals:${transactionId}`);
 */
export interface LedgerRecord {
  /** At most 200 printable ASCII characters; opaque to stores. */
  key: string;
  /** 1 when first written; +1 for every replacement. */
  version: number;
  /** The document itself, a JSON object; opaque to stores. */
  data: { [key: string]: JsonValue };
}

/**
 * What a committed idempotency key remembers, so a retry gets the original answer.
 *
 * @example
 * const record = snapshot.idempotency.get(scopedKey);
 * if (record) return record.result; // a retry: the original answer
 */
export interface IdempotencyRecord {
  /**
   * The key the record is filed under, unique across the ledger: the caller's key scoped to one
   * wallet and namespace, as core composes it (`scopedIdempotencyKey`, at most 512 printable
   * ASCII characters and spaces). Opaque to stores: store and compare it exactly.
   */
  key: string;
  /** SHA-256 of the canonical request; equal fingerprints mean the same request. */
  fingerprint: string;
  /** The `transactionId` the key committed. */
  transactionId: string;
  /** The operation's result as first returned, as JSON. */
  result: { [key: string]: JsonValue };
  /** When the key committed (its transaction's `txTime`): ISO 8601 UTC with milliseconds. */
  createdAt: string;
}

/**
 * What a transaction reads before it decides.
 *
 * @example
 * const decide = (snapshot: LedgerSnapshot) => ({ write: null, result: snapshot.wallets.get('p1') ?? null });
 */
export interface LedgerSnapshot {
  /** The requested wallets that exist, by account id. An absent id has no wallet. */
  wallets: ReadonlyMap<string, WalletRecord>;
  /** The requested idempotency keys that have committed, by (scoped) key. */
  idempotency: ReadonlyMap<string, IdempotencyRecord>;
  /** The requested records that exist, by key. */
  records: ReadonlyMap<string, LedgerRecord>;
}

/**
 * What a transaction writes, all or nothing.
 *
 * @example
 * const write: LedgerWrite = { wallets: [updated], entries: [entry], idempotency: [], records: [] };
 */
export interface LedgerWrite {
  /**
   * New wallet states. A wallet the snapshot did not hold is an insert (`version` 0) and
   * conflicts when the wallet exists by then. A wallet the snapshot held replaces the stored one
   * only if that one still has the `version` the snapshot read, and conflicts otherwise. (Its
   * new `version` may be several higher: one per operation of the transaction.)
   */
  wallets: WalletRecord[];
  /** New journal entries; `(accountId, sequence)` is unique and conflicts when taken. */
  entries: JournalEntry[];
  /** New idempotency records; a key that is already stored conflicts. */
  idempotency: IdempotencyRecord[];
  /**
   * Records to store: version 1 is an insert and conflicts when the key is taken by then; a
   * later version replaces the stored record only if that one has the version before it (the
   * one the snapshot read), and conflicts otherwise.
   */
  records: LedgerRecord[];
}

/**
 * The outcome of {@link LedgerTransaction.decide}.
 *
 * @example
 * const decision: LedgerDecision<boolean> = { write: null, result: true }; // commit nothing
 */
export interface LedgerDecision<T> {
  /** What to commit, or null to commit nothing (a read, or a replay). */
  write: LedgerWrite | null;
  /** What `transact` resolves to once the write has committed. */
  result: T;
}

/**
 * One atomic read-decide-write over a few wallets, idempotency keys and records.
 *
 * @example
 * await ledger.transact({
 *   accountIds: ['p1'],
 *   idempotencyKeys: [],
 *   recordKeys: [],
 *   decide: (snapshot) => ({ write: null, result: snapshot.wallets.has('p1') }),
 * });
 */
export interface LedgerTransaction<T> {
  /** The wallets to read (and lock, where the store locks). */
  accountIds: readonly string[];
  /** The idempotency keys to read, as {@link IdempotencyRecord.key} files them. */
  idempotencyKeys: readonly string[];
  /** The records to read, by key. */
  recordKeys: readonly string[];
  /**
   * Decides the write from what was read. Synchronous and free of side effects: a store may
   * call it again on a fresh snapshot after a conflict. Throwing aborts the transaction and
   * the error reaches the caller unchanged.
   */
  decide(snapshot: LedgerSnapshot): LedgerDecision<T>;
}

/**
 * Which entries of one wallet to read, in sequence order.
 *
 * @example
 * const newest: EntryQuery = { accountId: 'p1', order: 'desc', limit: 50 };
 */
export interface EntryQuery {
  /** The wallet whose journal is read. */
  accountId: string;
  /** Only entries of this currency; all when absent. */
  currency?: string;
  /** `asc` from the oldest, `desc` from the newest. */
  order: 'asc' | 'desc';
  /** Only entries strictly after this sequence in `order` (greater for asc, smaller for desc). */
  startAfter?: number;
  /** At most this many entries, 1..1001. */
  limit: number;
}

/**
 * Reads a wallet's journal in pages. Both the ledger and a history store serve it.
 *
 * @example
 * const reader: JournalReader = history ?? ledger;
 * const page = await reader.queryEntries({ accountId: 'p1', order: 'asc', limit: 100 });
 */
export interface JournalReader {
  /**
   * The entries matching `query`, in `query.order`, at most `query.limit` of them.
   * MUST return entries exactly as written (every field, amounts as the same strings).
   * An unknown account yields an empty list.
   */
  queryEntries(query: EntryQuery): Promise<JournalEntry[]>;
}

/**
 * The system of record: wallets, their journals and idempotency keys.
 * Adapters only store, lock and translate errors; every balance rule lives in core.
 *
 * Guarantees every implementation MUST give (the `@wallet/testing` suites check them):
 * - `transact` is atomic and serializable per wallet: the snapshot `decide` sees is the latest
 *   committed state of every wallet and key it names, and the write commits only if none of
 *   them changed since; two transactions naming a common wallet or key never both commit on
 *   the same snapshot.
 * - A conflict (a concurrent write, a lock timeout, a serialization failure) is retried by
 *   the store with a fresh snapshot; when retries run out it throws `ConcurrencyConflictError`.
 * - If the store cannot tell whether a write committed it throws `OutcomeUnknownError`; if it
 *   could not be reached before writing, `StoreUnavailableError`. Database errors are kept as
 *   `cause`.
 * - An error thrown by `decide` aborts the transaction, writes nothing and is rethrown as is.
 * - A store that declares {@link LedgerStore.maxRecordsPerTransaction} refuses a write too
 *   large for one of its transactions with `TransactionTooLargeError`, before writing any of it.
 *
 * @example
 * const service = createWalletService({ ledger: createMemoryLedger(), currencies: [{ code: 'GEMS', scale: 0 }] });
 */
export interface LedgerStore extends JournalReader {
  /** Runs one read-decide-write atomically; resolves to `decide`'s result once committed. */
  transact<T>(transaction: LedgerTransaction<T>): Promise<T>;
  /**
   * The most records (wallets, entries, idempotency records and ledger records, together) one
   * `transact` may write, for a store whose transactions have a size limit (DynamoDB: 100 items,
   * QLDB: 40 documents). Read once when the service is built: the coalescer fills a batch only
   * up to it, counting each operation at its worst case, and the store refuses a larger write
   * with `TransactionTooLargeError` before writing any of it. It MUST be at least
   * `MAX_RECORDS_PER_OPERATION`, the most one operation can write. Absent: no limit.
   *
   * @example
   * const ledger: LedgerStore = { ...createMemoryLedger(), maxRecordsPerTransaction: 100 };
   */
  readonly maxRecordsPerTransaction?: number;
  /** The latest committed state of a wallet, or null when it does not exist. */
  getWallet(accountId: string): Promise<WalletRecord | null>;
  /** The latest committed record under `key`, or null. */
  getRecord(key: string): Promise<LedgerRecord | null>;
  /**
   * Every journal entry of one transaction, across its wallets, in any order; empty when no
   * entry has that `transactionId`. Stores index entries by transaction id for it.
   */
  queryTransaction(transactionId: string): Promise<JournalEntry[]>;
  /**
   * Wallets in ascending account id order (code point order; account ids are ASCII), those
   * whose id starts with `prefix` when given, strictly after `startAfter` when given, at most
   * `limit` (1..1001) of them.
   */
  listWallets(query: WalletQuery): Promise<WalletRecord[]>;
  /**
   * Up to `limit` account ids of wallets holding a hold whose `expiresAt` is at or before
   * `dueBy` (ISO 8601), in any order. Stores index each wallet's earliest hold expiry for it
   * (or, on PostgreSQL, a time at or before it, set right when it falls due).
   */
  listWalletsWithExpiredHolds(query: { dueBy: string; limit: number }): Promise<string[]>;
  /**
   * Optional: the journals of several wallets in one read, for checking or exporting many
   * wallets with few round trips. Entries of `accountIds` only, in ascending (account id,
   * sequence) order, strictly after `after` when given, at most `limit` (1..10,000) of them,
   * exactly as written. A store without it is read one wallet at a time with `queryEntries`.
   */
  queryJournals?(query: JournalsQuery): Promise<JournalEntry[]>;
  /**
   * Optional: how many wallets `listWallets` would list with this prefix (all when empty), for
   * a progress total; counted without reading them. A store without it is counted by listing.
   */
  countWallets?(prefix: string): Promise<number>;
  /**
   * Optional: every wallet's head, as `listWallets` would list the wallets (ascending account
   * id, strictly after `startAfter`, at most `limit`, 1..1001) but only the three fields a digest
   * leaf needs, each as committed when read. `createDigest` reads heads through it; a store
   * without it is read with `listWallets`.
   */
  listHeads?(query: HeadQuery): Promise<WalletHead[]>;
}

/**
 * Which heads {@link LedgerStore.listHeads} returns.
 *
 * @example
 * const next = await ledger.listHeads?.({ startAfter: 'p-0999', limit: 1000 });
 */
export interface HeadQuery {
  /** Only account ids greater than this one. */
  startAfter?: string;
  /** At most this many, 1..1001. */
  limit: number;
}

/**
 * A wallet's head: the last entry of its journal.
 *
 * @example
 * const head: WalletHead = { accountId: 'p1', sequence: 0, headHash: GENESIS_HASH };
 */
export type WalletHead = Pick<WalletRecord, 'accountId' | 'sequence' | 'headHash'>;

/**
 * Which entries {@link LedgerStore.queryJournals} returns.
 *
 * @example
 * const query: JournalsQuery = { accountIds: ['p1', 'p2'], after: { accountId: 'p1', sequence: 40 }, limit: 1000 };
 */
export interface JournalsQuery {
  /** The wallets, in ascending account id order. */
  accountIds: readonly string[];
  /** Only entries after this one in (account id, sequence) order: the last of the previous page. */
  after?: {
    /** The account id of that entry. */
    accountId: string;
    /** Its sequence. */
    sequence: number;
  };
  /** At most this many entries, 1..10,000. */
  limit: number;
}

/**
 * Which wallets {@link LedgerStore.listWallets} returns.
 *
 * @example
 * const next = await ledger.listWallets({ prefix: 'eu-', startAfter: 'eu-0042', limit: 100 });
 */
export interface WalletQuery {
  /** Only account ids starting with this (an empty string or absent: all). */
  prefix?: string;
  /** Only account ids greater than this one. */
  startAfter?: string;
  /** At most this many, 1..1001. */
  limit: number;
}

/**
 * A read model of journal entries, fed from the ledger's change stream.
 *
 * Guarantees every implementation MUST give:
 * - `putEntries` is idempotent: putting an entry again, in any batch and any order, leaves
 *   exactly one equal copy under `(accountId, sequence)`, so at-least-once and out-of-order
 *   delivery is safe. (The ledger is the source of truth, so an entry is never put with other
 *   contents under the same key.)
 * - A query right after `putEntries` resolved sees what was put (read-your-writes).
 * - `queryEntries` (see {@link JournalReader}) returns what was put, in sequence order.
 *
 * @example
 * await history.putEntries(entries);
 * const page = await history.queryEntries({ accountId: 'p1', order: 'desc', limit: 50 });
 */
export interface HistoryStore extends JournalReader {
  /** Stores entries, skipping any already stored. Resolves once all are durable. */
  putEntries(entries: readonly JournalEntry[]): Promise<void>;
}
