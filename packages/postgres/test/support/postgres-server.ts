import { randomUUID } from 'node:crypto';
import type { JournalEntry } from '@wallet/core';
import type { TamperHooks } from '@wallet/testing';
import pg from 'pg';
import type { QueryableLike } from '../../src/client.js';
import {
  ENTRY_COLUMNS,
  ENTRY_INSERT_COLUMNS,
  ENTRY_RECORDSET_COLUMNS,
  entryFromRow,
  entryToRecord,
} from '../../src/journal-rows.js';
import { WALLET_COLUMNS, walletFromRow } from '../../src/snapshot-rows.js';

/** The test server: `WALLET_TEST_PG_URL`, else the local PostgreSQL with trust auth. */
export const SERVER_URL =
  process.env.WALLET_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Fails with a clear message when the test server does not answer: the PostgreSQL tests are
 * part of the suite, so a missing server is a failure, never a skip.
 */
export async function requireServer(): Promise<void> {
  const client = new pg.Client({ connectionString: SERVER_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.end();
  } catch (error) {
    throw new Error(`these tests need PostgreSQL at ${SERVER_URL} (set WALLET_TEST_PG_URL)`, {
      cause: error,
    });
  }
}

/** A pool on the test server. Connection errors of idle clients are expected in fault tests. */
export function testPool(max = 20): pg.Pool {
  const pool = new pg.Pool({ connectionString: SERVER_URL, max });
  pool.on('error', () => {});
  return pool;
}

/** A schema name no other run uses. */
export function uniqueSchema(label: string): string {
  return `wallet_test_${label}_${randomUUID().replaceAll('-', '').slice(0, 10)}`;
}

/** Drops a test schema and everything in it. */
export async function dropSchema(client: QueryableLike, schema: string): Promise<void> {
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

/**
 * Tamper hooks that rewrite a wallet's journal with plain SQL behind the ledger's back: the
 * rows are read, edited, deleted and inserted again as edited.
 */
export function sqlTamperHooks(
  client: QueryableLike & { transaction?: unknown },
  schema: string,
): TamperHooks {
  const s = `"${schema}"`;
  return {
    async rewriteJournal(accountId, edit) {
      const { rows } = await client.query(
        `SELECT ${ENTRY_COLUMNS} FROM ${s}.journal_entries WHERE account_id = $1 ORDER BY sequence`,
        [accountId],
      );
      const edited: JournalEntry[] = edit((rows as Record<string, unknown>[]).map(entryFromRow));
      await client.query(`DELETE FROM ${s}.journal_entries WHERE account_id = $1`, [accountId]);
      // Reordered entries keep their sequence numbers; the sequence is what a reader sorts by.
      await client.query(
        `INSERT INTO ${s}.journal_entries (${ENTRY_INSERT_COLUMNS})
          SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(${ENTRY_RECORDSET_COLUMNS})`,
        [JSON.stringify(edited.map(entryToRecord))],
      );
    },
    async rewriteWallet(accountId, edit) {
      const { rows } = await client.query(
        `SELECT ${WALLET_COLUMNS} FROM ${s}.wallets WHERE account_id = $1`,
        [accountId],
      );
      if (rows[0] === undefined) return;
      const edited = edit(walletFromRow(rows[0] as never));
      const currencies = Object.keys(edited.balances);
      await client.query(
        `UPDATE ${s}.wallets SET sequence = $2, head_hash = $3, currencies = $4, balances = $5::numeric[]
          WHERE account_id = $1`,
        [
          accountId,
          edited.sequence,
          edited.headHash,
          currencies,
          currencies.map((c) => edited.balances[c]),
        ],
      );
    },
  };
}
