import { ENTRY_TYPE_FIELDS, type JournalEntry } from '@wallet/core';
import { ByteWriter, type ColumnSource, parquetWrite, type SchemaElement } from 'hyparquet-writer';
import { fractionDigits, toUnscaled } from './decimal-units.js';
import { AMOUNT_DECIMAL } from './journal-columns.js';

const text = (name: string, required = true): SchemaElement => ({
  name,
  type: 'BYTE_ARRAY',
  converted_type: 'UTF8',
  logical_type: { type: 'STRING' },
  repetition_type: required ? 'REQUIRED' : 'OPTIONAL',
});

// FIXED_LEN_BYTE_ARRAY(16) holds any 38-digit unscaled value in two's complement, the
// physical type Athena (Trino), Spark and Hive all read as DECIMAL(38, s).
const amount = (name: string): SchemaElement => ({
  name,
  type: 'FIXED_LEN_BYTE_ARRAY',
  type_length: 16,
  converted_type: 'DECIMAL',
  precision: AMOUNT_DECIMAL.precision,
  scale: AMOUNT_DECIMAL.scale,
  logical_type: { type: 'DECIMAL', ...AMOUNT_DECIMAL },
  repetition_type: 'REQUIRED',
});

/** The Parquet schema matching `JOURNAL_GLUE_COLUMNS`, column for column. */
const SCHEMA: SchemaElement[] = [
  { name: 'journal_entry', num_children: 18 },
  text('transaction_id'),
  text('account_id'),
  { name: 'sequence', type: 'INT64', repetition_type: 'REQUIRED' },
  text('type'),
  text('currency'),
  amount('amount'),
  amount('balance_before'),
  amount('balance_after'),
  { name: 'scale', type: 'INT32', repetition_type: 'REQUIRED' },
  {
    name: 'tx_time',
    type: 'INT64',
    converted_type: 'TIMESTAMP_MILLIS',
    logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' },
    repetition_type: 'REQUIRED',
  },
  text('idempotency_key', false),
  text('counterparty', false),
  text('metadata', false),
  text('prev_hash'),
  text('hash'),
  text('reverses', false),
  text('reason', false),
  text('hold_id', false),
];

const TYPE_FIELDS = ['reverses', 'reason', 'holdId'] as const;

/**
 * The column values of the fields only some entry types carry: the entry's own on the types
 * that carry them (core's `ENTRY_TYPE_FIELDS`), null on every other row. An entry that carries
 * one its type must not, or lacks one its type must, is refused: its row would read back as
 * another entry, whose hash differs (a reversal's `reason` is null or text, never absent).
 */
function typeFields(entry: JournalEntry): {
  reverses: string | null;
  reason: string | null;
  holdId: string | null;
} {
  const expected = ENTRY_TYPE_FIELDS[entry.type] ?? [];
  for (const field of TYPE_FIELDS) {
    const present = entry[field] !== undefined;
    if (present !== expected.includes(field)) {
      throw new RangeError(
        `entry ${entry.accountId}#${entry.sequence} is a ${entry.type} that ${present ? 'carries' : 'lacks'} ${field}`,
      );
    }
  }
  return {
    reverses: entry.reverses ?? null,
    reason: entry.reason ?? null,
    holdId: entry.holdId ?? null,
  };
}

/**
 * The milliseconds of an entry's `txTime`, refusing any text that would not read back as the
 * same string (the hash covers it).
 */
function txTimeMillis(entry: JournalEntry): bigint {
  const millis = Date.parse(entry.txTime);
  if (Number.isNaN(millis) || new Date(millis).toISOString() !== entry.txTime) {
    throw new RangeError(
      `entry ${entry.accountId}#${entry.sequence} has txTime ${JSON.stringify(entry.txTime)}, not ISO 8601 UTC with milliseconds`,
    );
  }
  return BigInt(millis);
}

/** The currency scale of an entry, which all three of its amounts carry. */
function entryScale(entry: JournalEntry): number {
  const scale = fractionDigits(entry.amount);
  if (
    fractionDigits(entry.balanceBefore) !== scale ||
    fractionDigits(entry.balanceAfter) !== scale
  ) {
    throw new RangeError(
      `entry ${entry.accountId}#${entry.sequence} has amounts of different scales`,
    );
  }
  return scale;
}

/**
 * Encodes journal entries as one Parquet file (SNAPPY, PLAIN values, one row per entry) with
 * the columns of `JOURNAL_GLUE_COLUMNS`: amounts as DECIMAL(38,18) computed from their digits,
 * `tx_time` as a UTC millisecond timestamp, `metadata` as JSON text, and `reverses`, `reason`
 * and `hold_id` from the entry types that carry them (null on the others).
 *
 * @throws {RangeError} when an entry cannot be stored exactly (an amount out of range, mixed
 *   scales, a `txTime` that is not ISO 8601 UTC with milliseconds, a field its type must not
 *   carry or one it lacks)
 * @example
 * writeFileSync('part-0.parquet', encodeJournalParquet(entries));
 */
export function encodeJournalParquet(entries: readonly JournalEntry[]): Uint8Array {
  const column = (name: string, data: ColumnSource['data']): ColumnSource => ({
    name,
    data,
    encoding: 'PLAIN',
  });
  const pick = <T>(read: (entry: JournalEntry) => T): T[] => entries.map(read);
  const extra = entries.map(typeFields);
  const writer = new ByteWriter();
  parquetWrite({
    writer,
    schema: SCHEMA,
    createdBy: '@wallet/analytics',
    columnData: [
      column(
        'transaction_id',
        pick((e) => e.transactionId),
      ),
      column(
        'account_id',
        pick((e) => e.accountId),
      ),
      column(
        'sequence',
        pick((e) => BigInt(e.sequence)),
      ),
      column(
        'type',
        pick((e) => e.type),
      ),
      column(
        'currency',
        pick((e) => e.currency),
      ),
      column(
        'amount',
        pick((e) => toUnscaled(e.amount)),
      ),
      column(
        'balance_before',
        pick((e) => toUnscaled(e.balanceBefore)),
      ),
      column(
        'balance_after',
        pick((e) => toUnscaled(e.balanceAfter)),
      ),
      column('scale', pick(entryScale)),
      column('tx_time', pick(txTimeMillis)),
      column(
        'idempotency_key',
        pick((e) => e.idempotencyKey),
      ),
      column(
        'counterparty',
        pick((e) => e.counterparty),
      ),
      column(
        'metadata',
        pick((e) => (e.metadata === null ? null : JSON.stringify(e.metadata))),
      ),
      column(
        'prev_hash',
        pick((e) => e.prevHash),
      ),
      column(
        'hash',
        pick((e) => e.hash),
      ),
      column(
        'reverses',
        extra.map((fields) => fields.reverses),
      ),
      column(
        'reason',
        extra.map((fields) => fields.reason),
      ),
      column(
        'hold_id',
        extra.map((fields) => fields.holdId),
      ),
    ],
  });
  return new Uint8Array(writer.getBuffer());
}
