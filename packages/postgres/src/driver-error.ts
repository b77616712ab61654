/**
 * Where a driver call failed, which decides what the failure means: before COMMIT was sent
 * nothing can have been written; while COMMIT was in flight the outcome is unknown.
 */
export type Phase = 'connect' | 'statement' | 'commit';

/**
 * An error the database or its driver raised, tagged with the phase it was raised in. Errors
 * thrown by the ledger's own code (and by `decide`) are never wrapped, so they pass unchanged.
 *
 * @example
 * if (error instanceof DriverError && error.phase === 'commit') throw new OutcomeUnknownError({ cause: error.cause });
 */
export class DriverError extends Error {
  constructor(
    readonly phase: Phase,
    cause: unknown,
  ) {
    super(`database call failed during ${phase}`, { cause });
    this.name = 'DriverError';
  }
}

/**
 * Runs a driver call, tagging its failure as a statement's.
 *
 * @example
 * const result = await statement(() => client.query('SELECT 1'));
 */
export async function statement<R>(call: () => Promise<R>): Promise<R> {
  try {
    return await call();
  } catch (error) {
    throw new DriverError('statement', error);
  }
}

/**
 * The SQLSTATE of a server error, or undefined for anything else (sockets, timeouts, bugs).
 *
 * @example
 * if (sqlStateOf(error) === '40001') retry();
 */
export function sqlStateOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, severity } = error as { code?: unknown; severity?: unknown };
  return typeof code === 'string' && typeof severity === 'string' ? code : undefined;
}

/**
 * Whatever was thrown, as an Error (a `pg` pool destroys a connection released with one).
 *
 * @example
 * client.release(asError(thrown));
 */
export function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
