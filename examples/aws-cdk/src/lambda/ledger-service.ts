import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createWalletService, type HistoryStore, type WalletService } from '@wallet/core';
import { createDynamoDbLedger, type DynamoDbClientLike } from '@wallet/dynamodb-ledger';
import type { LedgerConfig } from './wallet-config.js';

/**
 * The DynamoDB client of a function: the default chain on AWS, DynamoDB Local's endpoint when
 * `DYNAMODB_ENDPOINT` is set.
 *
 * @example
 * const client = ledgerClient(readLedgerConfig(process.env));
 */
export function ledgerClient(config: Pick<LedgerConfig, 'dynamoDbEndpoint'>): DynamoDBClient {
  return new DynamoDBClient(
    config.dynamoDbEndpoint === undefined ? {} : { endpoint: config.dynamoDbEndpoint },
  );
}

/**
 * The wallet service on the DynamoDB ledger table, as every function of the example builds it
 * (the API adds its history store and `withRetries`), so the digest publisher reads exactly the
 * ledger the API writes, with the same currencies.
 *
 * @example
 * const wallets = ledgerWalletService(ledgerClient(config), config);
 * const digest = await wallets.createDigest();
 */
export function ledgerWalletService(
  client: DynamoDbClientLike,
  config: LedgerConfig,
  history?: HistoryStore,
): WalletService {
  return createWalletService({
    ledger: createDynamoDbLedger({ client, tableName: config.ledgerTable }),
    ...(history === undefined ? {} : { history }),
    currencies: config.currencies,
    ...(config.defaultCurrency === undefined ? {} : { defaultCurrency: config.defaultCurrency }),
    ...(config.hotWallets === undefined ? {} : { hotWallets: config.hotWallets }),
  });
}
