/**
 * Throughput and latency of withdrawals through the PostgreSQL ledger, beside a raw-SQL
 * baseline on the same server in the same run, and the ledger on PGlite.
 *
 * The baseline is the least a correct withdrawal costs: one transaction with a conditional
 * `UPDATE ... WHERE balance >= $amount RETURNING` and an `INSERT` of the entry. The ledger runs
 * through `WalletService` with an idempotency key on every call and the hash chain on, with
 * its statements prepared (the default) and, on the same tables, sent as text. Every case of
 * withdrawals runs first on fresh tables (created and seeded just before, analysed only when
 * they held one wallet, no warm-up), then on tables vacuumed and analysed once seeded.
 *
 * Run: `pnpm --filter @wallet/postgres bench` (PostgreSQL at BENCH_PG_URL, default
 * postgres://postgres@127.0.0.1:5432/postgres). BENCH_SECONDS sets each case's length.
 */
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { PGlite } from '@electric-sql/pglite';
import { createWalletService, type WalletService } from '@wallet/core';
import pg from 'pg';
import { createPostgresLedger, type PostgresLedger } from '../src/index.js';

const URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
/** How many turns the compared everyday operations take (see `alternating`). */
const ALTERNATIONS = 5;
const CLIENTS = 32;
/** The coalescing comparisons (both workloads) run at each of these client counts. */
const COALESCE_CLIENTS = [32, 256];
/** Connections in the pool: enough that 256 uncoalesced clients contend as a busy API would. */
const POOL_SIZE = 90;
const WALLETS = 10_000;
const PGLITE_WALLETS = 1_000;
const OPENING = '1000000.00';
const currencies = [{ code: 'GOLD', scale: 2 }];

/** One withdrawal of 1.00 from `accountId`; `n`, unique in the run, makes each idempotency key unique. */
type Withdraw = (accountId: string, n: number) => Promise<unknown>;

interface Result {
  store: string;
  clients: number;
  implementation: string;
  workload: string;
  ops: number;
  p50: number;
  p99: number;
}

type Measured = Omit<Result, 'store' | 'implementation' | 'workload' | 'clients'>;

/** The calls of one run: each one's latency, how long the run took, how many failed. */
interface Sample {
  latencies: number[];
  seconds: number;
  failures: number;
}

/**
 * The number of the next call, counted across the whole run: the compared operations run in
 * several turns with the same labels, and a count that started again at each turn would send
 * earlier turns' keys (replays where the wallet drawn was the same, rejected reuses where the
 * request differed).
 */
let nextCall = 0;

/** Runs `clients` loops of `withdraw` for `seconds` and times every call. */
async function sample(
  withdraw: Withdraw,
  pick: () => string,
  clients: number,
  seconds: number,
): Promise<Sample> {
  const latencies: number[] = [];
  let failures = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  async function client(): Promise<void> {
    while (performance.now() < deadline) {
      const begun = performance.now();
      try {
        await withdraw(pick(), nextCall++);
        latencies.push(performance.now() - begun);
      } catch (error) {
        failures++;
        if (failures === 1) console.error('first failure:', error);
      }
    }
  }
  await Promise.all(Array.from({ length: clients }, client));
  return { latencies, seconds: (performance.now() - started) / 1000, failures };
}

/** Throughput and latency percentiles over one or more samples of the same calls. */
function summary(samples: readonly Sample[]): Measured {
  const latencies = samples.flatMap((s) => s.latencies).sort((a, b) => a - b);
  const seconds = samples.reduce((sum, s) => sum + s.seconds, 0);
  const failures = samples.reduce((sum, s) => sum + s.failures, 0);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  // A row of failed calls is not a measurement: stop rather than print a zero.
  if (failures > 0 && latencies.length === 0)
    throw new Error(`every one of ${failures} calls failed`);
  if (failures > 0) console.error(`${failures} calls failed`);
  return { ops: latencies.length / seconds, p50: at(0.5), p99: at(0.99) };
}

/** Runs `clients` loops of `withdraw` for SECONDS and measures every call. */
async function measure(
  withdraw: Withdraw,
  pick: () => string,
  clients: number,
  seconds = SECONDS,
): Promise<Measured> {
  return summary([await sample(withdraw, pick, clients, seconds)]);
}

