export type {
  PGliteLike,
  PGliteTransactionLike,
  PgPoolClientLike,
  PgPoolLike,
  PostgresClient,
  QueryableLike,
  QueryResultLike,
} from './client.js';
export type { MigrationProgress } from './migrations.js';
export {
  createPostgresLedger,
  type MigrateOptions,
  type PostgresLedger,
  type PostgresLedgerOptions,
} from './postgres-ledger.js';
