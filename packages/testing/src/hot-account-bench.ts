import { fork } from 'node:child_process';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  type CurrencyConfig,
  type HotWalletConfig,
  isWalletError,
  type WalletService,
} from '@wallet/core';

/**
 * The currency the trades move: whole units, no limits.
 *
 * @example
 * createWalletService({ ledger, currencies: [TRADE_CURRENCY], hotWallets });
 */
export const TRADE_CURRENCY: CurrencyConfig = { code: 'GEMS', scale: 0 };

/** What one trade moves: the buyer pays 100, the seller gets 95, the house takes 5. */
const PRICE = 100n;
const FEE = 5n;

/** The environment variable that makes a bench file a worker, holding its {@link TradeWork}. */
const WORKER_ENV = 'WALLET_HOT_BENCH_WORKER';

/**
 * What one worker process runs: trades between random players crediting one house account,
 * one call at a time, as a Lambda instance serves them.
 *
 * @example
 * const work: TradeWork = { house: 'house-1', hot: null, players: 1000, runMs: 10_000, worker: 3 };
 */
export interface TradeWork {
  /** The house account every trade pays its fee to. */
  house: string;
  /** The house declared hot (its sub-accounts), or null: undeclared. */
  hot: HotWalletConfig | null;
  /** Players `p0` .. `p<players - 1>` trade among themselves. */
  players: number;
  /** How long the worker trades once told to start. */
  runMs: number;
  /** The worker's index, which names its idempotency keys. */
  worker: number;
}

/** What one worker reports. */
interface WorkerReport {
  trades: number;
  errors: Record<string, number>;
  latencies: number[];
}

/**
 * How a bench builds the service a worker (or the parent) runs on: its own ledger client per
 * process, the trade currency, and the hot wallet when declared.
 *
 * @example
 * const services: ServiceFactory = async (hotWallets) => {
 *   const pool = new pg.Pool({ max: 1 });
 *   const ledger = createPostgresLedger({ client: pool });
 *   return { service: createWalletService({ ledger, currencies: [TRADE_CURRENCY], hotWallets }), close: () => pool.end() };
 * };
 */
export type ServiceFactory = (hotWallets: HotWalletConfig[]) => Promise<{
  /** The service over the store under test, with `hotWallets` declared. */
  service: WalletService;
  /** Releases the process's client (its connection or HTTP agents). */
  close(): Promise<void>;
}>;

/**
 * One row of the bench: trades per second of all workers together, their latency, and the
 * checks of the run (totals exact, every chain verified).
 *
 * @example
 * const [undeclared, hot] = rows;
 * console.log(hot.rate / undeclared.rate, hot.exact && hot.verified);
 */
export interface HotAccountRow {
  /** `undeclared` or `hot (N sub-accounts)`. */
  label: string;
  /** Trades committed by all workers. */
  trades: number;
  /** Trades per second. */
  rate: number;
  /** Median latency of one trade, in milliseconds. */
  p50: number;
  /** 99th percentile latency of one trade, in milliseconds. */
  p99: number;
  /** Failed calls by error code (none expected but conflicts given up on). */
  errors: Record<string, number>;
  /** The house's balance equals the fees of every committed trade, and players lost exactly that. */
  exact: boolean;
  /** Chains verified (the house and every sub-account, and every player) with no problem. */
  verified: boolean;
  /** The house's payouts made while the trades ran (see {@link HotAccountBenchOptions.payoutEveryMs}). */
  payouts: PayoutReport;
}

/**
 * The payouts one row made from the house while its credits streamed in: a payout that draws on
 * sub-accounts races the credits landing on them.
 *
 * @example
 * const { made, failed, p99 } = row.payouts;
 */
export interface PayoutReport {
  /** Payouts committed. */
  made: number;
  /** Payouts that failed, by error code (INSUFFICIENT_FUNDS: the house had not earned enough). */
  failed: Record<string, number>;
  /** Median latency of a committed payout, in milliseconds. */
  p50: number;
  /** 99th percentile latency of a committed payout, in milliseconds. */
  p99: number;
}

