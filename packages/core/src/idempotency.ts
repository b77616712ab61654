import { canonicalJson, quoteJson } from './canonical-json.js';
import { IdempotencyKeyReusedError } from './errors.js';
import { sha256Hex } from './hash-chain.js';
import type { IdempotencyRecord } from './ports.js';
import type { JsonValue, Metadata } from './types.js';
import * as check from './validation.js';

/**
 * The fingerprint of a normalized request: two requests with one idempotency key are the same
 * request exactly when their fingerprints are equal.
 *
 * @example
 * requestFingerprint({ operation: 'addFunds', accountId: 'p1', currency: 'GEMS', amount: '5', metadata: null });
 */
export function requestFingerprint(request: { [key: string]: JsonValue }): string {
  return sha256Hex(canonicalJson(request));
}

/** The normalized request of `addFunds` or `withdrawFunds`, as its fingerprint covers it. */
export interface FundsRequest {
  operation: 'addFunds' | 'withdrawFunds';
  accountId: string;
  currency: string;
  amount: string;
  metadata: Metadata | null;
}

/**
 * The RFC 8785 text of a funds request: `canonicalJson(request)`, written field by field in the
 * order JCS sorts the names, because it is on the path of every keyed deposit and withdrawal
 * and the generic writer (key sort, quoting every name) costs several times as much.
 *
 * @example
 * sha256Hex(fundsRequestJson({ operation: 'addFunds', accountId: 'p1', currency: 'GEMS', amount: '5', metadata: null }));
 */
export function fundsRequestJson(request: FundsRequest): string {
  return (
    `{"accountId":${quoteJson(request.accountId)},"amount":${quoteJson(request.amount)}` +
    `,"currency":${quoteJson(request.currency)},"metadata":${canonicalJson(request.metadata)}` +
    `,"operation":${quoteJson(request.operation)}}`
  );
}

/**
 * The key a store files an idempotency record under: the caller's key scoped to one wallet
 * (the wallet the operation debits; for a credit, the wallet credited) and, for keys sent by
 * an untrusted caller, to that caller's namespace. The same key on two wallets, or from two
 * namespaces, is two keys. A space joins the parts: neither account ids nor keys (printable
 * ASCII from 0x21) can hold one, so no two scopes share a stored key.
 *
 * @example
 * scopedIdempotencyKey('player-1', 'receipt-777', null); // 'player-1 receipt-777'
 * scopedIdempotencyKey('player-1', 'receipt-777', 'session-9'); // 'player-1 receipt-777 session-9'
 */
export function scopedIdempotencyKey(
  accountId: string,
  key: string,
  namespace: string | null,
): string {
  return namespace === null ? `${accountId} ${key}` : `${accountId} ${key} ${namespace}`;
}

/**
 * The stored result of `record` marked as a replay, when it was committed by the same request.
 *
 * @param key - the caller's key, named in the error
 * @throws {IdempotencyKeyReusedError} when the key committed a different request
 */
export function replay<T>(record: IdempotencyRecord, fingerprint: string, key: string): T {
  if (record.fingerprint !== fingerprint) throw new IdempotencyKeyReusedError(key);
  // A deep copy: a store may hand out its stored (frozen) result.
  return { ...structuredClone(record.result), replayed: true } as T;
}

/**
 * The caller's key and the key its record is filed under, scoped to `scopeAccountId` (the wallet
 * the operation debits, or the one a credit credits) and to the caller's namespace.
 *
 * @throws {ValidationError} for a malformed key or namespace
 * @example
 * const { idempotencyKey, scopedKey } = requestKeys(request, accountId);
 */
export function requestKeys(
  request: { idempotencyKey?: unknown; idempotencyNamespace?: unknown },
  scopeAccountId: string,
): { idempotencyKey: string | null; scopedKey: string | null } {
  const idempotencyKey = check.idempotencyKey(request.idempotencyKey);
  const namespace = check.idempotencyNamespace(request.idempotencyNamespace);
  return {
    idempotencyKey,
    scopedKey:
      idempotencyKey === null
        ? null
        : scopedIdempotencyKey(scopeAccountId, idempotencyKey, namespace),
  };
}
