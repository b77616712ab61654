/**
 * The most items one `TransactWriteItems` may carry (a DynamoDB limit).
 *
 * @example
 * if (items.length > MAX_TRANSACTION_ITEMS) throw new TransactionTooLargeError(items.length);
 */
export const MAX_TRANSACTION_ITEMS = 100;

/**
 * The most operations a coalesced batch may carry and always fit in one transaction: a wallet
 * operation writes at most 5 items (a transfer with a key: 2 wallets, 2 entries, 1 key), and
 * 20 × 5 = 100. Pass it as `coalesce: { maxBatch: SAFE_COALESCE_BATCH }`.
 *
 * @example
 * createWalletService({ ledger, currencies, coalesce: { maxBatch: SAFE_COALESCE_BATCH } });
 */
export const SAFE_COALESCE_BATCH = MAX_TRANSACTION_ITEMS / 5;

/**
 * A transaction whose write needs more items than one `TransactWriteItems` takes. Nothing was
 * written. It is a configuration error, not a store fault: no single wallet operation comes
 * near the limit, only a coalesced batch larger than {@link SAFE_COALESCE_BATCH} can, so retrying
 * the same batch fails the same way; make the batch smaller.
 *
 * @example
 * if (error instanceof TransactionTooLargeError) console.error(error.itemCount, error.limit);
 */
export class TransactionTooLargeError extends Error {
  /** The most items a transaction may carry. */
  readonly limit = MAX_TRANSACTION_ITEMS;

  constructor(
    /** How many items the write needed. */
    readonly itemCount: number,
  ) {
    super(
      `the write needs ${itemCount} items but one DynamoDB transaction takes at most ${MAX_TRANSACTION_ITEMS}; ` +
        `coalesce with maxBatch <= ${SAFE_COALESCE_BATCH}`,
    );
    this.name = 'TransactionTooLargeError';
  }
}
