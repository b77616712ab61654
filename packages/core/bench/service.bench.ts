/**
 * Ops/s of addFunds and withdrawFunds on the in-memory ledger, one hot wallet and 10,000
 * wallets, beside a baseline: the same loop on a bare Map of bigint balances with no hash
 * chain, no idempotency and no validation. Run: `pnpm --filter @wallet/core bench`.
 *
 * Every row runs in a process of its own: rows sharing one process skew each other, most of all
 * the baselines (by up to 1.6x), through the garbage and the JIT state earlier rows leave.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createMemoryLedger, createWalletService, type Instrumentation } from '../src/index.js';

const OPS = Number(process.env.BENCH_OPS ?? 200_000);
const WALLETS = 10_000;
const currencies = [{ code: 'GOLD', scale: 2 }];

type Operation = 'addFunds' | 'withdrawFunds' | 'transfer' | 'hold + capture' | '3-leg posting';
type Implementation = 'baseline' | 'service' | 'service with keys' | 'instrumented, with keys';

/** What one process measures; passed to it as JSON in `BENCH_ROW`. */
interface RowSpec {
  wallets: number;
  op: Operation;
  implementation: Implementation;
}

interface Row {
  case: string;
  implementation: string;
  'ops/s': number;
  'vs baseline': string;
}

/** The baseline: what a wallet costs with no rules, no hash chain and no idempotency. */
function bareWallets() {
  const balances = new Map<string, bigint>();
  const journal: object[] = [];
  return {
    async create(accountId: string) {
      balances.set(accountId, 0n);
    },
    async add(accountId: string, amount: string) {
      const before = balances.get(accountId)!;
      const after = before + BigInt(amount.replace('.', ''));
      balances.set(accountId, after);
      journal.push({ accountId, amount, before, after });
    },
    async withdraw(accountId: string, amount: string) {
      const before = balances.get(accountId)!;
      const after = before - BigInt(amount.replace('.', ''));
      if (after < 0n) throw new Error('insufficient');
      balances.set(accountId, after);
      journal.push({ accountId, amount, before, after });
    },
  };
}

async function time(ops: number, run: (i: number) => Promise<unknown>): Promise<number> {
  const warmup = Math.min(5_000, ops / 10);
  for (let i = 0; i < warmup; i++) await run(i);
  const start = process.hrtime.bigint();
  for (let i = 0; i < ops; i++) await run(i);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return Math.round(ops / seconds);
}

/** Ops/s of one row, on wallets funded with 1,000,000,000.00 each. */
async function measure({ wallets, op, implementation }: RowSpec): Promise<number> {
  const id = (i: number) => `w${i % wallets}`;
  if (implementation === 'baseline') {
    const bare = bareWallets();
    for (let i = 0; i < wallets; i++) {
      await bare.create(`w${i}`);
      await bare.add(`w${i}`, '1000000000.00');
    }
    const operation = op === 'addFunds' ? bare.add : bare.withdraw;
    if (op !== 'addFunds' && op !== 'withdrawFunds') throw new Error(`no baseline for ${op}`);
    return time(OPS, (i) => operation(id(i), '1.25'));
  }
  // An `operation` hook as a metrics library would write one: each call timed into a buffer.
  const durations = new Float64Array(1024);
  let calls = 0;
  const instrumentation: Instrumentation = {
    async operation(_name, run) {
      const start = performance.now();
      try {
        return await run();
      } finally {
        durations[calls++ & 1023] = performance.now() - start;
      }
    },
  };
  const service = createWalletService({
    ledger: createMemoryLedger(),
    currencies,
    ...(implementation === 'instrumented, with keys' ? { instrumentation } : {}),
  });
  for (let i = 0; i < wallets; i++) {
    await service.createWallet({ accountId: `w${i}` });
    await service.addFunds({ accountId: `w${i}`, amount: '1000000000.00' });
  }
  const key = (i: number) => `${op.replace(/\W+/g, '-')}-${i}`;
  switch (op) {
    case 'transfer':
      return time(OPS, (i) =>
        service.transfer({
          fromAccountId: id(i),
          toAccountId: id(i + 1),
          amount: '1.25',
          idempotencyKey: key(i),
        }),
      );
    case 'hold + capture':
      // One pair per iteration: the rate is of pairs.
      return time(OPS, async (i) => {
        const hold = await service.placeHold({
          accountId: id(i),
          amount: '1.25',
          idempotencyKey: key(i),
        });
        await service.captureHold({ holdId: hold.holdId, idempotencyKey: `${key(i)}-c` });
      });
    case '3-leg posting':
      return time(OPS, (i) =>
        service.post({
          legs: [
            { accountId: id(i), direction: 'debit', amount: '1.25' },
            { accountId: id(i + 1), direction: 'credit', amount: '1.20' },
            { accountId: id(i + 2), direction: 'credit', amount: '0.05' },
          ],
          idempotencyKey: key(i),
        }),
      );
    default:
      return implementation === 'service'
        ? time(OPS, (i) => service[op]({ accountId: id(i), amount: '1.25' }))
        : time(OPS, (i) =>
            service[op]({ accountId: id(i), amount: '1.25', idempotencyKey: key(i) }),
          );
  }
}

