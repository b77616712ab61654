import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { LedgerStore } from '@wallet/core';
import type { DynamoDbClientLike } from '@wallet/dynamodb-ledger';
import { createPostgresLedger, type PostgresLedger } from '@wallet/postgres';
import pg from 'pg';
import { UsageError } from './usage-error.js';

/** Where the ledger is, as the command line and the environment say. */
export interface ConnectionOptions {
  /** `--database-url`; else `DATABASE_URL` from the environment. */
  databaseUrl?: string;
  /** `--data-dir`: a PGlite data directory. */
  dataDir?: string;
  /** `--schema`, default `wallet` (PostgreSQL and PGlite). */
  schema?: string;
  /**
   * `--dynamodb-table`: a DynamoDB ledger table; region, credentials and endpoint come from the
   * AWS SDK's own configuration (`AWS_REGION`, `AWS_PROFILE`, `AWS_ENDPOINT_URL_DYNAMODB`, ...).
   */
  dynamodbTable?: string;
}

/**
 * An open ledger and how to let it go: PostgreSQL or PGlite, whose schema `migrate` creates, or
 * DynamoDB, whose table it creates.
 *
 * @example
 * const connection = await connect({ dynamodbTable: 'wallet-ledger' }, process.env);
 * if (connection.kind === 'postgres') await connection.ledger.migrate();
 */
export type Connection = PostgresConnection | DynamoDbConnection;

/**
 * A ledger on PostgreSQL or PGlite.
 *
 * @example
 * const { ledger, close } = (await connect({ dataDir: '.wallet-data' }, env)) as PostgresConnection;
 */
export interface PostgresConnection {
  readonly kind: 'postgres';
  readonly ledger: PostgresLedger;
  close(): Promise<void>;
}

/**
 * A ledger on one DynamoDB table, and the client it is read and written with.
 *
 * @example
 * const { client, tableName } = (await connect({ dynamodbTable: 'wallet-ledger' }, env)) as DynamoDbConnection;
 */
export interface DynamoDbConnection {
  readonly kind: 'dynamodb';
  readonly ledger: LedgerStore;
  readonly client: DynamoDbClientLike;
  readonly tableName: string;
  close(): Promise<void>;
}

/**
 * Which ledger the options name, before anything is opened.
 *
 * @example
 * const named: NamedLedger = { kind: 'dynamodb', tableName: 'wallet-ledger' };
 */
export type NamedLedger =
  | { kind: 'pglite'; dataDir: string }
  | { kind: 'postgres'; url: string }
  | { kind: 'dynamodb'; tableName: string };

/**
 * The ledger the options name: `--data-dir`, `--dynamodb-table` or `--database-url`, else
 * `DATABASE_URL`; undefined when none is named.
 *
 * @throws {UsageError} when two of the flags are given
 * @example
 * if (namedLedger(options, process.env) === undefined) console.error('no ledger named');
 */
export function namedLedger(
  options: ConnectionOptions,
  env: NodeJS.ProcessEnv,
): NamedLedger | undefined {
  const flags = [
    options.databaseUrl === undefined ? [] : ['--database-url'],
    options.dataDir === undefined ? [] : ['--data-dir'],
    options.dynamodbTable === undefined ? [] : ['--dynamodb-table'],
  ].flat();
  if (flags.length > 1) throw new UsageError(`name one ledger, not ${flags.join(' and ')}`);
  if (options.dataDir !== undefined) return { kind: 'pglite', dataDir: options.dataDir };
  if (options.dynamodbTable !== undefined) {
    if (options.dynamodbTable === '') throw new UsageError('--dynamodb-table needs a table name');
    return { kind: 'dynamodb', tableName: options.dynamodbTable };
  }
  const url = options.databaseUrl ?? env.DATABASE_URL;
  return url === undefined || url === '' ? undefined : { kind: 'postgres', url };
}

/**
 * Opens the ledger: PostgreSQL at `--database-url` (or `DATABASE_URL`), PGlite in
 * `--data-dir`, or DynamoDB's `--dynamodb-table`. A PGlite directory must hold a database
 * already unless `create` is set (only `wallet migrate` creates one), so a mistyped path is an
 * error, not a new empty ledger. DynamoDB's SDK is loaded only here, when a table is named, so
 * the commands on PostgreSQL start without it.
 *
 * @throws {UsageError} when no ledger, or two, are named, or the data directory is missing
 * @example
 * const { ledger, close } = await connect({ dataDir: '.wallet-data' }, env);
 */
export async function connect(
  options: ConnectionOptions,
  env: NodeJS.ProcessEnv,
  { create = false } = {},
): Promise<Connection> {
  const choice = namedLedger(options, env);
  if (choice === undefined) {
    throw new UsageError('give --database-url, DATABASE_URL, --data-dir or --dynamodb-table');
  }
  const schema = options.schema ?? 'wallet';
  if (choice.kind === 'pglite') {
    if (!create && !existsSync(join(choice.dataDir, 'PG_VERSION'))) {
      throw new UsageError(
        `no PGlite database in ${choice.dataDir} (wallet migrate --data-dir creates one)`,
      );
    }
    const db = await PGlite.create(choice.dataDir);
    return { kind: 'postgres', ledger: ledgerOn(db, schema), close: () => db.close() };
  }
  if (choice.kind === 'dynamodb') {
    const [{ DynamoDBClient }, { createDynamoDbLedger }] = await Promise.all([
      import('@aws-sdk/client-dynamodb'),
      import('@wallet/dynamodb-ledger'),
    ]);
    const client = new DynamoDBClient({});
    const { tableName } = choice;
    return {
      kind: 'dynamodb',
      ledger: createDynamoDbLedger({ client, tableName }),
      client,
      tableName,
      close: async () => client.destroy(),
    };
  }
  // Four connections: `verify --all` reads ahead while it hashes; nothing needs more.
  const pool = new pg.Pool({ connectionString: choice.url, max: 4 });
  // An idle connection the server drops must not crash the command with an unhandled event.
  pool.on('error', () => {});
  return { kind: 'postgres', ledger: ledgerOn(pool, schema), close: () => pool.end() };
}

function ledgerOn(client: Parameters<typeof createPostgresLedger>[0]['client'], schema: string) {
  try {
    return createPostgresLedger({ client, schema });
  } catch (error) {
    // The only option it can refuse is the schema name.
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}
