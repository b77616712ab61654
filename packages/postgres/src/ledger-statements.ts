import { ENTRY_INSERT_COLUMNS } from './journal-rows.js';
import { type PreparedStatement, preparedStatement } from './prepared-statement.js';
import { KEY_COLUMNS, RECORD_COLUMNS, WALLET_COLUMNS } from './snapshot-rows.js';

/**
 * The statements a ledger transaction runs, for one schema. Each is parsed and planned once
 * per connection: planning and analysing the same few statements again for every call was
 * about half of the server's work per withdrawal.
 *
 * @example
 * const statements = ledgerStatements('"wallet"');
 */
export interface LedgerStatements {
  /** Locks the wallet `$1` and reads it. */
  readonly lockWallet: PreparedStatement;
  /** Locks the wallets `$1` and `$2` in account order and reads them (a transfer). */
  readonly lockWalletPair: PreparedStatement;
  /**
   * Locks the wallets whose ids are in `$1` (text[]) in account order and reads them. The
   * server plans it again for each call (its generic plan cannot know the array's length),
   * which a batch of many wallets amortizes; one or two wallets use the statements above.
   */
  readonly lockWallets: PreparedStatement;
  /** Reads the idempotency record of key `$1`. */
  readonly readKey: PreparedStatement;
  /** Reads the idempotency records whose keys are in `$1` (text[]). */
  readonly readKeys: PreparedStatement;
  /** Reads the ledger record under key `$1`. */
  readonly readRecord: PreparedStatement;
  /** Reads the ledger records whose keys are in `$1` (text[]). */
  readonly readRecords: PreparedStatement;
  /**
   * Reads the idempotency record of key `$1` and the ledger record under key `$2` as one row
   * (a capture or release with a key): the key's columns as `readKey` names them, NULL when
   * there is none, then the record's with its key as `record_key`, NULL when there is none.
   */
  readonly readKeyAndRecord: PreparedStatement;
  /**
   * Inserts a wallet: account, version, sequence, head hash, currencies, balances, times,
   * metadata, holds (a JSON array, NULL for none) and the earliest of their expiries.
   */
  readonly insertWallet: PreparedStatement;
  /**
   * Updates a wallet as `insertWallet` writes it, where `$12` is the version the snapshot read.
   * The transaction holds the row's lock since it read it, so the version cannot have moved;
   * if it ever has (a bug), the update raises SQLSTATE 22P02 and the transaction rolls back,
   * because on `pg` the write is sent together with its COMMIT and no row count can be checked
   * first.
   */
  readonly updateWallet: PreparedStatement;
  /** Inserts one journal entry, in the order of `ENTRY_INSERT_COLUMNS`. */
  readonly insertEntry: PreparedStatement;
  /**
   * Group commit: a batch's writes in one statement whatever its size, each column an array
   * with one element per row. The wallets the snapshot held, updated as `updateWallet` does
   * (`$1` to `$12`, each wallet's currencies and balances an array literal as text); the
   * journal entries (`$13` to `$29`, as `insertEntry` takes them); the idempotency records
   * (`$30` to `$34`, as `insertKey` takes them). A write of eight entries or more (a coalesced
   * batch on many wallets or on one, a large posting) runs it where it ran one statement per
   * row; new wallets and ledger records are still written by their own statements.
   */
  readonly writeBatch: PreparedStatement;
  /** Inserts one idempotency record: key, fingerprint, transaction id, result, created at. */
  readonly insertKey: PreparedStatement;
  /**
   * `updateWallet`, `insertEntry` and `insertKey` as one statement, their arguments one after
   * the other: a deposit or withdrawal with a key, the most common write, runs one statement
   * where it would run three.
   */
  readonly updateWalletWithEntryAndKey: PreparedStatement;
  /** `updateWallet` and `insertEntry` as one statement: a deposit or withdrawal without a key. */
  readonly updateWalletWithEntry: PreparedStatement;
  /**
   * `updateWallet`, `insertEntry`, `insertKey` and `insertRecord` as one statement, their
   * arguments one after the other: a hold placed with a key (the hold's record at version 1).
   */
  readonly updateWalletWithEntryKeyAndNewRecord: PreparedStatement;
  /** `updateWallet`, `insertEntry` and `insertRecord` as one statement: a hold placed without a key. */
  readonly updateWalletWithEntryAndNewRecord: PreparedStatement;
  /**
   * `updateWallet`, `insertEntry`, `insertKey` and `updateRecord` as one statement, their
   * arguments one after the other: a hold captured in full or released, with a key. The
   * record's version guard raises as `updateRecord`'s does ("stale record version").
   */
  readonly updateWalletWithEntryKeyAndRecord: PreparedStatement;
  /** `updateWallet`, `insertEntry` and `updateRecord` as one statement: the same without a key. */
  readonly updateWalletWithEntryAndRecord: PreparedStatement;
  /**
   * Inserts a ledger record at version 1: key, version, data. A key taken by then is a unique
   * violation, which the ledger retries as a conflict.
   */
  readonly insertRecord: PreparedStatement;
  /**
   * Replaces the ledger record under key `$1` with version `$2` and data `$3`, only if the
   * stored one has version `$2 - 1`. Records are not locked by the read (like idempotency
   * keys), so another transaction may have replaced it since: then, or if the record is gone,
   * the statement raises SQLSTATE 22P02 with "stale record version" in its message, which
   * the ledger retries as a conflict. (It cannot return a row count to check instead: on `pg`
   * the write travels with its COMMIT.)
   */
  readonly updateRecord: PreparedStatement;
}

