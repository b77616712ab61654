import { hash } from 'node:crypto';
import { quoteJson } from './canonical-json.js';

/**
 * The root of a tree with no leaves (a ledger without wallets): SHA-256 of no bytes.
 *
 * @example
 * merkleRoot([]) === EMPTY_MERKLE_ROOT; // true
 */
export const EMPTY_MERKLE_ROOT = hash('sha256', '', 'hex');

/**
 * One step from a node towards the root: the sibling's hash and the side it sits on.
 *
 * @example
 * const step: ProofStep = { side: 'left', hash: siblingHex }; // parent = H(sibling || node)
 */
export interface ProofStep {
  /** Where the sibling sits: `left` makes the parent SHA-256(sibling || node), `right` SHA-256(node || sibling). */
  side: 'left' | 'right';
  /** The sibling's hash, lowercase hex. */
  hash: string;
}

/**
 * The leaf of a digest: one wallet's head, as `createDigest` read it.
 *
 * @example
 * const leaf: DigestLeaf = { accountId: 'p1', sequence: 0, hash: GENESIS_HASH };
 */
export interface DigestLeaf {
  /** The wallet. */
  accountId: string;
  /** The sequence of its last entry then; 0 for a wallet with none. */
  sequence: number;
  /** That entry's hash; 64 zeros for a wallet with none. */
  hash: string;
}

/**
 * The hash of a digest leaf: SHA-256 of the UTF-8 bytes of the RFC 8785 (JCS) text of
 * `{ accountId, sequence, hash }`, lowercase hex.
 *
 * @example
 * leafHash({ accountId: 'p1', sequence: 0, hash: GENESIS_HASH });
 */
export function leafHash(leaf: DigestLeaf): string {
  // The three members in the order JCS sorts them; the sequence is an integer, so its text is String().
  const text = `{"accountId":${quoteJson(leaf.accountId)},"hash":${quoteJson(leaf.hash)},"sequence":${String(leaf.sequence)}}`;
  return hash('sha256', text, 'hex');
}

/**
 * An inner node: SHA-256 of the bytes of the left child's hash followed by the right child's.
 *
 * @example
 * const parent = nodeHash(leftHex, rightHex);
 */
export function nodeHash(left: string, right: string): string {
  // One buffer of the 64 bytes and the one-shot hash: a digest hashes a node per leaf.
  return hash('sha256', Buffer.from(left + right, 'hex'), 'hex');
}

/**
 * The Merkle root of `hashes` (lowercase hex) in order: each level pairs its nodes left to right
 * and carries an odd last node up unchanged; no leaves give {@link EMPTY_MERKLE_ROOT}.
 *
 * @example
 * const root = merkleRoot(leaves.map(leafHash));
 */
export function merkleRoot(hashes: readonly string[]): string {
  if (hashes.length === 0) return EMPTY_MERKLE_ROOT;
  let level = hashes;
  while (level.length > 1) level = parentLevel(level);
  return level[0]!;
}

/**
 * The path from `hashes[index]` to {@link merkleRoot}`(hashes)`: the siblings met on the way up,
 * lowest first; a level where the node is carried up adds no step.
 *
 * @example
 * const path = merklePath(hashes, 3);
 */
export function merklePath(hashes: readonly string[], index: number): ProofStep[] {
  const path: ProofStep[] = [];
  let level = hashes;
  let position = index;
  while (level.length > 1) {
    const sibling = position ^ 1;
    if (sibling < level.length) {
      path.push({ side: sibling < position ? 'left' : 'right', hash: level[sibling]! });
    }
    level = parentLevel(level);
    position >>= 1;
  }
  return path;
}

/**
 * The root a path leads to from a node's hash.
 *
 * @example
 * rootFromPath(leafHash(proof.leaf), proof.path) === proof.root;
 */
export function rootFromPath(start: string, path: readonly ProofStep[]): string {
  let node = start;
  for (const step of path) {
    node = step.side === 'left' ? nodeHash(step.hash, node) : nodeHash(node, step.hash);
  }
  return node;
}

function parentLevel(level: readonly string[]): string[] {
  const parents: string[] = [];
  for (let i = 0; i + 1 < level.length; i += 2) parents.push(nodeHash(level[i]!, level[i + 1]!));
  if (level.length % 2 === 1) parents.push(level[level.length - 1]!);
  return parents;
}
