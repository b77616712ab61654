/** The brand every copy of core gives this error, registered with `Symbol.for`. */
const TOO_LARGE_BRAND = Symbol.for('@wallet/core.TransactionTooLargeError');

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
  /**
   * By brand rather than prototype: an adapter built against another copy of core (its CJS
   * build beside the service's ESM one) still gets its batches split.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as { [TOO_LARGE_BRAND]?: unknown })[TOO_LARGE_BRAND] === true
    );
  }

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

Object.defineProperty(TransactionTooLargeError.prototype, TOO_LARGE_BRAND, { value: true });
