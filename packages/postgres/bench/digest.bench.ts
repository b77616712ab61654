/**
 * `createDigest` over 100,000 wallets on PostgreSQL, beside the least a digest can cost on the
 * same server in the same run, its memory, and the ledger's write throughput while it runs.
 *
 * The baseline reads every head with one `SELECT account_id, sequence, head_hash ... ORDER BY
 * account_id` (all rows in one result) and hashes them with core's `leafHash` and `merkleRoot`
 * in this process; its root must equal the digest's. The digest is `WalletService.createDigest()`
 * as shipped: pages of 1,000 heads from the ledger's `listHeads`, the tree written as records.
 *
 * Write throughput beside digests made back to back (in this process, and in a process of their
 * own as `wallet digest create` or a scheduled function makes them) is measured twice: under an
 * offered load of keyed `addFunds` at 60% of what 32 saturating clients reach alone (requests
 * arrive on a schedule, as players' do; the bar is on this one, with p99 latency), and under the
 * saturating closed loop itself (shown without a bar: there every cycle a digest spends is one
 * the writers lose, on two cores).
 *
 * Wallets are seeded with one `INSERT ... SELECT` (three in four with entries: a sequence from 1
 * to 60 and a head hash; one in ten with metadata), account ids in random order against the
 * table's, as wallets created over time are. Nothing is vacuumed or analysed: the first
 * run of each on a schema just seeded is a row of its own (each on its own copy of the same
 * rows, so neither inherits the other's hint bits), the later runs alternate on one schema.
 *
 * Run: `pnpm --filter @wallet/postgres bench` (PostgreSQL at BENCH_PG_URL, default
 * postgres://postgres@127.0.0.1:5432/postgres). DIGEST_WALLETS (100,000), DIGEST_RUNS (5),
 * LOAD_SECONDS (8, each write-throughput window) and MEMORY_WALLETS (200,000; 0 skips the
 * memory comparison) tune it.
 */

import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  createWalletService,
  type Digest,
  leafHash,
  merkleRoot,
  type WalletService,
} from '@wallet/core';
import pg from 'pg';
import { createPostgresLedger } from '../src/index.js';

const URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const WALLETS = Number(process.env.DIGEST_WALLETS ?? 100_000);
const RUNS = Number(process.env.DIGEST_RUNS ?? 5);
const LOAD_SECONDS = Number(process.env.LOAD_SECONDS ?? 8);
const MEMORY_WALLETS = Number(process.env.MEMORY_WALLETS ?? 200_000);
const CLIENTS = 32;
const RATE_BAR = 0.5;
const LOAD_BAR = 0.8;
/** The offered load, as a share of what the saturating clients reach alone. */
const OFFERED_SHARE = 0.6;
const currencies = [{ code: 'GOLD', scale: 2 }];

// Full collections: before each measured run, and for the live heap while one runs.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** The digest pool's connections are named so that their server processes can be found. */
const DIGEST_APP = 'wallet-digest-bench';

/**
 * CPU milliseconds (user + system) the server processes of the digest pool's connections have
 * used, from /proc: PostgreSQL runs on this machine. Null where /proc cannot be read.
 */
async function serverCpu(pool: pg.Pool): Promise<Map<number, number> | null> {
  const { rows } = await pool.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE application_name = $1',
    [DIGEST_APP],
  );
  const ticks = new Map<number, number>();
  try {
    for (const { pid } of rows) {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      // utime and stime, in clock ticks of 10 ms.
      ticks.set(pid, (Number(fields[11]) + Number(fields[12])) * 10);
    }
  } catch {
    return null;
  }
  return ticks;
}

function cpuSince(before: Map<number, number> | null, after: Map<number, number> | null) {
  if (before === null || after === null) return null;
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

/** Time and CPU (this process, and the digest pool's server processes) of `work`. */
async function sampled<T>(pool: pg.Pool, work: () => Promise<T>) {
  gc();
  const serverBefore = await serverCpu(pool);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const value = await work();
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    value,
    seconds,
    nodeCpu: (cpu.user + cpu.system) / 1000,
    serverCpu: cpuSince(serverBefore, await serverCpu(pool)),
  };
}

/**
 * The most live heap `work` held above what was live before it: a full collection every 20 ms
 * (and whenever `work` calls the probe it is given), then the heap used. Garbage not yet
 * collected is not counted, so the figure does not depend on when V8 chooses to collect.
 */
