// @wallet/analytics owns the exported files' schema; the table reads those files too, so it
// takes the same column list.
import { JOURNAL_GLUE_COLUMNS, JOURNAL_PARTITION_COLUMN } from '@wallet/analytics';
import { Aws, CfnOutput, Duration, RemovalPolicy, Size, Stack, Validations } from 'aws-cdk-lib';
import { CfnNamedQuery, CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import {
  DeliveryStream,
  EnableLogging,
  HiveJsonInputFormat,
  KinesisStreamSource,
  LambdaFunctionProcessor,
  OutputFormat,
  S3Bucket,
  SchemaConfiguration,
  TimestampParser,
} from 'aws-cdk-lib/aws-kinesisfirehose';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { walletFunction } from './wallet-function.js';

/**
 * Where journal rows live in the bucket: `journal/dt=YYYY-MM-DD/`.
 *
 * @example
 * `s3://${bucket.bucketName}/${JOURNAL_PREFIX}`;
 */
export const JOURNAL_PREFIX = 'journal/';

/**
 * Where Firehose writes the records it could not process or convert:
 * `errors/<error-output-type>/YYYY-MM-DD/`.
 *
 * @example
 * `s3://${bucket.bucketName}/${JOURNAL_ERRORS_PREFIX}`;
 */
export const JOURNAL_ERRORS_PREFIX = 'errors/';

/**
 * The Glue database and table names Athena queries use.
 *
 * @example
 * `SELECT count(*) FROM "${ANALYTICS_NAMES.database}"."${ANALYTICS_NAMES.table}"`;
 */
export const ANALYTICS_NAMES = {
  database: 'wallet_analytics',
  table: 'journal_entries',
  workGroup: 'wallet-analytics',
} as const;

/**
 * The example query saved in the Athena workgroup: a week of volume per day, currency and type.
 *
 * @example
 * new CfnNamedQuery(this, 'Query', { queryString: DAILY_VOLUME_QUERY, database, workGroup, name });
 */
export const DAILY_VOLUME_QUERY = `SELECT dt, currency, type, count(*) AS entries, sum(amount) AS volume
FROM "${ANALYTICS_NAMES.database}"."${ANALYTICS_NAMES.table}"
WHERE dt >= date_format(current_date - interval '7' day, '%Y-%m-%d')
GROUP BY dt, currency, type
ORDER BY dt, currency, type`;

/**
 * Analytics over the journal: Firehose reads the ledger's stream, a Lambda processor keeps the
 * journal entries (as rows of `JOURNAL_GLUE_COLUMNS`, partitioned by the UTC date of `txTime`),
 * Firehose converts them to Parquet with the Glue table's schema and writes
 * `s3://<bucket>/journal/dt=YYYY-MM-DD/`. The Glue table uses partition projection, so new days
 * are queryable without a crawler; `wallet export` files copied under the same prefix (a
 * backfill) are read by the same table. An Athena workgroup (results in the bucket, encrypted,
 * a per-query scan limit) holds a saved example query.
 *
 * Firehose writes with a role of its own that may put objects under `journal/` and `errors/`
 * only (not read or delete the rest of the bucket, e.g. Athena's results), list the bucket,
 * read the Glue table, invoke the processor and write its own log group.
 *
 * @example
 * new JournalAnalytics(this, 'Analytics', { stream });
 */
export class JournalAnalytics extends Construct {
  readonly bucket: Bucket;
  readonly table: CfnTable;
  readonly deliveryStream: DeliveryStream;
  /** The role Firehose writes the bucket with (the S3 destination's role). */
  readonly deliveryRole: Role;

  constructor(scope: Construct, id: string, props: { stream: IStream }) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ prefix: 'athena-results/', expiration: Duration.days(30) }],
    });
    const location = `s3://${this.bucket.bucketName}/${JOURNAL_PREFIX}`;

    const database = new CfnDatabase(this, 'Database', {
      catalogId: Aws.ACCOUNT_ID,
      databaseInput: { name: ANALYTICS_NAMES.database, description: 'Wallet journal analytics' },
    });
    this.table = new CfnTable(this, 'JournalTable', {
      catalogId: Aws.ACCOUNT_ID,
      databaseName: ANALYTICS_NAMES.database,
      tableInput: {
        name: ANALYTICS_NAMES.table,
        description: 'One row per journal entry (@wallet/analytics schema)',
        tableType: 'EXTERNAL_TABLE',
        partitionKeys: [JOURNAL_PARTITION_COLUMN],
        parameters: {
          classification: 'parquet',
          'projection.enabled': 'true',
          'projection.dt.type': 'date',
          'projection.dt.format': 'yyyy-MM-dd',
          'projection.dt.range': '2020-01-01,NOW',
          'projection.dt.interval': '1',
          'projection.dt.interval.unit': 'DAYS',
          'storage.location.template': `${location}dt=\${dt}/`,
        },
        storageDescriptor: {
          location,
          columns: JOURNAL_GLUE_COLUMNS.map(({ name, type, comment }) => ({ name, type, comment })),
          inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
          serdeInfo: {
            serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
          },
        },
      },
    });
    this.table.node.addDependency(database);

    const rows = walletFunction(this, 'JournalRows', {
      code: 'firehose-journal',
      timeout: Duration.minutes(1),
      environment: {},
    });
    // The S3 destination of aws-kinesisfirehose grants its role read, write and delete on the
    // whole bucket. So the destination is handed this role without policy updates: every grant
    // it would add is dropped, and the role holds exactly the statements below.
    this.deliveryRole = new Role(this, 'DeliveryRole', {
      assumedBy: new ServicePrincipal('firehose.amazonaws.com'),
      description: 'Firehose: writes journal/ and errors/ of the analytics bucket, no more',
    });
    const deliveryLogs = new LogGroup(this, 'DeliveryLogs', { retention: RetentionDays.TWO_YEARS });
    this.deliveryRole.addToPolicy(
      new PolicyStatement({
        actions: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
        resources: [this.bucket.bucketArn],
      }),
    );
    this.deliveryRole.addToPolicy(
      new PolicyStatement({
        actions: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload'],
        resources: [JOURNAL_PREFIX, JOURNAL_ERRORS_PREFIX].map((prefix) =>
          this.bucket.arnForObjects(`${prefix}*`),
        ),
      }),
    );
    deliveryLogs.grantWrite(this.deliveryRole);
    rows.grantInvoke(this.deliveryRole);
    // What SchemaConfiguration.fromCfnTable grants: the table, its database and the catalog.
    this.deliveryRole.addToPolicy(
      new PolicyStatement({
        actions: ['glue:GetTable', 'glue:GetTableVersion', 'glue:GetTableVersions'],
        resources: [
          `arn:${Aws.PARTITION}:glue:${Aws.REGION}:${Aws.ACCOUNT_ID}:catalog`,
          `arn:${Aws.PARTITION}:glue:${Aws.REGION}:${Aws.ACCOUNT_ID}:database/${ANALYTICS_NAMES.database}`,
          `arn:${Aws.PARTITION}:glue:${Aws.REGION}:${Aws.ACCOUNT_ID}:table/${ANALYTICS_NAMES.database}/${this.table.ref}`,
        ],
      }),
    );
    // Also granted by fromCfnTable, for tables whose schema lives in the Glue schema registry
    // (which names no resource); kept so format conversion behaves as the construct intends.
    this.deliveryRole.addToPolicy(
      new PolicyStatement({ actions: ['glue:GetSchemaVersion'], resources: ['*'] }),
    );
    this.deliveryStream = new DeliveryStream(this, 'DeliveryStream', {
      source: new KinesisStreamSource(props.stream),
      destination: new S3Bucket(this.bucket, {
        role: this.deliveryRole.withoutPolicyUpdates(),
        loggingConfig: new EnableLogging(deliveryLogs),
        dataOutputPrefix: `${JOURNAL_PREFIX}dt=!{partitionKeyFromLambda:dt}/`,
        errorOutputPrefix: `${JOURNAL_ERRORS_PREFIX}!{firehose:error-output-type}/!{timestamp:yyyy-MM-dd}/`,
        processors: [
          new LambdaFunctionProcessor(rows, {
            bufferInterval: Duration.seconds(60),
            bufferSize: Size.mebibytes(1),
          }),
        ],
        dynamicPartitioning: { enabled: true },
        dataFormatConversion: {
          schemaConfiguration: SchemaConfiguration.fromCfnTable(this.table),
          inputFormat: new HiveJsonInputFormat({
            timestampParsers: [TimestampParser.EPOCH_MILLIS],
          }),
          outputFormat: OutputFormat.PARQUET,
        },
        bufferingInterval: Duration.minutes(5),
        bufferingSize: Size.mebibytes(128),
      }),
    });
    // Firehose checks its role when the stream is created: the role's policy must exist first.
    this.deliveryStream.node.defaultChild?.node.addDependency(this.deliveryRole);

    const workGroup = new CfnWorkGroup(this, 'WorkGroup', {
      name: ANALYTICS_NAMES.workGroup,
      description: 'Queries over the wallet journal',
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: Size.gibibytes(10).toBytes(),
        resultConfiguration: {
          outputLocation: `s3://${this.bucket.bucketName}/athena-results/`,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
      },
    });
    const query = new CfnNamedQuery(this, 'DailyVolumeQuery', {
      name: 'Daily volume by currency and type (last 7 days)',
      database: ANALYTICS_NAMES.database,
      workGroup: ANALYTICS_NAMES.workGroup,
      queryString: DAILY_VOLUME_QUERY,
    });
    query.node.addDependency(workGroup, database);

    // The Firehose construct adds a mapping of its service's CIDR blocks for destinations that
    // need an allow list (Redshift, HTTP endpoints); an S3 destination does not reference it.
    Validations.of(Stack.of(this)).acknowledge({
      id: 'CloudFormation-Validate::W7001',
      reason:
        'unreferenced Firehose CIDR mapping added by aws-kinesisfirehose for other destinations',
    });
    new CfnOutput(this, 'BucketName', { value: this.bucket.bucketName });
    new CfnOutput(this, 'WorkGroupName', { value: ANALYTICS_NAMES.workGroup });
  }
}
