/**
 * `importQldbExport` into PostgreSQL (issue 16), beside the same entries written by the SDK's
 * own path on the same server in the same run.
 *
 * The export is the original serverless wallet sample's `Wallet` table, written with the
 * package's test fixture writer (every hash computed as QLDB does): each wallet inserted with
 * balance 0, then updated to integer balances that go up and down (never negative, never
 * unchanged), the revisions of all wallets interleaved in a seeded random order, one revision a
 * block, IMPORT_BLOCKS_PER_OBJECT blocks a data object. Two sizes: 10,000 revisions over 1,000
 * wallets and 100,000 revisions over 10,000 wallets (ten revisions a wallet in both, so one
 * wallet creation and nine entries). Making the export is input preparation, not measured; it
 * is kept in a temporary directory for every row of the run (IMPORT_CACHE_DIR keeps it across
 * runs).
 *
 * - **Baseline**: the same entries through `createWalletService` as an application writes
 *   them: `createWallet` then keyed `addFunds` / `withdrawFunds` with the import's amounts, keys
 *   (`qldb:<document id>:<version>`), metadata and per-wallet order, on as many lanes as the
 *   import (8, each wallet on the lane the import's own hash puts it on, each lane one call at a
 *   time, in the export's order).
 * - **Import**: `importQldbExport` from `directorySource` with its defaults (the export read on a
 *   worker thread, every hash verified, 8 lanes). The import phase ends when the importer reports its last object done
 *   (every entry written); the whole call adds the reconciliation of every wallet (`getFunds`
 *   and `verifyWallet`). The bar (≥ 0.5x the baseline's entries/s) is on the whole call, at
 *   the largest size, in every format imported there.
 * - **Re-run**: the same export imported again into the schema just imported (it writes
 *   nothing; every entry replays).
 * - **Read only** (diagnostic): `readQldbExport` alone, with and without verification, no
 *   ledger: what reading and hashing the export costs.
 *
 * Every case runs in a process of its own (forked from this one), so its peak RSS (`VmHWM` of
 * /proc/self/status) is its own, on a fresh schema migrated before the process
 * starts, after a `CHECKPOINT`; nothing is vacuumed or warmed up. CPU is the process's own
 * (`process.cpuUsage`) plus that of the server processes of its pool's connections (found by
 * `application_name`, read from `/proc`: PostgreSQL runs on this machine).
 *
 * Run: `pnpm --filter @wallet/qldb-export bench` (PostgreSQL at BENCH_PG_URL, default
 * postgres://postgres@127.0.0.1:5432/postgres). IMPORT_REVISIONS (10000,100000) and
 * IMPORT_WALLETS (1000,10000) set the sizes, pairwise; IMPORT_FORMATS (ION_TEXT,ION_BINARY,JSON)
 * the formats imported at the largest size (the first at every size, with the re-run and
 * read-only rows); IMPORT_BLOCKS_PER_OBJECT (2000); IMPORT_SEED (16); IMPORT_CONCURRENCY (the
 * importer's default when unset); IMPORT_READ_ROWS=0 skips the read-only rows;
 * IMPORT_PROFILE=<dir> writes a V8 CPU profile of every case's process there (open it in Chrome
 * DevTools). Exits non-zero when a bar fails.
 */

import { fork } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createWalletService, type Metadata } from '@wallet/core';
import { createPostgresLedger } from '@wallet/postgres';
import { seededRandom as random } from '@wallet/testing';
import pg from 'pg';
import {
  directorySource,
  type ExportFormat,
  type ImportProgress,
  importQldbExport,
  readQldbExport,
} from '../src/index.js';
import {
  buildBlocks,
  exportObjects,
  type WalletChange,
  writeObjects,
} from '../test/support/export-fixture.js';

const URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const list = (value: string) => value.split(',').map((s) => s.trim());
const REVISIONS = list(process.env.IMPORT_REVISIONS ?? '10000,100000').map(Number);
const WALLETS = list(process.env.IMPORT_WALLETS ?? '1000,10000').map(Number);
const FORMATS = list(process.env.IMPORT_FORMATS ?? 'ION_TEXT,ION_BINARY,JSON') as ExportFormat[];
const BLOCKS_PER_OBJECT = Number(process.env.IMPORT_BLOCKS_PER_OBJECT ?? 2_000);
const SEED = Number(process.env.IMPORT_SEED ?? 16);
const CONCURRENCY =
  process.env.IMPORT_CONCURRENCY === undefined ? undefined : Number(process.env.IMPORT_CONCURRENCY);