/** The types of a wallet row's columns, as `insertWallet` takes them. */
const WALLET_TYPES = [
  'text',
  'bigint',
  'bigint',
  'text',
  'text[]',
  'numeric[]',
  'timestamptz',
  'timestamptz',
  'jsonb',
  'jsonb',
  'timestamptz',
];
/** `updateWallet` takes the version it read after the wallet row. */
const UPDATE_TYPES = [...WALLET_TYPES, 'bigint'];
/** The types of a journal entry's columns, in the order of `ENTRY_INSERT_COLUMNS`. */
const ENTRY_TYPES = [
  'text',
  'bigint',
  'text',
  'text',
  'text',
  'numeric',
  'numeric',
  'numeric',
  'timestamptz',
  'text',
  'text',
  'jsonb',
  'text',
  'text',
  'text',
  'text',
  'text',
];
const KEY_TYPES = ['text', 'text', 'text', 'jsonb', 'timestamptz'];
/** A ledger record's key, version and data. */
const RECORD_TYPES = ['text', 'bigint', 'jsonb'];

/**
 * The argument types of the statements that write one row: a wallet inserted, a wallet
 * updated (the row, then the version read), a journal entry, an idempotency record, a ledger
 * record. The fused statements take several rows' arguments one after the other.
 *
 * @example
 * const args = values.map((value, i) => sqlLiteral(value, ROW_TYPES.entry[i]!));
 */
export const ROW_TYPES = {
  wallet: WALLET_TYPES,
  walletUpdate: UPDATE_TYPES,
  entry: ENTRY_TYPES,
  key: KEY_TYPES,
  record: RECORD_TYPES,
} as const;

/**
 * The array types of `writeBatch`'s arguments: the wallet columns as `updateWallet` takes them,
 * the entry columns as `insertEntry` takes them, the key columns as `insertKey` takes them. A
 * wallet's currencies and balances are arrays of varying length, which a two-dimensional array
 * cannot hold: each wallet's travels as the text of its array literal.
 *
 * @example
 * const args = BATCH_COLUMN_TYPES.keys.map((type, i) => sqlArray(rows.map((row) => row[i]), type));
 */
export const BATCH_COLUMN_TYPES = {
  wallets: UPDATE_TYPES.map((type) => (type.endsWith('[]') ? 'text[]' : `${type}[]`)),
  entries: ENTRY_TYPES.map((type) => `${type}[]`),
  keys: KEY_TYPES.map((type) => `${type}[]`),
} as const;

