import type { Database } from './database.js';
import { isoText } from './iso-text.js';

/**
 * One versioned step of the schema. Statements run one by one (PGlite's `query` takes a single
 * statement) inside one transaction, so a step is applied entirely or not at all.
 */
export interface Migration {
  /** 1, 2, 3, ...: applied in this order, each once per schema. */
  version: number;
  /** What the step does, recorded beside its version. */
  name: string;
  /** The SQL of the step for a schema, given as a quoted identifier. */
  statements(schema: string): string[];
}

/**
 * Every migration of the ledger schema, oldest first. Append only: a released step never
 * changes, a later one alters what it made.
 *
 * @example
 * const latest = MIGRATIONS[MIGRATIONS.length - 1]!.version;
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'wallets, balances, journal, idempotency keys',
    statements: (s) => [
      // "C" collation: the lock order (ORDER BY account_id) is plain byte order everywhere.
      // Balances live in the wallet row, as numeric beside their currency codes: the row a
      // transaction locks is the row it reads and writes, so a withdrawal writes three rows
      // (wallet, entry, key) and the locking read returns the balances as they were committed.
      `CREATE TABLE ${s}.wallets (
        account_id text COLLATE "C" PRIMARY KEY,
        version bigint NOT NULL CHECK (version >= 0),
        sequence bigint NOT NULL CHECK (sequence >= 0),
        head_hash text NOT NULL,
        currencies text[] NOT NULL,
        balances numeric[] NOT NULL
          CHECK (cardinality(balances) = cardinality(currencies)),
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        metadata jsonb
      )`,
      // No foreign key to wallets: putEntries may import the history of wallets kept elsewhere.
      `CREATE TABLE ${s}.journal_entries (
        account_id text COLLATE "C" NOT NULL,
        sequence bigint NOT NULL CHECK (sequence > 0),
        transaction_id text NOT NULL,
        type text NOT NULL CHECK (type IN
          ('CREDIT', 'DEBIT', 'TRANSFER_IN', 'TRANSFER_OUT', 'EXCHANGE_IN', 'EXCHANGE_OUT')),
        currency text NOT NULL,
        amount numeric NOT NULL CHECK (amount > 0),
        balance_before numeric NOT NULL,
        balance_after numeric NOT NULL,
        tx_time timestamptz NOT NULL,
        idempotency_key text,
        counterparty text,
        metadata jsonb,
        prev_hash text NOT NULL,
        hash text NOT NULL,
        PRIMARY KEY (account_id, sequence)
      )`,
      `CREATE INDEX journal_entries_by_currency
        ON ${s}.journal_entries (account_id, currency, sequence)`,
      `CREATE TABLE ${s}.idempotency_keys (
        key text PRIMARY KEY,
        fingerprint text NOT NULL,
        transaction_id text NOT NULL,
        result jsonb NOT NULL,
        created_at timestamptz NOT NULL
      )`,
      // For support queries: a wallet as the JSON of a WalletRecord, amounts as text.
      `CREATE VIEW ${s}.wallet_documents AS
        SELECT w.account_id, jsonb_build_object(
          'accountId', w.account_id,
          'version', w.version,
          'sequence', w.sequence,
          'headHash', w.head_hash,
          'createdAt', ${isoText('w.created_at')},
          'updatedAt', ${isoText('w.updated_at')},
          'metadata', w.metadata,
          'balances', (SELECT COALESCE(jsonb_object_agg(c.currency, c.balance::text), '{}'::jsonb)
            FROM unnest(w.currencies, w.balances) AS c(currency, balance))) AS document
        FROM ${s}.wallets w`,
    ],
  },
  {
    version: 2,
    name: 'no CHECK constraints on wallets and journal entries',
    // PostgreSQL reads and plans a table's CHECK expressions again for every statement that
    // writes it; these six cost about a tenth of the server's work per withdrawal. They only
    // repeated rules core enforces before anything is written, and a journal row changed by
    // hand is caught by the hash chain (verify) whatever it holds.
    statements: (s) => [
      `ALTER TABLE ${s}.wallets
        DROP CONSTRAINT IF EXISTS wallets_version_check,
        DROP CONSTRAINT IF EXISTS wallets_sequence_check,
        DROP CONSTRAINT IF EXISTS wallets_check`,
      `ALTER TABLE ${s}.journal_entries
        DROP CONSTRAINT IF EXISTS journal_entries_sequence_check,
        DROP CONSTRAINT IF EXISTS journal_entries_type_check,
        DROP CONSTRAINT IF EXISTS journal_entries_amount_check`,
    ],
  },
  {
    version: 3,
    name: 'idempotency keys scoped per wallet',
    // Keys used to be global; core now files each under the wallet the operation debits (for a
    // credit, the wallet credited): `<accountId> <key>` (core's scopedIdempotencyKey, with no
    // namespace). Every stored result names that wallet: `from.accountId` for a transfer,
    // `accountId` for the others. Rewritten in place, a retry of a call made before the upgrade
    // still finds its key and replays.
    statements: (s) => [
      `UPDATE ${s}.idempotency_keys
        SET key = COALESCE(result->'from'->>'accountId', result->>'accountId') || ' ' || key
        WHERE COALESCE(result->'from'->>'accountId', result->>'accountId') IS NOT NULL`,
    ],
  },
  {
    version: 4,
    name: 'holds, ledger records, reversal and hold fields, transaction and expiry indexes',
    // Every new column is nullable without a default, so adding it rewrites no table, and rows
    // written before read as they did: a wallet without holds (NULL), an entry without the
    // fields of the new types. The two indexes are built inside this step's transaction, which
    // holds off writes to their tables while they build; IF NOT EXISTS lets an operator build
    // them beforehand with CREATE INDEX CONCURRENTLY under the same names (docs/postgres.md).
    statements: (s) => [
      // `holds` is the wallet's active holds as the JSON array core writes (NULL for none);
      // `next_hold_expiry` the earliest of their expiries, written with them, so that wallets
      // with expired holds are found through a small partial index, not by reading every row.
      `ALTER TABLE ${s}.wallets
        ADD COLUMN holds jsonb,
        ADD COLUMN next_hold_expiry timestamptz`,
      `CREATE INDEX IF NOT EXISTS wallets_by_next_hold_expiry ON ${s}.wallets (next_hold_expiry)
        WHERE next_hold_expiry IS NOT NULL`,
      // The fields only some entry types carry (core's ENTRY_TYPE_FIELDS): NULL on the others.
      `ALTER TABLE ${s}.journal_entries
        ADD COLUMN reverses text,
        ADD COLUMN reason text,
        ADD COLUMN hold_id text`,
      `CREATE INDEX IF NOT EXISTS journal_entries_by_transaction
        ON ${s}.journal_entries (transaction_id)`,
      // Small versioned documents beside the wallets (`hold:<id>`, `reversals:<transaction>`).
      `CREATE TABLE ${s}.records (
        key text COLLATE "C" PRIMARY KEY,
        version bigint NOT NULL,
        data jsonb NOT NULL
      )`,
      // The same view, its document now with the wallet's holds.
      `CREATE OR REPLACE VIEW ${s}.wallet_documents AS
        SELECT w.account_id, jsonb_build_object(
          'accountId', w.account_id,
          'version', w.version,
          'sequence', w.sequence,
          'headHash', w.head_hash,
          'createdAt', ${isoText('w.created_at')},
          'updatedAt', ${isoText('w.updated_at')},
          'metadata', w.metadata,
          'balances', (SELECT COALESCE(jsonb_object_agg(c.currency, c.balance::text), '{}'::jsonb)
            FROM unnest(w.currencies, w.balances) AS c(currency, balance)),
          'holds', COALESCE(w.holds, '[]'::jsonb)) AS document
        FROM ${s}.wallets w`,
    ],
  },
  {
    version: 5,
    name: 'ledger records stored uncompressed (digests)',
    // A digest keeps its tree as records of up to 256 leaves (~30 KB of JSON of hashes each),
    // which PostgreSQL tries to compress, fails to, and stores as they are: the attempt was
    // two thirds of a digest's database time. Small records (holds, reversals) never reach
    // the compression threshold, so nothing else changes. Applies to rows written from now on.
    statements: (s) => [`ALTER TABLE ${s}.records ALTER COLUMN data SET STORAGE EXTERNAL`],
  },
];

/** Any constant shared by every process that migrates; the schema name is the second key. */
const MIGRATION_LOCK_CLASS = 0x77616c6c; // "wall"

