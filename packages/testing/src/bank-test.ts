import { isWalletError, type WalletService } from '@wallet/core';
import { randomInt, seededRandom } from './random.js';

/**
 * How to run a bank test: workers move money between a few wallets at random, as fast as they
 * can, for a while.
 *
 * @example
 * const options: BankTestOptions = { service, accountIds: ['a', 'b', 'c'], currency: 'GEMS', durationMs: 2000, workers: 16, maxAmount: 50 };
 */
export interface BankTestOptions {
  /** The service under test. */
  service: WalletService;
  /** At least two existing, funded wallets. */
  accountIds: readonly string[];
  /** The currency every transfer moves. */
  currency: string;
  /** How long the workers run. */
  durationMs: number;
  /** How many transfers are in flight at once. */
  workers: number;
  /** Each transfer moves a whole amount from 1 to this. */
  maxAmount: number;
  /** Seeds the generator that picks wallets and amounts. Default 1. */
  seed?: number;
}

/**
 * What a bank test did.
 *
 * @example
 * const report: BankTestReport = await runBankTest(options);
 * expect(report.unexpected).toEqual([]);
 */
export interface BankTestReport {
  /** Transfers that committed. */
  transfers: number;
  /** Transfers refused with INSUFFICIENT_FUNDS (expected, and nothing written). */
  insufficient: number;
  /** Transfers that ran out of conflict retries (allowed, nothing written). */
  conflicts: number;
  /** Every other failure: a correct store produces none. */
  unexpected: unknown[];
}

/**
 * Runs random concurrent transfers; the caller then checks the invariants (total unchanged,
 * no balance below its minimum, every wallet verifies).
 *
 * @example
 * const report = await runBankTest({ service, accountIds, currency: 'GEMS', durationMs: 2000, workers: 16, maxAmount: 50 });
 * expect(report.unexpected).toEqual([]);
 */
export async function runBankTest(options: BankTestOptions): Promise<BankTestReport> {
  const random = seededRandom(options.seed ?? 1);
  const report: BankTestReport = { transfers: 0, insufficient: 0, conflicts: 0, unexpected: [] };
  const deadline = Date.now() + options.durationMs;
  const ids = options.accountIds;

  async function worker(): Promise<void> {
    while (Date.now() < deadline) {
      const from = randomInt(random, 0, ids.length - 1);
      const to = (from + randomInt(random, 1, ids.length - 1)) % ids.length;
      const amount = String(randomInt(random, 1, options.maxAmount));
      try {
        await options.service.transfer({
          fromAccountId: ids[from]!,
          toAccountId: ids[to]!,
          amount,
          currency: options.currency,
        });
        report.transfers++;
      } catch (error) {
        if (isWalletError(error, 'INSUFFICIENT_FUNDS')) report.insufficient++;
        else if (isWalletError(error, 'CONCURRENCY_CONFLICT')) report.conflicts++;
        else report.unexpected.push(error);
      }
    }
  }

  await Promise.all(Array.from({ length: options.workers }, worker));
  return report;
}
