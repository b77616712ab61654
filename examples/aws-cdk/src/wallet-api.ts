import type { CurrencyConfig } from '@wallet/core';
import { CfnOutput, Duration } from 'aws-cdk-lib';
import {
  AuthorizationType,
  EndpointType,
  LambdaIntegration,
  MethodLoggingLevel,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { ParamsAndSecretsLayerVersion, ParamsAndSecretsVersions } from 'aws-cdk-lib/aws-lambda';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { IamCaller } from './lambda/wallet-config.js';
import { walletFunction } from './wallet-function.js';

/**
 * Props of {@link WalletApi}.
 *
 * @example
 * const props: WalletApiProps = { ledgerTable, historyTable, currencies: [{ code: 'GEMS', scale: 0 }], iamCallers: [], authorization: 'iam' };
 */
export interface WalletApiProps {
  ledgerTable: ITable;
  historyTable: ITable;
  currencies: CurrencyConfig[];
  defaultCurrency?: string;
  /** `iam`: API Gateway requires SigV4-signed calls; `tokens`: bearer tokens checked by the Lambda. */
  authorization: 'iam' | 'tokens';
  iamCallers: IamCaller[];
  /** A Secrets Manager secret (name) holding bearer tokens as a JSON array of `ApiToken`. */
  tokensSecretName?: string;
}

/**
 * The wallet HTTP API: a REST API whose `/v1/{proxy+}` routes go to one Lambda running
 * `@wallet/http` over the DynamoDB ledger, reading history from the history table.
 *
 * - With `authorization: 'iam'` (the default) every `/v1` call must be SigV4-signed by an IAM
 *   principal allowed `execute-api:Invoke` (attach `invokePolicy`), and the Lambda maps the
 *   caller's ARN to scopes (`iamCallers`); an unlisted caller is refused (401).
 * - `/healthz` and `/openapi.json` are public, as `@wallet/http` serves them.
 * - The function may read and write the ledger's items and query the history table, no more.
 *
 * @example
 * new WalletApi(this, 'Api', { ledgerTable, historyTable, currencies, authorization: 'iam', iamCallers });
 */
export class WalletApi extends Construct {
  readonly api: RestApi;
  /** Lets a principal call the `/v1` routes (IAM authorization); attach it to your backend's role. */
  readonly invokePolicy: ManagedPolicy;

  constructor(scope: Construct, id: string, props: WalletApiProps) {
    super(scope, id);
    const secret =
      props.tokensSecretName === undefined
        ? undefined
        : Secret.fromSecretNameV2(this, 'TokensSecret', props.tokensSecretName);
    if (props.authorization === 'tokens' && secret === undefined) {
      throw new Error("authorization 'tokens' needs tokensSecretName");
    }
    const environment: Record<string, string> = {
      LEDGER_TABLE: props.ledgerTable.tableName,
      HISTORY_TABLE: props.historyTable.tableName,
      WALLET_CURRENCIES: JSON.stringify(props.currencies),
      WALLET_IAM_CALLERS: JSON.stringify(props.authorization === 'iam' ? props.iamCallers : []),
    };
    if (props.defaultCurrency) environment.WALLET_DEFAULT_CURRENCY = props.defaultCurrency;
    if (secret) environment.WALLET_API_TOKENS_SECRET_ID = props.tokensSecretName!;
    const handler = walletFunction(this, 'Function', {
      code: 'api',
      environment,
      ...(secret
        ? {
            paramsAndSecrets: ParamsAndSecretsLayerVersion.fromVersion(
              ParamsAndSecretsVersions.V1_0_103,
              { cacheSize: 10, secretsManagerTtl: Duration.minutes(5) },
            ),
          }
        : {}),
    });
    // TransactWriteItems of whole-item Puts is authorized as PutItem on each item.
    props.ledgerTable.grant(
      handler,
      'dynamodb:GetItem',
      'dynamodb:BatchGetItem',
      'dynamodb:Query',
      'dynamodb:PutItem',
    );
    props.historyTable.grant(handler, 'dynamodb:Query');
    secret?.grantRead(handler);

    this.api = new RestApi(this, 'RestApi', {
      description: 'Wallet API (@wallet/http v1)',
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
      cloudWatchRole: false,
      deployOptions: {
        stageName: 'prod',
        tracingEnabled: true,
        metricsEnabled: true,
        loggingLevel: MethodLoggingLevel.OFF,
        throttlingRateLimit: 200,
        throttlingBurstLimit: 400,
      },
    });
    const integration = new LambdaIntegration(handler);
    const open = { authorizationType: AuthorizationType.NONE };
    this.api.root.addResource('healthz').addMethod('GET', integration, open);
    this.api.root.addResource('openapi.json').addMethod('GET', integration, open);
    this.api.root.addResource('v1').addProxy({
      defaultIntegration: integration,
      defaultMethodOptions: {
        authorizationType:
          props.authorization === 'iam' ? AuthorizationType.IAM : AuthorizationType.NONE,
      },
    });

    this.invokePolicy = new ManagedPolicy(this, 'InvokePolicy', {
      description: 'Calls the wallet API /v1 routes (scopes are granted per caller by the API)',
      statements: [
        new PolicyStatement({
          actions: ['execute-api:Invoke'],
          resources: [this.api.arnForExecuteApi('*', '/v1/*', this.api.deploymentStage.stageName)],
        }),
      ],
    });
    new CfnOutput(this, 'Url', { value: this.api.url });
    new CfnOutput(this, 'InvokePolicyArn', { value: this.invokePolicy.managedPolicyArn });
  }
}
