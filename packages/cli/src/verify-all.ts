import { isWalletError, type WalletService } from '@wallet/core';

/** Wallets asked for per `listWallets` page. */
const PAGE = 1000;
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
  /** Wallets to check, counted before the first is checked. */
  total: number;
  failed: number;
}

/**
 * Options of {@link verifyAllWallets}.
 *
 * @example
 * const options: VerifyAllOptions = { concurrency: 8, prefix: 'eu-' };
 */
export interface VerifyAllOptions {
  /** Only wallets whose account id starts with this. */
  prefix?: string;
  /** Wallets verified at once, 1..64. Default 8. */
  concurrency?: number;
  onProgress?: (progress: VerifyAllProgress) => void;
}

/** One wallet that did not verify: its first problems, or the error that stopped its check. */
export interface WalletFailure {
  accountId: string;
  problems: string[];
}

/**
 * What {@link verifyAllWallets} found.
 *
 * @example
 * const { failed, failures } = await verifyAllWallets(service);
 */
export interface VerifyAllResult {
  wallets: number;
  ok: number;
  failed: number;
  /** Journal entries checked, over every wallet. */
  entries: number;
  /** The first 100 failed wallets, in the order their checks ended. */
  failures: WalletFailure[];
}

/**
 * Verifies every wallet's hash chain and balances (`verifyWallet`), `concurrency` at a time,
 * reading the wallet list a page at a time: memory stays bounded by the page and the listed
 * failures, whatever the number of wallets. The wallets are counted first, so progress can
 * show a total; a wallet created meanwhile may be checked without being counted. A wallet whose
 * check throws (the store failed) counts as failed, its error as its problem.
 *
 * @example
 * const result = await verifyAllWallets(service, { concurrency: 8 });
 * if (result.failed > 0) process.exitCode = 1;
 */
export async function verifyAllWallets(
  service: WalletService,
  options: VerifyAllOptions = {},
): Promise<VerifyAllResult> {
  const prefix = options.prefix ?? '';
  const concurrency = options.concurrency ?? 8;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    throw new RangeError('concurrency must be an integer from 1 to 64');
  }
  let total = 0;
  for await (const _ of accountIds(service, prefix)) total++;
  const result: VerifyAllResult = { wallets: 0, ok: 0, failed: 0, entries: 0, failures: [] };
  options.onProgress?.({ checked: 0, total, failed: 0 });
  const ids = accountIds(service, prefix);

  async function worker(): Promise<void> {
    // Concurrent `next()` calls on one async generator are queued: each id goes to one worker.
    for (let next = await ids.next(); !next.done; next = await ids.next()) {
      const accountId = next.value;
      let problems: string[];
      try {
        const report = await service.verifyWallet({ accountId });
        result.entries += report.entries;
        problems = report.ok ? [] : report.problems;
      } catch (error) {
        problems = [describe(error)];
      }
      result.wallets++;
      if (problems.length === 0) result.ok++;
      else {
        result.failed++;
        if (result.failures.length < LISTED_FAILURES) {
          result.failures.push({ accountId, problems: problems.slice(0, LISTED_PROBLEMS) });
        }
      }
      options.onProgress?.({
        checked: result.wallets,
        total: Math.max(total, result.wallets),
        failed: result.failed,
      });
    }
  }

  await Promise.all(Array.from({ length: concurrency }, worker));
  return result;
}

/** Every account id with `prefix`, ascending, a page of wallets at a time. */
async function* accountIds(service: WalletService, prefix: string): AsyncGenerator<string> {
  let cursor: string | undefined;
  do {
    const page = await service.listWallets({
      prefix,
      limit: PAGE,
      ...(cursor === undefined ? {} : { cursor }),
    });
    for (const wallet of page.items) yield wallet.accountId;
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
}

function describe(error: unknown): string {
  if (isWalletError(error)) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
