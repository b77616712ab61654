import { GENESIS_HASH, leafHash, merklePath, merkleRoot } from '@wallet/core';
import { describe, expect, it } from 'vitest';
import {
  leafHash as browserLeafHash,
  type DigestLeaf,
  hex,
  rootOfProof,
} from '../src/app/merkle.js';

// The console recomputes a proof's root with SubtleCrypto, apart from core: the two must agree on
// every tree, odd levels and account ids that JSON escapes included.

function leaves(count: number): DigestLeaf[] {
  const names = ['plain', 'with "quotes"', 'back\\slash', 'tab\there', 'ünïcödé-€', 'emoji-🎮'];
  return Array.from({ length: count }, (_, i) => ({
    accountId: `${names[i % names.length]}-${String(i).padStart(3, '0')}`,
    sequence: i * 7,
    hash:
      i % 4 === 0 ? GENESIS_HASH : hex(new Uint8Array(32).map((_, j) => (i * 31 + j * 17) % 256)),
  }));
}

describe("the console's proof check", () => {
  it('hashes a leaf as core does, JSON escapes included', async () => {
    for (const leaf of leaves(12)) expect(hex(await browserLeafHash(leaf))).toBe(leafHash(leaf));
  });

  it('finds the root core computes from every leaf of trees of 1 to 33 leaves', async () => {
    for (let count = 1; count <= 33; count++) {
      const all = leaves(count);
      const hashes = all.map(leafHash);
      const root = merkleRoot(hashes);
      for (let index = 0; index < count; index++) {
        const proof = { digestId: 'd', root, leaf: all[index]!, path: merklePath(hashes, index) };
        expect(await rootOfProof(proof)).toBe(root);
      }
    }
  });

  it('leads elsewhere when a leaf, a side or a sibling changes, and refuses malformed proofs', async () => {
    const all = leaves(9);
    const hashes = all.map(leafHash);
    const root = merkleRoot(hashes);
    const proof = { digestId: 'd', root, leaf: all[5]!, path: merklePath(hashes, 5) };
    const step = proof.path[0]!;
    const other = step.side === 'left' ? 'right' : 'left';
    for (const changed of [
      { ...proof, leaf: { ...proof.leaf, sequence: proof.leaf.sequence + 1 } },
      { ...proof, leaf: { ...proof.leaf, accountId: `${proof.leaf.accountId} ` } },
      { ...proof, path: [{ ...step, side: other } as const, ...proof.path.slice(1)] },
      { ...proof, path: [{ ...step, hash: GENESIS_HASH }, ...proof.path.slice(1)] },
      { ...proof, path: proof.path.slice(1) },
    ]) {
      const computed = await rootOfProof(changed);
      expect(computed).toMatch(/^[0-9a-f]{64}$/);
      expect(computed).not.toBe(root);
    }
    for (const malformed of [
      { ...proof, leaf: { ...proof.leaf, hash: proof.leaf.hash.toUpperCase() } },
      { ...proof, leaf: { ...proof.leaf, sequence: -1 } },
      { ...proof, leaf: { ...proof.leaf, sequence: 1.5 } },
      { ...proof, path: [{ side: 'up', hash: step.hash }] },
      { ...proof, path: [{ side: 'left', hash: step.hash.slice(2) }] },
      { ...proof, path: null },
    ]) {
      expect(await rootOfProof(malformed as never)).toBeNull();
    }
  });
});
