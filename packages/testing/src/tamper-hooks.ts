import type { JournalEntry, WalletRecord } from '@wallet/core';

/**
 * Lets a test change a stored wallet behind the store's back, as whoever runs its database
 * could, to prove tampering is caught: by the chain alone, or only by a digest.
 *
 * @example
 * // The memory ledger's hooks, from `@wallet/core/testing`; another store's rewrite its rows.
 * const ledger = createMemoryLedger();
 * const tamper: TamperHooks = {
 *   rewriteJournal: (accountId, edit) => tamperJournal(ledger, accountId, edit),
 *   rewriteWallet: (accountId, edit) => tamperWallet(ledger, accountId, edit),
 * };
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
