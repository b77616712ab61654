import type { JournalEntry, WalletRecord } from '@wallet/core';

/**
 * Lets a test change a stored wallet behind the store's back, as whoever runs its database
 * could, to prove tampering is caught: by the chain alone, or only by a digest.
 *
 * @example
 * const ledger = createMemoryLedger();
 * const tamper: TamperHooks = { rewriteJournal: ledger.tamperJournal, rewriteWallet: ledger.tamperWallet };
 */
export interface TamperHooks {
  /** Replaces a wallet's stored entries with what `edit` returns. */
  rewriteJournal(
    accountId: string,
    edit: (entries: JournalEntry[]) => JournalEntry[],
  ): Promise<void> | void;
  /** Stores the `balances`, `sequence` and `headHash` of what `edit` returns as the wallet's. */
  rewriteWallet(
    accountId: string,
    edit: (wallet: WalletRecord) => WalletRecord,
  ): Promise<void> | void;
}
