import { listAccountIds } from '@wallet/analytics';
import {
  type CurrencyRegistry,
  type LedgerStore,
  type VerifiableLedger,
  verifyWallets,
} from '@wallet/core';

/** Failed wallets a result lists with their problems; the rest are only counted. */
const LISTED_FAILURES = 100;
/** Problems listed per failed wallet. */
const LISTED_PROBLEMS = 5;

/**
 * How far {@link verifyAllWallets} got.
 *
 * @example
 * const onProgress = ({ checked, total }: VerifyAllProgress) => console.error(`${checked}/${total}`);
 */
export interface VerifyAllProgress {
  /** Wallets checked so far. */
  checked: number;
  /** Wallets to check, as counted while the first are checked. */
  total: number;
  failed: number;
}

/**
 * Options of {@link verifyAllWallets}.
 *
 * @example
 * const options: VerifyAllOptions = { prefix: 'eu-', onProgress: console.error };
 */
export interface VerifyAllOptions {
  /** Only wallets whose account id starts with this. */
  prefix?: string;
  onProgress?: (progress: VerifyAllProgress) => void;
}

/** One wallet that did not verify, with its first problems. */
export interface WalletFailure {
  accountId: string;
  problems: string[];
}

/**
 * What {@link verifyAllWallets} found.
 *
 * @example
 * const { failed, failures } = await verifyAllWallets(ledger, service.currencies);
 */
export interface VerifyAllResult {
  wallets: number;
  ok: number;
  failed: number;
  /** Journal entries checked, over every wallet. */
  entries: number;
  /** The first 100 failed wallets, in account id order. */
  failures: WalletFailure[];
}

/**
 * Verifies every wallet with core's `verifyWallets` (pages of wallets, their journals read
 * together), counting them at the same time so progress has a total: it is reported once the
 * count is in, and last with every wallet checked. Memory holds the pages and at most 100
 * failures, whatever the number of wallets; a wallet created after the count is still checked,
 * and the total grows to include it.
 *
 * @example
 * const result = await verifyAllWallets(ledger, service.currencies, { onProgress });
 * if (result.failed > 0) process.exitCode = 1;
 */
export async function verifyAllWallets(
  ledger: CountableLedger,
  currencies: CurrencyRegistry,
  options: VerifyAllOptions = {},
): Promise<VerifyAllResult> {
  const prefix = options.prefix ?? '';
  // Counted beside the checks rather than before them: progress is reported once the total is
  // known, and the count's reads overlap the verification's.
  let total: number | undefined;
  const counting = countWallets(ledger, prefix).then((count) => {
    total = count;
  });
  counting.catch(() => {});
  const result: VerifyAllResult = { wallets: 0, ok: 0, failed: 0, entries: 0, failures: [] };
  for await (const { accountId, report } of verifyWallets(ledger, currencies, { prefix })) {
    result.wallets++;
    result.entries += report.entries;
    if (report.ok) result.ok++;
    else {
      result.failed++;
      if (result.failures.length < LISTED_FAILURES) {
        result.failures.push({ accountId, problems: report.problems.slice(0, LISTED_PROBLEMS) });
      }
    }
    if (total !== undefined) {
      options.onProgress?.({
        checked: result.wallets,
        total: Math.max(total, result.wallets),
        failed: result.failed,
      });
    }
  }
  await counting;
  options.onProgress?.({ checked: result.wallets, total: result.wallets, failed: result.failed });
  return result;
}

/** What {@link verifyAllWallets} reads: a ledger to verify, which may count its wallets. */
export type CountableLedger = VerifiableLedger & Pick<LedgerStore, 'countWallets'>;

/** The wallets with `prefix`: counted by the store when it can, else by listing them. */
async function countWallets(ledger: CountableLedger, prefix: string): Promise<number> {
  if (ledger.countWallets) return ledger.countWallets(prefix);
  let count = 0;
  for await (const _ of listAccountIds(ledger, prefix)) count++;
  return count;
}
