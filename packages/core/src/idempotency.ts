import { canonicalJson, quoteJson } from './canonical-json.js';
import { IdempotencyKeyReusedError } from './errors.js';
import { sha256Hex } from './hash-chain.js';
import type { IdempotencyRecord } from './ports.js';
import type { JsonValue, Metadata } from './types.js';

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
 * The stored result of `record` marked as a replay, when it was committed by the same request.
 *
 * @throws {IdempotencyKeyReusedError} when the key committed a different request
 */
export function replay<T>(record: IdempotencyRecord, fingerprint: string): T {
  if (record.fingerprint !== fingerprint) throw new IdempotencyKeyReusedError(record.key);
  // A deep copy: a store may hand out its stored (frozen) result.
  return { ...structuredClone(record.result), replayed: true } as T;
}
