export type {
  PGliteLike,
  PGliteTransactionLike,
  PgPoolClientLike,
  PgPoolLike,
  PostgresClient,
  QueryableLike,
  QueryResultLike,
} from './client.js';
export {
  createPostgresLedger,
  type PostgresLedger,
  type PostgresLedgerOptions,
} from './postgres-ledger.js';