/** The importer's default lane count; the baseline uses as many. */
const LANES = CONCURRENCY ?? 8;
const READ_ROWS = process.env.IMPORT_READ_ROWS !== '0';
/** A directory for a V8 CPU profile (`.cpuprofile`) of every case's process. */
const PROFILE = process.env.IMPORT_PROFILE;
const BAR = 0.5;
const FIRST_SEQUENCE_NO = 1;
const currencies = [{ code: 'COINS', scale: 0 }];

/** One revision of the plan: its wallet, version and the balance it sets. */
interface Revision {
  readonly wallet: number;
  readonly version: number;
  readonly balance: number;
}

const documentId = (wallet: number) => `Doc${String(wallet).padStart(19, '0')}`;
const accountId = (wallet: number) => `player-${String(wallet).padStart(6, '0')}`;
/** The fixture writer's transaction id of the block at `index` of the export. */
const txId = (index: number) => `Tx${String(FIRST_SEQUENCE_NO + index).padStart(20, '0')}`;

/**
 * The export's revisions in journal order: every wallet gets `revisions / wallets` of them (the
 * first few one more when it does not divide), interleaved at random; the first inserts
 * balance 0, each later one moves it up or down by 1 to 1,000 (down at most to 0).
 */
function plan(revisions: number, wallets: number, seed: number): Revision[] {
  if (wallets < 1 || revisions < wallets) throw new Error('needs 1 <= wallets <= revisions');
  const next = random(seed);
  const order = new Uint32Array(revisions);
  for (let i = 0; i < revisions; i++) order[i] = i % wallets;
  for (let i = revisions - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const versions = new Uint32Array(wallets);
  const balances = new Float64Array(wallets);
  return Array.from(order, (wallet) => {
    const version = versions[wallet]!++;
    let balance = balances[wallet]!;
    if (version > 0) {
      if (balance === 0 || next() < 0.6) balance += 1 + Math.floor(next() * 1_000);
      else balance -= 1 + Math.floor(next() * Math.min(balance, 1_000));
    }
    balances[wallet] = balance;
    return { wallet, version, balance };
  });
}

/** Entries the plan writes: one for every revision but a wallet's first. */
const entriesOf = (revisions: number, wallets: number) => revisions - wallets;

/** FNV-1a, as the importer puts a wallet on a lane: the baseline's lanes hold the same wallets. */
function laneOf(id: string, lanes: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % lanes;
}

// ---------------------------------------------------------------------------------------------
// The child processes: one case each.

type Job =
  | { kind: 'baseline'; schema: string; revisions: number; wallets: number; seed: number }
  | { kind: 'import'; schema: string; dir: string }
  | { kind: 'read'; dir: string; verify: boolean };

interface Outcome {
  /** Seconds of the whole case, and of its import phase (the entries written). */
  seconds: number;
  phaseSeconds: number;
  revisions: number;
  entries: number;
  replayed: number;
  wallets: number;
  reconciled: boolean;
  refused: number;
  /** CPU seconds of this process, and of its connections' server processes. */
  nodeCpu: number;
  serverCpu: number | null;
  /** Peak resident set of the process, in bytes. */
  maxRss: number;
}

const CHILD = '--import-bench-case';

function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/**
 * The peak resident set of this process, in bytes: `VmHWM`, which starts again at the exec of
 * the child; `maxRSS` does not (Linux keeps the forking parent's peak in it), so it is only the
 * fallback where /proc cannot be read.
 */
function peakRss(): number {
  try {
    const line = readFileSync('/proc/self/status', 'utf8').match(/^VmHWM:\s+(\d+) kB/m);
    if (line) return Number(line[1]) * 1024;
  } catch {}
  return process.resourceUsage().maxRSS * 1024;
}

/** CPU seconds the server processes of the pool's connections have used, from /proc. */
async function serverCpu(pool: pg.Pool, application: string): Promise<number | null> {
  const { rows } = await pool.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE application_name = $1',
    [application],
  );
  try {
    let ticks = 0;
    for (const { pid } of rows) {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    }
    return ticks / 100;
  } catch {
    return null;
  }
}

