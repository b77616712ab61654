import {
  createMemoryLedger,
  createWalletService,
  type HotWalletConfig,
  hashEntry,
  type LedgerStore,
  MAX_SUB_ACCOUNTS,
} from '@wallet/core';
import { tamperJournal, tamperWallet } from '@wallet/core/testing';
import { describe, expect, it } from 'vitest';
import { decodeMergedCursor, encodeMergedCursor } from '../src/history-cursor.js';

const currencies = [
  { code: 'GOLD', scale: 2 },
  { code: 'GEMS', scale: 0, minBalance: '-50' },
  { code: 'TOKENS', scale: 0, maxBalance: '100' },
];

function service(hotWallets: HotWalletConfig[], ledger: LedgerStore = createMemoryLedger()) {
  return createWalletService({
    ledger,
    currencies,
    exchangeRates: [{ from: 'GEMS', to: 'GOLD', rate: '0.5' }],
    hotWallets,
  });
}

async function house(subAccounts = 4) {
  const wallets = service([{ accountId: 'house', subAccounts }]);
  await wallets.createWallet({ accountId: 'house' });
  return wallets;
}

describe('hot wallets', () => {
  it('refuse a malformed declaration when the service is built', () => {
    for (const subAccounts of [1, MAX_SUB_ACCOUNTS + 1, 2.5, Number.NaN]) {
      expect(() => service([{ accountId: 'house', subAccounts }])).toThrow(/subAccounts/);
    }
    expect(() =>
      service([
        { accountId: 'house', subAccounts: 2 },
        { accountId: 'house', subAccounts: 3 },
      ]),
    ).toThrow(/declared twice/);
    expect(() => service([{ accountId: 'house#1', subAccounts: 2 }])).toThrow(
      /hotWallets.accountId/,
    );
  });

  it('refuse more sub-accounts than one consolidation beside the largest operation fits in a ledger transaction', () => {
    const small: LedgerStore = { ...createMemoryLedger(), maxRecordsPerTransaction: 100 };
    // Two currencies a sub-account may hold (TOKENS has a maxBalance): 33 wallets, 66 entries,
    // and a 16-leg posting's 34 records.
    expect(() => service([{ accountId: 'house', subAccounts: 32 }], small)).toThrow(
      /more than the ledger's 100/,
    );
    expect(() => service([{ accountId: 'house', subAccounts: 21 }], small)).not.toThrow();
  });

  it('keep sub-accounts out of reach of callers: their ids are not account ids', async () => {
    const wallets = await house();
    await wallets.addFunds({ accountId: 'house', amount: '5', currency: 'GEMS' });
    for (const call of [
      wallets.getFunds({ accountId: 'house#1' }),
      wallets.addFunds({ accountId: 'house#2', amount: '1' }),
      wallets.createWallet({ accountId: 'house#9' }),
    ]) {
      await expect(call).rejects.toMatchObject({ code: 'INVALID_ACCOUNT_ID' });
    }
  });

  it('consolidate with one balanced transaction: what the sub-accounts lose the wallet gains', async () => {
    const wallets = await house();
    for (let i = 0; i < 10; i++) {
      await wallets.addFunds({ accountId: 'house', amount: '3', currency: 'GEMS' });
    }
    const withdrawal = await wallets.withdrawFunds({
      accountId: 'house',
      amount: '30',
      currency: 'GEMS',
    });
    expect(withdrawal).toMatchObject({ previousBalance: '30', currentBalance: '0' });
    const history = await wallets.getTransactionHistory({ accountId: 'house', order: 'asc' });
    const consolidation = history.items.find((entry) => entry.type === 'POSTING_IN')!;
    const details = await wallets.getTransaction({ transactionId: consolidation.transactionId });
    let moved = 0n;
    for (const entry of details.entries) {
      moved += entry.type === 'POSTING_IN' ? BigInt(entry.amount) : -BigInt(entry.amount);
    }
    expect(moved).toBe(0n);
    expect(details.entries.filter((entry) => entry.type === 'POSTING_OUT').length).toBe(
      new Set(details.entries.map((entry) => entry.accountId)).size - 1,
    );
  });

  it('let a debit reach the minimum of the sum, never below', async () => {
    const wallets = await house();
    for (let i = 0; i < 4; i++) {
      await wallets.addFunds({ accountId: 'house', amount: '5', currency: 'GEMS' });
    }
    await expect(
      wallets.withdrawFunds({ accountId: 'house', amount: '71', currency: 'GEMS' }),
    ).rejects.toMatchObject({ code: 'INSUFFICIENT_FUNDS' });
    await wallets.withdrawFunds({ accountId: 'house', amount: '70', currency: 'GEMS' });
    expect((await wallets.getFunds({ accountId: 'house' })).balances.GEMS).toBe('-50');
  });

  it('pay out of the main wallet alone while it covers the payout, else from the fewest sub-accounts that do', async () => {
    const memory = createMemoryLedger();
    const named: string[][] = [];
    const ledger: LedgerStore = {
      ...memory,
      transact: (request) => {
        named.push([...request.accountIds]);
        return memory.transact(request);
      },
    };
    const wallets = service([{ accountId: 'house', subAccounts: 4 }], ledger);
    await wallets.createWallet({ accountId: 'house' });
    for (let i = 0; i < 8; i++) {
      await wallets.addFunds({ accountId: 'house', amount: `${i + 1}.00`, currency: 'GOLD' });
    }
    const subs = ['house#1', 'house#2', 'house#3', 'house#4'];
    const gold = async (id: string) => (await memory.getWallet(id))?.balances.GOLD ?? '0.00';
    const cents = (amount: string) => BigInt(amount.replace('.', ''));
    const before = (await Promise.all(subs.map(gold))).map(cents);
    const most = [...before].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0))[0]!;
    const richest = subs[before.indexOf(most)]!;
    const payout = (amount: string, idempotencyKey?: string) => {
      named.length = 0;
      return wallets.withdrawFunds({
        accountId: 'house',
        amount,
        currency: 'GOLD',
        ...(idempotencyKey ? { idempotencyKey } : {}),
      });
    };
    // The main wallet is empty: the payout reads the sub-accounts and draws on the richest alone.
    const first = await payout('1.00');
    expect(named.at(-1)).toEqual(['house', richest]);
    expect(first.accountId).toBe('house');
    expect(cents(first.previousBalance)).toBe(most);
    // What that brought in covers the next one: the main wallet alone is named.
    const second = await payout('1.00', 'payout-2');
    expect(named).toEqual([['house']]);
    expect(second.previousBalance).toBe(first.currentBalance);
    // All of it: every sub-account that holds funds, and the sum exactly.
    const rest = (await wallets.getFunds({ accountId: 'house' })).balances.GOLD!;
    expect(rest).toBe('34.00');
    expect(await payout(rest)).toMatchObject({ currentBalance: '0.00' });
    for (const id of subs) expect(await gold(id)).toBe('0.00');
    await expect(payout('0.01')).rejects.toMatchObject({ code: 'INSUFFICIENT_FUNDS' });
    // A replay is answered as first given.
    expect(await payout('1.00', 'payout-2')).toMatchObject({
      transactionId: second.transactionId,
      replayed: true,
    });
    expect((await wallets.verifyWallet({ accountId: 'house' })).ok).toBe(true);
  });

  it('draw on the sub-accounts before the main wallet runs into a debt a currency allows', async () => {
    const wallets = await house();
    for (let i = 0; i < 4; i++) {
      await wallets.addFunds({ accountId: 'house', amount: '5', currency: 'GEMS' });
    }
    // GEMS may go to -50, but the sub-accounts hold 20: the payout draws on them first.
    const payout = await wallets.withdrawFunds({
      accountId: 'house',
      amount: '15',
      currency: 'GEMS',
    });
    expect(BigInt(payout.previousBalance)).toBeGreaterThanOrEqual(15n);
    expect(BigInt(payout.currentBalance)).toBeGreaterThanOrEqual(0n);
    expect((await wallets.getFunds({ accountId: 'house' })).balances.GEMS).toBe('5');
  });

  it('hold and exchange against the sum of the sub-accounts', async () => {
    const wallets = await house();
    for (let i = 0; i < 6; i++) {
      await wallets.addFunds({ accountId: 'house', amount: '10', currency: 'GEMS' });
    }
    const hold = await wallets.placeHold({
      accountId: 'house',
      amount: '100',
      currency: 'GEMS',
      expiresInSeconds: 60,
    });
    // 60 credited, 100 held, a minimum of -50: 10 left to spend.
    await expect(
      wallets.exchange({
        accountId: 'house',
        from: { currency: 'GEMS', amount: '11' },
        to: { currency: 'GOLD' },
      }),
    ).rejects.toMatchObject({ code: 'INSUFFICIENT_FUNDS' });
    const exchange = await wallets.exchange({
      accountId: 'house',
      from: { currency: 'GEMS', amount: '10' },
      to: { currency: 'GOLD' },
    });
    expect(exchange.to).toMatchObject({ amount: '5.00', currentBalance: '5.00' });
    await wallets.captureHold({ holdId: hold.holdId, amount: '100' });
    const funds = await wallets.getFunds({ accountId: 'house' });
    expect(funds.balances).toMatchObject({ GEMS: '-50', GOLD: '5.00' });
    expect(funds.held.GEMS).toBe('0');
    expect((await wallets.verifyWallet({ accountId: 'house' })).ok).toBe(true);
  });

  it('spread coalesced credits over sub-accounts too', async () => {
    const wallets = createWalletService({
      ledger: createMemoryLedger(),
      currencies,
      coalesce: true,
      hotWallets: [{ accountId: 'house', subAccounts: 8 }],
    });
    await wallets.createWallet({ accountId: 'house' });
    const results = await Promise.all(
      Array.from({ length: 64 }, (_, i) =>
        wallets.addFunds({ accountId: 'house', amount: '1.25', idempotencyKey: `fee-${i}` }),
      ),
    );
    expect(new Set(results.map((result) => result.accountId)).size).toBeGreaterThan(4);
    expect((await wallets.getFunds({ accountId: 'house' })).balances.GOLD).toBe('80.00');
    const report = await wallets.verifyWallet({ accountId: 'house' });
    expect(report).toMatchObject({ ok: true, entries: 64 });
  });

  it("move a credit that lost a race to another sub-account at once, and to the store's retries after three moves", async () => {
    const memory = createMemoryLedger();
    const tried: string[] = [];
    let races = 0;
    // A store that loses the race of each credit's first `races` attempts on a sub-account: it
    // decides, drops the decision (as a conflicting write) and decides again, as a store retries.
    const ledger: LedgerStore = {
      ...memory,
      transact: (transaction) => {
        const sub = transaction.accountIds.find((id) => id.includes('#'));
        if (sub === undefined || races === 0) return memory.transact(transaction);
        tried.push(sub);
        races--;
        return memory.transact({
          ...transaction,
          decide(snapshot) {
            transaction.decide(snapshot);
            return transaction.decide(snapshot);
          },
        });
      },
    };
    const wallets = service([{ accountId: 'house', subAccounts: 8 }], ledger);
    await wallets.createWallet({ accountId: 'house' });
    races = 1;
    const moved = await wallets.addFunds({ accountId: 'house', amount: '2', idempotencyKey: 'a' });
    expect(tried).toHaveLength(1);
    expect(moved.accountId).not.toBe(tried[0]);
    tried.length = 0;
    races = 10;
    const retried = await wallets.addFunds({
      accountId: 'house',
      amount: '3',
      idempotencyKey: 'b',
    });
    // Three moves, each to a sub-account not tried before, then the store's own retry.
    expect(tried).toHaveLength(4);
    expect(new Set(tried).size).toBe(4);
    expect(retried.accountId).toBe(tried[3]);
    expect((await wallets.getFunds({ accountId: 'house' })).balances.GOLD).toBe('5.00');
    expect(await wallets.verifyWallet({ accountId: 'house' })).toMatchObject({
      ok: true,
      entries: 2,
    });
  });

  it('anchor every sub-account to a digest: a rewrite with every hash recomputed is caught', async () => {
    const ledger = createMemoryLedger();
    const wallets = service([{ accountId: 'house', subAccounts: 2 }], ledger);
    await wallets.createWallet({ accountId: 'house' });
    const credit = await wallets.addFunds({
      accountId: 'house',
      amount: '10',
      currency: 'GEMS',
      idempotencyKey: 'k',
    });
    const digest = await wallets.createDigest();
    const sub = credit.accountId;
    let head = '';
    tamperJournal(ledger, sub, (entries) =>
      entries.map((entry) => {
        const { hash: _, ...fields } = { ...entry, amount: '1000', balanceAfter: '1000' };
        head = hashEntry(fields);
        return { ...fields, hash: head };
      }),
    );
    tamperWallet(ledger, sub, (record) => ({
      ...record,
      balances: { GEMS: '1000' },
      headHash: head,
    }));
    // The chain alone cannot tell: it was rewritten whole.
    expect((await wallets.verifyWallet({ accountId: 'house' })).ok).toBe(true);
    const report = await wallets.verifyWallet({ accountId: 'house', digest });
    expect(report.ok).toBe(false);
    expect(report.problems.some((problem) => problem.startsWith(`${sub}: `))).toBe(true);
  });

  it('list a hot wallet once, summed, in pages that are never empty before the last', async () => {
    const wallets = service([
      { accountId: 'b-house', subAccounts: 8 },
      { accountId: 'd-house', subAccounts: 8 },
    ]);
    for (const accountId of ['a', 'b-house', 'c', 'd-house', 'e']) {
      await wallets.createWallet({ accountId });
    }
    for (let i = 0; i < 16; i++) {
      await wallets.addFunds({ accountId: 'b-house', amount: '1', currency: 'GEMS' });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await wallets.listWallets({ limit: 1, cursor });
      expect(page.items).toHaveLength(1);
      seen.push(page.items[0]!.accountId);
      if (page.items[0]!.accountId === 'b-house') expect(page.items[0]!.balances.GEMS).toBe('16');
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(['a', 'b-house', 'c', 'd-house', 'e']);
  });

  it('name the hot wallet, never a sub-account, when it does not exist', async () => {
    const wallets = service([{ accountId: 'bank', subAccounts: 4 }]);
    await wallets.createWallet({ accountId: 'p1' });
    await wallets.addFunds({ accountId: 'p1', amount: '5', currency: 'GEMS' });
    for (const call of [
      wallets.addFunds({ accountId: 'bank', amount: '1' }),
      wallets.transfer({ fromAccountId: 'p1', toAccountId: 'bank', amount: '1', currency: 'GEMS' }),
    ]) {
      await expect(call).rejects.toMatchObject({ code: 'WALLET_NOT_FOUND', accountId: 'bank' });
    }
  });

  it('leave the other calls of a coalesced batch alone when a capture to a hot wallet in a currency with a limit goes to the sum', async () => {
    const wallets = createWalletService({
      ledger: createMemoryLedger(),
      currencies,
      coalesce: true,
      hotWallets: [{ accountId: 'house', subAccounts: 4 }],
    });
    for (const accountId of ['house', 'p1', 'p2']) await wallets.createWallet({ accountId });
    await wallets.addFunds({ accountId: 'p1', amount: '40', currency: 'TOKENS' });
    await wallets.addFunds({ accountId: 'p2', amount: '5', currency: 'GEMS' });
    const hold = await wallets.placeHold({ accountId: 'p1', amount: '40', currency: 'TOKENS' });
    // One batch: the capture cannot be spread (TOKENS has a maxBalance), the withdrawal can go.
    const [capture, withdrawal] = await Promise.all([
      wallets.captureHold({ holdId: hold.holdId, toAccountId: 'house' }),
      wallets.withdrawFunds({ accountId: 'p2', amount: '2', currency: 'GEMS' }),
    ]);
    expect(capture.to).toMatchObject({ accountId: 'house', currentBalance: '40' });
    expect(withdrawal.currentBalance).toBe('3');
  });

  it('spread a hold captured to a hot wallet, and capture one in a currency with a limit on the sum', async () => {
    for (const coalesce of [false, true]) {
      const wallets = createWalletService({
        ledger: createMemoryLedger(),
        currencies,
        coalesce,
        hotWallets: [{ accountId: 'house', subAccounts: 4 }],
      });
      await wallets.createWallet({ accountId: 'house' });
      await wallets.createWallet({ accountId: 'p1' });
      await wallets.addFunds({ accountId: 'p1', amount: '30', currency: 'GEMS' });
      await wallets.addFunds({ accountId: 'p1', amount: '90', currency: 'TOKENS' });
      await wallets.addFunds({ accountId: 'house', amount: '60', currency: 'TOKENS' });
      const fee = await wallets.placeHold({ accountId: 'p1', amount: '12', currency: 'GEMS' });
      const spread = await wallets.captureHold({
        holdId: fee.holdId,
        amount: '10',
        toAccountId: 'house',
        idempotencyKey: 'entry-1',
      });
      expect(spread.to?.accountId.startsWith('house#')).toBe(true);
      expect(spread).toMatchObject({ captured: '10', released: '2' });
      const again = await wallets.captureHold({
        holdId: fee.holdId,
        amount: '10',
        toAccountId: 'house',
        idempotencyKey: 'entry-1',
      });
      expect(again).toEqual({ ...spread, replayed: true });
      // TOKENS has a maxBalance of 100: its capture runs on the sum, on the main wallet.
      const capped = await wallets.placeHold({ accountId: 'p1', amount: '50', currency: 'TOKENS' });
      await expect(
        wallets.captureHold({ holdId: capped.holdId, toAccountId: 'house' }),
      ).rejects.toMatchObject({ code: 'BALANCE_LIMIT_EXCEEDED' });
      await wallets.releaseHold({ holdId: capped.holdId });
      const within = await wallets.placeHold({ accountId: 'p1', amount: '40', currency: 'TOKENS' });
      const exact = await wallets.captureHold({ holdId: within.holdId, toAccountId: 'house' });
      expect(exact.to).toMatchObject({ accountId: 'house', currentBalance: '100' });
      const funds = await wallets.getFunds({ accountId: 'house' });
      expect(funds.balances).toMatchObject({ GEMS: '10', TOKENS: '100' });
      expect((await wallets.verifyWallet({ accountId: 'house' })).ok).toBe(true);
      expect((await wallets.verifyWallet({ accountId: 'p1' })).ok).toBe(true);
    }
  });

  it('report a broken sub-account chain by its id', async () => {
    const ledger = createMemoryLedger();
    const wallets = service([{ accountId: 'house', subAccounts: 2 }], ledger);
    await wallets.createWallet({ accountId: 'house' });
    const credit = await wallets.addFunds({ accountId: 'house', amount: '1', idempotencyKey: 'k' });
    tamperWallet(ledger, credit.accountId, (record) => ({
      ...record,
      balances: { ...record.balances, GOLD: '9.00' },
    }));
    const report = await wallets.verifyWallet({ accountId: 'house' });
    expect(report.ok).toBe(false);
    expect(report.problems.some((problem) => problem.startsWith(`${credit.accountId}: `))).toBe(
      true,
    );
  });

  describe('history', () => {
    /** A house with credits spread over its sub-accounts, two consolidating debits between. */
    async function busyHouse(clock: () => Date) {
      const ledger = createMemoryLedger();
      const wallets = createWalletService({
        ledger,
        currencies,
        hotWallets: [{ accountId: 'house', subAccounts: 4 }],
        clock,
      });
      await wallets.createWallet({ accountId: 'house' });
      for (let i = 0; i < 25; i++) {
        const currency = i % 3 === 0 ? 'GOLD' : 'GEMS';
        await wallets.addFunds({
          accountId: 'house',
          amount: '2',
          currency,
          idempotencyKey: `c${i}`,
        });
        if (i === 9 || i === 19) {
          await wallets.withdrawFunds({ accountId: 'house', amount: '1', currency: 'GEMS' });
        }
      }
      return { wallets, ledger, all: await everyEntry(ledger) };
    }

    /** Every entry of the house's journals, read from the ledger itself. */
    async function everyEntry(ledger: LedgerStore) {
      const journals = ['house', 'house#1', 'house#2', 'house#3', 'house#4'];
      const read = (accountId: string) =>
        ledger.queryEntries({ accountId, order: 'asc', limit: 1000 });
      return (await Promise.all(journals.map(read))).flat();
    }

    /** Every page of a listing, with `limit` entries a page. */
    async function pages(
      wallets: ReturnType<typeof service>,
      order: 'asc' | 'desc',
      limit: number,
      currency?: string,
    ) {
      const items = [];
      let cursor: string | null = null;
      let count = 0;
      do {
        const page = await wallets.getTransactionHistory({
          accountId: 'house',
          order,
          limit,
          cursor,
          ...(currency ? { currency } : {}),
        });
        count++;
        if (page.nextCursor !== null) expect(page.items).toHaveLength(limit);
        items.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor !== null);
      return { items, count };
    }

    const at = (entry: { accountId: string; sequence: number }) =>
      `${entry.accountId}/${entry.sequence}`;

    /** A clock one millisecond later at each call. */
    function stepping() {
      let ms = Date.parse('2026-12-01T00:00:00.000Z');
      return () => new Date(ms++);
    }

    it('list the credits the sub-accounts took, with the consolidations, each entry once, in time order', async () => {
      const { wallets, all } = await busyHouse(stepping());
      expect(all.some((entry) => entry.accountId !== 'house')).toBe(true);
      const asc = await pages(wallets, 'asc', 7);
      expect(asc.items.map(at).sort()).toEqual(all.map(at).sort());
      for (let i = 1; i < asc.items.length; i++) {
        expect(asc.items[i - 1]!.txTime <= asc.items[i]!.txTime).toBe(true);
      }
      const desc = await pages(wallets, 'desc', 7);
      expect(desc.items.map(at)).toEqual(asc.items.map(at).reverse());
      expect(asc.count).toBe(Math.ceil(all.length / 7));
    });

    it('keep one order across pages when every entry has the same time', async () => {
      const fixed = new Date('2026-12-01T00:00:00.000Z');
      const { wallets, all } = await busyHouse(() => fixed);
      const whole = await wallets.getTransactionHistory({ accountId: 'house', limit: 1000 });
      expect(whole.nextCursor).toBeNull();
      for (const order of ['asc', 'desc'] as const) {
        const paged = await pages(wallets, order, 3);
        const one = await wallets.getTransactionHistory({ accountId: 'house', order, limit: 1000 });
        expect(paged.items.map(at)).toEqual(one.items.map(at));
        expect(new Set(paged.items.map(at)).size).toBe(all.length);
      }
    });

    it('filter by currency across every journal', async () => {
      const { wallets, all } = await busyHouse(stepping());
      const gold = await pages(wallets, 'desc', 4, 'GOLD');
      const expected = all.filter((entry) => entry.currency === 'GOLD');
      expect(expected.length).toBeGreaterThan(4);
      expect(gold.items.map(at).sort()).toEqual(expected.map(at).sort());
    });

    it('leave entries written after the first page out of a newest-first listing, and add them to an oldest-first one', async () => {
      const { wallets, ledger, all } = await busyHouse(stepping());
      const first = {
        desc: await wallets.getTransactionHistory({ accountId: 'house', order: 'desc', limit: 1 }),
        asc: await wallets.getTransactionHistory({ accountId: 'house', order: 'asc', limit: 1 }),
      };
      // New credits, and a debit whose consolidation writes to every journal.
      for (let i = 0; i < 6; i++) {
        await wallets.addFunds({ accountId: 'house', amount: '1', currency: 'GEMS' });
      }
      await wallets.withdrawFunds({ accountId: 'house', amount: '1', currency: 'GEMS' });
      const now = await everyEntry(ledger);
      for (const order of ['desc', 'asc'] as const) {
        const items = [...first[order].items];
        let cursor = first[order].nextCursor;
        while (cursor !== null) {
          const page = await wallets.getTransactionHistory({
            accountId: 'house',
            order,
            limit: 5,
            cursor,
          });
          items.push(...page.items);
          cursor = page.nextCursor;
        }
        expect(items.map(at).sort()).toEqual((order === 'desc' ? all : now).map(at).sort());
      }
    });

    it('refuse a cursor made for other filters, another wallet or a plain listing, and a forged one', async () => {
      const { wallets } = await busyHouse(stepping());
      const page = await wallets.getTransactionHistory({
        accountId: 'house',
        order: 'desc',
        limit: 2,
      });
      const cursor = page.nextCursor!;
      const state = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
      const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      await wallets.createWallet({ accountId: 'p1' });
      await wallets.addFunds({ accountId: 'p1', amount: '1', currency: 'GEMS' });
      await wallets.addFunds({ accountId: 'p1', amount: '1', currency: 'GEMS' });
      const plain = await wallets.getTransactionHistory({ accountId: 'p1', limit: 1 });
      for (const [input, message] of [
        [{ accountId: 'house', order: 'asc', cursor }, /other filters/],
        [{ accountId: 'house', order: 'desc', currency: 'GOLD', cursor }, /other filters/],
        [{ accountId: 'p1', order: 'desc', cursor }, /malformed/],
        [{ accountId: 'house', cursor: plain.nextCursor }, /malformed/],
        [
          { accountId: 'house', order: 'desc', cursor: forged([2, `${state[1]}.5`, state[2]]) },
          /malformed/,
        ],
        [
          {
            accountId: 'house',
            order: 'desc',
            cursor: forged([2, state[1].replace(/^[^.]*/, '-1'), state[2]]),
          },
          /malformed/,
        ],
        [
          { accountId: 'house', order: 'desc', cursor: forged([2, 'zzzzzzzzzzzz.....', state[2]]) },
          /malformed/,
        ],
        [
          { accountId: 'house', order: 'desc', cursor: forged([2, state[1], 'x']) },
          /other filters/,
        ],
      ] as const) {
        await expect(wallets.getTransactionHistory(input)).rejects.toMatchObject({
          code: 'VALIDATION_ERROR',
          message: expect.stringMatching(message),
        });
      }
    });

    it('fit a cursor over 33 journals, ten trillion entries deep, in 512 characters', () => {
      const filters = { accountId: 'a'.repeat(128), currency: 'GOLD', order: 'desc' as const };
      const positions = Array.from({ length: MAX_SUB_ACCOUNTS + 1 }, (_, i) =>
        i === 3 ? null : 10_000_000_000_000 - i,
      );
      const cursor = encodeMergedCursor(positions, filters);
      expect(cursor.length).toBeLessThanOrEqual(512);
      expect(decodeMergedCursor(cursor, filters, positions.length)).toEqual(positions);
      expect(() => decodeMergedCursor(cursor, filters, positions.length + 1)).toThrow(/malformed/);
    });

    it('name the hot wallet when it does not exist', async () => {
      const wallets = service([{ accountId: 'bank', subAccounts: 4 }]);
      await expect(wallets.getTransactionHistory({ accountId: 'bank' })).rejects.toMatchObject({
        code: 'WALLET_NOT_FOUND',
        accountId: 'bank',
      });
    });
  });
});
