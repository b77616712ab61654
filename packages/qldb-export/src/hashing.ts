import { createHash } from 'node:crypto';

export { ionHash } from './ion-hash.js';

function sha256(a: Uint8Array, b: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(a).update(b).digest());
}

/** QLDB's order: signed bytes compared from the last byte backwards. */
function compareQldbOrder(a: Uint8Array, b: Uint8Array): number {
  for (let i = Math.min(a.length, b.length) - 1; i >= 0; i--) {
    const difference = ((a[i]! << 24) >> 24) - ((b[i]! << 24) >> 24);
    if (difference !== 0) return difference;
  }
  return a.length - b.length;
}

/**
 * QLDB's "dot" of two hashes: an empty hash yields the other one; otherwise SHA-256 of both,
 * the smaller first in QLDB's order (signed bytes, compared from the last byte backwards).
 *
 * @example
 * const revisionHash = dotHash(ionHash(metadata), ionHash(data));
 */
export function dotHash(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  return compareQldbOrder(a, b) < 0 ? sha256(a, b) : sha256(b, a);
}

/**
 * The Merkle root QLDB builds over a list of hashes: neighbours are dotted left to right, an odd
 * last one is carried up unchanged, until one is left. The root of an empty list is empty.
 *
 * @example
 * const entriesHash = merkleRoot(entriesHashList);
 */
export function merkleRoot(hashes: readonly Uint8Array[]): Uint8Array {
  if (hashes.length === 0) return new Uint8Array(0);
  let level = [...hashes];
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const right = level[i + 1];
      next.push(right === undefined ? level[i]! : dotHash(level[i]!, right));
    }
    level = next;
  }
  return level[0]!;
}

/**
 * Whether two hashes hold the same bytes.
 *
 * @example
 * sameHash(merkleRoot(list), entriesHash);
 */
export function sameHash(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/**
 * A hash as base64, the form QLDB prints (`{{...}}` in Ion text, a string in JSON exports).
 *
 * @example
 * toBase64(ionHash(value)); // 'j5yn00sQ…veA='
 */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
