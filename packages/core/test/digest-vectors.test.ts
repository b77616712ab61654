import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type DigestLeaf, leafHash, merklePath, merkleRoot, verifyProof } from '../src/index.js';

interface Vectors {
  leaves: DigestLeaf[];
  leafHashes: string[];
  roots: string[];
  proofs: { index: number; path: { side: 'left' | 'right'; hash: string }[] }[];
}

/** The vectors as docs/verification.md publishes them: the JSON block after its marker. */
function publishedVectors(): Vectors {
  const page = readFileSync(new URL('../../../docs/verification.md', import.meta.url), 'utf8');
  const block = /<!-- vectors -->\s*```json\n([\s\S]*?)\n```/.exec(page);
  if (!block) throw new Error('docs/verification.md has no test vectors block');
  return JSON.parse(block[1]!) as Vectors;
}

/** A second implementation, written from the page's prose alone, as another language would. */
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest();
function independentLeaf(leaf: DigestLeaf): Buffer {
  const text = JSON.stringify({
    accountId: leaf.accountId,
    hash: leaf.hash,
    sequence: leaf.sequence,
  });
  return sha(Buffer.from(text, 'utf8'));
}
function independentRoot(leaves: Buffer[]): string {
  if (leaves.length === 0) return sha(Buffer.alloc(0)).toString('hex');
  let level = leaves;
  while (level.length > 1) {
    const up: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) {
      up.push(i + 1 < level.length ? sha(Buffer.concat([level[i]!, level[i + 1]!])) : level[i]!);
    }
    level = up;
  }
  return level[0]!.toString('hex');
}

describe('the test vectors of docs/verification.md', () => {
  const vectors = publishedVectors();

  it('has the leaf hashes both implementations compute', () => {
    expect(vectors.leaves.map(leafHash)).toEqual(vectors.leafHashes);
    expect(vectors.leaves.map((leaf) => independentLeaf(leaf).toString('hex'))).toEqual(
      vectors.leafHashes,
    );
  });

  it('has the root of the first n leaves, for n from 0 to 5', () => {
    const leaves = vectors.leaves.map(independentLeaf);
    expect(vectors.roots).toHaveLength(vectors.leaves.length + 1);
    vectors.roots.forEach((root, n) => {
      expect(merkleRoot(vectors.leafHashes.slice(0, n)), `${n} leaves`).toBe(root);
      expect(independentRoot(leaves.slice(0, n)), `${n} leaves`).toBe(root);
    });
  });

  it('has proofs that lead to the root of all five, and no longer do when a leaf changes', () => {
    const root = vectors.roots.at(-1)!;
    for (const { index, path } of vectors.proofs) {
      expect(merklePath(vectors.leafHashes, index)).toEqual(path);
      const proof = { digestId: 'vectors', root, leaf: vectors.leaves[index]!, path };
      expect(verifyProof(proof)).toBe(true);
      expect(
        verifyProof({ ...proof, leaf: { ...proof.leaf, sequence: proof.leaf.sequence + 1 } }),
      ).toBe(false);
    }
  });
});
