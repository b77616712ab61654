import type { Currency, CurrencyRegistry } from './currency.js';
import { sha256Hex } from './hash-chain.js';
import { replay } from './idempotency.js';
import type { LedgerDraft, Leg } from './ledger-draft.js';
import { newTransactionId } from './transaction-id.js';
import type { JournalEntry, JsonValue, Metadata } from './types.js';

/** What operation builders need of the service: its currencies. */
export interface OperationContext {
  currencies: CurrencyRegistry;
  /** The currency `code` names, or the service's default one for absent/null. */
  currencyOf(code: unknown): Currency;
  /** The wallet an account id belongs to: a hot wallet's sub-account names its main wallet. */
  ownerOf(accountId: string): string;
}

/** A validated mutation: what it touches, what it means, how it answers. */
export interface Operation<R> {
  accountIds: readonly string[];
  /** The caller's key, as every entry of the operation records it. */
  idempotencyKey: string | null;
  /**
   * The key its record is stored and looked up under (`scopedIdempotencyKey`); null exactly
   * when `idempotencyKey` is.
   */
  scopedKey: string | null;
  /** The ledger records (`hold:…`, `reversals:…`) the operation reads and may write. */
  recordKeys: readonly string[];
  /**
   * The most records the operation can write (wallets, entries, its key, ledger records), for
   * the coalescer to keep a batch within the ledger's `maxRecordsPerTransaction`.
   */
  maxRecords: number;
  /**
   * The normalized request as RFC 8785 text (`canonicalJson` of it); its SHA-256, the
   * fingerprint, decides whether a reused key is the same request. Only keyed operations
   * call it.
   */
  canonicalRequest(): string;
  metadata: Metadata | null;
  /**
   * The legs of an operation that is one posting (deposits, withdrawals, transfers, exchanges,
   * postings). Null for one that decides more than legs: then `apply` runs.
   */
  legs: readonly Leg[] | null;
  /**
   * Applies an operation without `legs` to the draft (reading and writing records as it needs)
   * and returns its entries; throws its own refusal. Unused when `legs` is set.
   */
  apply?(draft: LedgerDraft, transactionId: string): JournalEntry[];
  /** The answer, from the entries written (in leg order) and the draft they were written to. */
  result(entries: JournalEntry[], transactionId: string, txTime: string, draft: LedgerDraft): R;
  /**
   * For an operation without `legs` that only credits some of the wallets it names (a capture
   * to another wallet): those wallets, and the same operation crediting other ids in their
   * place, a hot wallet's sub-accounts. Absent: it is never spread.
   */
  credits?: {
    /** The wallets the operation only credits. */
    readonly accountIds: readonly string[];
    /** The same operation (same request and fingerprint) crediting `moved(id)` for each. */
    to(moved: (accountId: string) => string): Operation<R>;
  };
}

/** An operation with its request fingerprint computed once, outside any transaction. */
export interface PreparedOperation<R> extends Operation<R> {
  fingerprint: string;
}

/**
 * Computes the fingerprint a keyed operation is checked against.
 *
 * @example
 * const prepared = prepareOperation(operation);
 */
export function prepareOperation<R>(operation: Operation<R>): PreparedOperation<R> {
  const {
    accountIds,
    idempotencyKey,
    scopedKey,
    recordKeys,
    maxRecords,
    canonicalRequest,
    metadata,
    legs,
    apply,
    result,
    credits,
  } = operation;
  // Every field named rather than spread: V8 gives each object built as a spread plus a new
  // property a hidden class of its own, which makes every later read of it slow.
  return {
    accountIds,
    idempotencyKey,
    scopedKey,
    recordKeys,
    maxRecords,
    canonicalRequest,
    metadata,
    legs,
    apply,
    result,
    credits,
    fingerprint: idempotencyKey === null ? '' : sha256Hex(canonicalRequest()),
  };
}

/**
 * Applies one operation to a draft: replays it when its key already committed (in the store or
 * earlier in the same draft), else posts its legs (or applies it) and remembers its key with
 * the result. Throws the operation's own error (insufficient funds, key reused, ...) and
 * leaves the draft as it was, so other operations of the same draft are unaffected.
 *
 * @example
 * const result = applyOperation(draft, prepared);
 */
export function applyOperation<R>(draft: LedgerDraft, operation: PreparedOperation<R>): R {
  const { idempotencyKey, scopedKey: key } = operation;
  const committed = key === null ? undefined : draft.idempotencyRecord(key);
  if (committed) return replay<R>(committed, operation.fingerprint, idempotencyKey!);
  const transactionId = newTransactionId(draft.epochMs);
  const entries =
    operation.legs === null
      ? operation.apply!(draft, transactionId)
      : draft.post({
          transactionId,
          idempotencyKey,
          metadata: operation.metadata,
          legs: operation.legs,
        });
  const result = operation.result(entries, transactionId, draft.txTime, draft);
  if (key !== null) {
    draft.rememberKey({
      key,
      fingerprint: operation.fingerprint,
      transactionId,
      // Its own copy, built again rather than cloned: the caller owns the object it is returned.
      result: operation.result(entries, transactionId, draft.txTime, draft) as unknown as {
        [key: string]: JsonValue;
      },
      createdAt: draft.txTime,
    });
  }
  return result;
}
