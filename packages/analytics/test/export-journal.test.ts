import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import {
  createWalletService,
  hashEntry,
  type JournalEntry,
  type JournalReader,
} from '@wallet/core';
import { createPostgresLedger } from '@wallet/postgres';
import { steppingClock } from '@wallet/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AMOUNT_DECIMAL,
  exportJournalToParquet,
  JOURNAL_GLUE_COLUMNS,
  readJournals,
  toUnscaled,
} from '../src/index.js';
import { exportPostgresJournal } from '../src/postgres-export.js';
import { CONVERTED, decimalText, readParquet } from './support/parquet-reader.js';

const ACCOUNTS = ['alice', 'bob', 'carol'];

/** A ledger whose clock moves nine hours a reading, so a handful of operations spans days. */
async function fillLedger(db: PGlite): Promise<JournalReader> {
  const ledger = createPostgresLedger({ client: db });
  await ledger.migrate();
  const wallets = createWalletService({
    ledger,
    currencies: [
      { code: 'GOLD', scale: 2 },
      { code: 'GEMS', scale: 0 },
      { code: 'CREDITS', scale: 2, minBalance: '-100.00' },
      { code: 'DUST', scale: 18 },
    ],
    clock: steppingClock('2026-11-25T21:17:03.250Z', 9 * 3_600_000),
  });
  for (const accountId of ACCOUNTS) await wallets.createWallet({ accountId });
  await wallets.addFunds({ accountId: 'alice', amount: '999999999999999999.99', currency: 'GOLD' });
  await wallets.addFunds({
    accountId: 'bob',
    amount: '100',
    currency: 'GEMS',
    idempotencyKey: 'receipt-1',
    metadata: { store: 'ios', items: [1, 2.5, 'x'], nested: { ok: true } },
  });
  await wallets.withdrawFunds({ accountId: 'carol', amount: '30.25', currency: 'CREDITS' });
  await wallets.addFunds({ accountId: 'carol', amount: '0.000000000000000001', currency: 'DUST' });
  await wallets.transfer({
    fromAccountId: 'alice',
    toAccountId: 'bob',
    amount: '0.01',
    currency: 'GOLD',
    idempotencyKey: 'gift-7',
  });
  await wallets.exchange({
    accountId: 'bob',
    from: { currency: 'GEMS', amount: '40' },
    to: { currency: 'GOLD', amount: '12.50' },
  });
  await wallets.withdrawFunds({ accountId: 'bob', amount: '12.51', currency: 'GOLD' });
  return ledger;
}

async function journalOf(reader: JournalReader): Promise<JournalEntry[]> {
  const entries: JournalEntry[] = [];
  for await (const entry of readJournals(reader, ACCOUNTS)) entries.push(entry);
  return entries;
}

/** An amount column read back at DECIMAL(38,18), rendered at the row's own scale. */
function amountAt(bytes: unknown, scale: number): string {
  const text = decimalText(bytes as Uint8Array, AMOUNT_DECIMAL.scale);
  const cut = AMOUNT_DECIMAL.scale - scale;
  expect(text.slice(text.length - cut)).toBe('0'.repeat(cut));
  const kept = text.slice(0, text.length - cut);
  return scale === 0 ? kept.slice(0, -1) : kept;
}

/** A row read back by the independent reader, as the journal entry it claims to be. */
function entryOfRow(row: Record<string, unknown>): JournalEntry {
  const scale = row.scale as number;
  return {
    transactionId: row.transaction_id as string,
    accountId: row.account_id as string,
    sequence: Number(row.sequence as bigint),
    type: row.type as JournalEntry['type'],
    currency: row.currency as string,
    amount: amountAt(row.amount, scale),
    balanceBefore: amountAt(row.balance_before, scale),
    balanceAfter: amountAt(row.balance_after, scale),
    txTime: new Date(Number(row.tx_time as bigint)).toISOString(),
    idempotencyKey: (row.idempotency_key as string | undefined) ?? null,
    counterparty: (row.counterparty as string | undefined) ?? null,
    metadata:
      row.metadata === undefined
        ? null
        : (JSON.parse(row.metadata as string) as JournalEntry['metadata']),
    prevHash: row.prev_hash as string,
    hash: row.hash as string,
  };
}

async function readExport(outDir: string) {
  const rows: { date: string; entry: JournalEntry; raw: Record<string, unknown> }[] = [];
  for (const partition of (await readdir(outDir)).sort()) {
    for (const file of (await readdir(join(outDir, partition))).sort()) {
      const { rows: fileRows } = await readParquet(join(outDir, partition, file));
      for (const raw of fileRows) {
        rows.push({ date: partition.replace(/^dt=/, ''), entry: entryOfRow(raw), raw });
      }
    }
  }
  return rows;
}

const bySequence = (a: JournalEntry, b: JournalEntry) =>
  a.accountId.localeCompare(b.accountId) || a.sequence - b.sequence;

