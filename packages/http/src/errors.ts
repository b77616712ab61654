import {
  isWalletError,
  WALLET_ERROR_CODES,
  type WalletErrorCode,
  type WalletErrorDetails,
} from '@wallet/core';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * The codes the HTTP layer adds to {@link WalletErrorCode}: failures that happen before a
 * request reaches the wallet service.
 *
 * @example
 * if (body.error.code === 'UNAUTHORIZED') refreshToken();
 */
export const HTTP_ERROR_CODES = [
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'INTERNAL_ERROR',
] as const;

/**
 * Every `error.code` the API answers with: the wallet codes plus {@link HTTP_ERROR_CODES}.
 * A closed set: clients switch on it.
 *
 * @example
 * const known = new Set<string>(API_ERROR_CODES);
 */
export const API_ERROR_CODES = [...WALLET_ERROR_CODES, ...HTTP_ERROR_CODES] as const;

/**
 * One of {@link API_ERROR_CODES}.
 *
 * @example
 * const code: ApiErrorCode = 'PAYLOAD_TOO_LARGE';
 */
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/**
 * The body of every error response.
 *
 * @example
 * const body: ErrorBody = { error: { code: 'WALLET_NOT_FOUND', message: 'wallet p1 does not exist' } };
 */
export interface ErrorBody {
  /** What went wrong. */
  error: {
    /** The kind of failure, one of {@link API_ERROR_CODES}: what clients switch on. */
    code: ApiErrorCode;
    /** A description for people; match on `code`, not on this. */
    message: string;
    /** Facts about the failure a client may act on (which wallet, what amount), if any. */
    details?: WalletErrorDetails;
  };
}

/**
 * The status of every wallet error code (DESIGN section 5). A `Record` over the closed set of
 * codes, so a code added to core does not compile here until it has a status.
 *
 * @example
 * WALLET_ERROR_STATUS.INSUFFICIENT_FUNDS; // 422
 */
export const WALLET_ERROR_STATUS: Readonly<Record<WalletErrorCode, ContentfulStatusCode>> = {
  VALIDATION_ERROR: 400,
  INVALID_AMOUNT: 400,
  INVALID_ACCOUNT_ID: 400,
  UNKNOWN_CURRENCY: 400,
  WALLET_NOT_FOUND: 404,
  TRANSACTION_NOT_FOUND: 404,
  HOLD_NOT_FOUND: 404,
  WALLET_ALREADY_EXISTS: 409,
  CONCURRENCY_CONFLICT: 409,
  HOLD_NOT_ACTIVE: 409,
  INSUFFICIENT_FUNDS: 422,
  BALANCE_LIMIT_EXCEEDED: 422,
  IDEMPOTENCY_KEY_REUSED: 422,
  OUTCOME_UNKNOWN: 503,
  STORE_UNAVAILABLE: 503,
};

/**
 * A failure of the HTTP layer itself (auth, routing, limits), answered with its own status.
 *
 * @example
 * throw new ApiError(403, 'FORBIDDEN', 'this token lacks the credit scope', { scope: 'credit' });
 */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: WalletErrorDetails,
    /** Extra response headers, e.g. `WWW-Authenticate` or `Allow`. */
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * What an error becomes on the wire.
 *
 * @example
 * const reply: ErrorReply = { status: 404, body: { error: { code: 'NOT_FOUND', message: 'no route' } } };
 */
export interface ErrorReply {
  status: ContentfulStatusCode;
  body: ErrorBody;
  headers?: Readonly<Record<string, string>>;
}

/**
 * Turns anything a request threw into the response the client sees. Unknown errors become a
 * generic 500 `INTERNAL_ERROR`: their message and stack may hold internals, so they are only
 * logged, never sent.
 *
 * @example
 * const { status, body } = errorReply(new WalletNotFoundError('p1')); // 404, WALLET_NOT_FOUND
 */
export function errorReply(error: unknown): ErrorReply {
  if (error instanceof ApiError) {
    return {
      status: error.status,
      body: errorBody(error.code, error.message, error.details),
      ...(error.headers ? { headers: error.headers } : {}),
    };
  }
  // By brand, not prototype: a service built from another copy of @wallet/core (its CJS build
  // beside this one's ESM) throws errors this copy's classes never made.
  if (isWalletError(error)) {
    const status = WALLET_ERROR_STATUS[error.code] ?? 500;
    return { status, body: errorBody(error.code, error.message, error.details) };
  }
  return { status: 500, body: errorBody('INTERNAL_ERROR', 'internal error') };
}

function errorBody(code: ApiErrorCode, message: string, details?: WalletErrorDetails): ErrorBody {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}
