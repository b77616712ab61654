import type { CurrencyConfig, HotWalletConfig } from '@wallet/core';
import { HISTORY_ATTRIBUTES } from '@wallet/dynamo-history';
import { LEDGER_INDEXES, LEDGER_KEYS } from '@wallet/dynamodb-ledger';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import type { Schedule } from 'aws-cdk-lib/aws-events';
import { Stream, StreamEncryption, StreamMode } from 'aws-cdk-lib/aws-kinesis';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { DigestPublisher } from './digest-publisher.js';
import { HistoryPipeline } from './history-pipeline.js';
import { JournalAnalytics } from './journal-analytics.js';
import { checkIamCallers, type IamCaller } from './lambda/wallet-config.js';
import { QldbLedger } from './qldb-ledger.js';
import { WalletApi } from './wallet-api.js';

/**
 * Props of {@link WalletStack}; every field has a default, so `new WalletStack(app, 'Wallet')`
 * deploys the DynamoDB architecture with IAM authorization.
 *
 * @example
 * const props: WalletStackProps = { currencies: [{ code: 'GOLD', scale: 2 }], iamCallers: [{ arn: backendRoleArn, scopes: ['admin'] }] };
 */
export interface WalletStackProps extends StackProps {
  /** `dynamodb` (default): the deployable architecture. `qldb`: the original one, for reference. */
  ledger?: 'dynamodb' | 'qldb';
  /** Default `GEMS` (scale 0) and `GOLD` (scale 2). */
  currencies?: CurrencyConfig[];
  defaultCurrency?: string;
  /**
   * Wallets every trade credits from many Lambda instances at once (a house account, a jackpot
   * pool), declared hot so their credits do not wait on one item. Default none.
   */
  hotWallets?: HotWalletConfig[];
  /** Default `iam`. */
  authorization?: 'iam' | 'tokens';
  /**
   * IAM users or roles allowed to call the API and their scopes (`read`, `credit`, `debit`,
   * `transfer`, `exchange`, `admin`). One with `accountId` may hold only `read`, `debit`,
   * `transfer` and `exchange`; the stack refuses anything else. Default none: all refused.
   */
  iamCallers?: IamCaller[];
  /** An existing Secrets Manager secret (name) with bearer tokens (JSON array of `ApiToken`). */
  tokensSecretName?: string;
  /** Days history items live after `txTime`. Default 365. */
  historyTtlDays?: number;
  /** Firehose, S3, Glue and Athena over the journal. Default true (DynamoDB ledger only). */
  analytics?: boolean;
  /** A regional AWS WAF web ACL to associate with the API stage. Default none. */
  webAclArn?: string;
  /**
   * Let the stack set the account's API Gateway CloudWatch Logs role, which the access log
   * needs (one per account and region). Default false: set it once yourself (docs/deploy.md).
   */
  apiGatewayCloudWatchRole?: boolean;
  /**
   * Publish a digest of the ledger on a schedule to an S3 bucket with Object Lock
   * ({@link DigestPublisher}). Default true (DynamoDB ledger only).
   */
  digests?: boolean;
  /** How long each digest object is locked (COMPLIANCE mode), in whole days. Default 365 days. */
  digestRetention?: Duration;
  /** When a digest is published. Default every hour. */
  digestSchedule?: Schedule;
}

/**
 * The serverless wallet: API Gateway and a Lambda running `@wallet/http` in front of the
 * DynamoDB ledger table, whose item changes stream to Kinesis Data Streams; the transformer
 * Lambda writes the history table (TTL `expire_timestamp`) that the API serves history from;
 * Firehose, Glue and Athena over the journal; a digest of the ledger published every hour to an
 * S3 bucket with Object Lock; alarms to an SNS topic.
 *
 * With `ledger: 'qldb'` it synthesizes the original architecture's ledger side instead: a QLDB
 * ledger streaming to Kinesis, the transformer reading Ion, the history table. QLDB has no
 * deployable API here (the service was shut down; see docs/deploy.md).
 *
 * @throws {TypeError} when `iamCallers` lists an unknown scope, or gives a caller limited to one
 *   account `credit` or `admin`
 * @example
 * new WalletStack(new App(), 'Wallet', { iamCallers: [{ arn: 'arn:aws:iam::123456789012:role/game-backend', scopes: ['admin'] }] });
 */
export class WalletStack extends Stack {
  readonly changeStream: Stream;
  readonly historyTable: Table;
  readonly ledgerTable?: Table;
  readonly api?: WalletApi;
  readonly history: HistoryPipeline;
  readonly analytics?: JournalAnalytics;
  readonly digests?: DigestPublisher;
  readonly alarmTopic: Topic;