/** Runs one row in a new process (this file, with the same node options) and reads its ops/s. */
function measureApart(spec: RowSpec): number {
  const output = execFileSync(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url)],
    { env: { ...process.env, BENCH_ROW: JSON.stringify(spec) }, encoding: 'utf8' },
  );
  return Number(output.trim());
}

function main(): void {
  const rows: Row[] = [];
  for (const wallets of [1, WALLETS]) {
    const label = wallets === 1 ? 'hot wallet' : `${WALLETS.toLocaleString('en')} wallets`;
    for (const op of ['addFunds', 'withdrawFunds'] as const) {
      const baseline = measureApart({ wallets, op, implementation: 'baseline' });
      const withKeys = measureApart({ wallets, op, implementation: 'service with keys' });
      const withoutKeys = measureApart({ wallets, op, implementation: 'service' });
      const ratio = (value: number) => `${(value / baseline).toFixed(2)}x`;
      rows.push(
        {
          case: `${op}, ${label}`,
          implementation: 'baseline (bare Map)',
          'ops/s': baseline,
          'vs baseline': '1.00x',
        },
        {
          case: `${op}, ${label}`,
          implementation: 'WalletService + memory ledger',
          'ops/s': withoutKeys,
          'vs baseline': ratio(withoutKeys),
        },
        {
          case: `${op}, ${label}`,
          implementation: '  ... with idempotency keys',
          'ops/s': withKeys,
          'vs baseline': ratio(withKeys),
        },
      );
    }
  }
  console.log(
    `@wallet/core, ${OPS.toLocaleString('en')} sequential calls per row, one process per row, node ${process.version}`,
  );
  console.table(rows);
  operationRows();
  instrumentationRows();
}

/**
 * What `instrumentation` costs: keyed withdrawals on 10,000 wallets without it (the service is
 * not wrapped) and with an `operation` hook that times every call.
 */
function instrumentationRows(): void {
  const plain = measureApart({
    wallets: WALLETS,
    op: 'withdrawFunds',
    implementation: 'service with keys',
  });
  const hooked = measureApart({
    wallets: WALLETS,
    op: 'withdrawFunds',
    implementation: 'instrumented, with keys',
  });
  console.log(
    `@wallet/core, instrumentation: keyed withdrawFunds on ${WALLETS.toLocaleString('en')} wallets`,
  );
  console.table([
    { case: 'no instrumentation', 'ops/s': plain, 'vs none': '1.00x' },
    {
      case: 'an operation hook timing each call',
      'ops/s': hooked,
      'vs none': `${(hooked / plain).toFixed(2)}x`,
    },
  ]);
}

/**
 * The everyday operations beside the calls they are built like, keyed, on 10,000 wallets: a hold
 * and its capture against one withdrawal (bar: at most 2.2 times its cost), a 3-leg posting
 * against one transfer (bar: at most 1.5 times).
 */
function operationRows(): void {
  const rate = (op: Operation) =>
    measureApart({ wallets: WALLETS, op, implementation: 'service with keys' });
  const withdrawal = rate('withdrawFunds');
  const pair = rate('hold + capture');
  const transfer = rate('transfer');
  const posting = rate('3-leg posting');
  const cost = (value: number, reference: number) => `${(reference / value).toFixed(2)}x`;
  console.log(
    `@wallet/core, keyed operations on ${WALLETS.toLocaleString('en')} wallets: cost per call`,
  );
  console.table([
    {
      case: 'withdrawFunds',
      'ops/s': withdrawal,
      'cost vs withdrawal': '1.00x',
      'cost vs transfer': '',
    },
    {
      case: 'hold + capture (pairs/s)',
      'ops/s': pair,
      'cost vs withdrawal': cost(pair, withdrawal),
      'cost vs transfer': '',
    },
    { case: 'transfer', 'ops/s': transfer, 'cost vs withdrawal': '', 'cost vs transfer': '1.00x' },
    {
      case: '3-leg posting',
      'ops/s': posting,
      'cost vs withdrawal': '',
      'cost vs transfer': cost(posting, transfer),
    },
  ]);
}

const row = process.env.BENCH_ROW;
if (row === undefined) main();
else console.log(await measure(JSON.parse(row) as RowSpec));
