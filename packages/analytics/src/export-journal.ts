import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JournalEntry } from '@wallet/core';
import { encodeJournalParquet } from './journal-parquet.js';

/**
 * What {@link exportJournalToParquet} reads and where it writes.
 *
 * @example
 * const options: ExportJournalOptions = { entries: readJournals(ledger, accountIds), outDir: './journal' };
 */
export interface ExportJournalOptions {
  /** The entries to export, in any order: an array, or a stream such as `readJournals(...)`. */
  entries: Iterable<JournalEntry> | AsyncIterable<JournalEntry>;
  /** The table's root: files go to `outDir/dt=YYYY-MM-DD/`. Created when missing. */
  outDir: string;
  /** Rows per file at most; a day with more gets several files. Default 100,000. */
  rowsPerFile?: number;
  /**
   * Names this export's files (`part-<runId>-<n>.parquet`), so exports into one table never
   * overwrite each other. Default: 8 random hex digits.
   */
  runId?: string;
  /**
   * Hears how far the export got: after every 10,000 entries read and after each file
   * written. For a progress display; the export does not wait for it.
   */
  onProgress?: (progress: ExportProgress) => void;
}

/**
 * How far an export got.
 *
 * @example
 * const onProgress = ({ rows, files }: ExportProgress) => console.error(`${rows} entries, ${files} files`);
 */
export interface ExportProgress {
  /** Entries read so far. */
  rows: number;
  /** Files written so far. */
  files: number;
}

/** Entries between two progress reports while reading. */
const PROGRESS_EVERY = 10_000;

/**
 * One file an export wrote.
 *
 * @example
 * const file: ExportedFile = { path: 'journal/dt=2026-11-27/part-1a2b3c4d-00000.parquet', date: '2026-11-27', rows: 812 };
 */
export interface ExportedFile {
  /** Where the file is: `outDir/dt=<date>/part-<runId>-<n>.parquet`, joined onto `outDir`. */
  path: string;
  /** The partition: the UTC date of `txTime` of every row in it. */
  date: string;
  /** How many entries the file holds. */
  rows: number;
}

/**
 * What an export wrote.
 *
 * @example
 * const { rows, files } = await exportJournalToParquet({ entries, outDir });
 */
export interface ExportJournalResult {
  /** How many entries were read and written, across all files. */
  rows: number;
  /** In path order. */
  files: ExportedFile[];
}

/**
 * Writes journal entries to Parquet files partitioned by the UTC date of `txTime`
 * (`outDir/dt=YYYY-MM-DD/part-<runId>-<n>.parquet`), the layout the Glue table of
 * `JOURNAL_GLUE_COLUMNS` (partition `dt`) reads. Amounts are DECIMAL(38,18) built from their
 * digits, never from floats. Entries are buffered per day and written `rowsPerFile` at a time,
 * so memory stays bounded by the number of days the input is spread over. Files are created
 * exclusively: an existing file is never overwritten.
 *
 * @throws {RangeError} when an entry cannot be stored exactly (see `encodeJournalParquet`)
 * @example
 * import { exportJournalToParquet, readJournals } from '@wallet/analytics';
 * const result = await exportJournalToParquet({
 *   entries: readJournals(ledger, ['player-1', 'player-2']),
 *   outDir: './journal',
 * });
 * console.log(result.rows, result.files.map((file) => file.path));
 */
export async function exportJournalToParquet(
  options: ExportJournalOptions,
): Promise<ExportJournalResult> {
  const rowsPerFile = options.rowsPerFile ?? 100_000;
  if (!Number.isInteger(rowsPerFile) || rowsPerFile < 1) {
    throw new RangeError('rowsPerFile must be a positive integer');
  }
  const runId = options.runId ?? randomUUID().slice(0, 8);
  const pending = new Map<string, JournalEntry[]>();
  const files: ExportedFile[] = [];
  let rows = 0;

  async function flush(date: string, entries: JournalEntry[]): Promise<void> {
    const directory = join(options.outDir, `dt=${date}`);
    await mkdir(directory, { recursive: true });
    const path = join(directory, `part-${runId}-${String(files.length).padStart(5, '0')}.parquet`);
    files.push({ path, date, rows: entries.length });
    await writeFile(path, encodeJournalParquet(entries), { flag: 'wx' });
    options.onProgress?.({ rows, files: files.length });
  }

  for await (const entry of options.entries) {
    // txTime is ISO 8601 UTC, so its first ten characters are the UTC date; the encoder
    // refuses any txTime that is not.
    const date = entry.txTime.slice(0, 10);
    let day = pending.get(date);
    if (day === undefined) {
      day = [];
      pending.set(date, day);
    }
    day.push(entry);
    rows++;
    if (rows % PROGRESS_EVERY === 0) options.onProgress?.({ rows, files: files.length });
    if (day.length >= rowsPerFile) {
      pending.delete(date);
      await flush(date, day);
    }
  }
  for (const [date, day] of [...pending].sort(([a], [b]) => a.localeCompare(b))) {
    await flush(date, day);
  }
  files.sort((a, b) => a.path.localeCompare(b.path));
  return { rows, files };
}