/**
 * How {@link runHotAccountBench} runs.
 *
 * @example
 * const options: HotAccountBenchOptions = { benchFile: import.meta.filename, services, players: 1000 };
 */
export interface HotAccountBenchOptions {
  /** The bench file itself: each worker is a fork of it (see {@link runTradeWorkerIfForked}). */
  benchFile: string;
  /** Builds a service over the store under test. */
  services: ServiceFactory;
  /** Players in the run, each funded once. */
  players: number;
  /** Worker processes, each one call at a time; default 16. */
  processes?: number;
  /** How long each row trades; default 10 s. */
  runMs?: number;
  /** Sub-accounts of the declared house; default 32. */
  subAccounts?: number;
  /**
   * The parent pays out of the house (a withdrawal of 20) one call at a time, this
   * long apart, from a second into each row until its workers stop; 0: no payouts. Default 250.
   */
  payoutEveryMs?: number;
}

/** What one payout takes from the house. */
const PAYOUT = 20n;

/**
 * Runs a worker's trades when this process is a fork made by {@link runHotAccountBench}, and
 * returns true; false in the parent. Call it first thing in the bench file.
 *
 * @example
 * if (await runTradeWorkerIfForked(services)) process.exit(0);
 */
export async function runTradeWorkerIfForked(services: ServiceFactory): Promise<boolean> {
  const text = process.env[WORKER_ENV];
  if (text === undefined) return false;
  const work = JSON.parse(text) as TradeWork;
  const { service, close } = await services(work.hot === null ? [] : [work.hot]);
  const send = (message: unknown) =>
    new Promise<void>((resolve) => process.send!(message, () => resolve()));
  // Told to start only once every worker is ready, so process start-up is not measured.
  const started = new Promise<void>((resolve) => process.once('message', () => resolve()));
  await send({ ready: true });
  await started;
  const report: WorkerReport = { trades: 0, errors: {}, latencies: [] };
  const deadline = performance.now() + work.runMs;
  for (let i = 0; performance.now() < deadline; i++) {
    const buyer = `p${Math.floor(Math.random() * work.players)}`;
    let seller = `p${Math.floor(Math.random() * work.players)}`;
    if (seller === buyer) seller = `p${(Number(buyer.slice(1)) + 1) % work.players}`;
    const start = performance.now();
    try {
      await service.post({
        legs: [
          { accountId: buyer, currency: 'GEMS', direction: 'debit', amount: String(PRICE) },
          {
            accountId: seller,
            currency: 'GEMS',
            direction: 'credit',
            amount: String(PRICE - FEE),
          },
          { accountId: work.house, currency: 'GEMS', direction: 'credit', amount: String(FEE) },
        ],
        idempotencyKey: `${work.house}-${work.worker}-${i}`,
      });
      report.trades++;
      report.latencies.push(performance.now() - start);
    } catch (error) {
      countError(report.errors, error);
    }
  }
  await close();
  await send(report);
  return true;
}

/** Counts a failed call under its error code (a wallet error's, else the error's name). */
function countError(errors: Record<string, number>, error: unknown): void {
  const code = isWalletError(error) ? error.code : (error as Error).name;
  errors[code] = (errors[code] ?? 0) + 1;
}