async function runCase(job: Job): Promise<Outcome> {
  if (job.kind === 'read') {
    const started = performance.now();
    const cpu = cpuSeconds();
    let revisions = 0;
    for await (const block of readQldbExport(directorySource(job.dir), { verify: job.verify })) {
      for (const revision of block.revisions) if (revision.kind !== 'system') revisions++;
    }
    const seconds = (performance.now() - started) / 1000;
    return {
      seconds,
      phaseSeconds: seconds,
      revisions,
      entries: 0,
      replayed: 0,
      wallets: 0,
      reconciled: true,
      refused: 0,
      nodeCpu: cpuSeconds() - cpu,
      serverCpu: null,
      maxRss: peakRss(),
    };
  }
  const application = `qldb-import-bench-${process.pid}`;
  // No idle disconnects, so every connection's server process is still there to be read.
  const pool = new pg.Pool({
    connectionString: URL,
    max: LANES + 2,
    idleTimeoutMillis: 0,
    application_name: application,
  });
  try {
    const ledger = createPostgresLedger({ client: pool, schema: job.schema });
    if (job.kind === 'import') {
      let phaseEnd: number | undefined;
      const onProgress = (p: ImportProgress) => {
        // The last `read` progress comes once every lane has written its last entry.
        if (phaseEnd === undefined && (p.phase === 'reconcile' || p.done === p.total)) {
          phaseEnd = performance.now();
        }
      };
      const cpu = cpuSeconds();
      const started = performance.now();
      const report = await importQldbExport({
        source: directorySource(job.dir),
        ledger,
        currencies,
        ...(CONCURRENCY === undefined ? {} : { concurrency: CONCURRENCY }),
        onProgress,
      });
      const ended = performance.now();
      return {
        seconds: (ended - started) / 1000,
        phaseSeconds: ((phaseEnd ?? ended) - started) / 1000,
        revisions: report.revisions,
        entries: report.entries,
        replayed: report.replayed,
        wallets: report.wallets,
        reconciled: report.reconciled,
        refused: report.refused.length,
        nodeCpu: cpuSeconds() - cpu,
        serverCpu: await serverCpu(pool, application),
        maxRss: peakRss(),
      };
    }
    // The baseline: the plan's calls in the export's order, each lane's share listed before
    // the clock starts, each request made as it is sent (as an application makes it).
    const service = createWalletService({ ledger, currencies, defaultCurrency: 'COINS' });
    const revisions = plan(job.revisions, job.wallets, job.seed);
    const lanes: number[][] = Array.from({ length: LANES }, () => []);
    revisions.forEach(({ wallet }, index) => {
      lanes[laneOf(accountId(wallet), LANES)]!.push(index);
    });
    const balances = new Float64Array(job.wallets);
    const call = (index: number): Promise<unknown> => {
      const { wallet, version, balance } = revisions[index]!;
      const id = accountId(wallet);
      const doc = documentId(wallet);
      if (version === 0) {
        const metadata: Metadata = { importedFrom: 'qldb-export', qldbDocumentId: doc };
        return service.createWallet({ accountId: id, metadata });
      }
      const delta = balance - balances[wallet]!;
      balances[wallet] = balance;
      const request = {
        accountId: id,
        amount: String(Math.abs(delta)),
        currency: 'COINS',
        idempotencyKey: `qldb:${doc}:${version}`,
        metadata: { qldbDocumentId: doc, qldbVersion: version, qldbTxId: txId(index) },
      };
      return delta > 0 ? service.addFunds(request) : service.withdrawFunds(request);
    };
    const cpu = cpuSeconds();
    const started = performance.now();
    await Promise.all(
      lanes.map(async (indexes) => {
        for (const index of indexes) await call(index);
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return {
      seconds,
      phaseSeconds: seconds,
      revisions: job.revisions,
      entries: entriesOf(job.revisions, job.wallets),
      replayed: 0,
      wallets: job.wallets,
      reconciled: true,
      refused: 0,
      nodeCpu: cpuSeconds() - cpu,
      serverCpu: await serverCpu(pool, application),
      maxRss: peakRss(),
    };
  } finally {
    await pool.end();
  }
}

/** Runs one case in a process of its own. */
function inChild(job: Job): Promise<Outcome> {
  const child = fork(fileURLToPath(import.meta.url), [CHILD, JSON.stringify(job)], {
    execArgv: PROFILE
      ? [...process.execArgv, '--cpu-prof', `--cpu-prof-dir=${PROFILE}`]
      : process.execArgv,
  });
  return new Promise((resolve, reject) => {
    let outcome: Outcome | undefined;
    child.on('message', (message: Outcome) => {
      outcome = message;
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0 && outcome !== undefined) resolve(outcome);
      else reject(new Error(`the ${job.kind} process exited with ${code}`));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The parent: exports, schemas, the table.

/** The export of a plan in a format, written once (kept under IMPORT_CACHE_DIR when set). */
async function exportDir(
  root: string,
  revisions: number,
  wallets: number,
  format: ExportFormat,
  blocks: () => ReturnType<typeof buildBlocks>,
): Promise<string> {
  const dir = join(root, `${revisions}-${wallets}-s${SEED}-b${BLOCKS_PER_OBJECT}-${format}`);
  const done = join(dir, '.complete');
  if (existsSync(done)) return dir;
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const began = performance.now();
  await writeObjects(dir, exportObjects(blocks(), format, { blocksPerObject: BLOCKS_PER_OBJECT }));
  await writeFile(done, '');
  console.error(
    `wrote the ${format} export of ${count(revisions)} revisions in ${seconds(began)} s`,
  );
  return dir;
}

const count = (n: number) => Math.round(n).toLocaleString('en');
const seconds = (began: number) => ((performance.now() - began) / 1000).toFixed(1);
const MiB = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;

interface Row {
  size: string;
  label: string;
  rate: string;
  seconds: string;
  cpu: string;
  ratio?: string;
  rss?: string;
  bar?: string;
  pass?: boolean;
}

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`the bench's own check failed: ${what}`);
}

async function main(): Promise<void> {
  check(REVISIONS.length === WALLETS.length, 'IMPORT_REVISIONS and IMPORT_WALLETS pair up');
  const run = Math.random().toString(36).slice(2, 10);
  const cacheRoot = process.env.IMPORT_CACHE_DIR;
  const root = cacheRoot ?? (await mkdtemp(join(tmpdir(), 'qldb-import-bench-')));
  const pool = new pg.Pool({ connectionString: URL, max: 2 });
  const schemas: string[] = [];
  const rows: Row[] = [];
  const loadBefore = loadavg();
  const { rows: version } = await pool.query<{ server_version: string }>('SHOW server_version');
  const largest = Math.max(...REVISIONS);

  /** A fresh schema, migrated; then a CHECKPOINT, so no case inherits another's dirty pages. */
  const fresh = async (label: string) => {
    const schema = `bench_qldb_${run}_${label}`;
    schemas.push(schema);
    await createPostgresLedger({ client: pool, schema }).migrate();
    await pool.query('CHECKPOINT');
    return schema;
  };
  const cpuText = (o: Outcome) =>
    `${o.nodeCpu.toFixed(1)} + ${o.serverCpu === null ? '?' : o.serverCpu.toFixed(1)}`;

  try {
    for (const [i, revisions] of REVISIONS.entries()) {
      const wallets = WALLETS[i]!;
      const entries = entriesOf(revisions, wallets);
      const size = `${count(revisions)} revisions, ${count(wallets)} wallets`;
      let built: ReturnType<typeof buildBlocks> | undefined;
      const blocks = () => {
        if (built === undefined) {
          const began = performance.now();
          const changes: WalletChange[] = plan(revisions, wallets, SEED).map((r) => ({
            documentId: documentId(r.wallet),
            accountId: accountId(r.wallet),
            balance: String(r.balance),
          }));
          built = buildBlocks(changes, FIRST_SEQUENCE_NO);
          console.error(`built ${count(revisions)} blocks in ${seconds(began)} s`);
        }
        return built;
      };
      const formats: ExportFormat[] = revisions === largest ? FORMATS : [FORMATS[0]!];
      const dirs = new Map<ExportFormat, string>();
      for (const format of formats) {
        dirs.set(format, await exportDir(root, revisions, wallets, format, blocks));
      }
      built = undefined;

      const base = await inChild({
        kind: 'baseline',
        schema: await fresh(`base${revisions}`),
        revisions,
        wallets,
        seed: SEED,
      });
      const baseRate = entries / base.seconds;
      console.error(
        `${size}: baseline ${count(baseRate)} entries/s in ${base.seconds.toFixed(1)} s`,
      );
      rows.push({
        size,
        label: `baseline: createWallet + keyed addFunds/withdrawFunds, ${LANES} lanes`,
        rate: `${count(baseRate)} entries/s`,
        seconds: base.seconds.toFixed(1),
        cpu: cpuText(base),
        rss: MiB(base.maxRss),
      });

      for (const format of formats) {
        const dir = dirs.get(format)!;
        const schema = await fresh(`${format.toLowerCase()}${revisions}`);
        const imported = await inChild({ kind: 'import', schema, dir });
        check(imported.revisions === revisions, `${format}: ${imported.revisions} revisions read`);
        check(imported.entries === entries, `${format}: ${imported.entries} entries written`);
        check(imported.wallets === wallets && imported.reconciled, `${format}: reconciled`);
        check(imported.refused === 0, `${format}: ${imported.refused} revisions refused`);
        const phaseRate = entries / imported.phaseSeconds;
        const wholeRate = entries / imported.seconds;
        const wholeRatio = wholeRate / baseRate;
        const bar = revisions === largest ? { bar: `≥ ${BAR}x`, pass: wholeRatio >= BAR } : {};
        console.error(
          `${size}: import ${format} ${count(phaseRate)} entries/s (import phase), ${count(wholeRate)} entries/s (whole call)`,
        );
        rows.push(
          {
            size,
            label: `importQldbExport, ${format}: import phase`,
            rate: `${count(phaseRate)} entries/s`,
            seconds: imported.phaseSeconds.toFixed(1),
            cpu: '',
            ratio: `${(phaseRate / baseRate).toFixed(2)}x`,
          },
          {
            size,
            label: `importQldbExport, ${format}: whole call (with reconciliation)`,
            rate: `${count(wholeRate)} entries/s`,
            seconds: imported.seconds.toFixed(1),
            cpu: cpuText(imported),
            ratio: `${wholeRatio.toFixed(2)}x`,
            rss: MiB(imported.maxRss),
            ...bar,
          },
        );
        if (format === FORMATS[0]) {
          await pool.query('CHECKPOINT');
          const again = await inChild({ kind: 'import', schema, dir });
          check(again.entries === 0, `re-run wrote ${again.entries} entries`);
          check(again.replayed === entries && again.reconciled, 're-run replayed every entry');
          rows.push({
            size,
            label: `re-run of ${format} into the imported schema (writes nothing)`,
            rate: `${count(revisions / again.seconds)} revisions/s`,
            seconds: again.seconds.toFixed(1),
            cpu: cpuText(again),
            rss: MiB(again.maxRss),
          });
        }
      }

      if (READ_ROWS && revisions === largest) {
        for (const verify of [true, false]) {
          const read = await inChild({ kind: 'read', dir: dirs.get(FORMATS[0]!)!, verify });
          check(read.revisions === revisions, `read ${read.revisions} revisions`);
          rows.push({
            size,
            label: `read only: readQldbExport ${FORMATS[0]}, ${verify ? 'every hash verified' : 'verify: false'}`,
            rate: `${count(revisions / read.seconds)} revisions/s`,
            seconds: read.seconds.toFixed(1),
            cpu: `${read.nodeCpu.toFixed(1)} + 0`,
            rss: MiB(read.maxRss),
          });
        }
      }
    }
  } finally {
    for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
    if (cacheRoot === undefined) await rm(root, { recursive: true, force: true });
  }

  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  console.log(
    `${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, PostgreSQL ${version[0]!.server_version}, ${BLOCKS_PER_OBJECT} blocks a data object, ${LANES} lanes, load average ${load(loadBefore)} before and ${load(loadavg())} after\n`,
  );
  console.log(
    '| export | case | rate | s | CPU s: Node + PostgreSQL | vs baseline | peak RSS | bar | |',
  );
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---|');
  for (const row of rows) {
    const verdict = row.pass === undefined ? '' : row.pass ? 'pass' : '**fail**';
    console.log(
      `| ${row.size} | ${row.label} | ${row.rate} | ${row.seconds} | ${row.cpu} | ${row.ratio ?? ''} | ${row.rss ?? ''} | ${row.bar ?? ''} | ${verdict} |`,
    );
  }
  if (rows.some((row) => row.pass === false)) process.exitCode = 1;
}

if (process.argv[2] === CHILD) {
  const outcome = await runCase(JSON.parse(process.argv[3]!) as Job);
  process.send!(outcome);
  process.disconnect();
} else {
  await main();
}
