import { MAX_POSTING_LEGS } from './posting.js';

/**
 * The most records one wallet operation writes: a reversal of a posting of 16 legs over 16
 * wallets writes 16 wallets, 16 journal entries, its idempotency record and the record of the
 * original's reversals. A store whose transactions have a size limit must take at least this
 * many (QLDB takes 40 documents, DynamoDB 100 items); its `maxRecordsPerTransaction` lets the
 * coalescer fill batches with as many operations as fit.
 *
 * @example
 * if (limit < MAX_RECORDS_PER_OPERATION) throw new Error('this store cannot hold a 16-leg posting');
 */
export const MAX_RECORDS_PER_OPERATION = 2 * MAX_POSTING_LEGS + 2;
