import { constants } from 'node:fs';
import { access, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ACCOUNT_ID_PATTERN, type CurrencyConfig, type LedgerStore } from '@wallet/core';
import {
  type AccountIdRule,
  defaultAccountIdRule,
  directorySource,
  type ExportSource,
  type ImportProgress,
  type ImportReport,
  type IonJson,
  importQldbExport,
  QldbExportError,
  s3Source,
} from '@wallet/qldb-export';
import { type ConnectionOptions, connect, namedLedger } from './connection.js';
import type { WalletIo } from './program.js';
import { count, Progress } from './progress.js';
import { table } from './table.js';
import { counted, oneLine, terminalSafe } from './text.js';
import { UsageError } from './usage-error.js';

/** Cases of each kind the summary lists; the report (`--json`, `--report`) holds every one. */
const LISTED = 5;

/**
 * What `wallet import-qldb-export` was asked, its options and the global ones resolved.
 *
 * @example
 * const command: ImportCommand = {
 *   location: './export', currencies: [{ code: 'COINS', scale: 2 }], dryRun: false, json: false,
 *   connection: { dataDir: '.wallet-data' },
 * };
 */
export interface ImportCommand {
  /** A directory, or `s3://bucket/prefix`. */
  location: string;
  /** The currencies of the service (`--currencies`, `WALLET_CURRENCIES`). */
  currencies: CurrencyConfig[];
  /** `--currency`: the one the sample's balances are in; the first of `currencies` when absent. */
  currency?: string;
  /** `--table`: the sample's QLDB table, `Wallet` when absent. */
  table?: string;
  /** `--account-map`: a JSON file of original account ids to wallet ids. */
  accountMap?: string;
  /** `--dry-run`: import into memory, write nothing. */
  dryRun: boolean;
  /** `--report`: where to write the whole report as JSON. */
  report?: string;
  /** `--json`: the report on standard output instead of the summary. */
  json: boolean;
  /** Which ledger to import into. */
  connection: ConnectionOptions;
}

/**
 * Runs `wallet import-qldb-export`: checks the command line (the location, the currency, the
 * account map, where the report goes) before anything is opened, imports with progress on
 * standard error, writes the report file, prints the summary (or the report as JSON) and
 * resolves to the exit status: 0 only when the report says `reconciled` (every wallet holds the
 * export's balance and verifies, no money left in a document without a wallet).
 * A broken or unreadable export is one error line naming its code, block and object, and
 * status 1.
 *
 * It is its own module, loaded only by this command, so the other commands start without Ion
 * and the export reader.
 *
 * @throws {UsageError} for a command line it cannot act on, before the ledger is opened
 * @throws {WalletError} when the ledger fails (run the command again: the import resumes)
 * @example
 * process.exitCode = await runImportCommand(command, { stdout: process.stdout, stderr: process.stderr, env: process.env });
 */
export async function runImportCommand(command: ImportCommand, io: WalletIo): Promise<number> {
  const open = await exportLocation(command.location);
  const codes = command.currencies.map((currency) => currency.code);
  if (command.currency !== undefined && !codes.includes(command.currency)) {
    throw new UsageError(
      `--currency ${command.currency} is not one of the currencies (${codes.join(', ')}); ` +
        'add it with --currencies or WALLET_CURRENCIES',
    );
  }
  const accountIds =
    command.accountMap === undefined ? undefined : await readAccountMap(command.accountMap);
  if (command.report !== undefined) await checkWritable(command.report);
  // A dry run imports into memory: a ledger may be named (two may not), but is not opened.
  if (command.dryRun) {
    namedLedger(command.connection, io.env);
    return withSource(open, (source) => importInto(undefined, command, io, source, accountIds));
  }
  const connection = await connect(command.connection, io.env);
  try {
    return await withSource(open, (source) =>
      importInto(connection.ledger, command, io, source, accountIds),
    );
  } finally {
    await connection.close();
  }
}

