import {
  createMemoryLedger,
  createWalletService,
  type HoldResult,
  type LedgerStore,
  type LedgerWrite,
  StoreUnavailableError,
  type WalletService,
} from '@wallet/core';
import { TransactionTooLargeError } from '@wallet/core/adapter';
import { describe, expect, it } from 'vitest';

const currencies = [{ code: 'GEMS', scale: 0 }];

/** The memory ledger, counting transactions and failing them on demand. */
function countingLedger() {
  const inner = createMemoryLedger();
  const state = { transactions: 0, fail: false };
  const ledger: LedgerStore = {
    ...inner,
    async transact(transaction) {
      state.transactions++;
      if (state.fail) throw new StoreUnavailableError('down');
      return inner.transact(transaction);
    },
  };
  return { ledger, state };
}

/**
 * The memory ledger declaring `maxRecordsPerTransaction`, recording how many operations each
 * transaction carried (every call of these tests has its own idempotency key, so one key is one
 * operation) and how many records it wrote.
 */
function limitedLedger(maxRecordsPerTransaction: number) {
  const inner = createMemoryLedger();
  const operationsPerTransaction: number[] = [];
  const recordsPerTransaction: number[] = [];
  const ledger: LedgerStore = {
    ...inner,
    maxRecordsPerTransaction,
    async transact(transaction) {
      operationsPerTransaction.push(transaction.idempotencyKeys.length);
      return inner.transact({
        ...transaction,
        decide(snapshot) {
          const decision = transaction.decide(snapshot);
          const write = decision.write;
          if (write) {
            recordsPerTransaction.push(
              write.wallets.length +
                write.entries.length +
                write.idempotency.length +
                write.records.length,
            );
          }
          return decision;
        },
      });
    },
  };
  return { ledger, operationsPerTransaction, recordsPerTransaction };
}

/**
 * The memory ledger refusing, like DynamoDB, any write of more than `maxRecords` records with
 * `TransactionTooLargeError` before writing any of it; it declares no limit of its own.
 */
function itemLimitedLedger(maxRecords: number) {
  const inner = createMemoryLedger();
  const state = { refused: 0, committedRecords: [] as number[] };
  const recordsOf = (write: LedgerWrite | null) =>
    write === null
      ? 0
      : write.wallets.length +
        write.entries.length +
        write.idempotency.length +
        write.records.length;
  const ledger: LedgerStore = {
    ...inner,
    async transact(transaction) {
      return inner.transact({
        ...transaction,
        decide(snapshot) {
          const decision = transaction.decide(snapshot);
          const records = recordsOf(decision.write);
          if (records > maxRecords) {
            state.refused++;
            throw new TransactionTooLargeError(records, maxRecords);
          }
          state.committedRecords.push(records);
          return decision;
        },
      });
    },
  };
  return { ledger, state };
}

/**
 * The memory ledger with each transaction held open for a few milliseconds, recording what each
 * touched and which transactions were open at the same time.
 */
function slowLedger() {
  const inner = createMemoryLedger();
  const open = new Set<{ accountIds: readonly string[]; idempotencyKeys: readonly string[] }>();
  const overlaps: [readonly string[], readonly string[]][] = [];
  const transactions: { accountIds: readonly string[]; idempotencyKeys: readonly string[] }[] = [];
  let mostOpen = 0;
  const ledger: LedgerStore = {
    ...inner,
    async transact(transaction) {
      const mine = {
        accountIds: transaction.accountIds,
        idempotencyKeys: transaction.idempotencyKeys,
      };
      for (const other of open) {
        overlaps.push([
          [...mine.accountIds, ...mine.idempotencyKeys],
          [...other.accountIds, ...other.idempotencyKeys],
        ]);
      }
      open.add(mine);
      transactions.push(mine);
      mostOpen = Math.max(mostOpen, open.size);
      try {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return await inner.transact(transaction);
      } finally {
        open.delete(mine);
      }
    },
  };
  return { ledger, overlaps, transactions, mostOpen: () => mostOpen };
}

const RECIPIENTS = ['r0', 'r1', 'r2'];

