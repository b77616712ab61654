import { withRetries } from '@wallet/core';
import { createDynamoDbHistory } from '@wallet/dynamo-history';
import { createWalletApi } from '@wallet/http';
import { lambdaHandler, type WalletLambdaHandler } from '@wallet/http/aws-lambda';
import { iamCallerAuthorizer } from './iam-caller-authorizer.js';
import { ledgerClient, ledgerWalletService } from './ledger-service.js';
import { fetchSecretTokens } from './secret-tokens.js';
import type { WalletConfig } from './wallet-config.js';

/**
 * Builds the API Lambda's handler: the wallet service on the DynamoDB ledger, reading history
 * from the history table the transformer fills, behind `@wallet/http` with the configured IAM
 * callers (and bearer tokens, inline or from Secrets Manager).
 *
 * @example
 * const handler = await createApiHandler(readWalletConfig(process.env));
 */
export async function createApiHandler(config: WalletConfig): Promise<WalletLambdaHandler> {
  const client = ledgerClient(config);
  const service = withRetries(
    ledgerWalletService(
      client,
      config,
      createDynamoDbHistory({ client, tableName: config.historyTable }),
    ),
  );
  const tokens =
    config.tokensSecretId === undefined
      ? config.tokens
      : [...config.tokens, ...(await fetchSecretTokens(config.tokensSecretId))];
  return lambdaHandler(
    createWalletApi({
      service,
      tokens,
      ...(config.iamCallers.length === 0
        ? {}
        : { authorizer: iamCallerAuthorizer(config.iamCallers) }),
    }),
  );
}
