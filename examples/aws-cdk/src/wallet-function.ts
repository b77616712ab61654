import { Duration } from 'aws-cdk-lib';
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
 * @example
 * const api = walletFunction(this, 'ApiFunction', { code: 'api', environment });
 */
export function walletFunction(
  scope: Construct,
  id: string,
  options: WalletFunctionOptions,
): LambdaFunction {
  const logGroup = new LogGroup(scope, `${id}Logs`, { retention: RetentionDays.ONE_MONTH });
  return new LambdaFunction(scope, id, {
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
