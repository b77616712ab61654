export type { RequestField, RouteAccess } from './access.js';
export {
  ACCOUNT_SCOPES,
  type ApiToken,
  type Authorizer,
  type AuthorizerInput,
  MIN_TOKEN_LENGTH,
  type Principal,
  SCOPES,
  type Scope,
} from './auth.js';
export { MAX_BODY_BYTES } from './body-limit.js';
export {
  SERVERLESS_WALLET_PREFIX,
  type ServerlessWalletCompatOptions,
  type ServerlessWalletErrorBody,
  type WalletApiCompat,
} from './compat-serverless-wallet.js';
export type { ConsoleAssets } from './console-page.js';
export { DOCS_ASSET_FILES, type DocsPageOptions } from './docs-page.js';
export {
  API_ERROR_CODES,
  type ApiErrorCode,
  type ErrorBody,
  HTTP_ERROR_CODES,
  WALLET_ERROR_STATUS,
} from './errors.js';
// What an authorizer reads of a Lambda invocation; the handler itself is `@wallet/http/aws-lambda`.
export type { WalletLambdaContext, WalletLambdaEvent } from './lambda.js';
export {
  buildOpenApiDocument,
  type OpenApiDocument,
  type OpenApiDocumentOptions,
} from './openapi.js';
export { createWalletApi, type WalletApi, type WalletApiOptions } from './wallet-api.js';