/**
 * Calls that are compared with each other, measured in turn: each gets SECONDS in all, in
 * ALTERNATIONS runs, one of each call after the other, so that whatever the machine does
 * meanwhile (another job, the server writing its checkpoint) falls on all of them alike.
 */
async function alternating(
  calls: readonly (readonly [string, Withdraw])[],
  pick: () => string,
  clients: number,
): Promise<Map<string, Measured>> {
  const samples = new Map<string, Sample[]>(calls.map(([name]) => [name, []]));
  for (let round = 0; round < ALTERNATIONS; round++) {
    for (const [name, call] of calls) {
      samples.get(name)!.push(await sample(call, pick, clients, SECONDS / ALTERNATIONS));
    }
  }
  return new Map([...samples].map(([name, runs]) => [name, summary(runs)]));
}

async function inBatches(count: number, size: number, run: (i: number) => Promise<unknown>) {
  for (let start = 0; start < count; start += size) {
    await Promise.all(
      Array.from({ length: Math.min(size, count - start) }, (_, k) => run(start + k)),
    );
  }
}

/** The raw-SQL baseline's tables, seeded with one bulk insert. */
async function baseline(pool: pg.Pool, schema: string, ids: string[]): Promise<Withdraw> {
  await pool.query(`CREATE SCHEMA ${schema}`);
  await pool.query(
    `CREATE TABLE ${schema}.accounts (id text PRIMARY KEY, balance numeric NOT NULL)`,
  );
  await pool.query(`CREATE TABLE ${schema}.entries (
    id bigserial PRIMARY KEY, account_id text NOT NULL, amount numeric NOT NULL,
    balance_after numeric NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
  await pool.query(`INSERT INTO ${schema}.accounts SELECT unnest($1::text[]), $2::numeric`, [
    ids,
    OPENING,
  ]);
  return async (accountId) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query(
        `UPDATE ${schema}.accounts SET balance = balance - $2
          WHERE id = $1 AND balance >= $2 RETURNING balance::text AS balance`,
        [accountId, '1.00'],
      );
      if (rows.length === 0) throw new Error('insufficient funds');
      await client.query(
        `INSERT INTO ${schema}.entries (account_id, amount, balance_after) VALUES ($1, $2, $3)`,
        [accountId, '1.00', rows[0].balance],
      );
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  };
}

/**
 * Wallets created and funded through the service itself, so every journal verifies; with
 * `keyed`, each credit carries an idempotency key, as a studio's first calls do.
 */
async function seeded(service: WalletService, ids: string[], concurrency: number, keyed = false) {
  await inBatches(ids.length, concurrency, async (i) => {
    const accountId = ids[i]!;
    await service.createWallet({ accountId });
    await service.addFunds({
      accountId,
      amount: OPENING,
      ...(keyed ? { idempotencyKey: `seed:${accountId}` } : {}),
    });
  });
}

/** The ledger's withdrawal; `label` keeps each case's idempotency keys apart. */
function adapter(service: WalletService, label: string): Withdraw {
  // Keys are printable ASCII without spaces; the labels name workloads ("random of 10,000").
  const prefix = label.replace(/[^\x21-\x7e]/g, '-');
  return (accountId, n) =>
    service.withdrawFunds({ accountId, amount: '1.00', idempotencyKey: `${prefix}:${n}` });
}

/** Another wallet than `accountId`, at random. */
function otherThan(ids: string[], accountId: string): string {
  for (;;) {
    const id = ids[Math.floor(Math.random() * ids.length)]!;
    if (id !== accountId) return id;
  }
}

/**
 * The everyday operations as one call each, keyed like the withdrawal: a transfer to another
 * wallet, a hold and its capture (one call of this counts the pair), a 3-leg posting (a trade
 * with a fee).
 */
function operations(service: WalletService, label: string, ids: string[]) {
  const key = (kind: string, n: number) => `${label.replace(/[^\x21-\x7e]/g, '-')}:${kind}:${n}`;
  return {
    transfer: ((accountId, n) =>
      service.transfer({
        fromAccountId: accountId,
        toAccountId: otherThan(ids, accountId),
        amount: '1.00',
        idempotencyKey: key('t', n),
      })) as Withdraw,
    'hold + capture': (async (accountId, n) => {
      const hold = await service.placeHold({
        accountId,
        amount: '1.00',
        idempotencyKey: key('h', n),
      });
      await service.captureHold({ holdId: hold.holdId, idempotencyKey: key('c', n) });
    }) as Withdraw,
    '3-leg posting': ((accountId, n) =>
      service.post({
        legs: [
          { accountId, direction: 'debit', amount: '1.00' },
          { accountId: otherThan(ids, accountId), direction: 'credit', amount: '0.95' },
          { accountId: otherThan(ids, accountId), direction: 'credit', amount: '0.05' },
        ],
        idempotencyKey: key('p', n),
      })) as Withdraw,
  };
}

const workloads = (ids: string[]) => ({
  [`random of ${ids.length.toLocaleString('en')}`]: () =>
    ids[Math.floor(Math.random() * ids.length)]!,
  'one hot wallet': () => ids[0]!,
});

/**
 * The cases on fresh tables: created and seeded just before they are measured, with no warm-up
 * and no VACUUM, their statistics gathered when they held one wallet, as a new deployment or a
 * CI database may meet them; new tables for each case. Plans that depend on
 * when statistics were gathered show here, not in the cases on vacuumed tables.
 */
async function freshCases(pool: pg.Pool, run: string, ids: string[]): Promise<Result[]> {
  const results: Result[] = [];
  const cases: [string, () => string, number][] = Object.entries(workloads(ids)).flatMap(
    ([workload, pick]) =>
      COALESCE_CLIENTS.map((clients): [string, () => string, number] => [workload, pick, clients]),
  );
  let tables = 0;
  /** Measures `withdraw` on tables made for it by `make`, dropped after. */
  async function measureFresh(
    workload: string,
    clients: number,
    implementation: string,
    pick: () => string,
    make: (schema: string) => Promise<Withdraw>,
  ): Promise<void> {
    const schema = `bench_${run}_fresh${tables++}`;
    try {
      const withdraw = await make(schema);
      await pool.query('CHECKPOINT');
      const measured = await measure(withdraw, pick, clients);
      const store = 'PostgreSQL, fresh tables';
      results.push({ store, clients, implementation, workload, ...measured });
    } finally {
      await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    }
  }
  /** A ledger's tables, migrated and seeded, analysed when they held one wallet. */
  async function freshLedger(schema: string): Promise<PostgresLedger> {
    const ledger = createPostgresLedger({ client: pool, schema });
    await ledger.migrate();
    const service = createWalletService({ ledger, currencies });
    // Statistics gathered while the tables held one wallet, its entry and its key (an ANALYZE
    // after a deployment's smoke test, a CI database analysed after its fixtures): plans must
    // not depend on them once the tables have grown.
    await seeded(service, ids.slice(0, 1), CLIENTS, true);
    await pool.query(`ANALYZE ${schema}.wallets, ${schema}.journal_entries,
      ${schema}.idempotency_keys`);
    await seeded(service, ids.slice(1), CLIENTS);
    return ledger;
  }
  for (const [workload, pick, clients] of cases) {
    const label = `${run}:fresh:${workload}:${clients}`;
    await measureFresh(workload, clients, 'raw SQL baseline', pick, (schema) =>
      baseline(pool, schema, ids),
    );
    await measureFresh(workload, clients, '@wallet/postgres', pick, async (schema) =>
      adapter(createWalletService({ ledger: await freshLedger(schema), currencies }), label),
    );
    await measureFresh(workload, clients, '@wallet/postgres, coalescing', pick, async (schema) =>
      adapter(
        createWalletService({
          ledger: await freshLedger(schema),
          currencies,
          coalesce: { maxBatch: 256 },
        }),
        `${label}:co`,
      ),
    );
  }
  return results;
}

async function main(): Promise<void> {
  const run = randomUUID().slice(0, 8);
  const results: Result[] = [];
  let costSummary: string[] = [];
  const ids = Array.from({ length: WALLETS }, (_, i) => `bench-${run}-${i}`);

  const pool = new pg.Pool({ connectionString: URL, max: POOL_SIZE });
  const rawSchema = `bench_raw_${run}`;
  const ledgerSchema = `bench_ledger_${run}`;
  try {
    // First, as a user meets them: fresh tables, before anything has been vacuumed.
    results.push(...(await freshCases(pool, run, ids)));
    const raw = await baseline(pool, rawSchema, ids);
    const ledger = createPostgresLedger({ client: pool, schema: ledgerSchema });
    await ledger.migrate();
    const service = createWalletService({ ledger, currencies });
    const seedStart = performance.now();
    await seeded(service, ids, CLIENTS);
    console.error(
      `seeded ${WALLETS} wallets in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`,
    );
    // Both sets of tables start measured from the same state: vacuumed and analysed once
    // seeded, and every case starts right after a checkpoint, so no case inherits another's
    // dirty pages or pays an autovacuum the other did not.
    await pool.query(`VACUUM ANALYZE ${rawSchema}.accounts, ${rawSchema}.entries,
      ${ledgerSchema}.wallets, ${ledgerSchema}.journal_entries, ${ledgerSchema}.idempotency_keys`);
    const pgCase = async (
      implementation: string,
      workload: string,
      clients: number,
      withdraw: Withdraw,
      pick: () => string,
    ): Promise<Result> => {
      await pool.query('CHECKPOINT');
      const measured = await measure(withdraw, pick, clients);
      return { store: 'PostgreSQL', clients, implementation, workload, ...measured };
    };
    const plain = createWalletService({
      ledger: createPostgresLedger({
        client: pool,
        schema: ledgerSchema,
        preparedStatements: false,
      }),
      currencies,
    });
    for (const [workload, pick] of Object.entries(workloads(ids))) {
      // Warms the pool's connections and the server's caches before either is measured.
      await measure(raw, pick, CLIENTS, 2);
      results.push(
        await pgCase('raw SQL baseline', workload, CLIENTS, raw, pick),
        await pgCase(
          '@wallet/postgres',
          workload,
          CLIENTS,
          adapter(service, `${run}:${workload}`),
          pick,
        ),
        await pgCase(
          '@wallet/postgres, preparedStatements: false',
          workload,
          CLIENTS,
          adapter(plain, `${run}:text:${workload}`),
          pick,
        ),
      );
    }
    // The everyday operations on random wallets, in turn with a withdrawal: their cost per call
    // against a withdrawal and a transfer.
    const random = Object.values(workloads(ids))[0]!;
    const everyday = {
      withdrawal: adapter(service, `${run}:opsw`),
      ...operations(service, `${run}:ops`, ids),
    };
    await pool.query('CHECKPOINT');
    const costs = await alternating(Object.entries(everyday), random, CLIENTS);
    for (const [name, measured] of costs) {
      results.push({
        store: 'PostgreSQL',
        clients: CLIENTS,
        implementation: `@wallet/postgres: ${name}`,
        workload: 'random of 10,000',
        ...measured,
      });
    }
    const ops = (name: keyof typeof everyday) => costs.get(name)!.ops;
    costSummary = [
      `hold + capture (a pair) costs ${(ops('withdrawal') / ops('hold + capture')).toFixed(2)}x a withdrawal (bar: 2.2x; each in ${ALTERNATIONS} turns)`,
      `a 3-leg posting costs ${(ops('transfer') / ops('3-leg posting')).toFixed(2)}x a transfer (bar: 1.5x; each in ${ALTERNATIONS} turns)`,
    ];
    // Group commit on and off, beside the raw baseline: random wallets (issue 17) and one hot
    // wallet (issue 7). The hot wallet is not the one the fresh cases used.
    const coalesced = createWalletService({ ledger, currencies, coalesce: { maxBatch: 256 } });
    const hot = () => ids[1]!;
    for (const [workload, pick] of [
      [`random of ${WALLETS.toLocaleString('en')}`, random],
      ['one hot wallet', hot],
    ] as const) {
      for (const clients of COALESCE_CLIENTS) {
        results.push(
          await pgCase('raw SQL baseline', workload, clients, raw, pick),
          await pgCase(
            '@wallet/postgres',
            workload,
            clients,
            adapter(service, `${run}:plain:${workload}:${clients}`),
            pick,
          ),
          await pgCase(
            '@wallet/postgres, coalescing',
            workload,
            clients,
            adapter(coalesced, `${run}:co:${workload}:${clients}`),
            pick,
          ),
        );
      }
    }
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS ${rawSchema} CASCADE`);
    await pool.query(`DROP SCHEMA IF EXISTS ${ledgerSchema} CASCADE`);
    await pool.end();
  }

  const db = new PGlite();
  try {
    const ledger = createPostgresLedger({ client: db });
    await ledger.migrate();
    const service = createWalletService({ ledger, currencies });
    const liteIds = ids.slice(0, PGLITE_WALLETS);
    await seeded(service, liteIds, CLIENTS);
    for (const [workload, pick] of Object.entries(workloads(liteIds))) {
      results.push({
        store: 'PGlite (in memory)',
        clients: CLIENTS,
        implementation: '@wallet/postgres',
        workload,
        ...(await measure(adapter(service, `${run}:lite:${workload}`), pick, CLIENTS)),
      });
    }
  } finally {
    await db.close();
  }

  print(results);
  console.log('');
  for (const line of [...costSummary, ...bars(results)]) console.log(`- ${line}`);
}

