import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createMemoryLedger,
  createWalletService,
  EMPTY_MERKLE_ROOT,
  GENESIS_HASH,
  type LedgerStore,
  leafHash,
  merklePath,
  merkleRoot,
  rootFromPath,
  type VerifiableLedger,
  verifyProof,
  verifyWallets,
  type WalletRecord,
} from '../src/index.js';

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest();

/**
 * The same tree built another way: the leaves split into perfect subtrees by the binary digits
 * of their count, largest first, whose roots are then folded from the right. Carrying an odd
 * node up unchanged builds exactly this tree, so the two must agree.
 */
function peaksRoot(hashes: string[]): string {
  if (hashes.length === 0) return sha256('').toString('hex');
  const peaks: string[] = [];
  let start = 0;
  for (let size = 2 ** Math.floor(Math.log2(hashes.length)); size >= 1; size /= 2) {
    if (start + size > hashes.length) continue;
    let level: Buffer[] = hashes.slice(start, start + size).map((h) => Buffer.from(h, 'hex'));
    while (level.length > 1) {
      const up: Buffer[] = [];
      for (let i = 0; i < level.length; i += 2)
        up.push(sha256(Buffer.concat([level[i]!, level[i + 1]!])));
      level = up;
    }
    peaks.push(level[0]!.toString('hex'));
    start += size;
  }
  let root = Buffer.from(peaks.pop()!, 'hex');
  while (peaks.length > 0) root = sha256(Buffer.concat([Buffer.from(peaks.pop()!, 'hex'), root]));
  return root.toString('hex');
}

const hashes = (n: number) =>
  Array.from({ length: n }, (_, i) => sha256(`leaf ${i}`).toString('hex'));

describe('the Merkle construction', () => {
  it('hashes a leaf as SHA-256 of the JCS text of { accountId, sequence, hash }', () => {
    const leaf = { accountId: 'p1', sequence: 3, hash: 'ab'.repeat(32) };
    const jcs = JSON.stringify({
      accountId: leaf.accountId,
      hash: leaf.hash,
      sequence: leaf.sequence,
    });
    expect(leafHash(leaf)).toBe(sha256(jcs).toString('hex'));
  });

  it('gives the root of every tree of 0..130 leaves as the perfect subtrees folded from the right', () => {
    for (let n = 0; n <= 130; n++)
      expect(merkleRoot(hashes(n)), `${n} leaves`).toBe(peaksRoot(hashes(n)));
    expect(merkleRoot([])).toBe(EMPTY_MERKLE_ROOT);
  });

  it('leads every leaf of every tree of 1..70 leaves to the root, and no other leaf', () => {
    for (let n = 1; n <= 70; n++) {
      const leaves = hashes(n);
      const root = merkleRoot(leaves);
      for (let i = 0; i < n; i++) {
        const path = merklePath(leaves, i);
        expect(rootFromPath(leaves[i]!, path)).toBe(root);
        if (n > 1) expect(rootFromPath(leaves[(i + 1) % n]!, path)).not.toBe(root);
      }
    }
  });
});

/**
 * Stores `count` wallets straight into the ledger, a thousand a transaction: with made-up heads
 * (no journal behind them) unless `empty`.
 */
async function seed(
  ledger: LedgerStore,
  count: number,
  prefix: string,
  empty = false,
): Promise<WalletRecord[]> {
  const all: WalletRecord[] = [];
  for (let start = 0; start < count; start += 1000) {
    const wallets = Array.from({ length: Math.min(1000, count - start) }, (_, i): WalletRecord => {
      const n = start + i;
      return {
        accountId: `${prefix}${String(n).padStart(6, '0')}`,
        balances: {},
        version: 0,
        sequence: empty ? 0 : n % 7,
        headHash: empty || n % 7 === 0 ? GENESIS_HASH : sha256(`head ${n}`).toString('hex'),
        createdAt: '2030-01-01T00:00:00.000Z',
        updatedAt: '2030-01-01T00:00:00.000Z',
        metadata: null,
        holds: [],
      };
    });
    await ledger.transact({
      accountIds: wallets.map((w) => w.accountId),
      idempotencyKeys: [],
      recordKeys: [],
      decide: () => ({
        write: { wallets, entries: [], idempotency: [], records: [] },
        result: null,
      }),
    });
    all.push(...wallets);
  }
  return all;
}

describe('createDigest over many wallets', () => {
  for (const count of [0, 1, 256, 257, 600, 65_536 + 300]) {
    it(`stores ${count} heads in a tree whose root and proofs match the leaves`, async () => {
      const ledger = createMemoryLedger();
      const wallets = createWalletService({ ledger, currencies: [{ code: 'GEMS', scale: 0 }] });
      const seeded = await seed(ledger, count, 'w');
      const digest = await wallets.createDigest();
      const leaves = seeded.map((w) =>
        leafHash({ accountId: w.accountId, sequence: w.sequence, hash: w.headHash }),
      );
      expect(digest).toMatchObject({ wallets: count, root: merkleRoot(leaves) });
      const step = Math.max(1, Math.floor(count / 37));
      for (let i = 0; i < count; i += step) {
        const proof = await wallets.getProof({
          accountId: seeded[i]!.accountId,
          digestId: digest.digestId,
        });
        expect(proof.leaf.sequence).toBe(seeded[i]!.sequence);
        expect(verifyProof(proof)).toBe(true);
        expect(proof.root).toBe(digest.root);
      }
      if (count > 0) {
        const last = seeded.at(-1)!.accountId;
        expect(verifyProof(await wallets.getProof({ accountId: last }))).toBe(true);
      }
    }, 60_000);
  }

  it('reports, in account id order, a wallet the digest holds and the ledger no longer lists', async () => {
    const ledger = createMemoryLedger();
    const wallets = createWalletService({ ledger, currencies: [{ code: 'GEMS', scale: 0 }] });
    await seed(ledger, 300, 'a', true);
    const digest = await wallets.createDigest();
    // Whoever runs the database deletes wallet a000150 (and its journal, none here).
    const deleted = 'a000150';
    const listing: VerifiableLedger = {
      getRecord: ledger.getRecord.bind(ledger),
      queryEntries: ledger.queryEntries.bind(ledger),
      listWallets: async (query) =>
        (await ledger.listWallets(query)).filter((w) => w.accountId !== deleted),
    };
    const checks = [];
    for await (const check of verifyWallets(listing, wallets.currencies, { digest }))
      checks.push(check);
    expect(checks).toHaveLength(300);
    expect(checks.map((c) => c.accountId)).toEqual([...checks.map((c) => c.accountId)].sort());
    const failed = checks.filter((c) => !c.report.ok);
    expect(failed).toEqual([
      {
        accountId: deleted,
        report: expect.objectContaining({
          problems: [
            expect.stringMatching(
              /holds the wallet at sequence \d+, but the ledger has no such wallet/,
            ),
          ],
        }),
      },
    ]);
  });
});
