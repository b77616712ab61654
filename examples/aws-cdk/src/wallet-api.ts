import type { CurrencyConfig, HotWalletConfig } from '@wallet/core';
import { CfnOutput, Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import {
  AccessLogField,
  AccessLogFormat,
  AuthorizationType,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { ParamsAndSecretsLayerVersion, ParamsAndSecretsVersions } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { checkIamCallers, type IamCaller } from './lambda/wallet-config.js';
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
  /** Wallets every trade credits (a house account): see `hotWallets` of `createWalletService`. */
  hotWallets?: HotWalletConfig[];
  /** `iam`: API Gateway requires SigV4-signed calls; `tokens`: bearer tokens checked by the Lambda. */
  authorization: 'iam' | 'tokens';
  iamCallers: IamCaller[];
  /** A Secrets Manager secret (name) holding bearer tokens as a JSON array of `ApiToken`. */
  tokensSecretName?: string;
  /**
   * A regional AWS WAF web ACL (`arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>`)
   * to associate with the API stage. Default none.
   */
  webAclArn?: string;
  /**
   * Set the account's API Gateway CloudWatch Logs role (`AWS::ApiGateway::Account`, one per
   * account and region), which API Gateway needs to write the access log. Default false: the
   * account already has one (see docs/deploy.md).
   */
  apiGatewayCloudWatchRole?: boolean;
}

/**
 * The fields of one access log line of the API stage (JSON): who called what, how it ended and
 * how long it took. No header, body or authorizer value is logged, so neither the
 * `Authorization` header nor a bearer token can reach the log; the caller is the IAM ARN API
 * Gateway authenticated (`-` with bearer tokens, whose caller the API Lambda's log names).
 * `status` and `latencyMs` are numbers; everything else is a string.
 *
 * @example
 * // {"requestId":"c6af9ac6-...","route":"/v1/{proxy+}","status":200,"latencyMs":41,"caller":"arn:aws:sts::...",...}
 * AccessLogFormat.custom(accessLogLine());
 */
export const ACCESS_LOG_FIELDS: Readonly<Record<string, string>> = {
  requestId: AccessLogField.contextRequestId(),
  time: AccessLogField.contextRequestTime(),
  method: AccessLogField.contextHttpMethod(),
  route: AccessLogField.contextResourcePath(),
  path: AccessLogField.contextPath(),
  status: AccessLogField.contextStatus(),
  latencyMs: AccessLogField.contextResponseLatency(),
  integrationLatencyMs: AccessLogField.contextIntegrationLatency(),
  caller: AccessLogField.contextIdentityUserArn(),
  sourceIp: AccessLogField.contextIdentitySourceIp(),
  errorType: AccessLogField.contextErrorResponseType(),
  waf: AccessLogField.contextWafResponseCode(),
  xrayTraceId: AccessLogField.contextXrayTraceId(),
};

/** Always set, always a number: written unquoted. */
const NUMERIC_ACCESS_LOG_FIELDS = new Set(['status', 'latencyMs']);

/**
 * {@link ACCESS_LOG_FIELDS} as the one-line JSON template API Gateway fills in.
 *
 * @example
 * new RestApi(this, 'Api', { deployOptions: { accessLogFormat: AccessLogFormat.custom(accessLogLine()) } });
 */
export function accessLogLine(): string {
  const members = Object.entries(ACCESS_LOG_FIELDS).map(([name, field]) =>
    NUMERIC_ACCESS_LOG_FIELDS.has(name) ? `"${name}":${field}` : `"${name}":"${field}"`,
  );
  return `{${members.join(',')}}`;
}

/** `arn:<partition>:wafv2:<region>:<account>:regional/webacl/<name>/<id>` */
const REGIONAL_WEB_ACL_ARN =
  /^arn:aws[a-z-]*:wafv2:[a-z0-9-]+:\d{12}:regional\/webacl\/[^/]+\/[^/]+$/;

/**
 * The wallet HTTP API: a REST API whose `/v1/{proxy+}` routes go to one Lambda running
 * `@wallet/http` over the DynamoDB ledger, reading history from the history table.
 *
 * - With `authorization: 'iam'` (the default) every `/v1` call must be SigV4-signed by an IAM
 *   principal allowed `execute-api:Invoke` (attach `invokePolicy`), and the Lambda maps the
 *   caller's ARN to scopes (`iamCallers`); an unlisted caller is refused (401).
 * - `/healthz` and `/openapi.json` are public, as `@wallet/http` serves them.
 * - The function may read and write the ledger's items and query the history table, no more.
 * - The stage writes a JSON access log ({@link ACCESS_LOG_FIELDS}) to a log group of its own,
 *   and is associated with the WAF web ACL `webAclArn` when given.
 *
 * @throws {TypeError} when {@link checkIamCallers} refuses `iamCallers` (an unknown scope, or a
 *   caller limited to one account with `credit` or `admin`)
 * @throws {Error} on `authorization: 'tokens'` without a secret, or a `webAclArn` that is not a
 *   regional web ACL's ARN
 * @example
 * new WalletApi(this, 'Api', { ledgerTable, historyTable, currencies, authorization: 'iam', iamCallers });
 */
export class WalletApi extends Construct {
  readonly api: RestApi;
  /** Lets a principal call the `/v1` routes (IAM authorization); attach it to your backend's role. */
  readonly invokePolicy: ManagedPolicy;
  /** Where the stage writes its access log. */
  readonly accessLogGroup: LogGroup;

  constructor(scope: Construct, id: string, props: WalletApiProps) {
    super(scope, id);
    // Before anything is bundled: a refused caller list fails the synth at once.
    checkIamCallers(props.iamCallers, 'iamCallers');
    const { webAclArn } = props;
    if (
      webAclArn !== undefined &&
      !Token.isUnresolved(webAclArn) &&
      !REGIONAL_WEB_ACL_ARN.test(webAclArn)
    ) {
      throw new Error(
        `webAclArn must be a regional WAF web ACL ARN (arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>); got ${webAclArn}`,
      );
    }
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
    if (props.hotWallets?.length) environment.WALLET_HOT_WALLETS = JSON.stringify(props.hotWallets);
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

    this.accessLogGroup = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.ONE_MONTH,
    });
    this.api = new RestApi(this, 'RestApi', {
      description: 'Wallet API (@wallet/http v1)',
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
      // The account's role, not this API's: set it here only when asked (see the prop).
      cloudWatchRole: props.apiGatewayCloudWatchRole ?? false,
      ...(props.apiGatewayCloudWatchRole
        ? { cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN }
        : {}),
      deployOptions: {
        stageName: 'prod',
        tracingEnabled: true,
        metricsEnabled: true,
        // Execution logs would hold request details; the access log below is enough.
        loggingLevel: MethodLoggingLevel.OFF,
        accessLogDestination: new LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: AccessLogFormat.custom(accessLogLine()),
        throttlingRateLimit: 200,
        throttlingBurstLimit: 400,
      },
    });
    if (webAclArn !== undefined) {
      new CfnWebACLAssociation(this, 'WebAclAssociation', {
        resourceArn: this.api.deploymentStage.stageArn,
        webAclArn,
      });
    }
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
    new CfnOutput(this, 'AccessLogGroupName', { value: this.accessLogGroup.logGroupName });
  }
}
