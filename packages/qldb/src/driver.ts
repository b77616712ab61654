import type { RetryConfig } from 'amazon-qldb-driver-nodejs';
import type { dom } from 'ion-js';

/**
 * The part of a QLDB `TransactionExecutor` this package uses.
 *
 * @example
 * const rows = (await txn.execute('SELECT * FROM Wallets WHERE accountId = ?', 'p1')).getResultList();
 */
export interface QldbExecutor {
  execute(statement: string, ...parameters: unknown[]): Promise<{ getResultList(): dom.Value[] }>;
}

/**
 * The part of `QldbDriver` (amazon-qldb-driver-nodejs 3.x) this package uses, so any driver
 * instance, or a test double, fits.
 *
 * @example
 * const driver: QldbDriverLike = new QldbDriver('wallet-ledger');
 */
export interface QldbDriverLike {
  executeLambda<T>(
    lambda: (txn: QldbExecutor) => Promise<T>,
    retryConfig?: RetryConfig,
  ): Promise<T>;
}