/** `$at, $at+1, ...`: `count` placeholders from `at`, so statements can be chained in a `WITH`. */
function placeholders(at: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `$${at + i}`);
}

/**
 * What an update writes to `next_hold_expiry`, the hint the expiry sweep's index is on: the
 * `stored` value kept while it is still ahead of the write's time (`txTime`) and no later than
 * the earliest expiry of the holds `written` (NULL for none), otherwise that earliest expiry.
 *
 * So the hint stays a lower bound of every expiry the wallet holds, which is all the sweep
 * needs (a wallet with a hold due has a hint due), and a hold placed and later captured or
 * released leaves it as it was: neither update changes an indexed column, so both can be HOT
 * updates that add no index entry (measured in docs/benchmarks.md). A hint earlier than every
 * hold the wallet still has, or standing without any, is set right by the sweep once it falls due
 * (`expiredHolds` in autocommit-statements.ts), or by the first write after that.
 */
function expiryHint(stored: string, written: string, txTime: string): string {
  return `CASE WHEN ${stored} > ${txTime}::timestamptz
        AND ${stored} <= coalesce(${written}, 'infinity') THEN ${stored} ELSE ${written} END`;
}

function updateWalletText(schema: string, at: number): string {
  const [
    account,
    version,
    sequence,
    head,
    currencies,
    balances,
    created,
    updated,
    metadata,
    holds,
    expiry,
    read,
  ] = placeholders(at, UPDATE_TYPES.length);
  return `UPDATE ${schema}.wallets SET version = ${version}, sequence = ${sequence},
      head_hash = ${head}, currencies = ${currencies}::text[], balances = ${balances}::numeric[],
      created_at = ${created}, updated_at = ${updated}, metadata = ${metadata}::jsonb,
      holds = ${holds}::jsonb,
      next_hold_expiry = ${expiryHint('next_hold_expiry', `${expiry}::timestamptz`, updated!)}
    WHERE account_id = ${account} AND CASE WHEN version = ${read} THEN true
      ELSE ('stale wallet version ' || version || ', the write read ' || ${read})::boolean END`;
}

function insertEntryText(schema: string, at: number): string {
  const values = placeholders(at, ENTRY_TYPES.length);
  values[11] = `${values[11]}::jsonb`;
  return `INSERT INTO ${schema}.journal_entries (${ENTRY_INSERT_COLUMNS})
    VALUES (${values.join(', ')})`;
}

/** `unnest($at::type[], ...)` over `types`, so each array is one column of the rows. */
function unnest(at: number, types: readonly string[]): string {
  return `unnest(${placeholders(at, types.length)
    .map((placeholder, i) => `${placeholder}::${types[i]}`)
    .join(', ')})`;
}

function writeBatchText(schema: string): string {
  const { wallets, entries, keys } = BATCH_COLUMN_TYPES;
  const entryAt = wallets.length + 1;
  const keyAt = entryAt + entries.length;
  // The rows were locked by the transaction's read, in account order, so the order in which
  // the update visits them cannot deadlock; the version guard raises as `updateWallet`'s does.
  return `WITH wallet AS (UPDATE ${schema}.wallets AS w SET version = v.version, sequence = v.sequence,
          head_hash = v.head_hash, currencies = v.currencies::text[],
          balances = v.balances::numeric[], created_at = v.created_at, updated_at = v.updated_at,
          metadata = v.metadata, holds = v.holds,
          next_hold_expiry = ${expiryHint('w.next_hold_expiry', 'v.next_hold_expiry', 'v.updated_at')}
        FROM ${unnest(1, wallets)} AS v(account_id, version, sequence, head_hash,
          currencies, balances, created_at, updated_at, metadata, holds, next_hold_expiry, read)
        WHERE w.account_id = v.account_id AND CASE WHEN w.version = v.read THEN true
          ELSE ('stale wallet version ' || w.version || ', the write read ' || v.read)::boolean END
      ),
      entry AS (
        INSERT INTO ${schema}.journal_entries (${ENTRY_INSERT_COLUMNS})
          SELECT * FROM ${unnest(entryAt, entries)}
      )
      INSERT INTO ${schema}.idempotency_keys (key, fingerprint, transaction_id, result, created_at)
        SELECT * FROM ${unnest(keyAt, keys)}`;
}

