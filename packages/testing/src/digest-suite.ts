import {
  DigestIntegrityError,
  GENESIS_HASH,
  hashEntry,
  type JournalEntry,
  type LedgerStore,
  verifyProof,
  verifyWallets,
  type WalletCheck,
  type WalletService,
} from '@wallet/core';
import { describe, expect } from 'vitest';
import type { LedgerStoreTest } from './ledger-store-tests.js';
import type { TestRegistrar } from './named-tests.js';
import type { TamperHooks } from './tamper-hooks.js';
import { expectWalletError } from './wallet-error.js';

/**
 * What the conformance suite shares with the digest tests.
 *
 * @example
 * digestSuite({ service: () => service, ledger: () => fixture.ledger, tamper: () => fixture.tamper!, wallet, untouch, concurrencyTimeout: 30_000, test });
 */
export interface DigestSuiteContext {
  /** The suite's service over the ledger under test. */
  service(): WalletService;
  /** The ledger under test. */
  ledger(): LedgerStore;
  /** The store's tamper hooks; the rewrite attack is registered only when the store has them. */
  tamper?: () => TamperHooks;
  /** A fresh wallet with these balances, checked by the suite once it is done. */
  wallet(funds?: Record<string, string>, label?: string): Promise<string>;
  /** Keeps a wallet out of the suite's final check (a test tampered with it on purpose). */
  untouch(accountId: string): void;
  /** Per-test timeout of the concurrency tests, in milliseconds. */
  concurrencyTimeout: number;
  /** Registers each test (the enclosing suite's, which leaves out those turned off by name). */
  test: TestRegistrar<LedgerStoreTest>;
}

/**
 * The conformance tests of digests (DESIGN section 10) on the ledger of the enclosing
 * `ledgerStoreSuite`: what a digest holds, proofs, listing, a digest made while writers write,
 * and the attack a digest exists for: history rewritten with every hash recomputed.
 *
 * @example
 * digestSuite(context); // inside ledgerStoreSuite's describe
 */