  constructor(scope: Construct, id: string, props: WalletStackProps = {}) {
    super(scope, id, props);
    checkIamCallers(props.iamCallers ?? [], 'iamCallers');
    const ledgerKind = props.ledger ?? 'dynamodb';
    const currencies = props.currencies ?? [
      { code: 'GEMS', scale: 0 },
      { code: 'GOLD', scale: 2 },
    ];

    this.alarmTopic = new Topic(this, 'AlarmTopic', { displayName: 'Wallet alarms' });
    this.changeStream = new Stream(this, 'LedgerChangeStream', {
      streamMode: StreamMode.ON_DEMAND,
      encryption: StreamEncryption.MANAGED,
      retentionPeriod: Duration.days(7),
    });
    this.historyTable = new Table(this, 'HistoryTable', {
      partitionKey: { name: HISTORY_ATTRIBUTES.partitionKey, type: AttributeType.STRING },
      sortKey: { name: HISTORY_ATTRIBUTES.sortKey, type: AttributeType.NUMBER },
      timeToLiveAttribute: HISTORY_ATTRIBUTES.ttl,
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.AWS_MANAGED,
      // History is rebuilt from the ledger's stream or journal; it may go with the stack.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    if (ledgerKind === 'dynamodb') {
      this.ledgerTable = new Table(this, 'LedgerTable', {
        partitionKey: { name: LEDGER_KEYS.partitionKey, type: AttributeType.STRING },
        sortKey: { name: LEDGER_KEYS.sortKey, type: AttributeType.STRING },
        billingMode: BillingMode.PAY_PER_REQUEST,
        encryption: TableEncryption.AWS_MANAGED,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        deletionProtection: true,
        removalPolicy: RemovalPolicy.RETAIN,
        kinesisStream: this.changeStream,
      });
      // The ledger's queries: a transaction's entries, wallets by account id, and wallets by
      // their earliest hold expiry (@wallet/dynamodb-ledger's LEDGER_INDEXES, all KEYS_ONLY).
      for (const index of Object.values(LEDGER_INDEXES)) {
        this.ledgerTable.addGlobalSecondaryIndex({
          indexName: index.name,
          partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
          ...('sortKey' in index
            ? { sortKey: { name: index.sortKey, type: AttributeType.STRING } }
            : {}),
          projectionType: ProjectionType.KEYS_ONLY,
        });
      }
      this.api = new WalletApi(this, 'Api', {
        ledgerTable: this.ledgerTable,
        historyTable: this.historyTable,
        currencies,
        ...(props.defaultCurrency ? { defaultCurrency: props.defaultCurrency } : {}),
        ...(props.hotWallets ? { hotWallets: props.hotWallets } : {}),
        authorization: props.authorization ?? 'iam',
        iamCallers: props.iamCallers ?? [],
        ...(props.tokensSecretName ? { tokensSecretName: props.tokensSecretName } : {}),
        ...(props.webAclArn ? { webAclArn: props.webAclArn } : {}),
        ...(props.apiGatewayCloudWatchRole ? { apiGatewayCloudWatchRole: true } : {}),
      });
      new CfnOutput(this, 'LedgerTableName', { value: this.ledgerTable.tableName });
    } else {
      new QldbLedger(this, 'QldbLedger', { stream: this.changeStream });
    }

    this.history = new HistoryPipeline(this, 'History', {
      stream: this.changeStream,
      historyTable: this.historyTable,
      ledgerKind,
      ttlDays: props.historyTtlDays ?? 365,
      alarmAction: new SnsAction(this.alarmTopic),
    });
    if (this.ledgerTable && (props.digests ?? true)) {
      this.digests = new DigestPublisher(this, 'Digests', {
        ledgerTable: this.ledgerTable,
        currencies,
        ...(props.defaultCurrency ? { defaultCurrency: props.defaultCurrency } : {}),
        ...(props.digestRetention ? { retention: props.digestRetention } : {}),
        ...(props.digestSchedule ? { schedule: props.digestSchedule } : {}),
        alarmAction: new SnsAction(this.alarmTopic),
      });
    }
    if (ledgerKind === 'dynamodb' && (props.analytics ?? true)) {
      this.analytics = new JournalAnalytics(this, 'Analytics', { stream: this.changeStream });
    }
    new CfnOutput(this, 'HistoryTableName', { value: this.historyTable.tableName });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn });
  }
}
