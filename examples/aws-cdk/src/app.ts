import type { CurrencyConfig, HotWalletConfig } from '@wallet/core';
import { App, Duration } from 'aws-cdk-lib';
import type { IamCaller } from './lambda/wallet-config.js';
import { WalletStack, type WalletStackProps } from './wallet-stack.js';

/**
 * The CDK app that `cdk.json` runs. Context (`-c key=value`, JSON where structured): `ledger`
 * (`dynamodb` | `qldb`), `currencies`, `hotWallets`, `iamCallers`, `tokensSecretName`, `webAclArn`,
 * `apiGatewayCloudWatchRole` (`true`), `digests` (`false` to publish none), `digestRetentionDays`
 * (a whole number). The stack checks `iamCallers` and fails the synth on an
 * unknown scope or an account-limited caller with `credit` or `admin`.
 */
const app = new App();

function context<T>(key: string): T | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined) return undefined;
  // `-c` passes strings; cdk.json's context holds JSON values already.
  return (typeof value === 'string' && /^[[{]/.test(value) ? JSON.parse(value) : value) as T;
}

const ledger = context<string>('ledger') === 'qldb' ? 'qldb' : 'dynamodb';
const props: WalletStackProps = {
  ledger,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
};
const currencies = context<CurrencyConfig[]>('currencies');
if (currencies) props.currencies = currencies;
const hotWallets = context<HotWalletConfig[]>('hotWallets');
if (hotWallets) props.hotWallets = hotWallets;
const iamCallers = context<IamCaller[]>('iamCallers');
if (iamCallers) props.iamCallers = iamCallers;
const tokensSecretName = context<string>('tokensSecretName');
if (tokensSecretName) {
  props.tokensSecretName = tokensSecretName;
  props.authorization = 'tokens';
}
const webAclArn = context<string>('webAclArn');
if (webAclArn) props.webAclArn = webAclArn;
const cloudWatchRole = context<boolean | string>('apiGatewayCloudWatchRole');
if (cloudWatchRole === true || cloudWatchRole === 'true') props.apiGatewayCloudWatchRole = true;
const digests = context<boolean | string>('digests');
if (digests === false || digests === 'false') props.digests = false;
const retentionDays = context<number | string>('digestRetentionDays');
// The stack refuses a retention that is not a whole number of days, naming it.
if (retentionDays !== undefined) props.digestRetention = Duration.days(Number(retentionDays));
new WalletStack(app, ledger === 'qldb' ? 'WalletQldbReference' : 'Wallet', props);
app.synth();