/** Funds every player once, a few calls at a time. */
async function fundPlayers(service: WalletService, players: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < players) {
      const accountId = `p${next++}`;
      await service.createWallet({ accountId });
      await service.addFunds({ accountId, amount: '1000000000' });
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

/** The sum of every player's balance, in units. */
async function playersTotal(service: WalletService): Promise<bigint> {
  let total = 0n;
  let cursor: string | null = null;
  do {
    const page = await service.listWallets({ prefix: 'p', limit: 1000, cursor });
    for (const wallet of page.items) total += BigInt(wallet.balances.GEMS ?? '0');
    cursor = page.nextCursor;
  } while (cursor !== null);
  return total;
}

/** Every player and the house verify, sub-accounts included. */
async function allVerified(service: WalletService, house: string, players: number) {
  const report = await service.verifyWallet({ accountId: house });
  if (!report.ok) return false;
  for (let i = 0; i < players; i++) {
    if (!(await service.verifyWallet({ accountId: `p${i}` })).ok) return false;
  }
  return true;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

/**
 * Pays out of the house one call at a time, `everyMs` apart, until `stop` resolves; a payout
 * the house cannot cover yet is counted, not retried.
 */
async function payOut(
  service: WalletService,
  house: string,
  everyMs: number,
  stop: Promise<unknown>,
): Promise<PayoutReport> {
  const failed: Record<string, number> = {};
  const latencies: number[] = [];
  let stopped = false;
  void stop.then(() => {
    stopped = true;
  });
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  if (everyMs > 0) await Promise.race([pause(1000), stop]);
  for (let i = 0; everyMs > 0 && !stopped; i++) {
    const start = performance.now();
    try {
      await service.withdrawFunds({
        accountId: house,
        currency: 'GEMS',
        amount: String(PAYOUT),
        idempotencyKey: `${house}-payout-${i}`,
      });
      latencies.push(performance.now() - start);
    } catch (error) {
      countError(failed, error);
    }
    await Promise.race([pause(everyMs), stop]);
  }
  latencies.sort((a, b) => a - b);
  return {
    made: latencies.length,
    failed,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
  };
}

/** Runs one row: forks the workers, starts them together, gathers and checks what they did. */
async function runRow(
  options: HotAccountBenchOptions,
  house: string,
  hot: HotWalletConfig | null,
  before: bigint,
): Promise<HotAccountRow> {
  const processes = options.processes ?? 16;
  const runMs = options.runMs ?? 10_000;
  const { service, close } = await options.services(hot === null ? [] : [hot]);
  try {
    await service.createWallet({ accountId: house });
    const children = Array.from({ length: processes }, (_, worker) => {
      const work: TradeWork = { house, hot, players: options.players, runMs, worker };
      return fork(options.benchFile, [], {
        env: { ...process.env, [WORKER_ENV]: JSON.stringify(work) },
        execArgv: process.execArgv,
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
    });
    const messages = children.map((child) => {
      const queue: unknown[] = [];
      const waiting: ((message: unknown) => void)[] = [];
      child.on('message', (message) => {
        const resolve = waiting.shift();
        if (resolve) resolve(message);
        else queue.push(message);
      });
      return () =>
        new Promise<unknown>((resolve) => {
          if (queue.length > 0) resolve(queue.shift());
          else waiting.push(resolve);
        });
    });
    await Promise.all(messages.map((next) => next()));
    for (const child of children) child.send('start');
    const done = Promise.all(messages.map((next) => next())) as Promise<WorkerReport[]>;
    const payouts = await payOut(service, house, options.payoutEveryMs ?? 250, done);
    const reports = await done;
    const trades = reports.reduce((sum, report) => sum + report.trades, 0);
    const latencies = reports.flatMap((report) => report.latencies).sort((a, b) => a - b);
    const errors: Record<string, number> = {};
    for (const report of reports) {
      for (const [code, count] of Object.entries(report.errors)) {
        errors[code] = (errors[code] ?? 0) + count;
      }
    }
    const houseBalance = BigInt((await service.getFunds({ accountId: house })).balances.GEMS!);
    const after = await playersTotal(service);
    const fees = BigInt(trades) * FEE;
    const paid = BigInt(payouts.made) * PAYOUT;
    return {
      label: hot === null ? 'undeclared' : `hot (${hot.subAccounts} sub-accounts)`,
      trades,
      rate: trades / (runMs / 1000),
      p50: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
      errors,
      exact: houseBalance === fees - paid && before - after === fees,
      verified: await allVerified(service, house, options.players),
      payouts,
    };
  } finally {
    await close();
  }
}

/**
 * The multi-process hot-account bench (issue 17): `processes` workers, each one call at a time
 * as Lambda runs, post trades between random players that pay a fee to one house account;
 * first with the house undeclared, then with it declared hot. Each row checks that the house
 * holds exactly the fees of the committed trades, that players lost exactly that, and that
 * every chain verifies. Returns both rows, undeclared first.
 *
 * @example
 * const [undeclared, hot] = await runHotAccountBench({ benchFile: import.meta.filename, services, players: 1000 });
 * console.log(hot.rate / undeclared.rate);
 */
export async function runHotAccountBench(
  options: HotAccountBenchOptions,
): Promise<HotAccountRow[]> {
  const { service, close } = await options.services([]);
  let before: bigint;
  try {
    await fundPlayers(service, options.players);
    before = await playersTotal(service);
  } finally {
    await close();
  }
  const undeclared = await runRow(options, 'house-undeclared', null, before);
  const hot: HotWalletConfig = {
    accountId: 'house-hot',
    subAccounts: options.subAccounts ?? 32,
  };
  const declared = await runRow(
    options,
    'house-hot',
    hot,
    before - BigInt(undeclared.trades) * FEE,
  );
  return [undeclared, declared];
}

/**
 * The bench's set-up: the bar's (16 processes, 10 s a row) with 32 sub-accounts and a payout
 * every 250 ms, unless the environment varies it with `HOT_PROCESSES`, `HOT_RUN_MS`,
 * `HOT_SUB_ACCOUNTS` and `HOT_PAYOUT_MS` (0: no payouts).
 *
 * @example
 * const settings = hotAccountSettings(); // { processes: 16, runMs: 10000, subAccounts: 32, payoutEveryMs: 250 }
 */
export function hotAccountSettings(): Required<
  Pick<HotAccountBenchOptions, 'processes' | 'runMs' | 'subAccounts' | 'payoutEveryMs'>
> {
  return {
    processes: Number(process.env.HOT_PROCESSES ?? 16),
    runMs: Number(process.env.HOT_RUN_MS ?? 10_000),
    subAccounts: Number(process.env.HOT_SUB_ACCOUNTS ?? 32),
    payoutEveryMs: Number(process.env.HOT_PAYOUT_MS ?? 250),
  };
}

/**
 * The bench's report in Markdown: the machine and set-up, a table with the declared row's
 * ratio to the undeclared one, and the bar (issue 17: at least 10x).
 *
 * @example
 * console.log(hotAccountReport('PostgreSQL', rows, hotAccountSettings()));
 */
export function hotAccountReport(
  store: string,
  rows: readonly HotAccountRow[],
  settings: ReturnType<typeof hotAccountSettings>,
): string {
  const cpu = cpus()[0]?.model.split(' ').slice(0, 2).join(' ') ?? 'unknown CPU';
  const baseline = rows[0]!.rate;
  const lines = [
    `Hot account on ${store}: ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpu}), Node ${process.version}; ${settings.processes} processes, one call at a time, ${settings.runMs / 1000} s per row; the parent pays ${PAYOUT} out of the house every ${settings.payoutEveryMs} ms`,
    '',
    '| house | trades/s | vs undeclared | p50 ms | p99 ms | failed calls | payouts made (p50 / p99 ms) | payouts failed | totals exact | chains verified |',
    '|---|---:|---:|---:|---:|---|---:|---|---|---|',
  ];
  for (const row of rows) {
    const counts = (errors: Record<string, number>) =>
      Object.entries(errors)
        .map(([code, count]) => `${code} ${count}`)
        .join(', ') || 'none';
    const { payouts } = row;
    lines.push(
      `| ${row.label} | ${row.rate.toFixed(0)} | ${(row.rate / baseline).toFixed(2)}x | ${row.p50.toFixed(1)} | ${row.p99.toFixed(1)} | ${counts(row.errors)} | ${payouts.made} (${payouts.p50.toFixed(1)} / ${payouts.p99.toFixed(1)}) | ${counts(payouts.failed)} | ${row.exact ? 'yes' : '**no**'} | ${row.verified ? 'yes' : '**no**'} |`,
    );
  }
  const ratio = rows[rows.length - 1]!.rate / baseline;
  lines.push(
    '',
    `Bar (issue 17): declared >= 10x undeclared: ${ratio.toFixed(2)}x, ${ratio >= 10 ? 'met' : 'not met'}`,
  );
  return lines.join('\n');
}
