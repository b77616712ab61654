import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CurrencyConfig, createWalletService, type LedgerStore } from '@wallet/core';
import { afterEach } from 'vitest';
import {
  directorySource,
  type ExportFormat,
  type ImportQldbExportOptions,
  importQldbExport,
} from '../../src/index.js';
import {
  buildBlocks,
  exportObjects,
  SAMPLE_CHANGES,
  type WalletChange,
  writeObjects,
} from './export-fixture.js';

/** The currency the import tests read the sample's balances in. */
export const COINS: CurrencyConfig[] = [{ code: 'COINS', scale: 2 }];

const directories: string[] = [];

afterEach(async () => {
  await Promise.all(directories.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/**
 * Writes an export of the changes to a temporary directory (removed after the test); `edit`
 * may change its objects first (corrupt a block, drop a manifest).
 */
export async function exportDirectory(
  changes: WalletChange[] = SAMPLE_CHANGES,
  format: ExportFormat = 'ION_TEXT',
  edit?: (objects: Map<string, Uint8Array>) => void,
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'qldb-import-'));
  directories.push(dir);
  const objects = exportObjects(buildBlocks(changes), format);
  edit?.(objects);
  await writeObjects(dir, objects);
  return dir;
}

/** Imports the export in `dir` into the ledger, in COINS unless the options say otherwise. */
export function importInto(
  ledger: LedgerStore,
  dir: string,
  options: Partial<ImportQldbExportOptions> = {},
) {
  return importQldbExport({ source: directorySource(dir), ledger, currencies: COINS, ...options });
}

/** A service on the ledger, to read what the import wrote. */
export function serviceOn(ledger: LedgerStore, currencies: CurrencyConfig[] = COINS) {
  return createWalletService({ ledger, currencies });
}

/** A wallet's entries, oldest first. */
export async function entriesOf(ledger: LedgerStore, accountId: string) {
  const page = await serviceOn(ledger).getTransactionHistory({
    accountId,
    limit: 1000,
    order: 'asc',
  });
  return page.items;
}

/** A wallet's COINS balance. */
export async function balanceOf(ledger: LedgerStore, accountId: string) {
  return (await serviceOn(ledger).getFunds({ accountId })).balances.COINS;
}

/** Changes of one document: version 0 at balance 0, then each balance. */
export function documentChanges(
  documentId: string,
  accountId: WalletChange['accountId'],
  balances: string[],
): WalletChange[] {
  return ['0', ...balances].map((balance) => ({ documentId, accountId, balance }));
}
