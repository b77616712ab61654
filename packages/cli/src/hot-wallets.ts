import type { HotWalletConfig } from '@wallet/core';
import { UsageError } from './usage-error.js';

/**
 * Parses `ACCOUNT:SUBACCOUNTS[,...]`, the local server's `WALLET_HOT_WALLETS` format (empty:
 * none). Core checks the ids and counts themselves. The CLI must declare the hot wallets the
 * services writing the ledger declare, or it reads a hot wallet's main wallet alone and lists
 * its sub-accounts as wallets.
 *
 * @throws {UsageError} for text of another shape
 * @example
 * parseHotWallets('house:16,jackpot:8'); // [{ accountId: 'house', subAccounts: 16 }, ...]
 */
export function parseHotWallets(text: string): HotWalletConfig[] {
  if (text.trim() === '') return [];
  return text.split(',').map((item) => {
    const match = /^\s*([^:\s]+):(\d{1,3})\s*$/.exec(item);
    if (!match)
      throw new UsageError(`hot wallets must look like house:16,jackpot:8, got "${text}"`);
    return { accountId: match[1]!, subAccounts: Number(match[2]) };
  });
}
