import type { Principal } from './auth.js';
import type { ApiErrorCode } from './errors.js';
import type { WalletLambdaContext, WalletLambdaEvent } from './lambda.js';

/**
 * The Hono environment of the wallet API: what the Lambda adapter binds and what middleware
 * leaves for later middleware. On Node the Lambda bindings are absent.
 *
 * @example
 * const app = new Hono<WalletApiEnv>();
 */
export interface WalletApiEnv {
  Bindings: {
    event?: WalletLambdaEvent;
    lambdaContext?: WalletLambdaContext;
  };
  Variables: {
    /** Set first, by the request id middleware. */
    requestId: string;
    /** Set by the auth middleware once the caller is known. */
    principal?: Principal;
    /** Set when the response is an error, for the access log. */
    errorCode?: ApiErrorCode;
  };
}