describe('exportJournalToParquet from a PostgreSQL ledger (PGlite)', () => {
  let db: PGlite;
  let ledger: JournalReader;
  let journal: JournalEntry[];
  let work: string;

  beforeAll(async () => {
    db = new PGlite();
    ledger = await fillLedger(db);
    journal = await journalOf(ledger);
    work = await mkdtemp(join(tmpdir(), 'wallet-analytics-'));
  });

  afterAll(async () => {
    await db.close();
    await rm(work, { recursive: true, force: true });
  });

  it('writes every journal entry once, and an independent reader gets every field back exactly', async () => {
    const outDir = join(work, 'all');
    const result = await exportPostgresJournal({ client: db, outDir, runId: 'test' });
    const rows = await readExport(outDir);
    expect(result.rows).toBe(journal.length);
    expect(rows.map((row) => row.entry).sort(bySequence)).toEqual([...journal].sort(bySequence));
  });

  it('keeps amounts exact at the extremes: 18 integer digits, 18 fraction digits, negative balances', async () => {
    const outDir = join(work, 'extremes');
    await exportJournalToParquet({ entries: journal, outDir });
    const raw = (await readExport(outDir)).map((row) => row.raw);
    const texts = raw.flatMap((row) =>
      [row.amount, row.balance_before, row.balance_after].map((bytes) =>
        decimalText(bytes as Uint8Array, 18),
      ),
    );
    expect(texts).toContain('999999999999999999.990000000000000000');
    expect(texts).toContain('0.000000000000000001');
    expect(texts).toContain('-30.250000000000000000');
  });

  it('partitions by the UTC date of txTime, over several days', async () => {
    const outDir = join(work, 'partitions');
    const result = await exportJournalToParquet({
      entries: readJournals(ledger, ACCOUNTS, { pageSize: 2 }),
      outDir,
    });
    const rows = await readExport(outDir);
    const dates = new Set(rows.map((row) => row.date));
    expect(dates.size).toBeGreaterThanOrEqual(3);
    for (const row of rows) expect(row.entry.txTime.slice(0, 10)).toBe(row.date);
    expect(result.files.map((file) => relative(outDir, file.path).split('/')[0])).toEqual(
      [...dates].map((date) => `dt=${date}`),
    );
  });

  it('leaves rows that verify: each hash recomputes from the fields read back', async () => {
    const outDir = join(work, 'hashes');
    await exportJournalToParquet({ entries: journal, outDir });
    for (const { entry } of await readExport(outDir)) expect(hashEntry(entry)).toBe(entry.hash);
  });

  it('declares the Glue columns in file order, amounts DECIMAL(38,18) and tx_time UTC millis', async () => {
    const outDir = join(work, 'schema');
    const { files } = await exportJournalToParquet({ entries: journal.slice(0, 1), outDir });
    const { columns } = await readParquet(files[0]!.path);
    expect(columns.map((column) => column.name)).toEqual(JOURNAL_GLUE_COLUMNS.map((c) => c.name));
    for (const name of ['amount', 'balance_before', 'balance_after']) {
      expect(columns.find((column) => column.name === name)).toMatchObject({
        converted_type: CONVERTED.DECIMAL,
        precision: 38,
        scale: 18,
        type_length: 16,
      });
    }
    expect(columns.find((column) => column.name === 'tx_time')?.converted_type).toBe(
      CONVERTED.TIMESTAMP_MILLIS,
    );
    expect(JOURNAL_GLUE_COLUMNS.find((column) => column.name === 'amount')?.type).toBe(
      'decimal(38,18)',
    );
  });

  it('splits a day into files of at most rowsPerFile rows', async () => {
    const outDir = join(work, 'split');
    const sameDay = journal.filter((entry) =>
      entry.txTime.startsWith(journal[0]!.txTime.slice(0, 10)),
    );
    const { files } = await exportJournalToParquet({ entries: sameDay, outDir, rowsPerFile: 2 });
    expect(files.map((file) => file.rows)).toEqual(
      Array.from({ length: Math.ceil(sameDay.length / 2) }, (_, i) =>
        Math.min(2, sameDay.length - 2 * i),
      ),
    );
    expect((await readExport(outDir)).map((row) => row.entry)).toEqual(sameDay);
  });

  it('never overwrites a file of an earlier export', async () => {
    const outDir = join(work, 'twice');
    await exportJournalToParquet({ entries: journal, outDir, runId: 'same' });
    await expect(
      exportJournalToParquet({ entries: journal, outDir, runId: 'same' }),
    ).rejects.toThrow(/EEXIST/);
  });

  it('refuses an entry whose txTime would not read back as the same text', async () => {
    const entry = { ...journal[0]!, txTime: '2026-11-25T21:17:03Z' };
    await expect(
      exportJournalToParquet({ entries: [entry], outDir: join(work, 'bad-time') }),
    ).rejects.toThrow(RangeError);
  });
});

describe('toUnscaled', () => {
  it('scales decimal text to 18 fraction digits without floats', () => {
    expect(toUnscaled('10.50')).toBe(10_500_000_000_000_000_000n);
    expect(toUnscaled('-0.000000000000000001')).toBe(-1n);
    expect(toUnscaled('12345678901234567890.123456789012345678')).toBe(
      12345678901234567890123456789012345678n,
    );
  });

  it('refuses text that DECIMAL(38,18) cannot hold exactly', () => {
    for (const text of ['1e3', '1.0000000000000000001', '123456789012345678901', '', '.5', 'NaN']) {
      expect(() => toUnscaled(text)).toThrow(RangeError);
    }
  });
});

describe('the wallet-export command', () => {
  it('exports a PGlite ledger directory to dt= partitions', async () => {
    const work = await mkdtemp(join(tmpdir(), 'wallet-export-cli-'));
    try {
      const dataDir = join(work, 'data');
      const db = await PGlite.create(dataDir);
      const journal = await journalOf(await fillLedger(db));
      await db.close();
      const outDir = join(work, 'out');
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [
          '--conditions=@wallet/source',
          '--import',
          'tsx',
          'src/cli.ts',
          '--pglite',
          dataDir,
          '--out',
          outDir,
        ],
        { cwd: join(import.meta.dirname, '..') },
      );
      const rows = await readExport(outDir);
      expect(rows.map((row) => row.entry).sort(bySequence)).toEqual(journal.sort(bySequence));
      expect(stdout.trim().split('\n')).toHaveLength((await readdir(outDir)).length);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }, 60_000);
});
