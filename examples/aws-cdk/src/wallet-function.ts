import { Duration } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  Architecture,
  Function as LambdaFunction,
  type ParamsAndSecretsLayerVersion,
  Runtime,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { lambdaCode } from './lambda-bundle.js';

/**
 * Options of {@link walletFunction}.
 *
 * @example
 * const options: WalletFunctionOptions = { code: 'api', environment: { LEDGER_TABLE: table.tableName } };
 */
export interface WalletFunctionOptions {
  code: Parameters<typeof lambdaCode>[0];
  environment: Record<string, string>;
  timeout?: Duration;
  memorySize?: number;
  /** The AWS Parameters and Secrets extension, for a function that reads a secret. */
  paramsAndSecrets?: ParamsAndSecretsLayerVersion;
}

/**
 * A Lambda function of the example: Node.js 22 on arm64, source maps on, X-Ray tracing, and a
 * log group of its own with a retention (so metric filters can watch it and logs do not live
 * forever).
 *
 * Its execution role is its own, not CDK's default with `AWSLambdaBasicExecutionRole` (which
 * allows creating and writing any log group of the account): it may only create streams in and
 * put events to its own log group (`logs:CreateLogStream`, `logs:PutLogEvents` on that group's
 * ARN). The log group exists before the function, so it needs no `logs:CreateLogGroup`.
 *
 * @example
 * const api = walletFunction(this, 'ApiFunction', { code: 'api', environment });
 */
export function walletFunction(
  scope: Construct,
  id: string,
  options: WalletFunctionOptions,
): LambdaFunction {
  const logGroup = new LogGroup(scope, `${id}Logs`, { retention: RetentionDays.ONE_MONTH });
  const role = new Role(scope, `${id}Role`, {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: `Runs ${scope.node.path}/${id}: writes its own log group only, plus its grants`,
  });
  logGroup.grantWrite(role);
  return new LambdaFunction(scope, id, {
    role,
    runtime: Runtime.NODEJS_22_X,
    architecture: Architecture.ARM_64,
    code: lambdaCode(options.code),
    handler: 'index.handler',
    memorySize: options.memorySize ?? 512,
    timeout: options.timeout ?? Duration.seconds(10),
    tracing: Tracing.ACTIVE,
    logGroup,
    ...(options.paramsAndSecrets ? { paramsAndSecrets: options.paramsAndSecrets } : {}),
    environment: { NODE_OPTIONS: '--enable-source-maps', ...options.environment },
  });
}
