/**
 * A command line the `wallet` command cannot act on: a missing or malformed argument or option,
 * or a file it names that cannot be read as asked. It exits with status 2, as a usage error,
 * where a refused operation exits with 1. `code` is the one the error line names: `USAGE_ERROR`
 * unless a more precise one says what was wrong (`VALIDATION_ERROR` for a file's content).
 *
 * @example
 * throw new UsageError('give --database-url, DATABASE_URL or --data-dir');
 * throw new UsageError('digest.json: digest.root is malformed', 'VALIDATION_ERROR');
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';

  constructor(
    message: string,
    /** The code of the error line. */
    readonly code: string = 'USAGE_ERROR',
  ) {
    super(message);
  }
}