/**
 * Applies every migration the schema lacks, each in its own transaction under a transaction
 * advisory lock on the schema, so two processes starting at once apply each step once (the
 * second waits, then finds it applied). Running it again is a no-op.
 *
 * @example
 * await migrateSchema(openDatabase(pool), 'wallet', '"wallet"');
 */
export async function migrateSchema(
  database: Database,
  schemaName: string,
  schema: string,
  onProgress?: (progress: MigrationProgress) => void,
): Promise<void> {
  for (const [index, migration] of MIGRATIONS.entries()) {
    let applied = false;
    await database.transaction(async (session) => {
      await session.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
        MIGRATION_LOCK_CLASS,
        schemaName,
      ]);
      // Checked first: CREATE SCHEMA IF NOT EXISTS needs CREATE on the database even when the
      // schema exists, which an application role often lacks.
      const present = await session.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [
        schemaName,
      ]);
      if (present.length === 0) await session.query(`CREATE SCHEMA ${schema}`);
      await session.query(
        `CREATE TABLE IF NOT EXISTS ${schema}.schema_migrations (
          version integer PRIMARY KEY,
          name text NOT NULL,
          applied_at timestamptz NOT NULL DEFAULT now()
        )`,
      );
      const done = await session.query(
        `SELECT 1 FROM ${schema}.schema_migrations WHERE version = $1`,
        [migration.version],
      );
      if (done.length > 0) return;
      for (const statement of migration.statements(schema)) await session.query(statement);
      await session.query(
        `INSERT INTO ${schema}.schema_migrations (version, name) VALUES ($1, $2)`,
        [migration.version, migration.name],
      );
      applied = true;
    });
    onProgress?.({
      version: migration.version,
      name: migration.name,
      applied,
      done: index + 1,
      total: MIGRATIONS.length,
    });
  }
}

/**
 * One step of `migrate()`: a migration found already applied, or applied now.
 *
 * @example
 * await ledger.migrate({ onProgress: (p) => console.log(`${p.done}/${p.total} ${p.name}`) });
 */
export interface MigrationProgress {
  /** The migration's number, from 1. */
  version: number;
  /** What the migration creates, e.g. `wallets, balances, journal, idempotency keys`. */
  name: string;
  /** True when this call applied it; false when the schema already had it. */
  applied: boolean;
  /** Migrations checked so far, this one included. */
  done: number;
  /** How many migrations this release has. */
  total: number;
}
