import { createLambdaHandler, type WalletLambdaHandler } from './lambda.js';
import type { WalletApi } from './wallet-api.js';

export type {
  HttpApiProxyEvent,
  HttpApiProxyResult,
  RestApiProxyEvent,
  RestApiProxyResult,
  WalletLambdaContext,
  WalletLambdaEvent,
  WalletLambdaHandler,
  WalletLambdaResult,
} from './lambda.js';

/**
 * The Lambda handler of the API, for API Gateway REST (payload v1) and HTTP API (payload v2)
 * proxy events. Build it once per container, outside the handler.
 *
 * @example
 * import { createWalletApi } from '@wallet/http';
 * import { lambdaHandler } from '@wallet/http/aws-lambda';
 *
 * export const handler = lambdaHandler(createWalletApi({ service, tokens }));
 */
export function lambdaHandler(api: Pick<WalletApi, 'fetch'>): WalletLambdaHandler {
  return createLambdaHandler(api);
}