/**
 * 150 concurrent keyed calls on the wallet `hot` (seeded with 1000): transfers of 2 to the
 * recipients, withdrawals of 1 and credits of 3, 50 of each. Then checks every operation applied
 * exactly once: each result its own transaction, balances, versions and journals as if the calls
 * had run one by one.
 */
async function hotWalletLoad(wallets: WalletService): Promise<void> {
  for (const accountId of ['hot', ...RECIPIENTS]) await wallets.createWallet({ accountId });
  await wallets.addFunds({ accountId: 'hot', amount: '1000' });
  const results = await Promise.all(
    Array.from({ length: 150 }, (_, i) => {
      const idempotencyKey = `op-${i}`;
      if (i % 3 === 0) {
        const toAccountId = RECIPIENTS[i % RECIPIENTS.length]!;
        return wallets.transfer({ fromAccountId: 'hot', toAccountId, amount: '2', idempotencyKey });
      }
      const input = { accountId: 'hot', idempotencyKey };
      return i % 3 === 1
        ? wallets.withdrawFunds({ ...input, amount: '1' })
        : wallets.addFunds({ ...input, amount: '3' });
    }),
  );
  expect(new Set(results.map((r) => r.transactionId)).size).toBe(150);
  expect(results.some((r) => r.replayed)).toBe(false);
  const hot = await wallets.getFunds({ accountId: 'hot' });
  expect(hot).toMatchObject({ version: 151, balances: { GEMS: String(1000 - 100 - 50 + 150) } });
  expect(await wallets.verifyWallet({ accountId: 'hot' })).toMatchObject({
    ok: true,
    entries: 151,
  });
  for (const accountId of RECIPIENTS) {
    expect(await wallets.verifyWallet({ accountId })).toMatchObject({ ok: true });
  }
  const received = await Promise.all(
    RECIPIENTS.map(async (accountId) =>
      Number((await wallets.getFunds({ accountId })).balances.GEMS),
    ),
  );
  expect(received.reduce((sum, gems) => sum + gems, 0)).toBe(100);
}

