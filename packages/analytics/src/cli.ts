#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { type ExportClient, exportPostgresJournal } from './postgres-export.js';

const USAGE = `usage: wallet-export --out <dir> [--pglite <data dir>] [--schema wallet] [--run-id <id>]

Exports every wallet's journal from a @wallet/postgres ledger to Parquet files under
<dir>/dt=YYYY-MM-DD/. The ledger is the PostgreSQL database of DATABASE_URL, or the PGlite
data directory given with --pglite.`;

type ClosableClient = ExportClient & { close?(): Promise<void>; end?(): Promise<void> };

/** `pg` is loaded by a computed name so that it stays an optional install of this command. */
interface PgModule {
  default: { Pool: new (config: { connectionString: string }) => ClosableClient };
}

async function openLedgerDatabase(pgliteDir: string | undefined): Promise<ClosableClient> {
  if (pgliteDir !== undefined) {
    const { PGlite } = await import('@electric-sql/pglite');
    return PGlite.create(pgliteDir);
  }
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('set DATABASE_URL or pass --pglite <dir>');
  const pgName = 'pg';
  const pg = (await import(pgName)) as PgModule;
  return new pg.default.Pool({ connectionString: url });
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      pglite: { type: 'string' },
      schema: { type: 'string' },
      'run-id': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help || values.out === undefined) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const client = await openLedgerDatabase(values.pglite);
  try {
    const result = await exportPostgresJournal({
      client,
      outDir: values.out,
      ...(values.schema === undefined ? {} : { schema: values.schema }),
      ...(values['run-id'] === undefined ? {} : { runId: values['run-id'] }),
    });
    for (const file of result.files) console.log(`${file.path}\t${file.rows}`);
    console.error(`exported ${result.rows} entries in ${result.files.length} files`);
    return 0;
  } finally {
    await (client.end ?? client.close)?.call(client);
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`wallet-export: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
