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
 * Runs every kind of operation (credit, debit, transfer, exchange, an overdraft back to zero)
 * on two wallets, with and without idempotency keys and metadata.
 *
 * @example
 * const { wallets, ledger } = walletFixture();
 * await runOperations(wallets, 'alice', 'bob');
 */
export async function runOperations(
  wallets: WalletService,
  alice: string,
  bob: string,
): Promise<void> {
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
  await wallets.withdrawFunds({ accountId: alice, amount: '0.50', currency: 'GOLD' });
  await wallets.transfer({
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
