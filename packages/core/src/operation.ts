import { sha256Hex } from './hash-chain.js';
import { replay } from './idempotency.js';
import type { LedgerDraft, Leg } from './ledger-draft.js';
import { newTransactionId } from './transaction-id.js';
import type { JournalEntry, JsonValue, Metadata } from './types.js';

/** A validated mutation: what it touches, what it means, how it answers. */
export interface Operation<R> {
  accountIds: readonly string[];
  /** The caller's key, as every entry of the operation records it. */
  idempotencyKey: string | null;
  /**
   * The key its record is stored and looked up under ({@link scopedIdempotencyKey}); null
   * exactly when `idempotencyKey` is.
   */
  scopedKey: string | null;
  /**
   * The normalized request as RFC 8785 text (`canonicalJson` of it); its SHA-256, the
   * fingerprint, decides whether a reused key is the same request. Only keyed operations
   * call it.
   */
  canonicalRequest(): string;
  metadata: Metadata | null;
  legs: readonly Leg[];
  /** The answer, from the entries the legs wrote (in leg order). */
  result(entries: JournalEntry[], transactionId: string, txTime: string): R;
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
  const { accountIds, idempotencyKey, scopedKey, canonicalRequest, metadata, legs, result } =
    operation;
  // Every field named rather than spread: V8 gives each object built as a spread plus a new
  // property a hidden class of its own, which makes every later read of it slow.
  return {
    accountIds,
    idempotencyKey,
    scopedKey,
    canonicalRequest,
    metadata,
    legs,
    result,
    fingerprint: idempotencyKey === null ? '' : sha256Hex(canonicalRequest()),
  };
}

/**
 * Applies one operation to a draft: replays it when its key already committed (in the store or
 * earlier in the same draft), else posts its legs and remembers its key with the result.
 * Throws the operation's own error (insufficient funds, key reused, ...) and leaves the draft as
 * it was, so other operations of the same draft are unaffected.
 *
 * @example
 * const result = applyOperation(draft, prepared);
 */
export function applyOperation<R>(draft: LedgerDraft, operation: PreparedOperation<R>): R {
  const { idempotencyKey, scopedKey: key } = operation;
  const committed = key === null ? undefined : draft.idempotencyRecord(key);
  if (committed) return replay<R>(committed, operation.fingerprint, idempotencyKey!);
  const transactionId = newTransactionId(draft.epochMs);
  const entries = draft.post({
    transactionId,
    idempotencyKey,
    metadata: operation.metadata,
    legs: operation.legs,
  });
  const result = operation.result(entries, transactionId, draft.txTime);
  if (key !== null) {
    draft.rememberKey({
      key,
      fingerprint: operation.fingerprint,
      transactionId,
      // Its own copy, built again rather than cloned: the caller owns the object it is returned.
      result: operation.result(entries, transactionId, draft.txTime) as unknown as {
        [key: string]: JsonValue;
      },
      createdAt: draft.txTime,
    });
  }
  return result;
}
