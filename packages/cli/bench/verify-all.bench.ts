/**
 * `wallet verify --all` on PostgreSQL against its baseline: the same hash recomputation done in
 * one process over the rows read straight from the table (a cursor over `journal_entries` in
 * account and sequence order, each entry hashed and chained). Wallets of 10 entries each, at
 * 10,000 and 100,000 wallets, so the command's peak RSS can be read against the wallet count.
 *
 * The wallets are seeded as the ledger stores them (a valid chain per wallet, hashed by core,
 * inserted in batches), then vacuumed and analysed, as a database that has been running for a
 * while would be; every case starts after a CHECKPOINT.
 *
 * Run: `pnpm --filter @wallet/cli bench` (PostgreSQL at BENCH_PG_URL, default
 * postgres://postgres@127.0.0.1:5432/postgres; BENCH_WALLETS=10000,100000 sets the sizes).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { GENESIS_HASH, hashEntry, type JournalEntry } from '@wallet/core';
import { createPostgresLedger } from '@wallet/postgres';
import pg from 'pg';

const URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SIZES = (process.env.BENCH_WALLETS ?? '10000,100000').split(',').map(Number);
const ENTRIES = 10;
const BIN = join(import.meta.dirname, '..', 'bin', 'wallet.js');

interface Row {
  wallets: number;
  case: string;
  seconds: number;
  'wallets/s': number;
  'vs baseline': string;
  'peak RSS MiB': string;
}

/** Seeds `count` wallets of ten GOLD entries each (credits and debits) into `schema`. */
async function seed(pool: pg.Pool, schema: string, count: number): Promise<void> {
  const ledger = createPostgresLedger({ client: pool, schema });
  await ledger.migrate();
  const time = Date.parse('2026-11-01T00:00:00.000Z');
  for (let start = 0; start < count; start += 5_000) {
    const entries: JournalEntry[] = [];
    const wallets: Record<string, unknown>[] = [];
    for (let w = start; w < Math.min(count, start + 5_000); w++) {
      const accountId = `bench-${String(w).padStart(6, '0')}`;
      let balance = 0n;
      let prevHash = GENESIS_HASH;
      for (let sequence = 1; sequence <= ENTRIES; sequence++) {
        const credit = sequence % 3 !== 0;
        const units = BigInt(100 + sequence * 7);
        const after = credit ? balance + units : balance - units;
        const entry: JournalEntry = {
          transactionId: `00000000-0000-7000-8000-${String(w * ENTRIES + sequence).padStart(12, '0')}`,
          accountId,
          sequence,
          type: credit ? 'CREDIT' : 'DEBIT',
          currency: 'GOLD',
          amount: gold(units),
          balanceBefore: gold(balance),
          balanceAfter: gold(after),
          txTime: new Date(time + w * 1000 + sequence).toISOString(),
          idempotencyKey: null,
          counterparty: null,
          metadata: null,
          prevHash,
          hash: '',
        };
        entry.hash = hashEntry(entry);
        entries.push(entry);
        balance = after;
        prevHash = entry.hash;
      }
      const at = entries.at(-1)!.txTime;
      wallets.push({
        account_id: accountId,
        version: ENTRIES,
        sequence: ENTRIES,
        head_hash: prevHash,
        balance: gold(balance),
        created_at: at,
        updated_at: at,
      });
    }
    await ledger.putEntries(entries);
    await pool.query(
      `INSERT INTO "${schema}".wallets
         (account_id, version, sequence, head_hash, currencies, balances, created_at, updated_at)
       SELECT account_id, version, sequence, head_hash, ARRAY['GOLD'], ARRAY[balance],
              created_at, updated_at
       FROM jsonb_to_recordset($1::jsonb) AS x(account_id text, version bigint, sequence bigint,
         head_hash text, balance numeric, created_at timestamptz, updated_at timestamptz)`,
      [JSON.stringify(wallets)],
    );
  }
  await pool.query(`VACUUM ANALYZE "${schema}".wallets, "${schema}".journal_entries`);
}

function gold(units: bigint): string {
  const text = units.toString().padStart(3, '0');
  return `${text.slice(0, -2)}.${text.slice(-2)}`;
}

/**
 * The baseline: every row read with one cursor in account and sequence order, each entry
 * hashed again and checked against its own hash and its predecessor's. Resolves to the number
 * of wallets whose chain held.
 */
