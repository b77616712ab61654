/**
 * What tests use and applications never should: hooks that change what a memory ledger stores
 * behind its back, as whoever runs a database could, to prove tampering is caught.
 *
 * @module
 */
import {
  type MemoryLedger,
  type MemoryLedgerTampering,
  memoryLedgerTampering,
} from './memory-ledger.js';
import type { WalletRecord } from './ports.js';
import type { JournalEntry } from './types.js';

/**
 * Replaces a wallet's stored journal with what `edit` returns, bypassing every rule: the
 * transaction index and the wallet's head stay as they were.
 *
 * @example
 * const ledger = createMemoryLedger();
 * tamperJournal(ledger, 'p1', (entries) => entries.slice(1)); // delete the first entry
 */
export function tamperJournal(
  ledger: MemoryLedger,
  accountId: string,
  edit: (entries: JournalEntry[]) => JournalEntry[],
): void {
  tamperingOf(ledger).journal(accountId, edit);
}

/**
 * Replaces a wallet's stored state with what `edit` returns (given a copy of it), bypassing
 * every rule; a wallet the ledger does not hold stays absent.
 *
 * @example
 * const ledger = createMemoryLedger();
 * tamperWallet(ledger, 'p1', (wallet) => ({ ...wallet, balances: { GEMS: '1000000' } }));
 */
export function tamperWallet(
  ledger: MemoryLedger,
  accountId: string,
  edit: (wallet: WalletRecord) => WalletRecord,
): void {
  tamperingOf(ledger).wallet(accountId, edit);
}

/**
 * The hooks `createMemoryLedger` registered for `ledger`. A copy with its methods spread, or a
 * ledger of another copy of core, has none.
 */
function tamperingOf(ledger: MemoryLedger): MemoryLedgerTampering {
  const tampering = memoryLedgerTampering.get(ledger);
  if (tampering === undefined) {
    throw new TypeError(
      'this ledger has no tamper hooks: only a ledger createMemoryLedger() of this copy of @wallet/core returned has them',
    );
  }
  return tampering;
}
