import { GENESIS_HASH, hashEntry, type JournalEntry } from '@wallet/core';
import { describe, expect } from 'vitest';
import type { LedgerStoreTest } from '../ledger-store-tests.js';
import { expectWalletError } from '../wallet-error.js';
import type { LedgerSuiteContext } from './suite-context.js';

/**
 * The `verifyWallet` tests of `ledgerStoreSuite`: untouched wallets verify, and, when the store
 * lets a test tamper with its journal, every kind of tampering is reported.
 *
 * @example
 * verifyWalletTests(context); // inside ledgerStoreSuite's describe
 */
export function verifyWalletTests(context: LedgerSuiteContext): void {
  const { service, fixture, canTamper, ids, wallet, journal, untouch, test: it } = context;

  describe('verifyWallet', () => {
    it('verifies a new wallet with no entries', async () => {
      const accountId = await wallet();
      expect(await service().verifyWallet({ accountId })).toEqual({
        ok: true,
        entries: 0,
        headHash: GENESIS_HASH,
        problems: [],
      });
    });

    it('verifies a busy wallet and reports the last entry hash as its head', async () => {
      const accountId = await wallet({ GEMS: '10', GOLD: '3.00', CREDITS: '1.00' });
      const other = await wallet();
      await service().transfer({ fromAccountId: accountId, toAccountId: other, amount: '4' });
      await service().exchange({
        accountId,
        from: { currency: 'GOLD', amount: '1.00' },
        to: { currency: 'GEMS', amount: '2' },
      });
      await service().withdrawFunds({ accountId, currency: 'CREDITS', amount: '50.00' });
      const entries = await journal(accountId);
      expect(await service().verifyWallet({ accountId })).toEqual({
        ok: true,
        entries: 7,
        headHash: entries[6]?.hash,
        problems: [],
      });
    });

    it('fails with WALLET_NOT_FOUND for an unknown wallet', async () => {
      await expectWalletError(
        service().verifyWallet({ accountId: ids.account() }),
        'WALLET_NOT_FOUND',
      );
    });

    const tamperCases: TamperCase[] = [
      [
        'reports a changed amount',
        (e) => e.map((x) => (x.sequence === 2 ? { ...x, amount: '2', balanceAfter: '5' } : x)),
        /hash does not match/,
      ],
      [
        'reports a changed amount with its hash recomputed',
        (e) =>
          e.map((x) => (x.sequence === 2 ? rehash({ ...x, amount: '2', balanceAfter: '5' }) : x)),
        /prevHash does not match|differs from the journal/,
      ],
      [
        'reports a deleted entry',
        (e) => e.filter((x) => x.sequence !== 2),
        /missing or out of order/,
      ],
      ['reports the last entry deleted', (e) => e.slice(0, -1), /journal has 2 entries|head hash/],
      // Stores read by sequence, so a reordering shows as two entries trading sequences.
      [
        'reports reordered entries',
        (e) => [e[0]!, { ...e[2]!, sequence: 2 }, { ...e[1]!, sequence: 3 }],
        /prevHash does not match|hash does not match/,
      ],
    ];
    for (const [title, edit, problem] of tamperCases) {
      if (!canTamper) continue;
      it(title, async () => {
        expect(fixture().tamper, 'the fixture provides tamper hooks').toBeDefined();
        const accountId = await wallet({ GEMS: '3' });
        untouch(accountId);
        await service().addFunds({ accountId, amount: '4' });
        await service().withdrawFunds({ accountId, amount: '2' });
        await fixture().tamper!.rewriteJournal(accountId, edit);
        const report = await service().verifyWallet({ accountId });
        expect(report.ok).toBe(false);
        expect(report.problems.join('\n')).toMatch(problem);
      });
    }
  });
}

/** A tamper-evidence test: its title, the edit to the journal, the problem it must report. */
type TamperCase = [
  title: LedgerStoreTest,
  edit: (entries: JournalEntry[]) => JournalEntry[],
  problem: RegExp,
];

function rehash(entry: JournalEntry): JournalEntry {
  return { ...entry, hash: hashEntry(entry) };
}
