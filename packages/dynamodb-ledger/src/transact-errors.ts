import { isThrottling } from '@wallet/dynamodb-shared';

/**
 * What a failed `TransactWriteItems` means for its outcome and for what to do next:
 * - `stale`: cancelled because a condition failed (a wallet's version moved on, or an item
 *   exists). Nothing written, and this request can never commit: versions only grow and ledger
 *   items are never deleted. Decide again on a fresh snapshot.
 * - `contended`: cancelled only because another transaction was in progress on an item
 *   (`TransactionConflict`). Nothing written by this send, but the conditions may still hold, so
 *   an earlier copy of the same request still in flight could commit.
 * - `throttled`: refused for capacity; nothing written, send again later.
 * - `unsent`: the connection never reached DynamoDB; nothing written, send again later.
 * - `ambiguous`: it may or may not have committed (a timeout, a dropped connection, a 5xx, or
 *   an earlier send with the same token still in progress); send the same request again.
 * - `rejected`: refused for another reason (validation, a missing table, access); nothing
 *   written, and sending it again would not help.
 */
export type WriteFailure =
  | 'stale'
  | 'contended'
  | 'throttled'
  | 'unsent'
  | 'ambiguous'
  | 'rejected';

const THROTTLE_REASONS = new Set([
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
  'RequestLimitExceeded',
]);
const AMBIGUOUS_ERRORS = new Set(['InternalServerError', 'TransactionInProgressException']);
/** Socket errors raised before a byte of the request left this machine. */
const UNSENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * Classifies an error thrown by sending a `TransactWriteItems`.
 *
 * @example
 * if (classifyWriteFailure(error) === 'stale') return retryOnFreshSnapshot();
 */
export function classifyWriteFailure(error: unknown): WriteFailure {
  const name = error instanceof Error ? error.name : undefined;
  if (name === 'TransactionCanceledException') return classifyCancellation(error as Error);
  if (isThrottling(error)) return 'throttled';
  if (name !== undefined && AMBIGUOUS_ERRORS.has(name)) return 'ambiguous';
  const status = httpStatus(error);
  if (status !== undefined) return status >= 500 ? 'ambiguous' : 'rejected';
  return UNSENT_CODES.has(errorCode(error) ?? '') ? 'unsent' : 'ambiguous';
}

/**
 * The codes of a cancellation's reasons, one per item (`None` for items that were fine), read
 * from `CancellationReasons`, or from the message's `[Code, Code]` list when a client did not
 * parse them.
 */
function cancellationCodes(error: Error): string[] {
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
  if (Array.isArray(reasons)) return reasons.map((reason) => reason.Code ?? 'None');
  const listed = /\[([^\]]*)\]\s*$/.exec(error.message)?.[1];
  return listed === undefined ? [] : listed.split(',').map((code) => code.trim());
}

function classifyCancellation(error: Error): WriteFailure {
  const codes = cancellationCodes(error);
  // A failed condition wins: whatever else happened, the request can never commit.
  if (codes.includes('ConditionalCheckFailed')) return 'stale';
  if (codes.includes('TransactionConflict')) return 'contended';
  if (codes.some((code) => THROTTLE_REASONS.has(code))) return 'throttled';
  return 'rejected';
}

/**
 * True when the SDK's own retry strategy sent the request more than once before giving up, so an
 * earlier copy (one that timed out, say) may still be on its way to DynamoDB.
 *
 * @example
 * if (resentBySdk(error)) treatAsPossiblyCommitted();
 */
export function resentBySdk(error: unknown): boolean {
  const attempts = (error as { $metadata?: { attempts?: unknown } } | null)?.$metadata?.attempts;
  return typeof attempts === 'number' && attempts > 1;
}

function httpStatus(error: unknown): number | undefined {
  const status = (error as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata
    ?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
