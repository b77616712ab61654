import { createWalletService, type JournalEntry, type WalletService } from '@wallet/core';
import { describe, expect } from 'vitest';
import { SUITE_CURRENCIES, SUITE_EXCHANGE_RATES } from '../fixtures.js';
import { HOT_WALLET_TESTS } from '../ledger-store-tests.js';
import { expectWalletError } from '../wallet-error.js';
import type { LedgerSuiteContext } from './suite-context.js';

/** Sub-accounts of every hot wallet these tests declare. */
const SUB_ACCOUNTS = 4;

/**
 * The hot wallet tests of `ledgerStoreSuite`: credits spread over sub-accounts, each its own
 * row or item and chain, summed wherever the balance counts; debits, reversals and limits on
 * the exact sum.
 *
 * @example
 * hotWalletTests(context); // inside ledgerStoreSuite's describe
 */
export function hotWalletTests(context: LedgerSuiteContext): void {
  const { ids, wallet, concurrencyTimeout, test: it } = context;

  /** A new hot wallet and a service over the suite's ledger that declares it. */
  async function hotWallet(funds: Record<string, string> = {}) {
    const accountId = ids.account('house');
    const service = hotService(accountId);
    await service.createWallet({ accountId });
    for (const [currency, amount] of Object.entries(funds)) {
      await service.addFunds({ accountId, currency, amount });
    }
    return { accountId, service };
  }

  function hotService(accountId: string): WalletService {
    return createWalletService({
      ledger: context.fixture().ledger,
      currencies: SUITE_CURRENCIES,
      exchangeRates: SUITE_EXCHANGE_RATES,
      hotWallets: [{ accountId, subAccounts: SUB_ACCOUNTS }],
      ...context.serviceOptions,
    });
  }

  async function expectVerified(service: WalletService, accountId: string, entries?: number) {
    const report = await service.verifyWallet({ accountId });
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    if (entries !== undefined) expect(report.entries).toBe(entries);
  }

  // A store that turns every one off gets no empty `describe` (vitest fails one).
  const group = HOT_WALLET_TESTS.every(context.skips)
    ? (body: () => void) => body()
    : (body: () => void) => describe('hot wallets', body);

  group(() => {
    it('spread credits over sub-accounts and sum them in getFunds and listWallets', async () => {
      const { accountId, service } = await hotWallet();
      const credited = new Set<string>();
      for (let i = 0; i < 12; i++) {
        const result = await service.addFunds({
          accountId,
          amount: '1.50',
          currency: 'GOLD',
          idempotencyKey: ids.key(),
        });
        expect(result.accountId.startsWith(`${accountId}#`)).toBe(true);
        credited.add(result.accountId);
      }
      expect(credited.size).toBeGreaterThan(1);
      const funds = await service.getFunds({ accountId });
      expect(funds.accountId).toBe(accountId);
      expect(funds.balances.GOLD).toBe('18.00');
      const page = await service.listWallets({ prefix: accountId });
      expect(page.items.map((item) => item.accountId)).toEqual([accountId]);
      expect(page.items[0]!.balances.GOLD).toBe('18.00');
      await expectVerified(service, accountId, 12);
    });

    it('replay a keyed credit where it first landed, counted once', async () => {
      const { accountId, service } = await hotWallet();
      const key = ids.key();
      const first = await service.addFunds({ accountId, amount: '7', idempotencyKey: key });
      const again = await service.addFunds({ accountId, amount: '7', idempotencyKey: key });
      expect(again).toEqual({ ...first, replayed: true });
      expect((await service.getFunds({ accountId })).balances.GEMS).toBe('7');
      await expectWalletError(
        service.addFunds({ accountId, amount: '8', idempotencyKey: key }),
        'IDEMPOTENCY_KEY_REUSED',
      );
    });

    it('debit the exact sum of the sub-accounts, consolidated first, and refuse a cent more', async () => {
      const { accountId, service } = await hotWallet();
      for (let i = 0; i < 8; i++) {
        await service.addFunds({ accountId, amount: '2.25', currency: 'GOLD' });
      }
      await expectWalletError(
        service.withdrawFunds({ accountId, amount: '18.01', currency: 'GOLD' }),
        'INSUFFICIENT_FUNDS',
      );
      const withdrawn = await service.withdrawFunds({
        accountId,
        amount: '18.00',
        currency: 'GOLD',
      });
      expect(withdrawn).toMatchObject({
        accountId,
        previousBalance: '18.00',
        currentBalance: '0.00',
      });
      expect((await service.getFunds({ accountId })).balances.GOLD).toBe('0.00');
      const history = await service.getTransactionHistory({ accountId, order: 'asc' });
      const consolidation = history.items.filter((entry) => entry.type === 'POSTING_IN');
      expect(consolidation.length).toBeGreaterThan(0);
      expect(consolidation[0]!.metadata).toEqual({ consolidates: 'sub-accounts' });
      await expectVerified(service, accountId);
    });

    it("list every journal's entries in the hot wallet's history, each once, in time order", async () => {
      const { accountId, service } = await hotWallet();
      const credits: string[] = [];
      for (let i = 0; i < 14; i++) {
        const credit = await service.addFunds({
          accountId,
          amount: '1.00',
          currency: 'GOLD',
          idempotencyKey: ids.key(),
        });
        credits.push(credit.transactionId);
        if (i === 9) await service.withdrawFunds({ accountId, amount: '3.00', currency: 'GOLD' });
      }
      const { ledger } = context.fixture();
      const journals = [accountId];
      for (let i = 1; i <= SUB_ACCOUNTS; i++) journals.push(`${accountId}#${i}`);
      const all = (
        await Promise.all(
          journals.map((id) => ledger.queryEntries({ accountId: id, order: 'asc', limit: 1000 })),
        )
      ).flat();
      const at = (entry: { accountId: string; sequence: number }) =>
        `${entry.accountId}/${entry.sequence}`;
      const listed: { asc?: JournalEntry[]; desc?: JournalEntry[] } = {};
      for (const order of ['asc', 'desc'] as const) {
        const items: JournalEntry[] = [];
        let cursor: string | null = null;
        do {
          const page = await service.getTransactionHistory({ accountId, order, limit: 3, cursor });
          items.push(...page.items);
          cursor = page.nextCursor;
        } while (cursor !== null);
        listed[order] = items;
      }
      const asc = listed.asc!;
      expect(asc.map(at).sort()).toEqual(all.map(at).sort());
      expect(new Set(asc.map((entry) => entry.transactionId))).toEqual(
        new Set(all.map((entry) => entry.transactionId)),
      );
      for (const id of credits) expect(asc.some((entry) => entry.transactionId === id)).toBe(true);
      for (let i = 1; i < asc.length; i++) expect(asc[i - 1]!.txTime <= asc[i]!.txTime).toBe(true);
      expect(listed.desc!.map(at)).toEqual(asc.map(at).reverse());
    });

    it(
      'take credits from many writers at once: postings on random wallets keep the total exact and every chain whole',
      async () => {
        const { accountId, service } = await hotWallet();
        const players = await Promise.all(
          Array.from({ length: 8 }, () => wallet({ GOLD: '100.00' }, 'player')),
        );
        const trades = 48;
        const results = await Promise.all(
          Array.from({ length: trades }, (_, i) =>
            service.post({
              legs: [
                {
                  accountId: players[i % 8]!,
                  currency: 'GOLD',
                  direction: 'debit',
                  amount: '2.00',
                },
                {
                  accountId: players[(i + 1) % 8]!,
                  currency: 'GOLD',
                  direction: 'credit',
                  amount: '1.90',
                },
                { accountId, currency: 'GOLD', direction: 'credit', amount: '0.10' },
              ],
              idempotencyKey: ids.key(),
            }),
          ),
        );
        for (const result of results) {
          expect(result.legs[2]!.accountId.startsWith(`${accountId}#`)).toBe(true);
        }
        expect((await service.getFunds({ accountId })).balances.GOLD).toBe('4.80');
        let playersTotal = 0n;
        for (const player of players) {
          const gold = (await service.getFunds({ accountId: player })).balances.GOLD!;
          playersTotal += BigInt(gold.replace('.', ''));
        }
        expect(playersTotal).toBe(80_000n - 480n);
        await expectVerified(service, accountId, trades);
      },
      concurrencyTimeout,
    );

    it(
      'pay out while credits stream in: every payout commits, on the main wallet or the few sub-accounts that cover it, and the sum stays exact',
      async () => {
        const { accountId, service } = await hotWallet();
        let streaming = true;
        let credited = 0n;
        const writer = async (w: number) => {
          for (let i = 0; streaming; i++) {
            await service.addFunds({
              accountId,
              amount: '1.00',
              currency: 'GOLD',
              idempotencyKey: `${ids.key()}-${w}-${i}`,
            });
            credited += 100n;
            // A store that answers without I/O (memory) would otherwise never let the payouts run.
            await new Promise((resolve) => setImmediate(resolve));
          }
        };
        const writers = Array.from({ length: 6 }, (_, w) => writer(w));
        const paid: string[] = [];
        try {
          for (let i = 0; i < 6; i++) {
            // Each payout waits for the fees to cover it, then must commit.
            while (credited < 300n * BigInt(i + 1)) await new Promise((r) => setImmediate(r));
            const payout = await service.withdrawFunds({
              accountId,
              amount: '3.00',
              currency: 'GOLD',
              idempotencyKey: ids.key(),
            });
            paid.push(payout.transactionId);
          }
        } finally {
          streaming = false;
          await Promise.all(writers);
        }
        expect(new Set(paid).size).toBe(6);
        const total = (await service.getFunds({ accountId })).balances.GOLD!;
        expect(BigInt(total.replace('.', ''))).toBe(credited - 1800n);
        await expectVerified(service, accountId);
      },
      concurrencyTimeout,
    );

    it('reverse a credit that landed on a sub-account from the hot wallet, and never a consolidation', async () => {
      const { accountId, service } = await hotWallet();
      const player = await wallet({ GEMS: '10' }, 'player');
      const trade = await service.transfer({
        fromAccountId: player,
        toAccountId: accountId,
        amount: '6',
      });
      expect(trade.to.accountId.startsWith(`${accountId}#`)).toBe(true);
      await service.withdrawFunds({ accountId, amount: '1' });
      const reversal = await service.reverseTransaction({
        transactionId: trade.transactionId,
        amount: '5',
      });
      expect(reversal.legs.map((leg) => [leg.accountId, leg.currentBalance])).toEqual([
        [player, '9'],
        [accountId, '0'],
      ]);
      expect((await service.getFunds({ accountId })).balances.GEMS).toBe('0');
      // A deposit that landed on a sub-account, reversed in part and then in full.
      const deposit = await service.addFunds({ accountId, amount: '4' });
      expect(deposit.accountId.startsWith(`${accountId}#`)).toBe(true);
      await service.reverseTransaction({ transactionId: deposit.transactionId, amount: '1' });
      await service.reverseTransaction({ transactionId: deposit.transactionId });
      expect((await service.getFunds({ accountId })).balances.GEMS).toBe('0');
      const consolidation = (
        await service.getTransactionHistory({ accountId, order: 'asc' })
      ).items.find((entry) => entry.type === 'POSTING_IN')!;
      await expectWalletError(
        service.reverseTransaction({ transactionId: consolidation.transactionId }),
        'VALIDATION_ERROR',
      );
      await expectVerified(service, accountId);
    });

    it(
      'credit a currency with a maxBalance on the exact sum, never past the limit',
      async () => {
        const { accountId, service } = await hotWallet();
        const results = await Promise.allSettled(
          Array.from({ length: 12 }, () =>
            service.addFunds({ accountId, amount: '100', currency: 'TOKENS' }),
          ),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
        for (const result of results) {
          if (result.status === 'rejected') {
            expect(result.reason).toMatchObject({ code: 'BALANCE_LIMIT_EXCEEDED' });
          } else {
            expect(result.value.accountId).toBe(accountId);
          }
        }
        expect((await service.getFunds({ accountId })).balances.TOKENS).toBe('1000');
        await expectVerified(service, accountId);
      },
      concurrencyTimeout,
    );

    it('gain sub-accounts on the first credit of a wallet declared hot after it was created', async () => {
      const accountId = await wallet({ GEMS: '5' }, 'house');
      const service = hotService(accountId);
      await expectVerified(service, accountId);
      const credit = await service.addFunds({ accountId, amount: '3' });
      expect(credit.accountId.startsWith(`${accountId}#`)).toBe(true);
      expect((await service.getFunds({ accountId })).balances.GEMS).toBe('8');
      await expectVerified(service, accountId);
      const missing = ids.account('missing');
      await expectWalletError(
        hotService(missing).addFunds({ accountId: missing, amount: '1' }),
        'WALLET_NOT_FOUND',
      );
    });
  });
}
