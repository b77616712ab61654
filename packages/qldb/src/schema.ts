import type { QldbDriverLike } from './driver.js';

/**
 * The tables of a wallet ledger, each with the top-level fields its equality indexes are on
 * (QLDB allows 5 indexes per table and uses them only for `=` and `IN`):
 * - `Wallets` on `accountId` (every wallet read) and `hasHolds` (the wallets holding funds,
 *   for `listWalletsWithExpiredHolds`);
 * - `JournalEntries` on `accountId` (history) and `transactionId` (`queryTransaction`);
 * - `IdempotencyKeys` on `idempotencyKey`;
 * - `Records` on `recordKey` (ledger records: holds, reversals of a transaction).
 */
export const LEDGER_TABLES = [
  {
    /** The wallet records. */
    name: 'Wallets',
    /** Every wallet read; the wallets holding funds. */
    indexes: ['accountId', 'hasHolds'],
  },
  {
    /** The journal entries. */
    name: 'JournalEntries',
    /** A wallet's history; a transaction's entries. */
    indexes: ['accountId', 'transactionId'],
  },
  {
    /** The committed idempotency keys. */
    name: 'IdempotencyKeys',
    /** A key's record. */
    indexes: ['idempotencyKey'],
  },
  {
    /** The ledger records: holds, reversals of a transaction. */
    name: 'Records',
    /** A record by its key. */
    indexes: ['recordKey'],
  },
] as const;

/**
 * Creates the wallet tables and their indexes where missing (see {@link LEDGER_TABLES}). Safe
 * to run again, also after an interrupted run, and on a ledger an earlier version created: it
 * adds only what is missing (QLDB builds an index on a non-empty table in the background; its
 * `status` in `information_schema.user_tables` is `ONLINE` once built). Every statement runs
 * in its own transaction, as QLDB wants DDL alone.
 *
 * @example
 * await createSchema(new QldbDriver('wallet-ledger'));
 */
export async function createSchema(driver: QldbDriverLike): Promise<void> {
  const existing = await driver.executeLambda(async (txn) => {
    const statement =
      "SELECT name, indexes FROM information_schema.user_tables WHERE status = 'ACTIVE'";
    const indexes = new Map<string, Set<string>>();
    for (const row of (await txn.execute(statement)).getResultList()) {
      const exprs = (row.get('indexes')?.elements() ?? []).map((index) =>
        index.get('expr')?.stringValue(),
      );
      indexes.set(
        row.get('name')?.stringValue() ?? '',
        new Set(exprs.filter((e) => e !== null && e !== undefined)),
      );
    }
    return indexes;
  });
  for (const table of LEDGER_TABLES) {
    const indexes = existing.get(table.name);
    if (!indexes) await driver.executeLambda((txn) => txn.execute(`CREATE TABLE ${table.name}`));
    for (const field of table.indexes) {
      if (indexes?.has(`[${field}]`)) continue;
      await driver.executeLambda((txn) => txn.execute(`CREATE INDEX ON ${table.name} (${field})`));
    }
  }
}
