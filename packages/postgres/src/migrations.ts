import type { Database } from './database.js';

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
 * A timestamptz as ISO 8601 UTC text with milliseconds. Times are hashed as text, and
 * timestamptz keeps microseconds, so the millisecond text written comes back unchanged.
 * Written out in each query rather than as a SQL function, which the planner would parse
 * again every time it inlines it.
 */
const isoText = (column: string) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** A wallet row with its balances as the JSON of a `WalletRecord`, amounts as text. */
const walletDocument = (s: string, w: string) => `jsonb_build_object(
  'accountId', ${w}.account_id,
  'version', ${w}.version,
  'sequence', ${w}.sequence,
  'headHash', ${w}.head_hash,
  'createdAt', ${isoText(`${w}.created_at`)},
  'updatedAt', ${isoText(`${w}.updated_at`)},
  'metadata', ${w}.metadata,
  'balances', COALESCE(
    (SELECT jsonb_object_agg(b.currency, b.balance::text)
      FROM ${s}.wallet_balances b WHERE b.account_id = ${w}.account_id),
    '{}'::jsonb))`;

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
      `CREATE TABLE ${s}.wallets (
        account_id text COLLATE "C" PRIMARY KEY,
        version bigint NOT NULL CHECK (version >= 0),
        sequence bigint NOT NULL CHECK (sequence >= 0),
        head_hash text NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        metadata jsonb
      )`,
      // Balances live beside the wallet row, not in it, so they stay numeric and summable;
      // they are only written under the wallet's row lock.
      `CREATE TABLE ${s}.wallet_balances (
        account_id text COLLATE "C" NOT NULL,
        currency text NOT NULL,
        balance numeric NOT NULL,
        PRIMARY KEY (account_id, currency)
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
      `CREATE VIEW ${s}.wallet_documents AS
        SELECT w.account_id, ${walletDocument(s, 'w')} AS document FROM ${s}.wallets w`,
      // One round trip that locks and reads. The lock comes first and in account order, so
      // transfers in opposite directions cannot deadlock; the read is a second statement, so in
      // READ COMMITTED it takes a fresh snapshot that includes whatever the transactions it
      // waited for committed (wallets, balances and idempotency keys alike).
      `CREATE FUNCTION ${s}.lock_snapshot(p_account_ids text[], p_keys text[]) RETURNS jsonb
        LANGUAGE plpgsql
        AS $$
        BEGIN
          PERFORM 1 FROM ${s}.wallets
            WHERE account_id = ANY (p_account_ids) ORDER BY account_id FOR UPDATE;
          RETURN jsonb_build_object(
            'wallets', (SELECT COALESCE(jsonb_agg(${walletDocument(s, 'w')}), '[]'::jsonb)
              FROM ${s}.wallets w WHERE w.account_id = ANY (p_account_ids)),
            'keys', (SELECT COALESCE(jsonb_agg(jsonb_build_object(
                'key', k.key,
                'fingerprint', k.fingerprint,
                'transactionId', k.transaction_id,
                'result', k.result,
                'createdAt', ${isoText('k.created_at')})), '[]'::jsonb)
              FROM ${s}.idempotency_keys k WHERE k.key = ANY (p_keys)));
        END $$`,
      // One round trip that writes a decision. A PL/pgSQL function keeps its plans for the
      // session, which a parameterized statement sent by the client would not. Wallets and
      // balances are written row by row through their primary keys: joined with
      // jsonb_to_recordset (estimated at 100 rows) the planner would scan the whole table.
      `CREATE FUNCTION ${s}.apply_write(p_write jsonb) RETURNS void
        LANGUAGE plpgsql
        AS $$
        DECLARE
          w record;
          b record;
        BEGIN
          FOR w IN SELECT * FROM jsonb_to_recordset(p_write -> 'wallets') AS x(account_id text,
              expected_version bigint, version bigint, sequence bigint, head_hash text, created_at timestamptz,
              updated_at timestamptz, metadata jsonb)
          LOOP
            IF w.expected_version IS NULL THEN
              INSERT INTO ${s}.wallets
                  (account_id, version, sequence, head_hash, created_at, updated_at, metadata)
                VALUES (w.account_id, w.version, w.sequence, w.head_hash, w.created_at, w.updated_at,
                  w.metadata);
            ELSE
              UPDATE ${s}.wallets
                SET version = w.version, sequence = w.sequence, head_hash = w.head_hash,
                  created_at = w.created_at, updated_at = w.updated_at, metadata = w.metadata
                WHERE account_id = w.account_id AND version = w.expected_version;
              IF NOT FOUND THEN
                RAISE EXCEPTION 'wallet % changed after it was read', w.account_id
                  USING ERRCODE = 'serialization_failure';
              END IF;
            END IF;
          END LOOP;
          FOR b IN SELECT * FROM jsonb_to_recordset(p_write -> 'balances')
              AS x(account_id text, currency text, balance numeric)
          LOOP
            -- No other transaction writes these rows while the wallet is locked, so a plain
            -- UPDATE, then INSERT when the currency is new, is safe and cheaper than an upsert.
            IF b.balance IS NULL THEN
              DELETE FROM ${s}.wallet_balances
                WHERE account_id = b.account_id AND currency = b.currency;
            ELSE
              UPDATE ${s}.wallet_balances SET balance = b.balance
                WHERE account_id = b.account_id AND currency = b.currency;
              IF NOT FOUND THEN
                INSERT INTO ${s}.wallet_balances (account_id, currency, balance)
                  VALUES (b.account_id, b.currency, b.balance);
              END IF;
            END IF;
          END LOOP;
          INSERT INTO ${s}.journal_entries (account_id, sequence, transaction_id, type, currency,
              amount, balance_before, balance_after, tx_time, idempotency_key, counterparty,
              metadata, prev_hash, hash)
            SELECT account_id, sequence, transaction_id, type, currency, amount, balance_before,
              balance_after, tx_time, idempotency_key, counterparty, metadata, prev_hash, hash
            FROM jsonb_to_recordset(p_write -> 'entries') AS x(account_id text, sequence bigint,
              transaction_id text, type text, currency text, amount numeric,
              balance_before numeric, balance_after numeric, tx_time timestamptz,
              idempotency_key text, counterparty text, metadata jsonb, prev_hash text,
              hash text);
          INSERT INTO ${s}.idempotency_keys (key, fingerprint, transaction_id, result, created_at)
            SELECT key, fingerprint, transaction_id, result, created_at
            FROM jsonb_to_recordset(p_write -> 'keys') AS x(key text, fingerprint text,
              transaction_id text, result jsonb, created_at timestamptz);
        END $$`,
    ],
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
): Promise<void> {
  for (const migration of MIGRATIONS) {
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
      const applied = await session.query(
        `SELECT 1 FROM ${schema}.schema_migrations WHERE version = $1`,
        [migration.version],
      );
      if (applied.length > 0) return;
      for (const statement of migration.statements(schema)) await session.query(statement);
      await session.query(
        `INSERT INTO ${schema}.schema_migrations (version, name) VALUES ($1, $2)`,
        [migration.version, migration.name],
      );
    });
  }
}