function insertRecordText(schema: string, at: number): string {
  const [key, version, data] = placeholders(at, RECORD_TYPES.length);
  return `INSERT INTO ${schema}.records (key, version, data) VALUES (${key}, ${version}, ${data}::jsonb)`;
}

/**
 * The record update of `updateRecord`, whose main query raises when it updated no row. As the
 * last part of a `WITH` whose other parts write the wallet, the entry and the key, it is the
 * query that reads `updated`: the other parts run whether or not anything reads them.
 */
function updateRecordText(schema: string, at: number, before = ''): string {
  const [key, version, data] = placeholders(at, RECORD_TYPES.length);
  return `WITH ${before}updated AS (
        UPDATE ${schema}.records SET version = ${version}, data = ${data}::jsonb
          WHERE key = ${key} AND version = ${version} - 1
          RETURNING key
      )
      SELECT ('stale record version: ' || count(*) || ' of ' || ${key} || ' at version '
        || (${version} - 1))::boolean
      FROM updated HAVING count(*) = 0`;
}

function insertKeyText(schema: string, at: number): string {
  const [key, fingerprint, transaction, result, created] = placeholders(at, KEY_TYPES.length);
  return `INSERT INTO ${schema}.idempotency_keys (key, fingerprint, transaction_id, result, created_at)
    VALUES (${key}, ${fingerprint}, ${transaction}, ${result}::jsonb, ${created})`;
}

/**
 * Builds the statements for a schema given as a quoted identifier.
 *
 * @example
 * const { lockWallets } = ledgerStatements('"wallet"');
 */