export function digestSuite(context: DigestSuiteContext): void {
  const { wallet, concurrencyTimeout, test: it } = context;
  const service = () => context.service();

  describe('digests', () => {
    it('holds every wallet head as committed, and each proof leads to the root', async () => {
      const first = await wallet({ GEMS: '5' });
      const second = await wallet();
      await service().transfer({ fromAccountId: first, toAccountId: second, amount: '2' });
      const empty = await wallet();
      const digest = await service().createDigest();
      expect(digest).toMatchObject({ algorithm: 'sha256-merkle-v1', root: expect.any(String) });
      expect(digest.wallets).toBeGreaterThanOrEqual(3);
      for (const accountId of [first, second, empty]) {
        const head = (await context.ledger().getWallet(accountId))!;
        const proof = await service().getProof({ accountId, digestId: digest.digestId });
        expect(proof.leaf).toEqual({ accountId, sequence: head.sequence, hash: head.headHash });
        expect(proof.root).toBe(digest.root);
        expect(verifyProof(proof)).toBe(true);
        const report = await service().verifyWallet({ accountId, digest });
        expect(report).toMatchObject({
          ok: true,
          digest: { digestId: digest.digestId, sequence: head.sequence },
        });
      }
      expect(
        (await service().getProof({ accountId: empty, digestId: digest.digestId })).leaf,
      ).toEqual({ accountId: empty, sequence: 0, hash: GENESIS_HASH });
    });

    it('lists digests newest first, pages them, and reads one by id', async () => {
      const older = await service().createDigest();
      const newer = await service().createDigest();
      const page = await service().listDigests({ limit: 1 });
      expect(page.items).toEqual([newer]);
      expect(page.nextCursor).not.toBeNull();
      const next = await service().listDigests({ limit: 1, cursor: page.nextCursor });
      expect(next.items).toEqual([older]);
      expect(await service().getDigest({ digestId: older.digestId })).toEqual(older);
      // Published as text: the stored digest reads back with its keys in the same order.
      expect(JSON.stringify(await service().getDigest({ digestId: older.digestId }))).toBe(
        JSON.stringify(older),
      );
      expect(
        (
          await service()
            .getProof({ accountId: await wallet() })
            .catch((e) => e)
        ).code,
      ).toBe('WALLET_NOT_FOUND');
      await expectWalletError(
        service().getDigest({ digestId: 'no-such-digest' }),
        'VALIDATION_ERROR',
      );
      await expectWalletError(
        service().listDigests({ cursor: 'no-such-digest' }),
        'VALIDATION_ERROR',
      );
    });

    it('reports a wallet created after a digest as not in it', async () => {
      const digest = await service().createDigest();
      const late = await wallet({ GEMS: '1' });
      await expectWalletError(
        service().getProof({ accountId: late, digestId: digest.digestId }),
        'WALLET_NOT_FOUND',
      );
      expect(await service().verifyWallet({ accountId: late, digest })).toMatchObject({
        ok: true,
        digest: { digestId: digest.digestId, sequence: null },
      });
    });

    it('never verifies a proof for one wallet as another', async () => {
      const mine = await wallet({ GEMS: '3' });
      const theirs = await wallet({ GEMS: '3' });
      const digest = await service().createDigest();
      const proof = await service().getProof({ accountId: mine, digestId: digest.digestId });
      const report = await service().verifyWallet({ accountId: theirs, digest: proof });
      expect(report.ok).toBe(false);
      expect(report.problems.join('\n')).toMatch(/the proof is for wallet/);
      expect(verifyProof({ ...proof, leaf: { ...proof.leaf, accountId: theirs } })).toBe(false);
      expect((await service().verifyWallet({ accountId: mine, digest: proof })).ok).toBe(true);
    });

    it(
      'stays valid when made while 16 workers write',
      async () => {
        const accounts = await Promise.all(
          Array.from({ length: 8 }, () => wallet({ GEMS: '1000' }, 'dg16')),
        );
        const prefix = accounts[0]!.slice(0, accounts[0]!.lastIndexOf('.') + 1);
        let writing = true;
        const workers = Array.from({ length: 16 }, async (_, worker) => {
          for (let i = 0; writing || i < 4; i++) {
            const from = accounts[(worker + i) % accounts.length]!;
            const to = accounts[(worker + i + 1) % accounts.length]!;
            await service()
              .transfer({ fromAccountId: from, toAccountId: to, amount: '1' })
              .catch((error: { code?: string }) => {
                if (error.code !== 'CONCURRENCY_CONFLICT') throw error;
              });
          }
        });
        const digests = [];
        for (let i = 0; i < 2; i++) digests.push(await service().createDigest());
        writing = false;
        await Promise.all(workers);
        for (const digest of digests) {
          for (const accountId of accounts) {
            const report = await service().verifyWallet({ accountId, digest });
            expect(report.problems).toEqual([]);
          }
          const checks: WalletCheck[] = [];
          for await (const check of verifyWallets(context.ledger(), service().currencies, {
            prefix,
            digest,
          })) {
            checks.push(check);
          }
          expect(checks.map((check) => check.accountId)).toEqual([...accounts].sort());
          expect(checks.flatMap((check) => check.report.problems)).toEqual([]);
          expect(checks.every((check) => check.report.digest?.sequence !== null)).toBe(true);
        }
      },
      concurrencyTimeout,
    );

    it('catches a changed copy of the digest in the ledger', async () => {
      const accountId = await wallet({ GEMS: '2' });
      const digest = await service().createDigest();
      const proof = await service().getProof({ accountId, digestId: digest.digestId });
      // Whoever runs the database moves the wallet's leaf back to an older head.
      const ledger = context.ledger();
      const key = `digest-node:${digest.digestId}:0:`;
      let replaced = false;
      for (let index = 0; !replaced; index++) {
        const record = await ledger.getRecord(`${key}${index}`);
        if (record === null) break;
        const items = record.data.items as [string, number, string][];
        if (!items.some(([id]) => id === accountId)) continue;
        const changed = items.map(([id, sequence, hash]): [string, number, string] =>
          id === accountId ? [id, 0, GENESIS_HASH] : [id, sequence, hash],
        );
        await ledger.transact({
          accountIds: [],
          idempotencyKeys: [],
          recordKeys: [record.key],
          decide: () => ({
            write: {
              wallets: [],
              entries: [],
              idempotency: [],
              records: [{ key: record.key, version: record.version + 1, data: { items: changed } }],
            },
            result: null,
          }),
        });
        replaced = true;
      }
      expect(replaced).toBe(true);
      const report = await service().verifyWallet({ accountId, digest });
      expect(report.ok).toBe(false);
      expect(report.problems.join('\n')).toMatch(/copy of digest .* was changed/);
      // The proof saved before the change still verifies the wallet.
      expect((await service().verifyWallet({ accountId, digest: proof })).ok).toBe(true);
      const all = verifyWallets(ledger, service().currencies, { prefix: accountId, digest });
      await expect(all.next()).rejects.toThrow(DigestIntegrityError);
      // A digest the ledger no longer holds at all fails the check too.
      const unknown = { ...digest, digestId: `${digest.digestId}-gone` };
      const gone = await service().verifyWallet({ accountId, digest: unknown });
      expect(gone.ok).toBe(false);
      expect(gone.problems.join('\n')).toMatch(/holds no digest/);
    });

    it('refuses a malformed digest with VALIDATION_ERROR', async () => {
      const accountId = await wallet();
      for (const digest of [
        'digest',
        { digestId: 'x', root: 'zz', wallets: 1, createdAt: 'now', algorithm: 'sha256-merkle-v1' },
        { digestId: 'x', root: '0'.repeat(64), wallets: 1, createdAt: 'now', algorithm: 'md5' },
        {
          digestId: 'x',
          root: '0'.repeat(64),
          leaf: { accountId, sequence: -1, hash: GENESIS_HASH },
          path: [],
        },
        {
          digestId: 'x',
          root: '0'.repeat(64),
          leaf: { accountId, sequence: 1, hash: GENESIS_HASH },
          path: [{ side: 'up', hash: GENESIS_HASH }],
        },
      ]) {
        await expectWalletError(
          service().verifyWallet({ accountId, digest: digest as never }),
          'VALIDATION_ERROR',
        );
      }
    });

    const { tamper } = context;
    if (tamper === undefined) return;
    it('catches history rewritten with every hash recomputed, which the chain alone cannot', async () => {
      const hooks = tamper();
      const accountId = await wallet({ GEMS: '3' });
      await service().addFunds({ accountId, amount: '4' });
      await service().withdrawFunds({ accountId, amount: '2' });
      const digest = await service().createDigest();
      const proof = await service().getProof({ accountId, digestId: digest.digestId });
      context.untouch(accountId);
      // As an administrator would: the credit of 4 becomes 1, every later balance and hash is
      // recomputed, and the wallet row follows.
      const entries = (
        await service().getTransactionHistory({ accountId, order: 'asc', limit: 1000 })
      ).items;
      const rewritten = rewriteAmount(entries, 2, '1');
      await hooks.rewriteJournal(accountId, () => rewritten);
      const last = rewritten.at(-1)!;
      await hooks.rewriteWallet(accountId, (stored) => ({
        ...stored,
        balances: { ...stored.balances, GEMS: last.balanceAfter },
        sequence: last.sequence,
        headHash: last.hash,
      }));
      expect(await service().verifyWallet({ accountId })).toMatchObject({ ok: true, problems: [] });
      for (const anchor of [digest, proof]) {
        const report = await service().verifyWallet({ accountId, digest: anchor });
        expect(report.ok).toBe(false);
        expect(report.problems.join('\n')).toMatch(
          /differs from digest .* history before the digest was rewritten/,
        );
      }
    });
  });
}

/**
 * A journal of credits and debits in one currency of scale 0, with the amount of the entry at
 * `sequence` changed and every balance, `prevHash` and `hash` from there recomputed: the rewrite
 * whoever runs the database could make, which the chain alone cannot tell. Store it (and the
 * last entry's balance and hash as the wallet's) to attack a digest.
 *
 * @example
 * const rewritten = rewriteAmount(entries, 2, '1');
 * await tamper.rewriteJournal(accountId, () => rewritten);
 */
export function rewriteAmount(
  entries: readonly JournalEntry[],
  sequence: number,
  amount: string,
): JournalEntry[] {
  let prevHash = GENESIS_HASH;
  let balance = 0n;
  return entries.map((entry) => {
    const changed = entry.sequence === sequence ? amount : entry.amount;
    const sign = entry.type === 'CREDIT' ? 1n : -1n;
    const after = balance + sign * BigInt(changed);
    const { hash: _, ...fields } = {
      ...entry,
      amount: changed,
      balanceBefore: String(balance),
      balanceAfter: String(after),
      prevHash,
    };
    balance = after;
    prevHash = hashEntry(fields);
    return { ...fields, hash: prevHash };
  });
}
