import type { QldbDriverLike } from './driver.js';

/** The tables of a wallet ledger, each with the field its equality index is on. */
export const LEDGER_TABLES = [
  { name: 'Wallets', index: 'accountId' },
  { name: 'JournalEntries', index: 'accountId' },
  { name: 'IdempotencyKeys', index: 'idempotencyKey' },
] as const;

/**
 * Creates the wallet tables and their indexes where missing: `Wallets` and `JournalEntries`
 * indexed on `accountId`, `IdempotencyKeys` on `idempotencyKey`. Safe to run again, also after
 * an interrupted run. Every statement runs in its own transaction, as QLDB wants DDL alone.
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
    if (!indexes?.has(`[${table.index}]`)) {
      await driver.executeLambda((txn) =>
        txn.execute(`CREATE INDEX ON ${table.name} (${table.index})`),
      );
    }
  }
}
