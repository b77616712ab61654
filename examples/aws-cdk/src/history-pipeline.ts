import { CfnOutput, Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IAlarmAction,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import { type Function as LambdaFunction, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { FilterPattern, MetricFilter } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { walletFunction } from './wallet-function.js';

/**
 * Props of {@link HistoryPipeline}.
 *
 * @example
 * const props: HistoryPipelineProps = { stream, historyTable, ledgerKind: 'dynamodb', ttlDays: 365, alarmAction };
 */
export interface HistoryPipelineProps {
  /** The ledger's change stream. */
  stream: IStream;
  historyTable: ITable;
  /** What the stream carries: DynamoDB change records, or QLDB's Ion revisions. */
  ledgerKind: 'dynamodb' | 'qldb';
  /** History items expire this many days after `txTime` (DynamoDB TTL on `expire_timestamp`). */
  ttlDays: number;
  alarmAction: IAlarmAction;
}

/**
 * CloudWatch metric namespace of the example's own metrics.
 *
 * @example
 * new Metric({ namespace: METRIC_NAMESPACE, metricName: 'PoisonStreamRecords' });
 */
export const METRIC_NAMESPACE = 'Wallet';

/**
 * The transformer: a Lambda reading the ledger's Kinesis stream and writing the history table.
 *
 * The event source reports partial batch failures (the handler returns `batchItemFailures`),
 * bisects a failing batch, retries a bounded number of times and gives up on records older than
 * a day; what it gives up on is described in the SQS failure queue, so a history table that stays
 * down never holds the shard forever. Alarms: the iterator age (history falling behind), any
 * message in the failure queue, any poison record logged, and function errors.
 *
 * @example
 * new HistoryPipeline(this, 'History', { stream, historyTable, ledgerKind: 'dynamodb', ttlDays: 365, alarmAction });
 */
export class HistoryPipeline extends Construct {
  readonly function: LambdaFunction;
  readonly failureQueue: Queue;

  constructor(scope: Construct, id: string, props: HistoryPipelineProps) {
    super(scope, id);
    this.function = walletFunction(this, 'Transformer', {
      code: 'transformer',
      timeout: Duration.minutes(1),
      environment: {
        HISTORY_TABLE: props.historyTable.tableName,
        HISTORY_TTL_DAYS: String(props.ttlDays),
        LEDGER_KIND: props.ledgerKind,
      },
    });
    props.historyTable.grant(this.function, 'dynamodb:BatchWriteItem');

    this.failureQueue = new Queue(this, 'FailureQueue', {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.function.addEventSource(
      new KinesisEventSource(props.stream, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(1),
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        retryAttempts: 10,
        maxRecordAge: Duration.days(1),
        parallelizationFactor: 1,
        onFailure: new SqsDlq(this.failureQueue),
      }),
    );

    const alarm = (name: string, alarmProps: ConstructorParameters<typeof Alarm>[2]) =>
      new Alarm(this, name, alarmProps).addAlarmAction(props.alarmAction);
    alarm('IteratorAgeAlarm', {
      alarmDescription: 'History is more than 5 minutes behind the ledger stream',
      metric: this.function.metric('IteratorAge', {
        statistic: 'Maximum',
        period: Duration.minutes(1),
      }),
      threshold: Duration.minutes(5).toMilliseconds(),
      evaluationPeriods: 5,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm('FailureQueueAlarm', {
      alarmDescription: 'The transformer gave up on stream records; see the failure queue',
      metric: this.failureQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    const poison = new MetricFilter(this, 'PoisonRecords', {
      logGroup: this.function.logGroup,
      filterPattern: FilterPattern.stringValue('$.message', '=', 'poison stream record'),
      metricNamespace: METRIC_NAMESPACE,
      metricName: 'PoisonStreamRecords',
      metricValue: '1',
    });
    alarm('PoisonRecordAlarm', {
      alarmDescription: 'A stream record could not be mapped to history; its data is in the log',
      metric: poison.metric({ statistic: 'Sum', period: Duration.minutes(1) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm('ErrorAlarm', {
      alarmDescription: 'The transformer function failed',
      metric: this.function.metricErrors({ period: Duration.minutes(1) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    new CfnOutput(this, 'FailureQueueUrl', { value: this.failureQueue.queueUrl });
  }
}