/** An export source, open while `use` runs. */
interface OpenSource {
  source: ExportSource;
  close(): void;
}

async function withSource(
  open: () => Promise<OpenSource>,
  use: (source: ExportSource) => Promise<number>,
): Promise<number> {
  const { source, close } = await open();
  try {
    return await use(source);
  } finally {
    close();
  }
}

async function importInto(
  ledger: LedgerStore | undefined,
  command: ImportCommand,
  io: WalletIo,
  source: ExportSource,
  accountIds: AccountIdRule | undefined,
): Promise<number> {
  const progress = importProgress(io, command.dryRun);
  let report: ImportReport;
  try {
    report = await importQldbExport({
      source,
      ...(ledger === undefined ? {} : { ledger }),
      currencies: command.currencies,
      ...(command.currency === undefined ? {} : { currency: command.currency }),
      ...(command.table === undefined ? {} : { table: command.table }),
      ...(accountIds === undefined ? {} : { accountIds }),
      dryRun: command.dryRun,
      onProgress: progress.update,
    });
  } catch (error) {
    progress.fail();
    if (!(error instanceof QldbExportError)) throw error;
    io.stderr.write(`wallet: ${error.code}: ${oneLine(exportErrorText(error))}\n`);
    return 1;
  }
  progress.done();
  // Written whatever the outcome: an import that did not reconcile is the one to keep a record of.
  if (command.report !== undefined) {
    await writeFile(command.report, `${terminalSafe(JSON.stringify(report, null, 2))}\n`);
  }
  io.stdout.write(
    command.json
      ? `${JSON.stringify(report, null, 2)}\n`
      : `${summary(report, source.description, command.report)}\n`,
  );
  return report.reconciled ? 0 : 1;
}

/**
 * Where the export is, checked now; the source itself is opened once the ledger is, so no S3
 * client is built for a command line that fails. `@aws-sdk/client-s3` is loaded only for an
 * `s3://` location.
 */
async function exportLocation(location: string): Promise<() => Promise<OpenSource>> {
  if (location.startsWith('s3://')) {
    const path = location.slice('s3://'.length);
    const slash = path.indexOf('/');
    const bucket = slash < 0 ? path : path.slice(0, slash);
    const prefix = slash < 0 ? '' : path.slice(slash + 1);
    if (bucket === '') throw new UsageError(`${location} names no bucket: s3://bucket/prefix`);
    return async () => {
      const { S3Client } = await import('@aws-sdk/client-s3');
      const client = new S3Client({});
      return { source: s3Source({ client, bucket, prefix }), close: () => client.destroy() };
    };
  }
  const found = await stat(location).catch(() => undefined);
  if (!found?.isDirectory()) {
    throw new UsageError(`${location} is not a directory (give a directory or s3://bucket/prefix)`);
  }
  return async () => ({ source: directorySource(location), close: () => {} });
}

/**
 * Reads `--account-map`: a JSON object from an original account id's text (a string id as it
 * is; any other value as its compact JSON, `123` or `[1,2]`) to the wallet id to use. Every
 * wallet id is checked now (one the SDK refuses, or one given twice), so a wrong map stops the
 * command before anything is written; ids the map does not list follow the default rule.
 */
