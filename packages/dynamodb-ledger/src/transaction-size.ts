/**
 * The most items one `TransactWriteItems` may carry (a DynamoDB limit), and so the ledger's
 * `maxRecordsPerTransaction`: wallets, journal entries, idempotency records and ledger records
 * together. Core's largest operation, the reversal of a 16-leg posting, writes
 * `MAX_RECORDS_PER_OPERATION` (34) of them.
 *
 * @example
 * const fits = items.length <= MAX_TRANSACTION_ITEMS;
 */
export const MAX_TRANSACTION_ITEMS = 100;
