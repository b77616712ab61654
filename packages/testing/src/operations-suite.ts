import {
  type Clock,
  createWalletService,
  type HoldResult,
  type JournalEntry,
  type LedgerStore,
  MAX_ACTIVE_HOLDS,
  verifyWallets,
  type WalletCheck,
  type WalletService,
} from '@wallet/core';
import { describe, expect } from 'vitest';
import { SUITE_CURRENCIES, SUITE_EXCHANGE_RATES, type uniqueIds } from './fixtures.js';
import type { LedgerStoreTest } from './ledger-store-tests.js';
import type { TestRegistrar } from './named-tests.js';
import { expectWalletError } from './wallet-error.js';

/**
 * What the conformance suite shares with the tests of the everyday operations.
 *
 * @example
 * operationsSuite({ service: () => service, ledger: () => fixture.ledger, serviceOptions: {}, ids, wallet, touch, concurrencyTimeout: 30_000, test });
 */
export interface OperationsSuiteContext {
  /** The suite's service over the ledger under test. */
  service(): WalletService;
  /** The ledger under test. */
  ledger(): LedgerStore;
  /** Options every service of the suite is built with (coalescing). */
  serviceOptions: {
    /** Coalescing, as `createWalletService` takes it (`true` or the limits). */
    coalesce?: unknown;
  };
  /** The suite's source of fresh account ids and idempotency keys. */
  ids: ReturnType<typeof uniqueIds>;
  /** A fresh wallet with these balances, checked by the suite once it is done. */
  wallet(funds?: Record<string, string>, label?: string): Promise<string>;
  /** Registers a wallet made another way, to be verified once the suite is done. */
  touch(accountId: string): void;
  /** Per-test timeout of the concurrency tests, in milliseconds. */
  concurrencyTimeout: number;
  /** Registers each test (the enclosing suite's, which leaves out those turned off by name). */
  test: TestRegistrar<LedgerStoreTest>;
}

/**
 * The conformance tests of reversals, holds, postings, listing and `getTransaction` (DESIGN
 * section 3), on the ledger of the enclosing `ledgerStoreSuite`. Every wallet they touch must
 * verify at the end, held amounts included.
 *
 * @example
 * operationsSuite(context); // inside ledgerStoreSuite's describe
 */
