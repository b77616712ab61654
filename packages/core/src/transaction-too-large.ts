/**
 * A `LedgerStore` refused a transaction because its write needs more items (rows, documents)
 * than one transaction of that store takes. It promises that nothing was written, which is what
 * lets the coalescer split the batch and commit its operations in smaller transactions.
 *
 * It is not a `WalletError`: no single wallet operation comes near any supported store's limit,
 * so a caller sees it only when an operation alone is too large for a store, which is a defect
 * of that store (the HTTP layer answers 500).
 *
 * @example
 * if (items.length > MAX_TRANSACTION_ITEMS) {
 *   throw new TransactionTooLargeError(items.length, MAX_TRANSACTION_ITEMS);
 * }
 */
export class TransactionTooLargeError extends Error {
  constructor(
    /** How many items the write needed. */
    readonly itemCount: number,
    /** The most items one transaction of the store may carry. */
    readonly limit: number,
  ) {
    super(
      `the write needs ${itemCount} items but one transaction of this ledger takes at most ${limit}; nothing was written`,
    );
    this.name = 'TransactionTooLargeError';
  }
}