async function readAccountMap(path: string): Promise<AccountIdRule> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read --account-map ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(`--account-map ${path} is not JSON`, 'VALIDATION_ERROR');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(
      `--account-map ${path} must be a JSON object of original account ids to wallet ids`,
      'VALIDATION_ERROR',
    );
  }
  // A Map, so an original id such as `constructor` or `__proto__` is looked up as data.
  const map = new Map<string, string>();
  const mappedFrom = new Map<string, string>();
  for (const [original, walletId] of Object.entries(value)) {
    if (typeof walletId !== 'string' || !ACCOUNT_ID_PATTERN.test(walletId)) {
      throw new UsageError(
        `--account-map ${path}: ${JSON.stringify(original)} maps to ${JSON.stringify(walletId)}, ` +
          'not a wallet id (1 to 128 of A-Z a-z 0-9 . _ : @ -, starting with a letter or digit)',
        'VALIDATION_ERROR',
      );
    }
    // The import refuses a second original under a wallet id (it would get the first's money):
    // a map that asks for it is wrong before any revision is read.
    const other = mappedFrom.get(walletId);
    if (other !== undefined) {
      throw new UsageError(
        `--account-map ${path}: ${JSON.stringify(other)} and ${JSON.stringify(original)} both ` +
          `map to ${JSON.stringify(walletId)}; each original id needs a wallet of its own`,
        'VALIDATION_ERROR',
      );
    }
    mappedFrom.set(walletId, original);
    map.set(original, walletId);
  }
  return (original) =>
    map.get(typeof original === 'string' ? original : plainJson(original)) ??
    defaultAccountIdRule(original);
}

/**
 * An original account id that is not a string, as the JSON an operator would write for it:
 * numbers as their text (`123`, `10.50`), lists and structs compact (`[1,2]`, `{"id":7}`),
 * timestamps and blobs as strings of their text.
 */
function plainJson(value: IonJson): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(plainJson).join(',')}]`;
  if ('$ion' in value && typeof value.$ion === 'string') {
    if ('base64' in value) return JSON.stringify(value.base64);
    if (value.$ion === 'timestamp') return JSON.stringify(value.text);
    return String(value.text);
  }
  const fields = Object.entries(value).map(([name, field]) => {
    return `${JSON.stringify(name)}:${plainJson(field as IonJson)}`;
  });
  return `{${fields.join(',')}}`;
}

/** Fails now, not after the import, when the report file cannot be written. */
async function checkWritable(path: string): Promise<void> {
  const existing = await stat(path).catch(() => undefined);
  try {
    if (existing?.isDirectory()) throw new Error('it is a directory');
    await access(existing ? path : dirname(path), constants.W_OK);
  } catch (error) {
    throw new UsageError(
      `cannot write --report ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/**
 * Progress on standard error: data objects read (with revisions and entries so far), then
 * wallets reconciled, each phase with a bar or lines of its own.
 */
function importProgress(io: WalletIo, dryRun: boolean) {
  let phase: ImportProgress['phase'] | undefined;
  let progress: Progress | undefined;
  return {
    update: (step: ImportProgress) => {
      if (step.phase !== phase) {
        progress?.done();
        phase = step.phase;
        progress =
          phase === 'read'
            ? new Progress(io.stderr, 'read', 'data objects', step.total)
            : new Progress(io.stderr, 'reconciled', 'wallets', step.total);
      }
      const entries = `${counted(step.entries, 'entry', 'entries')} ${dryRun ? 'in memory' : 'written'}`;
      progress?.update(
        step.done,
        phase === 'read' ? `${counted(step.revisions, 'revision')}, ${entries}` : undefined,
      );
    },
    done: () => progress?.done(),
    fail: () => progress?.fail(),
  };
}

/** An export error's message, with its block and object when the message does not name them. */
function exportErrorText(error: QldbExportError): string {
  const missing: string[] = [];
  const block = error.blockAddress;
  if (block !== undefined && !error.message.includes(`${block.strandId}/${block.sequenceNo}`)) {
    missing.push(`block ${block.strandId}/${block.sequenceNo}`);
  }
  if (error.key !== undefined && !error.message.includes(error.key)) {
    missing.push(`object ${error.key}`);
  }
  return missing.length === 0 ? error.message : `${error.message} (${missing.join(', ')})`;
}

