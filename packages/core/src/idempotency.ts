import { canonicalJson } from './canonical-json.js';
import { IdempotencyKeyReusedError } from './errors.js';
import { sha256Hex } from './hash-chain.js';
import type { IdempotencyRecord } from './ports.js';
import type { JsonValue } from './types.js';

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
