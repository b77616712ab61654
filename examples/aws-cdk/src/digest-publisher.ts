import type { CurrencyConfig } from '@wallet/core';
import { LEDGER_INDEXES } from '@wallet/dynamodb-ledger';
import { CfnOutput, Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IAlarmAction,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction as LambdaTarget } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  ObjectLockRetention,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DIGEST_PREFIX } from './lambda/publish-digest.js';
import { walletFunction } from './wallet-function.js';

/**
 * The DynamoDB items the digest publisher may touch, by partition key (`dynamodb:LeadingKeys`;
 * `@wallet/dynamodb-ledger` keeps a wallet and its journal in `W#<accountId>` and a ledger
 * record in `R#<key>`, and core keeps a digest in the records `digest:<id>`,
 * `digest-node:<id>:<level>:<index>` and `digests:latest`):
 * - `read`: the wallets it lists (read back by `BatchGetItem`) and the pointer to the newest
 *   digest (read in the transaction that links the new one after it);
 * - `write`: the digest's records only, so the publisher can never write a wallet, an entry, an
 *   idempotency key or another record (a hold).
 *
 * @example
 * new PolicyStatement({ actions: ['dynamodb:PutItem'], conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': DIGEST_LEDGER_KEYS.write } } });
 */
export const DIGEST_LEDGER_KEYS = {
  read: ['W#*', 'R#digests:latest'],
  write: ['R#digest:*', 'R#digest-node:*', 'R#digests:latest'],
} as const;

/** S3 keeps a retention of at most 100 years. */
const MAX_RETENTION_DAYS = 36_500;

/**
 * Props of {@link DigestPublisher}.
 *
 * @example
 * const props: DigestPublisherProps = { ledgerTable, currencies, retention: Duration.days(730) };
 */
export interface DigestPublisherProps {
  /** The DynamoDB ledger table the API writes. */
  ledgerTable: ITable;
  /** The API's currencies (`WALLET_CURRENCIES`): the service is built as the API builds it. */
  currencies: CurrencyConfig[];
  defaultCurrency?: string;
  /**
   * How long each digest object is locked in COMPLIANCE mode: no one, the account's root user
   * included, can delete or overwrite it, or shorten this, until it ends. Whole days, at most
   * 36500. Default 365 days.
   */
  retention?: Duration;
  /** When a digest is made. Default every hour. */
  schedule?: Schedule;
  /** Where the alarm on a failed run goes. Default none (the alarm is still created). */
  alarmAction?: IAlarmAction;
}

/**
 * Publishes digests (DESIGN section 10) where whoever runs the ledger cannot change them: on a
 * schedule, a Lambda builds the API's wallet service, calls `createDigest()` and writes the
 * digest as `digests/<createdAt>-<digestId>.json` to a bucket with S3 Object Lock, whose default
 * retention locks every object in COMPLIANCE mode for `retention`.
 *
 * The bucket is versioned (Object Lock needs it), blocks all public access, refuses requests
 * without TLS, encrypts with S3-managed keys (so the function needs no KMS grant) and is
 * retained when the stack goes (its locked objects could not be deleted anyway).
 *
 * The function may:
 * - put objects under `digests/` of the bucket: no read, list or delete, no retention or legal
 *   hold change (the bucket's default retention applies without one), no governance bypass;
 * - on the ledger table, what `createDigest` sends and no more: `Query` on the `wallets` index
 *   (the listing), `BatchGetItem` of the wallets listed and of the newest digest's pointer, and
 *   `PutItem` of the digest's records ({@link DIGEST_LEDGER_KEYS}). The records are written with
 *   `TransactWriteItems`, which IAM authorizes as a `PutItem` per item (it has no action of its
 *   own), and its conditions need no `ConditionCheckItem`, as they are on the items put. It
 *   needs no `GetItem`: the transactions read through `BatchGetItem`.
 *
 * @throws {Error} at synth when `retention` is not a whole number of days from 1 to 36500
 * @example
 * new DigestPublisher(this, 'Digests', { ledgerTable, currencies, retention: Duration.days(730) });
 */
export class DigestPublisher extends Construct {
  readonly bucket: Bucket;
  readonly function: LambdaFunction;
  readonly rule: Rule;
  readonly errorAlarm: Alarm;

  constructor(scope: Construct, id: string, props: DigestPublisherProps) {
    // Checked before the construct joins the tree, so a refused retention leaves nothing behind.
    const retention = props.retention ?? Duration.days(365);
    const days = retention.toDays({ integral: false });
    if (!Number.isInteger(days) || days < 1 || days > MAX_RETENTION_DAYS) {
      throw new Error(
        `digest retention must be a whole number of days from 1 to ${MAX_RETENTION_DAYS}; got ${retention.toHumanString()}`,
      );
    }
    super(scope, id);

    this.bucket = new Bucket(this, 'Bucket', {
      objectLockEnabled: true,
      objectLockDefaultRetention: ObjectLockRetention.compliance(Duration.days(days)),
      versioned: true,
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const environment: Record<string, string> = {
      LEDGER_TABLE: props.ledgerTable.tableName,
      WALLET_CURRENCIES: JSON.stringify(props.currencies),
      DIGEST_BUCKET: this.bucket.bucketName,
    };
    if (props.defaultCurrency) environment.WALLET_DEFAULT_CURRENCY = props.defaultCurrency;
    this.function = walletFunction(this, 'Function', {
      code: 'digest-publisher',
      environment,
      // A digest reads every wallet; a large ledger takes minutes. A run cut short leaves an
      // unlisted partial tree, never a wrong digest.
      timeout: Duration.minutes(15),
    });

    // Written out rather than `bucket.grantPut`, which also allows s3:Abort* and names the
    // whole bucket: this is PutObject under digests/ and nothing else.
    this.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`${DIGEST_PREFIX}*`)],
      }),
    );
    const table = props.ledgerTable.tableArn;
    this.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [`${table}/index/${LEDGER_INDEXES.wallets.name}`],
      }),
    );
    this.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:BatchGetItem'],
        resources: [table],
        conditions: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...DIGEST_LEDGER_KEYS.read] },
        },
      }),
    );
    this.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:PutItem'],
        resources: [table],
        conditions: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...DIGEST_LEDGER_KEYS.write] },
        },
      }),
    );

    this.rule = new Rule(this, 'Schedule', {
      description: 'Publishes a wallet digest to the Object Lock bucket',
      schedule: props.schedule ?? Schedule.rate(Duration.hours(1)),
      targets: [new LambdaTarget(this.function, { retryAttempts: 2 })],
    });

    // A missing digest leaves a window in which a rewrite of history would not show.
    this.errorAlarm = new Alarm(this, 'ErrorAlarm', {
      alarmDescription: 'A digest run failed: no digest was published for that run',
      metric: this.function.metricErrors({ period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    if (props.alarmAction) this.errorAlarm.addAlarmAction(props.alarmAction);

    new CfnOutput(this, 'BucketName', { value: this.bucket.bucketName });
  }
}
