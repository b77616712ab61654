import { createPostgresLedger, type PostgresClient, type QueryableLike } from '@wallet/postgres';
import { type ExportJournalResult, exportJournalToParquet } from './export-journal.js';
import { readJournals } from './journal-source.js';

/**
 * A PostgreSQL connection as the `wallet-export` command opens it: a PGlite instance, or a
 * `pg.Pool` (whose `query` lists the wallets and whose connections serve the ledger).
 *
 * @example
 * const client: ExportClient = new PGlite('./wallet-data');
 */
export type ExportClient = PostgresClient & QueryableLike;

/**
 * Options of {@link exportPostgresJournal}.
 *
 * @example
 * const options: PostgresExportOptions = { client: pool, outDir: './journal' };
 */
export interface PostgresExportOptions {
  client: ExportClient;
  outDir: string;
  /** The ledger's schema. Default `wallet`, as `createPostgresLedger`'s. */
  schema?: string;
  runId?: string;
}

/**
 * Exports the journal of every wallet of a `@wallet/postgres` ledger to Parquet: the wallets
 * are listed from the ledger's `wallets` table (the ledger API has no listing), and their
 * entries are read through the ledger itself, so they arrive exactly as the ledger serves them.
 *
 * @example
 * const result = await exportPostgresJournal({ client: new PGlite('./wallet-data'), outDir: './journal' });
 */
export async function exportPostgresJournal(
  options: PostgresExportOptions,
): Promise<ExportJournalResult> {
  const schema = options.schema ?? 'wallet';
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) {
    throw new RangeError('schema must be a lowercase SQL identifier');
  }
  const ledger = createPostgresLedger({ client: options.client, schema });
  const { rows } = await options.client.query(
    `SELECT account_id FROM ${schema}.wallets ORDER BY account_id`,
  );
  const accountIds = (rows as { account_id: string }[]).map((row) => row.account_id);
  return exportJournalToParquet({
    entries: readJournals(ledger, accountIds),
    outDir: options.outDir,
    ...(options.runId === undefined ? {} : { runId: options.runId }),
  });
}