export function operationsSuite(context: OperationsSuiteContext): void {
  const { ids, wallet, concurrencyTimeout, test: it } = context;
  const service = () => context.service();

  /** A service over the same ledger with its own clock, or currencies. */
  function serviceWith(options: { clock?: Clock; reversalOverdraft?: string } = {}) {
    return createWalletService({
      ledger: context.ledger(),
      currencies: SUITE_CURRENCIES.map((currency) =>
        currency.code === options.reversalOverdraft
          ? { ...currency, reversalOverdraft: true }
          : currency,
      ),
      exchangeRates: SUITE_EXCHANGE_RATES,
      ...(context.serviceOptions as object),
      ...(options.clock ? { clock: options.clock } : {}),
    });
  }

  /** A clock that stands still until moved. */
  function manualClock(start: string) {
    let now = Date.parse(start);
    return {
      clock: (() => new Date(now)) as Clock,
      advance(ms: number) {
        now += ms;
      },
    };
  }

  const balance = async (accountId: string, currency = 'GEMS') =>
    (await service().getFunds({ accountId })).balances[currency];
  const journal = async (accountId: string): Promise<JournalEntry[]> =>
    (await service().getTransactionHistory({ accountId, order: 'asc', limit: 1000 })).items;

  describe('getTransaction', () => {
    it('returns every entry of a transaction, debits first, and what reversed it', async () => {
      const from = await wallet({ GEMS: '10' });
      const to = await wallet();
      const transfer = await service().transfer({
        fromAccountId: from,
        toAccountId: to,
        amount: '4',
      });
      const details = await service().getTransaction({ transactionId: transfer.transactionId });
      expect(details).toMatchObject({
        transactionId: transfer.transactionId,
        txTime: transfer.txTime,
        reversedBy: [],
      });
      expect(details.entries.map((e) => [e.accountId, e.type, e.amount])).toEqual([
        [from, 'TRANSFER_OUT', '4'],
        [to, 'TRANSFER_IN', '4'],
      ]);
      const reversal = await service().reverseTransaction({
        transactionId: transfer.transactionId,
      });
      expect(
        (await service().getTransaction({ transactionId: transfer.transactionId })).reversedBy,
      ).toEqual([reversal.transactionId]);
    });

    it('fails with TRANSACTION_NOT_FOUND for an unknown id and VALIDATION_ERROR for a malformed one', async () => {
      await expectWalletError(
        service().getTransaction({ transactionId: '00000000-0000-7000-8000-000000000000' }),
        'TRANSACTION_NOT_FOUND',
      );
      for (const transactionId of ['', 'has space', 'x'.repeat(65), 7]) {
        await expectWalletError(
          service().getTransaction({ transactionId: transactionId as string }),
          'VALIDATION_ERROR',
        );
      }
    });
  });

  describe('reverseTransaction', () => {
    it('reverses a credit in full with a REVERSAL_DEBIT that names the original and the reason', async () => {
      const accountId = await wallet();
      const credit = await service().addFunds({ accountId, amount: '30' });
      const reversal = await service().reverseTransaction({
        transactionId: credit.transactionId,
        reason: 'app store refund 4471',
      });
      expect(reversal).toMatchObject({
        reverses: credit.transactionId,
        replayed: false,
        legs: [
          { accountId, currency: 'GEMS', amount: '30', previousBalance: '30', currentBalance: '0' },
        ],
      });
      const last = (await journal(accountId)).at(-1)!;
      expect(last).toMatchObject({
        type: 'REVERSAL_DEBIT',
        transactionId: reversal.transactionId,
        reverses: credit.transactionId,
        reason: 'app store refund 4471',
        amount: '30',
      });
      expect(await service().verifyWallet({ accountId })).toMatchObject({ ok: true });
    });

    it('reverses a transfer in part, more than once, and never beyond its amount', async () => {
      const from = await wallet({ GOLD: '50.00' });
      const to = await wallet();
      const transfer = await service().transfer({
        fromAccountId: from,
        toAccountId: to,
        amount: '20.00',
        currency: 'GOLD',
      });
      const first = await service().reverseTransaction({
        transactionId: transfer.transactionId,
        amount: '7.50',
      });
      expect(first.legs.map((leg) => [leg.accountId, leg.amount, leg.currentBalance])).toEqual([
        [from, '7.50', '37.50'],
        [to, '7.50', '12.50'],
      ]);
      await expectWalletError(
        service().reverseTransaction({ transactionId: transfer.transactionId, amount: '12.51' }),
        'VALIDATION_ERROR',
      );
      await service().reverseTransaction({ transactionId: transfer.transactionId });
      expect([await balance(from, 'GOLD'), await balance(to, 'GOLD')]).toEqual(['50.00', '0.00']);
      await expectWalletError(
        service().reverseTransaction({ transactionId: transfer.transactionId, amount: '0.01' }),
        'VALIDATION_ERROR',
      );
      const types = (await journal(to)).map((e) => e.type);
      expect(types).toEqual(['TRANSFER_IN', 'REVERSAL_DEBIT', 'REVERSAL_DEBIT']);
    });

    it('reverses an exchange whole, once; never in part', async () => {
      const accountId = await wallet({ GEMS: '16' });
      const exchange = await service().exchange({
        accountId,
        from: { currency: 'GEMS', amount: '8' },
        to: { currency: 'GOLD' },
      });
      await expectWalletError(
        service().reverseTransaction({ transactionId: exchange.transactionId, amount: '1' }),
        'VALIDATION_ERROR',
      );
      const reversal = await service().reverseTransaction({
        transactionId: exchange.transactionId,
      });
      expect(reversal.legs.map((leg) => [leg.currency, leg.amount])).toEqual([
        ['GEMS', '8'],
        ['GOLD', '1.00'],
      ]);
      expect([await balance(accountId), await balance(accountId, 'GOLD')]).toEqual(['16', '0.00']);
      await expectWalletError(
        service().reverseTransaction({ transactionId: exchange.transactionId }),
        'VALIDATION_ERROR',
      );
    });

    it('never reverses a reversal, and fails with TRANSACTION_NOT_FOUND for an unknown transaction', async () => {
      const accountId = await wallet();
      const credit = await service().addFunds({ accountId, amount: '5' });
      const reversal = await service().reverseTransaction({ transactionId: credit.transactionId });
      await expectWalletError(
        service().reverseTransaction({ transactionId: reversal.transactionId }),
        'VALIDATION_ERROR',
      );
      await expectWalletError(
        service().reverseTransaction({ transactionId: '00000000-0000-7000-8000-000000000000' }),
        'TRANSACTION_NOT_FOUND',
      );
    });

    it('refuses a clawback below minBalance with INSUFFICIENT_FUNDS and writes nothing', async () => {
      const accountId = await wallet();
      const credit = await service().addFunds({ accountId, amount: '50' });
      await service().withdrawFunds({ accountId, amount: '45' });
      await expectWalletError(
        service().reverseTransaction({ transactionId: credit.transactionId }),
        'INSUFFICIENT_FUNDS',
      );
      expect(await journal(accountId)).toHaveLength(2);
      expect(await balance(accountId)).toBe('5');
    });

    it('with reversalOverdraft, leaves a debt the player must repay before spending again', async () => {
      const overdraft = serviceWith({ reversalOverdraft: 'GEMS' });
      const accountId = await wallet();
      const credit = await overdraft.addFunds({ accountId, amount: '50' });
      await overdraft.withdrawFunds({ accountId, amount: '45' });
      const clawback = await overdraft.reverseTransaction({ transactionId: credit.transactionId });
      expect(clawback.legs[0]).toMatchObject({ previousBalance: '5', currentBalance: '-45' });
      await expectWalletError(
        overdraft.withdrawFunds({ accountId, amount: '1' }),
        'INSUFFICIENT_FUNDS',
      );
      await overdraft.addFunds({ accountId, amount: '46' });
      expect((await overdraft.withdrawFunds({ accountId, amount: '1' })).currentBalance).toBe('0');
    });

    it('replays a keyed reversal, and refuses the key for another reversal', async () => {
      const accountId = await wallet();
      const credit = await service().addFunds({ accountId, amount: '9' });
      const idempotencyKey = ids.key('refund');
      const request = { transactionId: credit.transactionId, amount: '4', idempotencyKey };
      const first = await service().reverseTransaction(request);
      expect(await service().reverseTransaction(request)).toEqual({ ...first, replayed: true });
      await expectWalletError(
        service().reverseTransaction({ ...request, amount: '3' }),
        'IDEMPOTENCY_KEY_REUSED',
      );
      expect(await balance(accountId)).toBe('5');
    });

    it(
      'never lets concurrent partial reversals add up to more than the original',
      async () => {
        const accountId = await wallet({ GEMS: '100' });
        const credit = await service().addFunds({ accountId, amount: '20' });
        const results = await Promise.allSettled(
          Array.from({ length: 10 }, () =>
            service().reverseTransaction({ transactionId: credit.transactionId, amount: '3' }),
          ),
        );
        const applied = results.filter((r) => r.status === 'fulfilled');
        expect(applied).toHaveLength(6);
        for (const r of results) {
          if (r.status === 'rejected') {
            expect(r.reason).toMatchObject({
              code: expect.stringMatching(/VALIDATION_ERROR|CONCURRENCY_CONFLICT/),
            });
          }
        }
        expect(await balance(accountId)).toBe(String(120 - 3 * applied.length));
        const details = await service().getTransaction({ transactionId: credit.transactionId });
        expect(details.reversedBy).toHaveLength(applied.length);
      },
      concurrencyTimeout,
    );
  });

  describe('holds', () => {
    it('reserve funds: the balance stays, held grows, and a HOLD entry names the hold', async () => {
      const accountId = await wallet({ GEMS: '100' });
      const hold = await service().placeHold({ accountId, amount: '30', expiresInSeconds: 600 });
      expect(hold).toMatchObject({
        accountId,
        currency: 'GEMS',
        amount: '30',
        status: 'active',
        available: '70',
        replayed: false,
      });
      expect(Date.parse(hold.expiresAt) - Date.parse(hold.txTime)).toBe(600_000);
      const funds = await service().getFunds({ accountId });
      expect(funds.balances.GEMS).toBe('100');
      expect(funds.held).toEqual({ GEMS: '30', GOLD: '0.00', CREDITS: '0.00', TOKENS: '0' });
      expect((await journal(accountId)).at(-1)).toMatchObject({
        type: 'HOLD',
        holdId: hold.holdId,
        amount: '30',
        balanceBefore: '100',
        balanceAfter: '100',
      });
      expect(await service().getHold({ holdId: hold.holdId })).toEqual({
        ...hold,
        available: '70',
      });
    });

    it('make every debit check what is available: withdrawals, transfers, exchanges, postings, other holds', async () => {
      const accountId = await wallet({ GEMS: '100' });
      const other = await wallet();
      await service().placeHold({ accountId, amount: '80' });
      // Made one at a time: a call made early could fail before its turn to be awaited.
      const refusals: (() => Promise<unknown>)[] = [
        () => service().withdrawFunds({ accountId, amount: '21' }),
        () => service().transfer({ fromAccountId: accountId, toAccountId: other, amount: '21' }),
        () =>
          service().exchange({
            accountId,
            from: { currency: 'GEMS', amount: '24' },
            to: { currency: 'GOLD' },
          }),
        () =>
          service().post({
            legs: [
              { accountId, direction: 'debit', amount: '21' },
              { accountId: other, direction: 'credit', amount: '21' },
            ],
          }),
        () => service().placeHold({ accountId, amount: '21' }),
      ];
      for (const refusal of refusals) {
        const error = await expectWalletError(refusal(), 'INSUFFICIENT_FUNDS');
        expect(error.details).toMatchObject({ balance: '100', held: '80' });
      }
      expect((await service().withdrawFunds({ accountId, amount: '20' })).currentBalance).toBe(
        '80',
      );
      expect((await service().addFunds({ accountId, amount: '5' })).currentBalance).toBe('85');
    });

    it('are captured once, in full, and then neither captured nor released again', async () => {
      const accountId = await wallet({ GEMS: '50' });
      const hold = await service().placeHold({ accountId, amount: '20' });
      const capture = await service().captureHold({ holdId: hold.holdId });
      expect(capture).toMatchObject({
        holdId: hold.holdId,
        captured: '20',
        released: '0',
        from: { accountId, previousBalance: '50', currentBalance: '30' },
        to: null,
      });
      await expectWalletError(service().captureHold({ holdId: hold.holdId }), 'HOLD_NOT_ACTIVE');
      await expectWalletError(service().releaseHold({ holdId: hold.holdId }), 'HOLD_NOT_ACTIVE');
      expect(await service().getHold({ holdId: hold.holdId })).toMatchObject({
        status: 'captured',
      });
      expect((await service().getFunds({ accountId })).held.GEMS).toBe('0');
    });

    it('are captured in part to another wallet, which gets a TRANSFER_IN from the holder, and the rest released', async () => {
      const holder = await wallet({ GOLD: '10.00' });
      const pool = await wallet();
      const hold = await service().placeHold({
        accountId: holder,
        amount: '5.00',
        currency: 'GOLD',
      });
      const capture = await service().captureHold({
        holdId: hold.holdId,
        amount: '3.25',
        toAccountId: pool,
      });
      expect(capture).toMatchObject({
        captured: '3.25',
        released: '1.75',
        from: { accountId: holder, previousBalance: '10.00', currentBalance: '6.75' },
        to: { accountId: pool, previousBalance: '0.00', currentBalance: '3.25' },
      });
      const entries = (await journal(holder)).slice(-2);
      expect(entries.map((e) => [e.type, e.amount, e.holdId, e.transactionId])).toEqual([
        ['HOLD_CAPTURE', '3.25', hold.holdId, capture.transactionId],
        ['HOLD_RELEASE', '1.75', hold.holdId, capture.transactionId],
      ]);
      expect((await journal(pool)).at(-1)).toMatchObject({
        type: 'TRANSFER_IN',
        counterparty: holder,
        amount: '3.25',
      });
      expect(await balance(holder, 'GOLD')).toBe('6.75');
      expect((await service().getFunds({ accountId: holder })).held.GOLD).toBe('0.00');
    });

    it('are released in full, freeing their funds', async () => {
      const accountId = await wallet({ GEMS: '10' });
      const hold = await service().placeHold({ accountId, amount: '10' });
      const released = await service().releaseHold({ holdId: hold.holdId });
      expect(released).toMatchObject({ status: 'released', amount: '10', available: '10' });
      expect((await journal(accountId)).at(-1)).toMatchObject({
        type: 'HOLD_RELEASE',
        holdId: hold.holdId,
        balanceBefore: '10',
        balanceAfter: '10',
      });
      expect((await service().withdrawFunds({ accountId, amount: '10' })).currentBalance).toBe('0');
    });

    it('refuse an unknown hold with HOLD_NOT_FOUND, and a capture beyond the hold with VALIDATION_ERROR, writing nothing', async () => {
      const accountId = await wallet({ GEMS: '10' });
      const unknown = '00000000-0000-7000-8000-000000000000';
      await expectWalletError(service().captureHold({ holdId: unknown }), 'HOLD_NOT_FOUND');
      await expectWalletError(service().releaseHold({ holdId: unknown }), 'HOLD_NOT_FOUND');
      await expectWalletError(service().getHold({ holdId: unknown }), 'HOLD_NOT_FOUND');
      const hold = await service().placeHold({ accountId, amount: '4' });
      await expectWalletError(
        service().captureHold({ holdId: hold.holdId, amount: '5' }),
        'VALIDATION_ERROR',
      );
      await expectWalletError(
        service().captureHold({ holdId: hold.holdId, toAccountId: accountId }),
        'VALIDATION_ERROR',
      );
      expect(await journal(accountId)).toHaveLength(2);
    });

    it('refuse expiresInSeconds outside 1..604800, and more than 100 active holds on one wallet', async () => {
      const accountId = await wallet({ GEMS: '1000' });
      for (const expiresInSeconds of [0, 604_801, 1.5, -1]) {
        await expectWalletError(
          service().placeHold({ accountId, amount: '1', expiresInSeconds }),
          'VALIDATION_ERROR',
        );
      }
      for (let i = 0; i < MAX_ACTIVE_HOLDS; i++) {
        await service().placeHold({ accountId, amount: '1' });
      }
      await expectWalletError(service().placeHold({ accountId, amount: '1' }), 'VALIDATION_ERROR');
      expect((await service().getFunds({ accountId })).held.GEMS).toBe(String(MAX_ACTIVE_HOLDS));
    }, 60_000);

    it('expire: their funds are free at once, and their release is journaled at the next write or by releaseExpiredHolds', async () => {
      const time = manualClock('2031-03-01T12:00:00.000Z');
      const timed = serviceWith({ clock: time.clock });
      const a = await wallet({ GEMS: '100' });
      const b = await wallet({ GEMS: '100' });
      const first = await timed.placeHold({ accountId: a, amount: '60', expiresInSeconds: 60 });
      await timed.placeHold({ accountId: a, amount: '10', expiresInSeconds: 3600 });
      const onB = await timed.placeHold({ accountId: b, amount: '40', expiresInSeconds: 30 });
      time.advance(61_000);
      expect((await timed.getFunds({ accountId: a })).held.GEMS).toBe('10');
      expect(await timed.getHold({ holdId: first.holdId })).toMatchObject({
        status: 'expired',
        available: '90',
      });
      await expectWalletError(timed.captureHold({ holdId: first.holdId }), 'HOLD_NOT_ACTIVE');
      // The next write on a journals the expiry first, in a transaction of its own.
      const spent = await timed.withdrawFunds({ accountId: a, amount: '90' });
      expect(spent.currentBalance).toBe('10');
      const tail = (await journal(a)).slice(-2);
      expect(tail.map((e) => [e.type, e.holdId ?? null, e.metadata])).toEqual([
        ['HOLD_RELEASE', first.holdId, { expired: true }],
        ['DEBIT', null, null],
      ]);
      expect(tail[0]!.transactionId).not.toBe(spent.transactionId);
      // Journaled, the expiry is still told apart from a hold that never was.
      expect(await timed.getHold({ holdId: first.holdId })).toMatchObject({
        status: 'expired',
        txTime: tail[0]!.txTime,
      });
      await expectWalletError(timed.releaseHold({ holdId: first.holdId }), 'HOLD_NOT_ACTIVE');
      // b had no write: releaseExpiredHolds journals its expiry.
      const report = await timed.releaseExpiredHolds({ limit: 1000 });
      expect(report.released).toBeGreaterThanOrEqual(1);
      expect((await journal(b)).at(-1)).toMatchObject({ type: 'HOLD_RELEASE', holdId: onB.holdId });
      expect(await timed.getHold({ holdId: onB.holdId })).toMatchObject({ status: 'expired' });
      await expectWalletError(timed.captureHold({ holdId: onB.holdId }), 'HOLD_NOT_ACTIVE');
      for (const accountId of [a, b]) {
        expect(await timed.verifyWallet({ accountId })).toMatchObject({ ok: true, problems: [] });
      }
    });

    it('placed before holds carried placedAt (a record from their placement) are captured, released, expired and read as before', async () => {
      const time = manualClock('2031-04-01T12:00:00.000Z');
      const timed = serviceWith({ clock: time.clock });
      const accountId = await wallet({ GEMS: '100' });
      const placed: HoldResult[] = [];
      for (const expiresInSeconds of [600, 600, 60]) {
        placed.push(await timed.placeHold({ accountId, amount: '10', expiresInSeconds }));
      }
      // As an earlier version left them: no placedAt on the wallet, an active record each.
      await context.ledger().transact({
        accountIds: [accountId],
        idempotencyKeys: [],
        recordKeys: [],
        decide(snapshot) {
          const stored = snapshot.wallets.get(accountId)!;
          const holds = stored.holds.map(({ holdId, currency, amount, expiresAt }) => ({
            holdId,
            currency,
            amount,
            expiresAt,
          }));
          const records = placed.map((hold) => ({
            key: `hold:${hold.holdId}`,
            version: 1,
            data: {
              accountId,
              currency: hold.currency,
              amount: hold.amount,
              expiresAt: hold.expiresAt,
              status: 'active',
              txTime: hold.txTime,
              placedBy: 'an earlier version',
            },
          }));
          const wallets = [{ ...stored, version: stored.version + 1, holds }];
          return { write: { wallets, entries: [], idempotency: [], records }, result: null };
        },
      });
      const [captured, released, expiring] = placed as [HoldResult, HoldResult, HoldResult];
      expect(await timed.getHold({ holdId: captured.holdId })).toEqual({
        ...captured,
        available: '70',
      });
      expect(
        await timed.captureHold({
          holdId: captured.holdId,
          amount: '4',
          idempotencyKey: ids.key(),
        }),
      ).toMatchObject({ captured: '4', released: '6' });
      expect(await timed.releaseHold({ holdId: released.holdId })).toMatchObject({
        status: 'released',
        amount: '10',
      });
      time.advance(61_000);
      // The next write journals the expiry, and leaves the record as it was.
      await timed.withdrawFunds({ accountId, amount: '1' });
      expect((await journal(accountId)).at(-2)).toMatchObject({
        type: 'HOLD_RELEASE',
        holdId: expiring.holdId,
        metadata: { expired: true },
      });
      const statuses = [];
      for (const hold of placed) statuses.push((await timed.getHold(hold)).status);
      expect(statuses).toEqual(['captured', 'released', 'expired']);
      for (const hold of placed) {
        await expectWalletError(timed.captureHold({ holdId: hold.holdId }), 'HOLD_NOT_ACTIVE');
      }
      expect((await context.ledger().getRecord(`hold:${captured.holdId}`))?.version).toBe(2);
      expect((await context.ledger().getRecord(`hold:${expiring.holdId}`))?.data).toMatchObject({
        status: 'active',
      });
      expect(await balance(accountId)).toBe('95');
    });

    it('replay a keyed placement with the same hold, and a keyed capture with the same result', async () => {
      const accountId = await wallet({ GEMS: '10' });
      const placeKey = ids.key('hold');
      const hold = await service().placeHold({ accountId, amount: '3', idempotencyKey: placeKey });
      const again = await service().placeHold({ accountId, amount: '3', idempotencyKey: placeKey });
      expect(again).toEqual({ ...hold, replayed: true });
      const captureKey = ids.key('capture');
      const capture = await service().captureHold({
        holdId: hold.holdId,
        idempotencyKey: captureKey,
      });
      expect(
        await service().captureHold({ holdId: hold.holdId, idempotencyKey: captureKey }),
      ).toEqual({ ...capture, replayed: true });
      expect((await service().getFunds({ accountId })).held.GEMS).toBe('0');
    });

    it(
      'racing debits never over-reserve: what is held and withdrawn never passes the balance',
      async () => {
        const accountId = await wallet({ GEMS: '100' });
        const results = await Promise.allSettled(
          Array.from({ length: 40 }, (_, i) =>
            i % 2 === 0
              ? service().placeHold({ accountId, amount: '10' })
              : service().withdrawFunds({ accountId, amount: '10' }),
          ),
        );
        const ok = results.filter((r) => r.status === 'fulfilled');
        expect(ok).toHaveLength(10);
        for (const r of results) {
          if (r.status === 'rejected') {
            expect(r.reason).toMatchObject({
              code: expect.stringMatching(/INSUFFICIENT_FUNDS|CONCURRENCY_CONFLICT/),
            });
          }
        }
        const funds = await service().getFunds({ accountId });
        expect(BigInt(funds.balances.GEMS!) - BigInt(funds.held.GEMS!)).toBe(0n);
      },
      concurrencyTimeout,
    );

    it(
      'a hold captured and released at once settles once',
      async () => {
        const accountId = await wallet({ GEMS: '50' });
        const hold = await service().placeHold({ accountId, amount: '20' });
        const results = await Promise.allSettled(
          Array.from({ length: 12 }, (_, i) =>
            i % 2 === 0
              ? service().captureHold({ holdId: hold.holdId })
              : service().releaseHold({ holdId: hold.holdId }),
          ),
        );
        const settled = results.filter((r) => r.status === 'fulfilled');
        expect(settled).toHaveLength(1);
        for (const r of results) {
          if (r.status === 'rejected') {
            expect(r.reason).toMatchObject({
              code: expect.stringMatching(/HOLD_NOT_ACTIVE|CONCURRENCY_CONFLICT/),
            });
          }
        }
        const captured = (settled[0] as PromiseFulfilledResult<{ captured?: string }>).value
          .captured;
        expect(await balance(accountId)).toBe(captured === undefined ? '50' : '30');
        expect((await service().getFunds({ accountId })).held.GEMS).toBe('0');
      },
      concurrencyTimeout,
    );
  });

  describe('post', () => {
    it('moves funds between three wallets in one transaction: a marketplace trade with a fee', async () => {
      const buyer = await wallet({ GOLD: '100.00' });
      const seller = await wallet();
      const house = await wallet();
      const posting = await service().post({
        legs: [
          { accountId: buyer, currency: 'GOLD', direction: 'debit', amount: '40.00' },
          { accountId: seller, currency: 'GOLD', direction: 'credit', amount: '38.00' },
          { accountId: house, currency: 'GOLD', direction: 'credit', amount: '2.00' },
        ],
        metadata: { listing: 'sword-771' },
      });
      expect(posting.legs).toEqual([
        {
          accountId: buyer,
          currency: 'GOLD',
          direction: 'debit',
          amount: '40.00',
          previousBalance: '100.00',
          currentBalance: '60.00',
        },
        {
          accountId: seller,
          currency: 'GOLD',
          direction: 'credit',
          amount: '38.00',
          previousBalance: '0.00',
          currentBalance: '38.00',
        },
        {
          accountId: house,
          currency: 'GOLD',
          direction: 'credit',
          amount: '2.00',
          previousBalance: '0.00',
          currentBalance: '2.00',
        },
      ]);
      const details = await service().getTransaction({ transactionId: posting.transactionId });
      expect(details.entries.map((e) => e.type).sort()).toEqual([
        'POSTING_IN',
        'POSTING_IN',
        'POSTING_OUT',
      ]);
      expect(details.entries.every((e) => e.counterparty === null)).toBe(true);
    });

    it('refuses an unbalanced posting, fewer than 2 or more than 16 legs, and bad legs with typed errors, writing nothing', async () => {
      const a = await wallet({ GEMS: '10' });
      const b = await wallet();
      const cases: [unknown, string][] = [
        [
          [
            { accountId: a, direction: 'debit', amount: '5' },
            { accountId: b, direction: 'credit', amount: '4' },
          ],
          'VALIDATION_ERROR',
        ],
        [[{ accountId: a, direction: 'debit', amount: '5' }], 'VALIDATION_ERROR'],
        [
          Array.from({ length: 17 }, (_, i) => ({
            accountId: i % 2 ? a : b,
            direction: i < 8 ? 'debit' : 'credit',
            amount: '1',
          })),
          'VALIDATION_ERROR',
        ],
        ['legs', 'VALIDATION_ERROR'],
        [
          [
            { accountId: a, direction: 'sideways', amount: '5' },
            { accountId: b, direction: 'credit', amount: '5' },
          ],
          'VALIDATION_ERROR',
        ],
        [
          [
            { accountId: a, direction: 'debit', amount: '0' },
            { accountId: b, direction: 'credit', amount: '0' },
          ],
          'INVALID_AMOUNT',
        ],
        [
          [
            { accountId: 'bad id', direction: 'debit', amount: '5' },
            { accountId: b, direction: 'credit', amount: '5' },
          ],
          'INVALID_ACCOUNT_ID',
        ],
        [
          [
            { accountId: a, currency: 'NOPE', direction: 'debit', amount: '5' },
            { accountId: b, direction: 'credit', amount: '5' },
          ],
          'UNKNOWN_CURRENCY',
        ],
      ];
      for (const [legs, code] of cases) {
        await expectWalletError(service().post({ legs: legs as never }), code as never);
      }
      expect([(await journal(a)).length, (await journal(b)).length]).toEqual([1, 0]);
    });

    it('applies all legs or none: an overdrawn leg or a missing wallet writes to no wallet', async () => {
      const a = await wallet({ GEMS: '10' });
      const b = await wallet({ GEMS: '3' });
      const c = await wallet();
      await expectWalletError(
        service().post({
          legs: [
            { accountId: a, direction: 'debit', amount: '5' },
            { accountId: b, direction: 'debit', amount: '5' },
            { accountId: c, direction: 'credit', amount: '10' },
          ],
        }),
        'INSUFFICIENT_FUNDS',
      );
      await expectWalletError(
        service().post({
          legs: [
            { accountId: a, direction: 'debit', amount: '5' },
            { accountId: ids.account('ghost'), direction: 'credit', amount: '5' },
          ],
        }),
        'WALLET_NOT_FOUND',
      );
      expect([await balance(a), await balance(b), await balance(c)]).toEqual(['10', '3', '0']);
      expect((await journal(c)).length).toBe(0);
    });

    it('lets a wallet appear in several legs and balances each currency on its own', async () => {
      const a = await wallet({ GEMS: '10', GOLD: '5.00' });
      const b = await wallet({ GEMS: '10', GOLD: '5.00' });
      const posting = await service().post({
        legs: [
          { accountId: a, currency: 'GEMS', direction: 'debit', amount: '4' },
          { accountId: b, currency: 'GEMS', direction: 'credit', amount: '4' },
          { accountId: b, currency: 'GOLD', direction: 'debit', amount: '1.50' },
          { accountId: a, currency: 'GOLD', direction: 'credit', amount: '1.50' },
        ],
        idempotencyKey: ids.key('swap'),
      });
      expect(posting.legs.map((leg) => leg.currentBalance)).toEqual(['6', '14', '3.50', '6.50']);
      for (const accountId of [a, b]) {
        expect(await service().verifyWallet({ accountId })).toMatchObject({ ok: true });
      }
    });

    it('replays a keyed posting and refuses its key for other legs', async () => {
      const a = await wallet({ GEMS: '10' });
      const b = await wallet();
      const idempotencyKey = ids.key('post');
      const legs = [
        { accountId: a, direction: 'debit' as const, amount: '2' },
        { accountId: b, direction: 'credit' as const, amount: '2' },
      ];
      const first = await service().post({ legs, idempotencyKey });
      expect(await service().post({ legs, idempotencyKey })).toEqual({ ...first, replayed: true });
      await expectWalletError(
        service().post({ legs: legs.map((leg) => ({ ...leg, amount: '3' })), idempotencyKey }),
        'IDEMPOTENCY_KEY_REUSED',
      );
      expect(await balance(a)).toBe('8');
    });

    it(
      '16-leg postings racing transfers keep money conserved and every chain whole',
      async () => {
        const accountIds: string[] = [];
        for (let i = 0; i < 16; i++) accountIds.push(await wallet({ GEMS: '100' }, `p16-${i}`));
        const calls = Array.from({ length: 24 }, (_, round) => {
          if (round % 2 === 0) {
            // Everyone pays 1 to the round's collector.
            const collector = accountIds[round % 16]!;
            return service().post({
              legs: [
                ...accountIds
                  .filter((id) => id !== collector)
                  .map((accountId) => ({ accountId, direction: 'debit' as const, amount: '1' })),
                { accountId: collector, direction: 'credit', amount: '15' },
              ],
            });
          }
          return service().transfer({
            fromAccountId: accountIds[round % 16]!,
            toAccountId: accountIds[(round + 5) % 16]!,
            amount: '7',
          });
        });
        const results = await Promise.allSettled(calls);
        for (const r of results) {
          if (r.status === 'rejected') {
            expect(r.reason).toMatchObject({
              code: expect.stringMatching(/CONCURRENCY_CONFLICT|INSUFFICIENT_FUNDS/),
            });
          }
        }
        expect(results.filter((r) => r.status === 'fulfilled').length).toBeGreaterThan(0);
        let total = 0n;
        for (const accountId of accountIds) {
          total += BigInt((await balance(accountId))!);
          expect(await service().verifyWallet({ accountId })).toMatchObject({ ok: true });
        }
        expect(total).toBe(1600n);
      },
      concurrencyTimeout * 2,
    );
  });

  describe('verifyWallets', () => {
    it('verifies every wallet with a prefix, in account order, each as verifyWallet does', async () => {
      const made: string[] = [];
      for (let i = 0; i < 4; i++) made.push(await wallet({ GEMS: String(5 + i) }, 'vw'));
      await service().withdrawFunds({ accountId: made[1]!, amount: '2', currency: 'GEMS' });
      const hold = await service().placeHold({
        accountId: made[2]!,
        amount: '3',
        currency: 'GEMS',
      });
      await service().captureHold({ holdId: hold.holdId, amount: '1' });
      const prefix = made[0]!.slice(0, made[0]!.lastIndexOf('.') + 1);
      const checked: WalletCheck[] = [];
      for await (const check of verifyWallets(context.ledger(), service().currencies, { prefix })) {
        checked.push(check);
      }
      expect(checked.map((check) => check.accountId)).toEqual([...made].sort());
      for (const { accountId, report } of checked) {
        expect(report).toEqual(await service().verifyWallet({ accountId }));
        expect(report.ok).toBe(true);
      }
    });

    it('checks each wallet as listed, so a write between the listing and the read is no failure', async () => {
      const accountId = await wallet({ GEMS: '5' }, 'vwlive');
      const ledger = context.ledger();
      const racing = {
        queryEntries: ledger.queryEntries.bind(ledger),
        ...(ledger.queryJournals ? { queryJournals: ledger.queryJournals.bind(ledger) } : {}),
        getRecord: ledger.getRecord.bind(ledger),
        async listWallets(query: Parameters<LedgerStore['listWallets']>[0]) {
          const listed = await ledger.listWallets(query);
          // Another caller writes after the listing, before the journal is read.
          await service().addFunds({ accountId, amount: '1', currency: 'GEMS' });
          return listed;
        },
      };
      const checked: WalletCheck[] = [];
      for await (const check of verifyWallets(racing, service().currencies, {
        prefix: accountId,
      })) {
        checked.push(check);
      }
      expect(checked).toEqual([
        { accountId, report: expect.objectContaining({ ok: true, entries: 1 }) },
      ]);
      expect(await service().verifyWallet({ accountId })).toMatchObject({ ok: true, entries: 2 });
    });
  });

  describe('listWallets', () => {
    it('lists wallets by account id ascending, with a prefix, in pages that each wallet appears in once', async () => {
      const made: string[] = [];
      for (let i = 0; i < 7; i++) made.push(await wallet({}, 'lst'));
      const prefix = made[0]!.slice(0, made[0]!.lastIndexOf('.') + 1);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: Awaited<ReturnType<WalletService['listWallets']>> = await service().listWallets(
          { prefix, limit: 3, ...(cursor ? { cursor } : {}) },
        );
        for (const item of page.items) {
          expect(item.accountId.startsWith(prefix)).toBe(true);
          expect(item.held).toBeDefined();
        }
        seen.push(...page.items.map((item) => item.accountId));
        cursor = page.nextCursor;
        pages++;
      } while (cursor !== null && pages < 10);
      expect(seen).toEqual([...made].sort());
      expect(pages).toBe(3);
    });

    it('refuses a cursor made for another prefix, a bad prefix and a bad limit with VALIDATION_ERROR', async () => {
      const first = await wallet({}, 'lsx');
      await wallet({}, 'lsx');
      const prefix = first.slice(0, first.lastIndexOf('.') + 1);
      const page = await service().listWallets({ prefix, limit: 1 });
      expect(page.nextCursor).not.toBeNull();
      await expectWalletError(
        service().listWallets({ prefix: `${prefix}x`, cursor: page.nextCursor }),
        'VALIDATION_ERROR',
      );
      for (const input of [
        { prefix: 'has space' },
        { prefix: '%' },
        { limit: 0 },
        { limit: 1001 },
        { cursor: 'nope' },
      ]) {
        await expectWalletError(service().listWallets(input), 'VALIDATION_ERROR');
      }
      const none = await service().listWallets({ prefix: `${prefix}zzz-none` });
      expect(none).toEqual({ items: [], nextCursor: null });
    });
  });
}