async function liveHeap(work: (probe: () => void) => Promise<unknown>): Promise<number> {
  gc();
  const before = process.memoryUsage().heapUsed;
  let peak = before;
  const probe = () => {
    gc();
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  };
  const timer = setInterval(probe, 20);
  try {
    await work(probe);
  } finally {
    clearInterval(timer);
  }
  return peak - before;
}

/** A ledger schema migrated by the ledger itself, its wallets inserted by one statement. */
async function seed(pool: pg.Pool, schema: string, wallets: number): Promise<void> {
  const ledger = createPostgresLedger({ client: pool, schema });
  await ledger.migrate();
  // `md5` of the row number spreads the account ids over the key space, so the table's physical
  // order is not the ids' order (listing by id walks the index, as in a ledger grown over time).
  await pool.query(
    `INSERT INTO "${schema}".wallets (account_id, version, sequence, head_hash, currencies,
       balances, created_at, updated_at, metadata)
     SELECT 'player-' || md5('digest-bench-' || i), seq, seq,
       CASE WHEN seq = 0 THEN repeat('0', 64)
         ELSE encode(sha256(convert_to('head-' || i, 'UTF8')), 'hex') END,
       '{GOLD}', ARRAY[round((1000 + seq * 10)::numeric, 2)],
       now() - make_interval(secs => i), now(),
       CASE WHEN i % 10 = 0 THEN jsonb_build_object('tier', 'gold', 'region', 'eu-west-1') END
     FROM (SELECT i, CASE WHEN i % 4 = 0 THEN 0 ELSE 1 + (i * 7919) % 60 END AS seq
       FROM generate_series(1, $1::int) AS i) AS g`,
    [wallets],
  );
}

/** The baseline: every head in one result, hashed into the same tree in this process. */
async function baseline(
  pool: pg.Pool,
  schema: string,
  probe?: () => void,
): Promise<{ root: string; count: number }> {
  const { rows } = await pool.query<{ account_id: string; sequence: string; head_hash: string }>(
    `SELECT account_id, sequence, head_hash FROM "${schema}".wallets ORDER BY account_id`,
  );
  probe?.();
  const hashes = new Array<string>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    hashes[i] = leafHash({
      accountId: row.account_id,
      sequence: Number(row.sequence),
      hash: row.head_hash,
    });
  }
  return { root: merkleRoot(hashes), count: rows.length };
}

function service(pool: pg.Pool, schema: string): WalletService {
  return createWalletService({
    ledger: createPostgresLedger({ client: pool, schema }),
    currencies,
  });
}

