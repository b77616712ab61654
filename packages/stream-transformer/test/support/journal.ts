import {
  createMemoryLedger,
  createWalletService,
  type JournalEntry,
  type MemoryLedger,
  type WalletService,
} from '@wallet/core';
import { steppingClock } from '@wallet/testing';

/** The currencies the tests use: cents, whole gems, and an overdraft that can reach zero. */
export const CURRENCIES = [
  { code: 'GOLD', scale: 2 },
  { code: 'GEMS', scale: 0 },
  { code: 'CREDITS', scale: 2, minBalance: '-100.00' },
];

/**
 * A wallet service over a memory ledger, and the ledger to read its journal from.
 *
 * @example
 * const { wallets, ledger } = walletFixture();
 */
export function walletFixture(): { wallets: WalletService; ledger: MemoryLedger } {
  const ledger = createMemoryLedger();
  const wallets = createWalletService({
    ledger,
    currencies: CURRENCIES,
    clock: steppingClock('2030-01-01T00:00:00.000Z', 1_001),
  });
  return { wallets, ledger };
}

/**
 * The transactions of {@link runOperations} that write the entry types with fields of their
 * own: a transfer reversed in part with a reason, a debit reversed without one, and a hold
 * captured in part to the other wallet (its rest released in the same transaction).
 */
export interface SpecialTransactions {
  /** Reverses part of the transfer: a REVERSAL_DEBIT of the receiver, a REVERSAL_CREDIT of the sender. */
  transferReversal: string;
  /** Reverses a withdrawal, no reason given: one REVERSAL_CREDIT with `reason` null. */
  debitReversal: string;
  /** Captures 3.00 of a 4.00 hold to the other wallet: HOLD_CAPTURE, TRANSFER_IN, HOLD_RELEASE. */
  holdCapture: string;
}

/**
 * Runs every kind of operation (credit, debit, transfer, exchange, an overdraft back to zero,
 * reversals with and without a reason, a hold captured in part to the other wallet, a hold
 * released, a posting) on two wallets, with and without idempotency keys and metadata.
 *
 * @example
 * const { wallets, ledger } = walletFixture();
 * await runOperations(wallets, 'alice', 'bob');
 */
export async function runOperations(
  wallets: WalletService,
  alice: string,
  bob: string,
): Promise<SpecialTransactions> {
  await wallets.createWallet({ accountId: alice, metadata: { name: 'Alice' } });
  await wallets.createWallet({ accountId: bob });
  await wallets.addFunds({
    accountId: alice,
    amount: '10.50',
    currency: 'GOLD',
    idempotencyKey: `${alice}-buy-1`,
  });
  await wallets.addFunds({
    accountId: alice,
    amount: '7',
    currency: 'GEMS',
    metadata: {
      source: 'quest',
      level: 3,
      ratio: 1.25,
      tags: ['daily', 'bonus'],
      nested: { ok: true, none: null },
    },
  });
  const withdrawal = await wallets.withdrawFunds({
    accountId: alice,
    amount: '0.50',
    currency: 'GOLD',
  });
  const transfer = await wallets.transfer({
    fromAccountId: alice,
    toAccountId: bob,
    amount: '5.00',
    currency: 'GOLD',
    metadata: { note: 'gift "quoted" \\ ✓' },
  });
  await wallets.exchange({
    accountId: alice,
    from: { currency: 'GEMS', amount: '2' },
    to: { currency: 'GOLD', amount: '1.25' },
  });
  await wallets.withdrawFunds({ accountId: bob, amount: '20.00', currency: 'CREDITS' });
  await wallets.addFunds({ accountId: bob, amount: '20', currency: 'CREDITS' });
  // alice: 6.25 GOLD, bob: 5.00 GOLD.
  const transferReversal = await wallets.reverseTransaction({
    transactionId: transfer.transactionId,
    amount: '2.00',
    reason: 'support: sent to the wrong player "bob" ✓',
    idempotencyKey: `${alice}-refund-1`,
  });
  const debitReversal = await wallets.reverseTransaction({
    transactionId: withdrawal.transactionId,
  });
  // alice: 8.75 GOLD, bob: 3.00 GOLD.
  const hold = await wallets.placeHold({
    accountId: alice,
    amount: '4.00',
    currency: 'GOLD',
    metadata: { order: 'o-17' },
  });
  const capture = await wallets.captureHold({
    holdId: hold.holdId,
    amount: '3.00',
    toAccountId: bob,
    idempotencyKey: `${alice}-capture-o-17`,
    metadata: { order: 'o-17', qty: 2 },
  });
  const other = await wallets.placeHold({ accountId: bob, amount: '1.00', currency: 'GOLD' });
  await wallets.releaseHold({ holdId: other.holdId });
  await wallets.post({
    legs: [
      { accountId: alice, currency: 'GOLD', direction: 'debit', amount: '1.00' },
      { accountId: bob, currency: 'GOLD', direction: 'credit', amount: '1.00' },
    ],
    metadata: { trade: 't-1' },
  });
  return {
    transferReversal: transferReversal.transactionId,
    debitReversal: debitReversal.transactionId,
    holdCapture: capture.transactionId,
  };
}

/**
 * Every journal entry of the given wallets, each wallet in sequence order.
 *
 * @example
 * const entries = await journalOf(ledger, ['alice', 'bob']);
 */
export async function journalOf(
  ledger: MemoryLedger,
  accountIds: readonly string[],
): Promise<JournalEntry[]> {
  const entries: JournalEntry[] = [];
  for (const accountId of accountIds) {
    entries.push(...(await ledger.queryEntries({ accountId, order: 'asc', limit: 1001 })));
  }
  return entries;
}
