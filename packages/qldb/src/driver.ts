import type { RetryConfig } from 'amazon-qldb-driver-nodejs';
import type { dom } from 'ion-js';

/**
 * The part of a QLDB `TransactionExecutor` this package uses.
 *
 * @example
 * const rows = (await txn.execute('SELECT * FROM Wallets WHERE accountId = ?', 'p1')).getResultList();
 */
export interface QldbExecutor {
  /** Runs one PartiQL statement with its `?` parameters, inside the transaction. */
  execute(
    statement: string,
    ...parameters: unknown[]
  ): Promise<{
    /** The statement's result documents, every page of them. */
    getResultList(): dom.Value[];
  }>;
}

/**
 * The part of `QldbDriver` (amazon-qldb-driver-nodejs 3.x) this package uses, so any driver
 * instance, or a test double, fits.
 *
 * @example
 * const driver: QldbDriverLike = new QldbDriver('wallet-ledger');
 */
export interface QldbDriverLike {
  /** Runs `lambda` in one QLDB transaction, committed when it resolves, retried as configured. */
  executeLambda<T>(
    lambda: (txn: QldbExecutor) => Promise<T>,
    retryConfig?: RetryConfig,
  ): Promise<T>;
}