function checkRoot(digest: Digest, expected: { root: string; count: number }): void {
  if (digest.root !== expected.root || digest.wallets !== expected.count) {
    throw new Error(
      `digest ${digest.root} over ${digest.wallets} wallets, baseline ${expected.root} over ${expected.count}`,
    );
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** `clients` loops of keyed `addFunds` of 1.00 on random wallets for `seconds`: calls/s. */
async function load(
  wallets: WalletService,
  ids: string[],
  label: string,
  seconds: number,
): Promise<number> {
  let done = 0;
  let failures = 0;
  let n = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  async function client(): Promise<void> {
    while (performance.now() < deadline) {
      const accountId = ids[Math.floor(Math.random() * ids.length)]!;
      try {
        await wallets.addFunds({ accountId, amount: '1.00', idempotencyKey: `${label}:${n++}` });
        done++;
      } catch (error) {
        failures++;
        if (failures === 1) console.error('first failure:', error);
      }
    }
  }
  await Promise.all(Array.from({ length: CLIENTS }, client));
  if (failures > 0) throw new Error(`${failures} of ${done + failures} addFunds calls failed`);
  return done / ((performance.now() - started) / 1000);
}

/**
 * An open-loop load: keyed `addFunds` started at `perSecond` on a fixed schedule, whatever the
 * answers take (as players' requests arrive), for `seconds`: calls completed per second of the
 * window, and the 99th percentile latency in ms.
 */
async function offered(
  wallets: WalletService,
  ids: string[],
  label: string,
  seconds: number,
  perSecond: number,
): Promise<{ rate: number; p99: number }> {
  const latencies: number[] = [];
  const pending = new Set<Promise<void>>();
  let failures = 0;
  let n = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let completedInWindow = 0;
  for (let due = started; due < deadline; due += 1000 / perSecond) {
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const accountId = ids[Math.floor(Math.random() * ids.length)]!;
    const begun = performance.now();
    const call = wallets
      .addFunds({ accountId, amount: '1.00', idempotencyKey: `${label}:${n++}` })
      .then(
        () => {
          const ended = performance.now();
          latencies.push(ended - begun);
          if (ended <= deadline) completedInWindow++;
        },
        (error: unknown) => {
          failures++;
          if (failures === 1) console.error('first failure:', error);
        },
      )
      .finally(() => pending.delete(call));
    pending.add(call);
  }
  await Promise.all(pending);
  if (failures > 0) throw new Error(`${failures} of ${n} addFunds calls failed`);
  latencies.sort((a, b) => a - b);
  const p99 = latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ?? 0;
  return { rate: completedInWindow / seconds, p99 };
}

/** Digests made back to back until stopped: how many, and the seconds they took. */
type LoopResult = { made: number; seconds: number };

interface DigestLoop {
  stop(): Promise<LoopResult>;
}

function digestsInProcess(digests: WalletService): DigestLoop {
  let stopped = false;
  let made = 0;
  let seconds = 0;
  const loop = (async () => {
    while (!stopped) {
      const begun = performance.now();
      await digests.createDigest();
      made++;
      seconds += (performance.now() - begun) / 1000;
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return { made, seconds };
    },
  };
}

const CHILD = '--digest-loop';

/**
 * The same loop in a child process of this script, on a pool of its own; resolved once the
 * child has started its first digest, so the whole window runs beside digests.
 */
function digestsInChild(schema: string): Promise<DigestLoop> {
  const child = fork(fileURLToPath(import.meta.url), [CHILD, schema]);
  const result = new Promise<LoopResult>((resolve, reject) => {
    child.on('message', (message: 'started' | LoopResult) => {
      if (message !== 'started') resolve(message);
    });
    child.once('exit', (code) => reject(new Error(`the digest process exited with ${code}`)));
  });
  result.catch(() => {});
  return new Promise((resolve, reject) => {
    const stop = () => {
      child.send('stop');
      return result;
    };
    child.once('message', () => resolve({ stop }));
    result.catch(reject);
  });
}

/** The child's side of {@link digestsInChild}. */
async function childLoop(schema: string): Promise<void> {
  const pool = new pg.Pool({ connectionString: URL, max: 4 });
  const loop = digestsInProcess(service(pool, schema));
  process.send!('started');
  await new Promise((resolve) => process.once('message', resolve));
  process.send!(await loop.stop());
  await pool.end();
  process.disconnect();
}

interface Row {
  label: string;
  value: string;
  /** CPU per digest or baseline run: this process, the server's processes for it. */
  cpu?: string;
  ratio?: string;
  bar?: string;
  pass?: boolean;
}

type Sample = Awaited<ReturnType<typeof sampled>>;

const MiB = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const rate = (perSecond: number) => Math.round(perSecond).toLocaleString('en');
const count = (n: number) => n.toLocaleString('en');
/** Median CPU of the samples, in ms: Node, then PostgreSQL. */
const cpuOf = (samples: Sample[]) => {
  const node = Math.round(median(samples.map((s) => s.nodeCpu)));
  const servers = samples.map((s) => s.serverCpu).filter((ms) => ms !== null);
  return servers.length === 0 ? `${node} + ?` : `${node} + ${Math.round(median(servers))}`;
};

async function main(): Promise<void> {
  const run = randomUUID().slice(0, 8);
  const schemas = {
    measured: `bench_digest_${run}`,
    freshBaseline: `bench_digest_fresh_${run}`,
    memory: `bench_digest_mem_${run}`,
  };
  // The writers' pool, and the digest's own (a digest is made by a job beside the service),
  // whose connections stay open so that their server processes' CPU can be read.
  const pool = new pg.Pool({ connectionString: URL, max: CLIENTS });
  const digestPool = new pg.Pool({
    connectionString: URL,
    max: 4,
    idleTimeoutMillis: 0,
    application_name: DIGEST_APP,
  });
  const rows: Row[] = [];
  const memory: string[] = [];
  try {
    const started = performance.now();
    await seed(pool, schemas.measured, WALLETS);
    await seed(pool, schemas.freshBaseline, WALLETS);
    console.error(
      `seeded 2 x ${count(WALLETS)} wallets in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    const digests = service(digestPool, schemas.measured);
    // The digest pool's connections open before anything is measured (nothing is read).
    await Promise.all(Array.from({ length: 4 }, () => digestPool.query('SELECT 1')));

    // First runs on schemas just seeded: no ANALYZE, no hint bits, as a user's first digest.
    const freshBase = await sampled(digestPool, () => baseline(digestPool, schemas.freshBaseline));
    const freshDigest = await sampled(digestPool, () => digests.createDigest());
    checkRoot(freshDigest.value, freshBase.value);
    const freshRatio = freshBase.seconds / freshDigest.seconds;
    rows.push(
      {
        label: 'baseline: one SELECT + hash, first run',
        value: rate(WALLETS / freshBase.seconds),
        cpu: cpuOf([freshBase]),
      },
      {
        label: 'createDigest, first run',
        value: rate(WALLETS / freshDigest.seconds),
        cpu: cpuOf([freshDigest]),
        ratio: `${freshRatio.toFixed(2)}x`,
        bar: `≥ ${RATE_BAR}x`,
        pass: freshRatio >= RATE_BAR,
      },
    );

    // Warm runs, alternating on one schema.
    const bases: Sample[] = [];
    const made: Sample[] = [];
    const ratios: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const base = await sampled(digestPool, () => baseline(digestPool, schemas.measured));
      const digest = await sampled(digestPool, () => digests.createDigest());
      checkRoot(digest.value as Digest, base.value as { root: string; count: number });
      bases.push(base);
      made.push(digest);
      ratios.push(base.seconds / digest.seconds);
      console.error(
        `run ${i + 1}: baseline ${base.seconds.toFixed(2)} s, createDigest ${digest.seconds.toFixed(2)} s`,
      );
    }
    const baseRate = median(bases.map((s) => WALLETS / s.seconds));
    const ratio = median(ratios);
    rows.push(
      {
        label: `baseline: one SELECT + hash, median of ${RUNS}`,
        value: rate(baseRate),
        cpu: cpuOf(bases),
      },
      {
        label: `createDigest, median of ${RUNS}`,
        value: rate(median(made.map((s) => WALLETS / s.seconds))),
        cpu: cpuOf(made),
        ratio: `${ratio.toFixed(2)}x (${ratios.map((r) => r.toFixed(2)).join(', ')})`,
        bar: `≥ ${RATE_BAR}x`,
        pass: ratio >= RATE_BAR,
      },
    );
    const heapOf = async (wallets: number, schema: string, digest: WalletService) => {
      const base = await liveHeap((probe) => baseline(digestPool, schema, probe));
      const made = await liveHeap(() => digest.createDigest());
      memory.push(
        `| ${count(wallets)} | baseline: one SELECT + hash | ${MiB(base)} |`,
        `| ${count(wallets)} | createDigest | ${MiB(made)} |`,
      );
    };
    await heapOf(WALLETS, schemas.measured, digests);

    // Write throughput: alone, then with digests made back to back in this process (sharing its
    // event loop with the writers) and in a process of their own (as `wallet digest create` or a
    // scheduled function makes them), alternating, each in the same window.
    const writers = service(pool, schemas.measured);
    const { rows: idRows } = await pool.query<{ account_id: string }>(
      `SELECT account_id FROM "${schemas.measured}".wallets`,
    );
    const ids = idRows.map((row) => row.account_id);
    await load(writers, ids, `${run}:warm`, 2);
    const loops: Record<string, () => DigestLoop | Promise<DigestLoop>> = {
      'this process': () => digestsInProcess(digests),
      'their own process': () => digestsInChild(schemas.measured),
    };
    // Two loads: an offered one at 60% of what 32 clients saturate (a ledger in production runs
    // below capacity; the bar is on this one), and the saturated closed loop itself, where any
    // work a digest does is taken from the writers (shown, no bar).
    const capacity = await load(writers, ids, `${run}:capacity`, LOAD_SECONDS);
    const offeredRate = Math.round(capacity * OFFERED_SHARE);
    const kinds = {
      offered: (label: string) => offered(writers, ids, label, LOAD_SECONDS, offeredRate),
      saturated: async (label: string) => ({
        rate: await load(writers, ids, label, LOAD_SECONDS),
        p99: Number.NaN,
      }),
    };
    for (const [kind, measure] of Object.entries(kinds)) {
      const alone: { rate: number; p99: number }[] = [];
      const beside = new Map<
        string,
        { results: { rate: number; p99: number }[]; made: number; seconds: number }
      >();
      for (let round = 0; round < 2; round++) {
        await pool.query('CHECKPOINT');
        alone.push(await measure(`${run}:${kind}:alone${round}`));
        for (const [where, start] of Object.entries(loops)) {
          await pool.query('CHECKPOINT');
          const loop = await start();
          let measured: { rate: number; p99: number };
          try {
            measured = await measure(`${run}:${kind}:${where.replace(/ /g, '-')}${round}`);
          } catch (error) {
            await loop.stop().catch(() => {});
            throw error;
          }
          const { made, seconds } = await loop.stop();
          const sum = beside.get(where) ?? { results: [], made: 0, seconds: 0 };
          sum.results.push(measured);
          sum.made += made;
          sum.seconds += seconds;
          beside.set(where, sum);
          console.error(
            `${kind} load round ${round + 1}: alone ${rate(alone.at(-1)!.rate)}/s, digests in ${where} ${rate(measured.rate)}/s`,
          );
        }
      }
      const mean = (values: number[]) => values.reduce((x, y) => x + y) / values.length;
      const aloneRate = mean(alone.map((a) => a.rate));
      const p99 = (results: { p99: number }[]) =>
        kind === 'offered' ? `, p99 ${Math.round(Math.max(...results.map((r) => r.p99)))} ms` : '';
      const what =
        kind === 'offered'
          ? `addFunds with keys offered at ${rate(offeredRate)}/s (60% of ${rate(capacity)}/s)`
          : `addFunds with keys, ${CLIENTS} clients saturating`;
      rows.push({ label: `${what}, alone`, value: `${rate(aloneRate)}${p99(alone)}` });
      for (const [where, { results, made, seconds }] of beside) {
        const ratio = mean(results.map((r) => r.rate)) / aloneRate;
        rows.push(
          {
            label: `${what}, digests made back to back in ${where}`,
            value: `${rate(mean(results.map((r) => r.rate)))}${p99(results)}`,
            ratio: `${ratio.toFixed(2)}x (${results.map((r, i) => (r.rate / alone[i]!.rate).toFixed(2)).join(', ')})`,
            ...(kind === 'offered' ? { bar: `≥ ${LOAD_BAR}x`, pass: ratio >= LOAD_BAR } : {}),
          },
          {
            label: `createDigest meanwhile (${made} made)`,
            value: rate((made * WALLETS) / seconds),
            ratio: `${((made * WALLETS) / seconds / baseRate).toFixed(2)}x`,
          },
        );
      }
    }

    if (MEMORY_WALLETS > 0) {
      await seed(pool, schemas.memory, MEMORY_WALLETS);
      await heapOf(MEMORY_WALLETS, schemas.memory, service(digestPool, schemas.memory));
    }
  } finally {
    for (const schema of Object.values(schemas)) {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    }
    await digestPool.end();
    await pool.end();
  }

  console.log(
    `${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, ${count(WALLETS)} wallets, ${LOAD_SECONDS} s per load window\n`,
  );
  console.log('| case | wallets/s or calls/s | CPU ms: Node + PostgreSQL | vs baseline | bar | |');
  console.log('|---|---:|---:|---:|---:|---|');
  for (const row of rows) {
    const verdict = row.pass === undefined ? '' : row.pass ? 'pass' : '**fail**';
    console.log(
      `| ${row.label} | ${row.value} | ${row.cpu ?? ''} | ${row.ratio ?? ''} | ${row.bar ?? ''} | ${verdict} |`,
    );
  }
  console.log('\n| wallets | case | peak live heap growth |');
  console.log('|---:|---|---:|');
  for (const line of memory) console.log(line);
  console.log(`\nPeak RSS of the process: ${MiB(process.resourceUsage().maxRSS * 1024)}`);
}

if (process.argv[2] === CHILD) await childLoop(process.argv[3]!);
else await main();
