/**
 * Precision and scale of every amount column. 38 digits is the widest DECIMAL Athena and Glue
 * accept; 18 fraction digits hold every currency scale the SDK allows (0..18), and the 20
 * integer digits left hold its 18-digit maximum with room for sums in queries.
 *
 * @example
 * `decimal(${AMOUNT_DECIMAL.precision},${AMOUNT_DECIMAL.scale})`; // 'decimal(38,18)'
 */
export const AMOUNT_DECIMAL = {
  /** Total digits: 38. */
  precision: 38,
  /** Fraction digits: 18. */
  scale: 18,
} as const;

/**
 * A column of the exported journal table, as the Glue Data Catalog declares it.
 *
 * @example
 * const column: GlueColumn = { name: 'currency', type: 'string', comment: 'currency code' };
 */
export interface GlueColumn {
  /** The column name, snake_case. */
  name: string;
  /** A Hive/Glue type name, as Athena's DDL spells it. */
  type: string;
  /** What the column holds, for the catalog. */
  comment: string;
}

const amountType = `decimal(${AMOUNT_DECIMAL.precision},${AMOUNT_DECIMAL.scale})`;

/**
 * The columns of every Parquet file `exportJournalToParquet` writes, in file order, as Glue
 * types: one per `JournalEntry` field (snake_case, since Glue lowercases names) plus `scale`.
 * The fields only some entry types carry come last, as nullable columns (`reverses` and
 * `reason` on `REVERSAL_CREDIT`/`REVERSAL_DEBIT` rows, `hold_id` on `HOLD`, `HOLD_CAPTURE` and
 * `HOLD_RELEASE` rows, null on every other row): files written before they existed lack them,
 * and Athena reads Parquet columns by name, so those rows read them as null.
 * The CDK example builds its Glue table from this list, so the table and the files cannot drift.
 *
 * @example
 * new glue.CfnTable(this, 'Journal', { ..., tableInput: { storageDescriptor: { columns: [...JOURNAL_GLUE_COLUMNS] } } });
 */
export const JOURNAL_GLUE_COLUMNS: readonly GlueColumn[] = [
  { name: 'transaction_id', type: 'string', comment: 'shared by every leg of one operation' },
  { name: 'account_id', type: 'string', comment: 'the wallet' },
  { name: 'sequence', type: 'bigint', comment: '1, 2, 3... per wallet' },
  {
    name: 'type',
    type: 'string',
    comment:
      'CREDIT, DEBIT, TRANSFER_IN/OUT, EXCHANGE_IN/OUT, REVERSAL_CREDIT/DEBIT, HOLD, HOLD_CAPTURE, HOLD_RELEASE, POSTING_IN/OUT',
  },
  { name: 'currency', type: 'string', comment: 'currency code' },
  { name: 'amount', type: amountType, comment: 'always > 0' },
  { name: 'balance_before', type: amountType, comment: 'balance of the currency before' },
  { name: 'balance_after', type: amountType, comment: 'balance of the currency after' },
  {
    name: 'scale',
    type: 'int',
    comment: "the currency's fraction digits: amounts render back exactly with this many",
  },
  { name: 'tx_time', type: 'timestamp', comment: 'UTC, millisecond precision' },
  { name: 'idempotency_key', type: 'string', comment: 'the caller key, or null' },
  { name: 'counterparty', type: 'string', comment: 'the other wallet of a transfer, or null' },
  { name: 'metadata', type: 'string', comment: 'caller metadata as JSON text, or null' },
  { name: 'prev_hash', type: 'string', comment: 'hash of the previous entry of the wallet' },
  { name: 'hash', type: 'string', comment: 'SHA-256 of the RFC 8785 JSON of the entry' },
  {
    name: 'reverses',
    type: 'string',
    comment: 'REVERSAL_CREDIT/DEBIT: the transaction_id reversed; null on other types',
  },
  {
    name: 'reason',
    type: 'string',
    comment: 'REVERSAL_CREDIT/DEBIT: why, as the caller said, or null; null on other types',
  },
  {
    name: 'hold_id',
    type: 'string',
    comment: 'HOLD, HOLD_CAPTURE, HOLD_RELEASE: the hold; null on other types',
  },
];

/**
 * The partition column: the UTC date of `tx_time`, as the `dt=YYYY-MM-DD/` directory names it.
 *
 * @example
 * partitionKeys: [JOURNAL_PARTITION_COLUMN];
 */
export const JOURNAL_PARTITION_COLUMN: GlueColumn = {
  name: 'dt',
  type: 'string',
  comment: 'UTC date of tx_time, YYYY-MM-DD',
};