async function baseline(pool: pg.Pool, schema: string): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `DECLARE rows NO SCROLL CURSOR FOR
       SELECT transaction_id, account_id, sequence, type, currency, amount::text AS amount,
         balance_before::text AS balance_before, balance_after::text AS balance_after,
         to_char(tx_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS tx_time,
         idempotency_key, counterparty, metadata, prev_hash, hash
       FROM "${schema}".journal_entries ORDER BY account_id, sequence`,
    );
    let ok = 0;
    let account = '';
    let head = GENESIS_HASH;
    let chained = true;
    for (;;) {
      const { rows } = await client.query('FETCH 10000 FROM rows');
      if (rows.length === 0) break;
      for (const row of rows) {
        if (row.account_id !== account) {
          if (account !== '' && chained) ok++;
          account = row.account_id;
          head = GENESIS_HASH;
          chained = true;
        }
        const entry: JournalEntry = {
          transactionId: row.transaction_id,
          accountId: row.account_id,
          sequence: Number(row.sequence),
          type: row.type,
          currency: row.currency,
          amount: row.amount,
          balanceBefore: row.balance_before,
          balanceAfter: row.balance_after,
          txTime: row.tx_time,
          idempotencyKey: row.idempotency_key,
          counterparty: row.counterparty,
          metadata: row.metadata,
          prevHash: row.prev_hash,
          hash: row.hash,
        };
        if (entry.prevHash !== head || hashEntry(entry) !== entry.hash) chained = false;
        head = entry.hash;
      }
    }
    if (account !== '' && chained) ok++;
    await client.query('COMMIT');
    return ok;
  } finally {
    client.release();
  }
}

/** Runs the built command; resolves to its exit status, output and peak RSS in bytes. */
function runCommand(args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<{ code: number; stdout: string; peakRss: number }>((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let stdout = '';
    let peakRss = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    // VmHWM is the process's own peak resident set; read it until the process is gone.
    const poll = setInterval(() => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const kib = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
        peakRss = Math.max(peakRss, kib * 1024);
      } catch {
        // exited between two polls
      }
    }, 20);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(poll);
      resolve({ code: code ?? 1, stdout, peakRss });
    });
  });
}

async function main(): Promise<void> {
  const pool = new pg.Pool({ connectionString: URL, max: 4 });
  const rows: Row[] = [];
  try {
    for (const count of SIZES) {
      const schema = `bench_verify_${count}_${process.pid}`;
      const seedStart = performance.now();
      await seed(pool, schema, count);
      console.error(
        `seeded ${count} wallets of ${ENTRIES} entries in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`,
      );
      try {
        await pool.query('CHECKPOINT');
        let started = performance.now();
        const ok = await baseline(pool, schema);
        const baseSeconds = (performance.now() - started) / 1000;
        if (ok !== count) throw new Error(`baseline verified ${ok} of ${count} wallets`);
        const baseRate = count / baseSeconds;
        rows.push({
          wallets: count,
          case: 'baseline: one cursor, hashed in one process',
          seconds: round(baseSeconds),
          'wallets/s': Math.round(baseRate),
          'vs baseline': '1.00x',
          'peak RSS MiB': '',
        });
        await pool.query('CHECKPOINT');
        started = performance.now();
        const run = await runCommand(['verify', '--all', '--schema', schema, '--json'], {
          DATABASE_URL: URL,
        });
        const seconds = (performance.now() - started) / 1000;
        const report = JSON.parse(run.stdout) as { wallets: number; ok: number };
        if (run.code !== 0 || report.ok !== count) {
          throw new Error(`wallet verify --all: exit ${run.code}, ${report.ok} of ${count} ok`);
        }
        rows.push({
          wallets: count,
          case: 'wallet verify --all (a process)',
          seconds: round(seconds),
          'wallets/s': Math.round(count / seconds),
          'vs baseline': `${(count / seconds / baseRate).toFixed(2)}x`,
          'peak RSS MiB': (run.peakRss / 2 ** 20).toFixed(0),
        });
      } finally {
        await pool.query(`DROP SCHEMA "${schema}" CASCADE`);
      }
    }
  } finally {
    await pool.end();
  }
  console.log(
    `${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores, Node ${process.version}, ${ENTRIES} entries per wallet`,
  );
  console.table(rows);
}

function round(seconds: number): number {
  return Math.round(seconds * 100) / 100;
}

await main();
