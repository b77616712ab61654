import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import {
  createMemoryLedger,
  createWalletService,
  ENTRY_TYPE_FIELDS,
  ENTRY_TYPES,
  hashEntry,
  type JournalEntry,
  type LedgerStore,
} from '@wallet/core';
import { createPostgresLedger } from '@wallet/postgres';
import { steppingClock } from '@wallet/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AMOUNT_DECIMAL,
  type ExportProgress,
  exportJournalToParquet,
  JOURNAL_GLUE_COLUMNS,
  listAccountIds,
  readJournals,
  toUnscaled,
} from '../src/index.js';
import { CONVERTED, decimalText, REPETITION, readParquet } from './support/parquet-reader.js';

const ACCOUNTS = ['alice', 'bob', 'carol'];

/**
 * A ledger whose clock moves nine hours a reading, so a handful of operations spans days, with
 * every entry type: reversals with and without a reason, a hold captured in part to another
 * wallet (the rest released), a hold released, a posting.
 */
async function fillLedger(db: PGlite): Promise<LedgerStore> {
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
  const purchase = await wallets.addFunds({
    accountId: 'bob',
    amount: '100',
    currency: 'GEMS',
    idempotencyKey: 'receipt-1',
    metadata: { store: 'ios', items: [1, 2.5, 'x'], nested: { ok: true } },
  });
  const overdraft = await wallets.withdrawFunds({
    accountId: 'carol',
    amount: '30.25',
    currency: 'CREDITS',
  });
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
  await wallets.reverseTransaction({
    transactionId: purchase.transactionId,
    amount: '10',
    reason: 'chargeback: "disputed" ✓',
  });
  await wallets.reverseTransaction({ transactionId: overdraft.transactionId });
  // Nine hours a reading: the holds must outlive a few readings.
  const expiresInSeconds = 7 * 86_400;
  const hold = await wallets.placeHold({
    accountId: 'alice',
    amount: '5.00',
    currency: 'GOLD',
    expiresInSeconds,
  });
  await wallets.captureHold({ holdId: hold.holdId, amount: '2.50', toAccountId: 'carol' });
  const other = await wallets.placeHold({
    accountId: 'carol',
    amount: '1.00',
    currency: 'GOLD',
    expiresInSeconds,
  });
  await wallets.releaseHold({ holdId: other.holdId });
  await wallets.post({
    legs: [
      { accountId: 'alice', currency: 'GOLD', direction: 'debit', amount: '1.00' },
      { accountId: 'bob', currency: 'GOLD', direction: 'credit', amount: '0.75' },
      { accountId: 'carol', currency: 'GOLD', direction: 'credit', amount: '0.25' },
    ],
    metadata: { trade: 't-1' },
  });
  return ledger;
}

