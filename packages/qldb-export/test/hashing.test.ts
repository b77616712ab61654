import { dom } from 'ion-js';
import { describe, expect, it } from 'vitest';
import { dotHash, ionHash, merkleRoot, sameHash, toBase64 } from '../src/index.js';
import { fixtureText } from './support/fixtures.js';

function revisionHash(revision: dom.Value): { computed: string; stored: string } {
  const metadata = revision.get('metadata')!;
  const data = revision.get('data')!;
  return {
    computed: toBase64(dotHash(ionHash(metadata), ionHash(data))),
    stored: toBase64(revision.get('hash')!.uInt8ArrayValue()!),
  };
}

describe('QLDB hashing on real QLDB records', () => {
  it('recomputes the hash of a real Wallet revision from its metadata and data', () => {
    const record = dom.load(fixtureText('wallet-revision-details.ion'))!;
    const { computed, stored } = revisionHash(record.get('payload', 'revision')!);
    expect(computed).toBe(stored);
    expect(stored).toBe('j5yn00sQj4clTrEN4vka5BrbVjQ+v41wBSqjj9AFveA=');
  });

  it('does not verify the hand-edited person revision fixture', () => {
    const record = dom.load(fixtureText('person-revision-details.ion'))!;
    const { computed, stored } = revisionHash(record.get('payload', 'revision')!);
    expect(computed).not.toBe(stored);
  });

  it('recomputes a real block summary entriesHash, blockHash and transactionInfo hash', () => {
    const payload = dom.load(fixtureText('person-block-summary.ion'))!.get('payload')!;
    const bytes = (value: dom.Value) => value.uInt8ArrayValue()!;
    const list = payload.get('entriesHashList')!.elements().map(bytes);
    const entriesHash = bytes(payload.get('entriesHash')!);
    expect(sameHash(merkleRoot(list), entriesHash)).toBe(true);
    expect(
      sameHash(
        dotHash(entriesHash, bytes(payload.get('previousBlockHash')!)),
        bytes(payload.get('blockHash')!),
      ),
    ).toBe(true);
    const transactionInfoHash = ionHash(payload.get('transactionInfo')!);
    expect(list.some((h) => sameHash(h, transactionInfoHash))).toBe(true);
  });
});

describe('merkleRoot', () => {
  it('is empty for no hashes, the hash itself for one, and carries an odd last hash up', () => {
    const [a, b, c] = ['a', 'b', 'c'].map((s) => ionHash(new dom.String(s))) as [
      Uint8Array,
      Uint8Array,
      Uint8Array,
    ];
    expect(merkleRoot([])).toHaveLength(0);
    expect(merkleRoot([a])).toBe(a);
    expect(merkleRoot([a, b, c])).toEqual(dotHash(dotHash(a, b), c));
  });
});