/** The report as an operator reads it: counts, the first few cases of each kind, the verdict last. */
function summary(report: ImportReport, source: string, reportFile: string | undefined): string {
  const lines: string[] = [];
  if (report.dryRun) {
    lines.push('DRY RUN: nothing was written; the import ran on an in-memory ledger');
  }
  lines.push(
    `imported ${source}, table ${report.table}, balances in ${report.currency}, ` +
      `hashes verified: ${report.verified}`,
  );
  lines.push(
    table(
      ['blocks', count(report.blocks)],
      [
        ['revisions', count(report.revisions)],
        ['wallets', count(report.wallets)],
        [report.dryRun ? 'entries (not written)' : 'entries written', count(report.entries)],
        ['replayed', count(report.replayed)],
        ['rounded', count(report.rounded.length)],
        ['renamed', count(report.renamed.length)],
        ['merged', count(report.merged.length)],
        ['closed', count(report.closed.length)],
        ['refused', count(report.refused.length)],
        ['unimported', count(report.unimported.length)],
      ],
      new Set([1]),
    ),
  );
  const every =
    reportFile === undefined ? '--report FILE lists every one' : `${reportFile} lists every one`;
  const listed = <T>(title: string, items: readonly T[], line: (item: T) => string) => {
    if (items.length === 0) return;
    lines.push(`${title}:`, ...items.slice(0, LISTED).map((item) => `  ${line(item)}`));
    if (items.length > LISTED)
      lines.push(`  ... and ${count(items.length - LISTED)} more (${every})`);
  };
  listed(
    'rounded',
    report.rounded,
    (r) => `${r.accountId}  ${r.documentId} v${r.version}: ${r.from} -> ${r.to}`,
  );
  listed('renamed', report.renamed, (r) => `${originalText(r.from)} -> ${r.to}`);
  listed('merged', report.merged, (m) => `${m.accountId}: documents ${m.documentIds.join(', ')}`);
  listed(
    'closed',
    report.closed,
    (c) => `${c.accountId}  ${c.documentId} v${c.version}: deleted, ${c.balance} debited`,
  );
  listed(
    'refused',
    report.refused,
    (r) =>
      `${r.accountId ?? '(no wallet)'}  ${r.documentId} v${r.version}: ${r.code}: ${oneLine(r.reason)}`,
  );
  listed(
    'unimported',
    report.unimported,
    (u) => `${u.documentId}: ${u.balance} in no wallet (${u.code})`,
  );
  listed('not reconciled', report.unreconciled, (u) => {
    const why = u.chainOk
      ? u.problems.length > 0
        ? `; ${oneLine(u.problems[0]!)}`
        : ''
      : `; chain FAILED: ${u.problems[0] ?? 'see the report'}`;
    return `${u.accountId}: export ${u.expected}, ledger ${u.actual ?? '(no wallet)'}${why}`;
  });
  const dry = report.dryRun ? ' (dry run: nothing was written)' : '';
  if (!report.reconciled) {
    const failed = report.unreconciled.length;
    const parts: string[] = [];
    if (failed > 0) {
      parts.push(
        `${count(failed)} of ${counted(report.wallets, 'wallet')} ` +
          `${failed === 1 ? 'differs' : 'differ'} from the export: ${firstFew(report.unreconciled.map((u) => u.accountId))}`,
      );
    }
    if (report.unimported.length > 0) {
      parts.push(
        `${counted(report.unimported.length, 'document')} with money in no wallet: ${firstFew(report.unimported.map((u) => u.documentId))}`,
      );
    }
    lines.push(`NOT RECONCILED: ${parts.join('; ')}${dry}`);
  } else {
    const refused =
      report.refused.length === 0
        ? ''
        : ` (${counted(report.refused.length, 'refused revision')} changed no final balance)`;
    lines.push(
      `reconciled: all ${counted(report.wallets, 'wallet')} match the export's balances and their chains verify${refused}${dry}`,
    );
  }
  return lines.join('\n');
}

/** The first few of a list, and how many more there are. */
function firstFew(items: readonly string[]): string {
  const more = items.length - LISTED;
  return `${items.slice(0, LISTED).join(', ')}${more > 0 ? ` and ${count(more)} more` : ''}`;
}

/** An original account id as the report lists it: a string quoted, anything else as JSON. */
function originalText(original: IonJson): string {
  return typeof original === 'string' ? JSON.stringify(original) : plainJson(original);
}
