/**
 * A command line the `wallet` command cannot act on: a missing or malformed argument or option.
 * It exits with status 2, as a usage error, where a refused operation exits with 1.
 *
 * @example
 * throw new UsageError('give --database-url, DATABASE_URL or --data-dir');
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