export function ledgerStatements(schema: string): LedgerStatements {
  const entryAt = UPDATE_TYPES.length + 1;
  const keyAt = entryAt + ENTRY_TYPES.length;
  /** Where a record's arguments start after a key's, and without one. */
  const keyedRecordAt = keyAt + KEY_TYPES.length;
  const recordAt = keyAt;
  const wallet = `wallet AS (${updateWalletText(schema, 1)}),
        entry AS (${insertEntryText(schema, entryAt)})`;
  const walletAndKey = `${wallet},
        idempotency AS (${insertKeyText(schema, keyAt)})`;
  return {
    lockWallet: preparedStatement(
      'lock',
      ['text'],
      `SELECT ${WALLET_COLUMNS} FROM ${schema}.wallets WHERE account_id = $1 FOR UPDATE`,
    ),
    lockWalletPair: preparedStatement(
      'lock_pair',
      ['text', 'text'],
      `SELECT ${WALLET_COLUMNS} FROM ${schema}.wallets WHERE account_id IN ($1, $2)
        ORDER BY account_id FOR UPDATE`,
    ),
    lockWallets: preparedStatement(
      'lock_many',
      ['text[]'],
      `SELECT ${WALLET_COLUMNS} FROM ${schema}.wallets WHERE account_id = ANY ($1::text[])
        ORDER BY account_id FOR UPDATE`,
    ),
    readKey: preparedStatement(
      'key',
      ['text'],
      `SELECT ${KEY_COLUMNS} FROM ${schema}.idempotency_keys WHERE key = $1`,
    ),
    readKeys: preparedStatement(
      'keys',
      ['text[]'],
      `SELECT ${KEY_COLUMNS} FROM ${schema}.idempotency_keys WHERE key = ANY ($1::text[])`,
    ),
    readRecord: preparedStatement(
      'record',
      ['text'],
      `SELECT ${RECORD_COLUMNS} FROM ${schema}.records WHERE key = $1`,
    ),
    readRecords: preparedStatement(
      'records',
      ['text[]'],
      `SELECT ${RECORD_COLUMNS} FROM ${schema}.records WHERE key = ANY ($1::text[])`,
    ),
    // One row whatever is stored: each side is a lookup of the primary key, NULLs when absent.
    readKeyAndRecord: preparedStatement(
      'key_record',
      ['text', 'text'],
      `SELECT k.*, r.* FROM (SELECT) AS one
        LEFT JOIN (SELECT ${KEY_COLUMNS} FROM ${schema}.idempotency_keys WHERE key = $1) AS k ON true
        LEFT JOIN (SELECT key AS record_key, version, data FROM ${schema}.records WHERE key = $2)
          AS r ON true`,
    ),
    insertWallet: preparedStatement(
      'insert_wallet',
      WALLET_TYPES,
      `INSERT INTO ${schema}.wallets (account_id, version, sequence, head_hash, currencies,
        balances, created_at, updated_at, metadata, holds, next_hold_expiry)
        VALUES ($1, $2, $3, $4, $5::text[], $6::numeric[], $7, $8, $9::jsonb, $10::jsonb,
          $11::timestamptz)`,
    ),
    updateWallet: preparedStatement('update_wallet', UPDATE_TYPES, updateWalletText(schema, 1)),
    insertEntry: preparedStatement('insert_entry', ENTRY_TYPES, insertEntryText(schema, 1)),
    writeBatch: preparedStatement(
      'write_batch',
      [...BATCH_COLUMN_TYPES.wallets, ...BATCH_COLUMN_TYPES.entries, ...BATCH_COLUMN_TYPES.keys],
      writeBatchText(schema),
    ),
    insertKey: preparedStatement('insert_key', KEY_TYPES, insertKeyText(schema, 1)),
    // Data-modifying statements in a WITH run exactly once whether or not anything reads them.
    updateWalletWithEntryAndKey: preparedStatement(
      'write_keyed',
      [...UPDATE_TYPES, ...ENTRY_TYPES, ...KEY_TYPES],
      `WITH wallet AS (${updateWalletText(schema, 1)}),
        entry AS (${insertEntryText(schema, entryAt)})
      ${insertKeyText(schema, keyAt)}`,
    ),
    updateWalletWithEntry: preparedStatement(
      'write',
      [...UPDATE_TYPES, ...ENTRY_TYPES],
      `WITH wallet AS (${updateWalletText(schema, 1)}) ${insertEntryText(schema, entryAt)}`,
    ),
    updateWalletWithEntryKeyAndNewRecord: preparedStatement(
      'keyed_write_insert_record',
      [...UPDATE_TYPES, ...ENTRY_TYPES, ...KEY_TYPES, ...RECORD_TYPES],
      `WITH ${walletAndKey}
      ${insertRecordText(schema, keyedRecordAt)}`,
    ),
    updateWalletWithEntryAndNewRecord: preparedStatement(
      'write_insert_record',
      [...UPDATE_TYPES, ...ENTRY_TYPES, ...RECORD_TYPES],
      `WITH ${wallet}
      ${insertRecordText(schema, recordAt)}`,
    ),
    updateWalletWithEntryKeyAndRecord: preparedStatement(
      'keyed_write_update_record',
      [...UPDATE_TYPES, ...ENTRY_TYPES, ...KEY_TYPES, ...RECORD_TYPES],
      updateRecordText(schema, keyedRecordAt, `${walletAndKey},\n        `),
    ),
    updateWalletWithEntryAndRecord: preparedStatement(
      'write_update_record',
      [...UPDATE_TYPES, ...ENTRY_TYPES, ...RECORD_TYPES],
      updateRecordText(schema, recordAt, `${wallet},\n        `),
    ),
    insertRecord: preparedStatement('insert_record', RECORD_TYPES, insertRecordText(schema, 1)),
    // The message counts the rows updated: an expression of constants alone would be cast
    // (and raise) when the statement is planned, whatever it then updates.
    updateRecord: preparedStatement('update_record', RECORD_TYPES, updateRecordText(schema, 1)),
  };
}