describe('coalescing', () => {
  it('commits 100 concurrent credits to one wallet in a few transactions, with sequences and versions as if alone', async () => {
    const { ledger, state } = countingLedger();
    const wallets = createWalletService({ ledger, currencies, coalesce: true });
    await wallets.createWallet({ accountId: 'hot' });
    state.transactions = 0;
    const results = await Promise.all(
      Array.from({ length: 100 }, () => wallets.addFunds({ accountId: 'hot', amount: '1' })),
    );
    expect(state.transactions).toBeLessThanOrEqual(2);
    expect(results.map((r) => r.currentBalance)).toEqual(
      Array.from({ length: 100 }, (_, i) => String(i + 1)),
    );
    expect((await wallets.getFunds({ accountId: 'hot' })).version).toBe(100);
    expect(await wallets.verifyWallet({ accountId: 'hot' })).toMatchObject({
      ok: true,
      entries: 100,
    });
  });

  it('commits a long queue on many wallets as several batches side by side, never two at once that share a wallet or a key', async () => {
    const { ledger, overlaps, transactions, mostOpen } = slowLedger();
    const wallets = createWalletService({ ledger, currencies, coalesce: true });
    const ids = Array.from({ length: 40 }, (_, i) => `w${i}`);
    for (const accountId of ids) await wallets.createWallet({ accountId });
    transactions.length = 0;
    overlaps.length = 0;
    // 400 credits on 40 wallets, each wallet's in order; the last 10 repeat a call's key.
    const results = await Promise.all(
      Array.from({ length: 400 }, (_, i) =>
        wallets.addFunds({
          accountId: ids[i % 40]!,
          amount: '1',
          idempotencyKey: `k${i < 390 ? i : i - 40}`,
        }),
      ),
    );
    expect(mostOpen()).toBeGreaterThan(1);
    expect(overlaps.length).toBeGreaterThan(0);
    for (const [mine, other] of overlaps) {
      expect(mine.filter((name) => other.includes(name))).toEqual([]);
    }
    // A key used twice applied once; each wallet saw its calls in arrival order.
    expect(results.filter((r) => r.replayed)).toHaveLength(10);
    for (const [n, accountId] of ids.entries()) {
      const applied = results.filter((r, i) => i % 40 === n && !r.replayed);
      expect(applied.map((r) => r.currentBalance)).toEqual(applied.map((_, k) => String(k + 1)));
      expect(await wallets.verifyWallet({ accountId })).toMatchObject({ ok: true });
    }
  });

  it("gives one hot wallet's queued calls one batch at a time, as large as the queue", async () => {
    const { ledger, transactions, mostOpen } = slowLedger();
    const wallets = createWalletService({ ledger, currencies, coalesce: true });
    await wallets.createWallet({ accountId: 'hot' });
    transactions.length = 0;
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        wallets.addFunds({ accountId: 'hot', amount: '1', idempotencyKey: `h${i}` }),
      ),
    );
    expect(mostOpen()).toBe(1);
    expect(transactions[0]!.idempotencyKeys).toHaveLength(200);
    expect((await wallets.getFunds({ accountId: 'hot' })).balances.GEMS).toBe('200');
  });

  it('fails only the refused operation of a batch, in arrival order, and its neighbours commit', async () => {
    const { ledger } = countingLedger();
    const wallets = createWalletService({ ledger, currencies, coalesce: true });
    await wallets.createWallet({ accountId: 'p' });
    await wallets.addFunds({ accountId: 'p', amount: '10' });
    const calls = [
      wallets.withdrawFunds({ accountId: 'p', amount: '6' }),
      wallets.withdrawFunds({ accountId: 'p', amount: '6' }), // only 4 left: refused
      wallets.withdrawFunds({ accountId: 'p', amount: '4' }),
      wallets.addFunds({ accountId: 'nobody', amount: '1' }),
      wallets.addFunds({ accountId: 'p', amount: '1', idempotencyKey: 'k' }),
      wallets.addFunds({ accountId: 'p', amount: '2', idempotencyKey: 'k' }), // same key, other request
      wallets.addFunds({ accountId: 'p', amount: '1', idempotencyKey: 'k' }), // a duplicate: replays
    ];
    const settled = await Promise.allSettled(calls);
    const summary = settled.map((s) =>
      s.status === 'fulfilled'
        ? `${s.value.currentBalance}${s.value.replayed ? ' replayed' : ''}`
        : (s.reason as { code: string }).code,
    );
    expect(summary).toEqual([
      '4',
      'INSUFFICIENT_FUNDS',
      '0',
      'WALLET_NOT_FOUND',
      '1',
      'IDEMPOTENCY_KEY_REUSED',
      '1 replayed',
    ]);
    expect((await wallets.getFunds({ accountId: 'p' })).balances.GEMS).toBe('1');
    expect(await wallets.verifyWallet({ accountId: 'p' })).toMatchObject({ ok: true, entries: 4 });
  });

  it('fails every operation of a batch with the store error when the transaction fails, and writes nothing', async () => {
    const { ledger, state } = countingLedger();
    const wallets = createWalletService({ ledger, currencies, coalesce: { maxBatch: 64 } });
    await wallets.createWallet({ accountId: 'p' });
    state.fail = true;
    const settled = await Promise.allSettled(
      Array.from({ length: 10 }, () => wallets.addFunds({ accountId: 'p', amount: '1' })),
    );
    expect(
      settled.every(
        (s) =>
          s.status === 'rejected' && (s.reason as { code: string }).code === 'STORE_UNAVAILABLE',
      ),
    ).toBe(true);
    state.fail = false;
    expect((await wallets.getFunds({ accountId: 'p' })).balances.GEMS).toBe('0');
  });

  it('keeps batches within maxBatch', async () => {
    const { ledger, state } = countingLedger();
    const wallets = createWalletService({ ledger, currencies, coalesce: { maxBatch: 10 } });
    await wallets.createWallet({ accountId: 'p' });
    state.transactions = 0;
    await Promise.all(
      Array.from({ length: 95 }, () => wallets.addFunds({ accountId: 'p', amount: '1' })),
    );
    expect(state.transactions).toBeGreaterThanOrEqual(10);
    expect((await wallets.getFunds({ accountId: 'p' })).balances.GEMS).toBe('95');
  });

  it("never writes more records in one transaction than the ledger's maxRecordsPerTransaction, and applies each exactly once", async () => {
    const { ledger, operationsPerTransaction, recordsPerTransaction } = limitedLedger(21);
    const wallets = createWalletService({ ledger, currencies, coalesce: true });
    await hotWalletLoad(wallets);
    const batches = operationsPerTransaction.filter((operations) => operations > 0);
    // Keyed credits and withdrawals count 3 records at most, keyed transfers 5.
    expect(Math.max(...batches)).toBeGreaterThanOrEqual(5);
    expect(Math.max(...batches)).toBeLessThanOrEqual(7);
    expect(Math.max(...recordsPerTransaction)).toBeLessThanOrEqual(21);
    expect(batches.reduce((sum, operations) => sum + operations, 0)).toBe(150);
  });

  it("keeps batches within maxBatch when the ledger's maxRecordsPerTransaction would allow more", async () => {
    const { ledger, operationsPerTransaction } = limitedLedger(21);
    const wallets = createWalletService({ ledger, currencies, coalesce: { maxBatch: 3 } });
    await hotWalletLoad(wallets);
    const batches = operationsPerTransaction.filter((operations) => operations > 0);
    expect(Math.max(...batches)).toBe(3);
    expect(batches.reduce((sum, operations) => sum + operations, 0)).toBe(150);
  });

  it('commits a batch the ledger refuses as too large in smaller parts, each operation once and in arrival order', async () => {
    const { ledger, state } = itemLimitedLedger(10);
    const wallets = createWalletService({ ledger, currencies, coalesce: true });
    await wallets.createWallet({ accountId: 'hot' });
    state.refused = 0;
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        wallets.addFunds({ accountId: 'hot', amount: '1', idempotencyKey: `credit-${i}` }),
      ),
    );
    expect(results.map((r) => r.currentBalance)).toEqual(
      Array.from({ length: 40 }, (_, i) => String(i + 1)),
    );
    expect(state.refused).toBeGreaterThan(0);
    expect(Math.max(...state.committedRecords)).toBeLessThanOrEqual(10);
    expect((await wallets.getFunds({ accountId: 'hot' })).version).toBe(40);
    expect(await wallets.verifyWallet({ accountId: 'hot' })).toMatchObject({
      ok: true,
      entries: 40,
    });
  });

  it('fails only the operations too large on their own with TransactionTooLargeError, and their neighbours commit', async () => {
    // A keyed credit writes 3 records (wallet, entry, key), an unkeyed one 2.
    const { ledger } = itemLimitedLedger(2);
    const wallets = createWalletService({ ledger, currencies, coalesce: true });
    await wallets.createWallet({ accountId: 'p' });
    const settled = await Promise.allSettled([
      wallets.addFunds({ accountId: 'p', amount: '1' }),
      wallets.addFunds({ accountId: 'p', amount: '1', idempotencyKey: 'k1' }),
      wallets.addFunds({ accountId: 'p', amount: '1' }),
      wallets.addFunds({ accountId: 'p', amount: '1', idempotencyKey: 'k2' }),
      wallets.addFunds({ accountId: 'p', amount: '1' }),
    ]);
    expect(
      settled.map((s) =>
        s.status === 'fulfilled' ? s.value.currentBalance : (s.reason as Error).name,
      ),
    ).toEqual(['1', 'TransactionTooLargeError', '2', 'TransactionTooLargeError', '3']);
    expect(await wallets.verifyWallet({ accountId: 'p' })).toMatchObject({ ok: true, entries: 3 });
  });

  it("journals expired holds only within the room the batch leaves under the ledger's limit", async () => {
    const { ledger, recordsPerTransaction } = limitedLedger(11);
    let now = Date.parse('2031-01-01T00:00:00.000Z');
    const clock = () => new Date(now);
    const wallets = createWalletService({ ledger, currencies, clock, coalesce: true });
    await wallets.createWallet({ accountId: 'p' });
    await wallets.addFunds({ accountId: 'p', amount: '100' });
    const holds: HoldResult[] = [];
    for (let i = 0; i < 6; i++) {
      holds.push(await wallets.placeHold({ accountId: 'p', amount: '1', expiresInSeconds: 1 }));
    }
    now += 2000;
    recordsPerTransaction.length = 0;
    // Three keyed withdrawals in one batch may write 9 records: room for one expiry (its entry
    // and the hold's record).
    await Promise.all(
      [1, 2, 3].map((i) =>
        wallets.withdrawFunds({ accountId: 'p', amount: '1', idempotencyKey: `w${i}` }),
      ),
    );
    expect(recordsPerTransaction).toEqual([9]);
    const released = async () =>
      (await wallets.getTransactionHistory({ accountId: 'p', limit: 1000 })).items.filter(
        (e) => e.type === 'HOLD_RELEASE',
      ).length;
    expect(await released()).toBe(1);
    // One withdrawal alone (3 records) leaves room for four, the next for the last.
    await wallets.withdrawFunds({ accountId: 'p', amount: '1', idempotencyKey: 'w4' });
    expect(await released()).toBe(5);
    await wallets.withdrawFunds({ accountId: 'p', amount: '1', idempotencyKey: 'w5' });
    expect(await released()).toBe(6);
    expect(Math.max(...recordsPerTransaction)).toBeLessThanOrEqual(11);
    for (const { holdId } of holds) {
      expect(await wallets.getHold({ holdId })).toMatchObject({ status: 'expired' });
      await expect(wallets.captureHold({ holdId })).rejects.toMatchObject({
        code: 'HOLD_NOT_ACTIVE',
      });
    }
    expect(await wallets.verifyWallet({ accountId: 'p' })).toMatchObject({ ok: true });
  });

  it('keeps nothing of an expiry met by a refused operation in its batch: the hold expires later as any other', async () => {
    const ledger = createMemoryLedger();
    let now = Date.parse('2031-01-01T00:00:00.000Z');
    const clock = () => new Date(now);
    const wallets = createWalletService({ ledger, currencies, clock, coalesce: true });
    for (const accountId of ['p', 'q']) {
      await wallets.createWallet({ accountId });
      await wallets.addFunds({ accountId, amount: '10' });
    }
    const hold = await wallets.placeHold({ accountId: 'p', amount: '1', expiresInSeconds: 1 });
    now += 2000;
    // One batch: p's withdrawal meets the expired hold, then is refused; q's commits.
    const [refused, committed] = await Promise.allSettled([
      wallets.withdrawFunds({ accountId: 'p', amount: '11' }),
      wallets.withdrawFunds({ accountId: 'q', amount: '1' }),
    ]);
    expect(refused).toMatchObject({ status: 'rejected', reason: { code: 'INSUFFICIENT_FUNDS' } });
    expect(committed.status).toBe('fulfilled');
    expect(await ledger.getRecord(`hold:${hold.holdId}`)).toBeNull();
    // The next write on p journals the expiry and stores how the hold ended.
    await wallets.withdrawFunds({ accountId: 'p', amount: '1' });
    expect(await wallets.getHold({ holdId: hold.holdId })).toMatchObject({ status: 'expired' });
    await expect(wallets.captureHold({ holdId: hold.holdId })).rejects.toMatchObject({
      code: 'HOLD_NOT_ACTIVE',
    });
    expect(await wallets.verifyWallet({ accountId: 'p' })).toMatchObject({ ok: true });
  });

  it('refuses a maxBatch or a ledger maxRecordsPerTransaction below 1 when the service is built', () => {
    const memory = createMemoryLedger();
    expect(() =>
      createWalletService({ ledger: memory, currencies, coalesce: { maxBatch: 0 } }),
    ).toThrow(expect.objectContaining({ code: 'VALIDATION_ERROR' }));
    const broken: LedgerStore = { ...memory, maxRecordsPerTransaction: 0 };
    expect(() => createWalletService({ ledger: broken, currencies, coalesce: true })).toThrow(
      expect.objectContaining({ code: 'VALIDATION_ERROR' }),
    );
    expect(() => createWalletService({ ledger: broken, currencies })).not.toThrow();
  });
});