/** The raw baseline measured last before `r` on the same store, workload and clients. */
function baselineOf(results: Result[], r: Result): Result | undefined {
  let found: Result | undefined;
  for (const b of results.slice(0, results.indexOf(r))) {
    if (
      b.implementation === 'raw SQL baseline' &&
      b.store === r.store &&
      b.workload === r.workload &&
      b.clients === r.clients
    ) {
      found = b;
    }
  }
  return found;
}

/** Issue 17's bars for coalescing, each against the baseline measured beside it. */
function bars(results: Result[]): string[] {
  const lines: string[] = [];
  const wanted: [string, number, number, boolean][] = [
    [`random of ${WALLETS.toLocaleString('en')}`, 256, 5, true],
    [`random of ${WALLETS.toLocaleString('en')}`, 32, 2, false],
    ['one hot wallet', 256, 20, false],
  ];
  for (const store of ['PostgreSQL, fresh tables', 'PostgreSQL']) {
    for (const [workload, clients, ratio, p99] of wanted) {
      const r = results.find(
        (x) =>
          x.store === store &&
          x.implementation === '@wallet/postgres, coalescing' &&
          x.workload === workload &&
          x.clients === clients,
      );
      const base = r && baselineOf(results, r);
      if (!r || !base) continue;
      const measured = r.ops / base.ops;
      const met = measured >= ratio && (!p99 || r.p99 <= base.p99);
      lines.push(
        `${store}, coalescing, ${workload} at ${clients} clients: ${measured.toFixed(2)}x the baseline` +
          `${p99 ? `, p99 ${r.p99.toFixed(1)} ms against ${base.p99.toFixed(1)} ms` : ''}` +
          ` (bar: ${ratio}x${p99 ? ', p99 no higher' : ''}): ${met ? 'met' : '**not met**'}`,
      );
    }
  }
  return lines;
}

function print(results: Result[]): void {
  console.log(
    `${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, ${SECONDS} s per case, withdrawals of 1.00 with idempotency keys\n`,
  );
  console.log(
    '| store | implementation | workload | clients | ops/s | p50 ms | p99 ms | vs baseline |',
  );
  console.log('|---|---|---|---:|---:|---:|---:|---:|');
  for (const r of results) {
    const base =
      r.store.startsWith('PostgreSQL') && r.implementation !== 'raw SQL baseline'
        ? baselineOf(results, r)
        : undefined;
    const ratio = base ? `${(r.ops / base.ops).toFixed(2)}x` : '';
    console.log(
      `| ${r.store} | ${r.implementation} | ${r.workload} | ${r.clients} | ${Math.round(r.ops)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${ratio} |`,
    );
  }
}

await main();
