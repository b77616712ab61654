import { ENTRY_TYPE_FIELDS, type JournalEntry } from '@wallet/core';

/**
 * One journal entry as a JSON line of the analytics table (the columns of
 * `JOURNAL_GLUE_COLUMNS`), for Firehose to convert to Parquet. Amounts are written as JSON
 * number literals spliced from their decimal strings, never through a JS number, so the
 * converter's decimal parser sees the exact digits; `tx_time` is epoch milliseconds.
 * `reverses`, `reason` and `hold_id` are written from the entry types that carry them (core's
 * `ENTRY_TYPE_FIELDS`: reversals, a hold's entries) and are null on every other row, as
 * `@wallet/analytics` writes them.
 *
 * @example
 * journalJsonRow(entry); // '{"transaction_id":"...","amount":10.50,...,"tx_time":1764200000000,...}\n'
 */
export function journalJsonRow(entry: JournalEntry): string {
  const text = JSON.stringify;
  const point = entry.amount.indexOf('.');
  const scale = point === -1 ? 0 : entry.amount.length - point - 1;
  const carried = ENTRY_TYPE_FIELDS[entry.type] ?? [];
  const own = (field: 'reverses' | 'reason' | 'holdId') =>
    text(carried.includes(field) ? (entry[field] ?? null) : null);
  return (
    `{"transaction_id":${text(entry.transactionId)},"account_id":${text(entry.accountId)}` +
    `,"sequence":${entry.sequence},"type":${text(entry.type)},"currency":${text(entry.currency)}` +
    `,"amount":${decimalLiteral(entry.amount)},"balance_before":${decimalLiteral(entry.balanceBefore)}` +
    `,"balance_after":${decimalLiteral(entry.balanceAfter)},"scale":${scale}` +
    `,"tx_time":${Date.parse(entry.txTime)},"idempotency_key":${text(entry.idempotencyKey)}` +
    `,"counterparty":${text(entry.counterparty)}` +
    `,"metadata":${text(entry.metadata === null ? null : JSON.stringify(entry.metadata))}` +
    `,"prev_hash":${text(entry.prevHash)},"hash":${text(entry.hash)}` +
    `,"reverses":${own('reverses')},"reason":${own('reason')},"hold_id":${own('holdId')}}\n`
  );
}

function decimalLiteral(amount: string): string {
  if (!/^-?\d+(\.\d+)?$/.test(amount)) throw new RangeError(`${amount} is not a decimal`);
  return amount;
}
