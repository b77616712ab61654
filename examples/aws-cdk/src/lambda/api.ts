import type { WalletLambdaHandler } from '@wallet/http/aws-lambda';
import { createApiHandler } from './api-handler.js';
import { readWalletConfig } from './wallet-config.js';

let built: Promise<WalletLambdaHandler> | undefined;

/**
 * The API Lambda's entry point. The API is built once per container, on the first request,
 * because reading the token secret is asynchronous; a failed build is retried next request.
 *
 * @example
 * // NodejsFunction entry: src/lambda/api.ts, handler: 'handler'
 */
export const handler: WalletLambdaHandler = async (event, context) => {
  built ??= createApiHandler(readWalletConfig(process.env)).catch((error: unknown) => {
    built = undefined;
    throw error;
  });
  return (await built)(event, context);
};
