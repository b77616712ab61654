/**
 * Ops/s of addFunds and withdrawFunds on the in-memory ledger, one hot wallet and 10,000
 * wallets, beside a baseline: the same loop on a bare Map of bigint balances with no hash
 * chain, no idempotency and no validation. Run: `pnpm --filter @wallet/core bench`.
 */
import { createMemoryLedger, createWalletService, type WalletService } from '../src/index.js';

const OPS = Number(process.env.BENCH_OPS ?? 200_000);
const WALLETS = 10_000;
const currencies = [{ code: 'GOLD', scale: 2 }];

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

async function serviceWith(wallets: number): Promise<WalletService> {
  const service = createWalletService({ ledger: createMemoryLedger(), currencies });
  for (let i = 0; i < wallets; i++) {
    await service.createWallet({ accountId: `w${i}` });
    await service.addFunds({ accountId: `w${i}`, amount: '1000000000.00' });
  }
  return service;
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  for (const wallets of [1, WALLETS]) {
    const label = wallets === 1 ? 'hot wallet' : `${WALLETS.toLocaleString('en')} wallets`;
    const id = (i: number) => `w${i % wallets}`;
    const bare = bareWallets();
    for (let i = 0; i < wallets; i++) {
      await bare.create(`w${i}`);
      await bare.add(`w${i}`, '1000000000.00');
    }
    for (const [op, operation] of [
      ['addFunds', 'add'],
      ['withdrawFunds', 'withdraw'],
    ] as const) {
      const baseline = await time(OPS, (i) => bare[operation](id(i), '1.25'));
      // A fresh ledger per row, so no row pays for the garbage the rows before it kept alive.
      const keyed = await serviceWith(wallets);
      const withKeys = await time(OPS, (i) =>
        keyed[op]({ accountId: id(i), amount: '1.25', idempotencyKey: `${op}-${i}` }),
      );
      const plain = await serviceWith(wallets);
      const withoutKeys = await time(OPS, (i) => plain[op]({ accountId: id(i), amount: '1.25' }));
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
    `@wallet/core, ${OPS.toLocaleString('en')} sequential calls per row, node ${process.version}`,
  );
  console.table(rows);
}

await main();