async function journalOf(reader: LedgerStore): Promise<JournalEntry[]> {
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
  const entry: JournalEntry = {
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
  // The fields only some types carry, on those types only: a null reason is a reason given as
  // null, and every other row's columns are null.
  const fields = ENTRY_TYPE_FIELDS[entry.type] ?? [];
  if (fields.includes('reverses')) entry.reverses = row.reverses as string;
  if (fields.includes('reason')) entry.reason = (row.reason as string | undefined) ?? null;
  if (fields.includes('holdId')) entry.holdId = row.hold_id as string;
  return entry;
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
  let ledger: LedgerStore;
  let journal: JournalEntry[];
  let work: string;

  beforeAll(async () => {
    db = new PGlite();
    ledger = await fillLedger(db);
    journal = await journalOf(ledger);
    work = await mkdtemp(join(tmpdir(), 'wallet-analytics-'));
  }, 60_000);

  afterAll(async () => {
    await db.close();
    await rm(work, { recursive: true, force: true });
  });

  it('writes every journal entry once, and an independent reader gets every field back exactly', async () => {
    const outDir = join(work, 'all');
    const result = await exportJournalToParquet({
      entries: readJournals(ledger, listAccountIds(ledger)),
      outDir,
      runId: 'test',
    });
    const rows = await readExport(outDir);
    expect(result.rows).toBe(journal.length);
    expect(new Set(journal.map((entry) => entry.type))).toEqual(new Set(ENTRY_TYPES));
    // Strictly: a reversal or a hold's entry reads back with its own fields, no other entry
    // with any of them (not even undefined).
    expect(rows.map((row) => row.entry).sort(bySequence)).toStrictEqual(
      [...journal].sort(bySequence),
    );
  });

  it('writes reverses, reason and hold_id from reversals and a hold’s entries only, null on every other row', async () => {
    const outDir = join(work, 'type-fields');
    await exportJournalToParquet({ entries: journal, outDir });
    const rows = await readExport(outDir);
    const columns = (type: string) =>
      rows
        .filter((row) => row.entry.type === type)
        .map(({ raw }) => [raw.account_id, raw.reverses, raw.reason, raw.hold_id]);
    const reversals = rows.filter((row) => row.entry.type.startsWith('REVERSAL_'));
    expect(reversals.map(({ raw }) => [raw.type, raw.account_id, raw.reason])).toEqual([
      ['REVERSAL_DEBIT', 'bob', 'chargeback: "disputed" ✓'],
      ['REVERSAL_CREDIT', 'carol', undefined],
    ]);
    // Each names the transaction it reverses: bob's purchase of gems, carol's overdraft.
    const reversed = reversals.map(({ raw }) =>
      journal.find((e) => e.transactionId === raw.reverses),
    );
    expect(reversed.map((e) => [e?.accountId, e?.type, e?.currency])).toEqual([
      ['bob', 'CREDIT', 'GEMS'],
      ['carol', 'DEBIT', 'CREDITS'],
    ]);
    for (const { raw } of reversals) expect(raw.hold_id).toBeUndefined();
    const holdRows = rows.filter((row) => row.entry.type.startsWith('HOLD'));
    expect(holdRows.map(({ raw }) => [raw.type, raw.account_id])).toEqual([
      ['HOLD', 'alice'],
      ['HOLD_CAPTURE', 'alice'],
      ['HOLD_RELEASE', 'alice'],
      ['HOLD', 'carol'],
      ['HOLD_RELEASE', 'carol'],
    ]);
    const holdIds = holdRows.map(({ raw }) => raw.hold_id);
    expect(new Set(holdIds.slice(0, 3)).size).toBe(1);
    expect(new Set(holdIds).size).toBe(2);
    for (const { raw } of holdRows) {
      expect(raw.hold_id).toMatch(/./);
      expect([raw.reverses, raw.reason]).toEqual([undefined, undefined]);
    }
    // The capture's credit to carol is a TRANSFER_IN, which names no hold.
    expect(columns('TRANSFER_IN')).toContainEqual(['carol', undefined, undefined, undefined]);
    for (const { entry, raw } of rows) {
      if (ENTRY_TYPE_FIELDS[entry.type] !== undefined) continue;
      expect([raw.reverses, raw.reason, raw.hold_id]).toEqual([undefined, undefined, undefined]);
    }
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
    // The fields only some types carry: nullable strings, after the rest.
    expect(columns.slice(-3)).toMatchObject(
      ['reverses', 'reason', 'hold_id'].map((name) => ({
        name,
        converted_type: CONVERTED.UTF8,
        repetition_type: REPETITION.OPTIONAL,
      })),
    );
    expect(columns.find((column) => column.name === 'hash')?.repetition_type).toBe(
      REPETITION.REQUIRED,
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

  it('refuses an entry that carries a field its type must not, or lacks one its type must', async () => {
    const credit = journal.find((entry) => entry.type === 'CREDIT')!;
    const reversal = journal.find((entry) => entry.type === 'REVERSAL_CREDIT')!;
    const { reason: _, ...withoutReason } = reversal;
    const hold = journal.find((entry) => entry.type === 'HOLD')!;
    for (const entry of [
      { ...credit, holdId: 'h-1' },
      { ...credit, reason: null },
      withoutReason,
      { ...hold, reverses: reversal.reverses },
    ]) {
      await expect(
        exportJournalToParquet({ entries: [entry], outDir: join(work, 'bad-fields') }),
      ).rejects.toThrow(RangeError);
    }
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

describe('listAccountIds and progress', () => {
  it('lists every wallet of a ledger page by page, in order, and only those with the prefix', async () => {
    const ledger = createMemoryLedger();
    const wallets = createWalletService({ ledger, currencies: [{ code: 'GOLD', scale: 2 }] });
    const ids = Array.from({ length: 2_345 }, (_, i) => `p-${String(i).padStart(4, '0')}`);
    for (const accountId of [...ids, 'other']) await wallets.createWallet({ accountId });
    const listed: string[] = [];
    for await (const id of listAccountIds(ledger, 'p-')) listed.push(id);
    expect(listed).toEqual(ids);
    const all: string[] = [];
    for await (const id of listAccountIds(ledger)) all.push(id);
    expect(all).toEqual(['other', ...ids]);
  });

  it('reports progress after every 10,000 entries read and after each file written', async () => {
    const work = await mkdtemp(join(tmpdir(), 'wallet-export-progress-'));
    try {
      const entry = (sequence: number, txTime: string): JournalEntry => ({
        transactionId: `t-${sequence}`,
        accountId: 'a',
        sequence,
        type: 'CREDIT',
        currency: 'GOLD',
        amount: '1.00',
        balanceBefore: '0.00',
        balanceAfter: '1.00',
        txTime,
        idempotencyKey: null,
        counterparty: null,
        metadata: null,
        prevHash: '0'.repeat(64),
        hash: '0'.repeat(64),
      });
      const entries = Array.from({ length: 25_000 }, (_, i) =>
        entry(i + 1, i < 20_000 ? '2026-01-01T00:00:00.000Z' : '2026-01-02T00:00:00.000Z'),
      );
      const progress: ExportProgress[] = [];
      await exportJournalToParquet({
        entries,
        outDir: work,
        rowsPerFile: 15_000,
        onProgress: (step) => progress.push(step),
      });
      expect(progress).toEqual([
        { rows: 10_000, files: 0 },
        { rows: 15_000, files: 1 },
        { rows: 20_000, files: 1 },
        { rows: 25_000, files: 2 },
        { rows: 25_000, files: 3 },
      ]);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});
