import { listAccountIds } from '@wallet/analytics';
import {
  type CurrencyRegistry,
  type Digest,
  DigestIntegrityError,
  isWalletError,
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
  /** Wallets to check, as counted, or those checked when more were found than counted. */
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
  /**
   * A digest kept outside the ledger: the ledger's copy must hash to its root, and each wallet
   * it holds must have the entry its leaf holds.
   */
  digest?: Digest;
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
  /** With a digest: which, and how many wallets were checked against it. */
  digest?: DigestSummary;
}

/**
 * How a {@link verifyAllWallets} run with a digest went, besides each wallet's check.
 *
 * @example
 * const { inDigest, createdAfter } = result.digest!;
 */
export interface DigestSummary {
  digestId: string;
  createdAt: string;
  root: string;
  /** Wallets the digest holds, each checked against its leaf (a wallet missing from the ledger too). */
  inDigest: number;
  /** Wallets it does not hold: created after it, checked by their chain alone. */
  createdAfter: number;
  /**
   * What is wrong with the ledger's copy of the digest: missing, incomplete, or not hashing to
   * the digest's root. The check stops there: it is found before the first wallet is checked.
   */
  problems: string[];
}

/**
 * Verifies every wallet with core's `verifyWallets` (pages of wallets, their journals read
 * together), counting them so progress has a total: a store with `countWallets` is asked first
 * (one query), and progress is reported for every wallet; one without it is counted by listing
 * its wallets beside the checks, and progress is reported once that count is in. The last report
 * has every wallet checked. Memory holds the pages and at most 100 failures, whatever the number
 * of wallets; a wallet created after the count is still checked, and the total grows to include
 * it.
 *
 * With `digest`, core first reads the ledger's copy of the digest and checks it hashes to the
 * digest's root, then checks each wallet's entry at its leaf; a wallet the digest holds that the
 * ledger lacks counts as a failed wallet. A copy that is missing (deleted to hide a rewrite, or
 * the digest is another ledger's), incomplete or changed is a failed check too, not an error:
 * `digest.problems` says what, and the check stops there.
 *
 * @throws what the store throws (unreachable, say); a wrong copy of the digest is reported, not thrown
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
  // A store that counts its wallets does it in one query, asked first: progress has its total
  // from the first wallet, so what a run prints does not hang on which read answers first. One
  // that must list its wallets is counted beside the checks instead (alone, the listing would
  // delay them by as long as it takes), and progress starts once that count is in.
  let total = ledger.countWallets ? await ledger.countWallets(prefix) : undefined;
  const counting =
    total === undefined
      ? countListed(ledger, prefix).then((count) => {
          total = count;
        })
      : undefined;
  // Awaited after the checks; a failure while they run must not go unhandled meanwhile.
  counting?.catch(() => {});
  const result: VerifyAllResult = { wallets: 0, ok: 0, failed: 0, entries: 0, failures: [] };
  const { digest } = options;
  if (digest) {
    const { digestId, createdAt, root } = digest;
    result.digest = { digestId, createdAt, root, inDigest: 0, createdAfter: 0, problems: [] };
  }
  const checks = verifyWallets(ledger, currencies, { prefix, ...(digest ? { digest } : {}) });
  const next = async () => {
    try {
      return await checks.next();
    } catch (error) {
      const problem = digest ? copyProblem(error, digest) : undefined;
      if (problem === undefined) throw error;
      result.digest?.problems.push(problem);
      return { done: true as const, value: undefined };
    }
  };
  for (let item = await next(); !item.done; item = await next()) {
    const { accountId, report } = item.value;
    result.wallets++;
    if (result.digest) {
      if (report.digest?.sequence === null) result.digest.createdAfter++;
      else result.digest.inDigest++;
    }
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
  // Stopped at the digest's copy: there is no count of wallets checked to report.
  if (!result.digest?.problems.length) {
    options.onProgress?.({ checked: result.wallets, total: result.wallets, failed: result.failed });
  }
  return result;
}

/**
 * What an error core's `verifyWallets` ended with says about the ledger's copy of `digest`, or
 * undefined when it is about something else (the store, say).
 */
function copyProblem(error: unknown, digest: Digest): string | undefined {
  if (error instanceof DigestIntegrityError) return error.message;
  // The ledger holds no digest with the id (the only field of verifyWallets' input it looks up).
  if (isWalletError(error, 'VALIDATION_ERROR') && error.details?.field === 'digestId') {
    return `the ledger holds no digest ${digest.digestId}: it was deleted, or the digest is another ledger's`;
  }
  return undefined;
}

/** What {@link verifyAllWallets} reads: a ledger to verify, which may count its wallets. */
export type CountableLedger = VerifiableLedger & Pick<LedgerStore, 'countWallets'>;

/** The wallets with `prefix`, counted by listing them (for a store without `countWallets`). */
async function countListed(ledger: CountableLedger, prefix: string): Promise<number> {
  let count = 0;
  for await (const _ of listAccountIds(ledger, prefix)) count++;
  return count;
}
