import { App, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { JOURNAL_GLUE_COLUMNS } from '../../../packages/analytics/src/journal-columns.js';
import { WalletStack } from '../src/wallet-stack.js';
import {
  actionsOf,
  functionWithVariable,
  referencedIds,
  statementsOf,
} from './support/template-iam.js';

const BACKEND = 'arn:aws:iam::123456789012:role/game-backend';

function logicalId(template: Template, type: string, properties: Record<string, unknown> = {}) {
  const ids = Object.keys(
    template.findResources(type, { Properties: Match.objectLike(properties) }),
  );
  if (ids.length !== 1) throw new Error(`${ids.length} ${type} resources match`);
  return ids[0]!;
}

describe('the DynamoDB wallet stack', () => {
  let stack: WalletStack;
  let template: Template;
  let ledgerId: string;
  let historyId: string;

  beforeAll(() => {
    stack = new WalletStack(new App(), 'Wallet', {
      iamCallers: [{ arn: BACKEND, scopes: ['admin'] }],
      currencies: [{ code: 'GOLD', scale: 2 }],
    });
    template = Template.fromStack(stack);
    ledgerId = logicalId(template, 'AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    });
    historyId = logicalId(template, 'AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'accountId', KeyType: 'HASH' },
        { AttributeName: 'sequence', KeyType: 'RANGE' },
      ],
    });
  }, 120_000);

  it('streams the ledger table to Kinesis Data Streams and keeps it safe from deletion', () => {
    const ledger = template.toJSON().Resources[ledgerId];
    expect(ledger.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      DeletionProtectionEnabled: true,
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      KinesisStreamSpecification: {
        StreamArn: { 'Fn::GetAtt': [logicalId(template, 'AWS::Kinesis::Stream'), 'Arn'] },
      },
    });
    expect(ledger.DeletionPolicy).toBe('Retain');
  });

  it('gives the history table TTL on expire_timestamp', () => {
    expect(template.toJSON().Resources[historyId].Properties.TimeToLiveSpecification).toEqual({
      AttributeName: 'expire_timestamp',
      Enabled: true,
    });
  });

  it('requires IAM authorization on every /v1 route and leaves only health and OpenAPI public', () => {
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method'));
    const open = methods.filter((method) => method.Properties.AuthorizationType === 'NONE');
    expect(open).toHaveLength(2);
    expect(open.every((method) => method.Properties.HttpMethod === 'GET')).toBe(true);
    template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: '{proxy+}' });
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'ANY',
      AuthorizationType: 'AWS_IAM',
      ResourceId: { Ref: Match.stringLikeRegexp('ApiRestApiv1proxy') },
    });
  });

  it('configures the API Lambda with the currencies and the IAM callers', () => {
    const api = functionWithVariable(template, 'LEDGER_TABLE');
    const variables = template.toJSON().Resources[api].Properties.Environment.Variables;
    expect(JSON.parse(variables.WALLET_CURRENCIES)).toEqual([{ code: 'GOLD', scale: 2 }]);
    expect(JSON.parse(variables.WALLET_IAM_CALLERS)).toEqual([{ arn: BACKEND, scopes: ['admin'] }]);
    expect(variables.LEDGER_TABLE).toEqual({ Ref: ledgerId });
    expect(variables.HISTORY_TABLE).toEqual({ Ref: historyId });
  });

  it('lets the API Lambda read and put ledger items and query history, on those tables only', () => {
    const statements = statementsOf(template, functionWithVariable(template, 'LEDGER_TABLE'));
    const dynamo = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
    const byTable = Object.fromEntries(
      dynamo.map((statement) => [referencedIds(statement).join(','), actionsOf(statement).sort()]),
    );
    expect(byTable).toEqual({
      [ledgerId]: [
        'dynamodb:BatchGetItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
      ],
      [historyId]: ['dynamodb:Query'],
    });
  });

  it('lets the transformer write history and read the stream, and never touch the ledger table', () => {
    const transformer = functionWithVariable(template, 'LEDGER_KIND');
    const statements = statementsOf(template, transformer);
    const dynamo = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo.map((s) => [referencedIds(s), actionsOf(s)])).toEqual([
      [[historyId], ['dynamodb:BatchWriteItem']],
    ]);
    const streamId = logicalId(template, 'AWS::Kinesis::Stream');
    const kinesis = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('kinesis:')));
    expect(kinesis.length).toBeGreaterThan(0);
    for (const statement of kinesis) expect(referencedIds(statement)).toEqual([streamId]);
    expect(statements.flatMap(referencedIds)).not.toContain(ledgerId);
    expect(statements.flatMap(actionsOf).some((action) => action.endsWith(':*'))).toBe(false);
  });

  it('maps the stream to the transformer with partial batch failures, bisection, bounded retries and an SQS on-failure destination', () => {
    const queueId = logicalId(template, 'AWS::SQS::Queue');
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionWithVariable(template, 'LEDGER_KIND') },
      EventSourceArn: { 'Fn::GetAtt': [logicalId(template, 'AWS::Kinesis::Stream'), 'Arn'] },
      StartingPosition: 'TRIM_HORIZON',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10,
      MaximumRecordAgeInSeconds: 86400,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
  });

  it('alarms on iterator age, the failure queue and poison records', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'IteratorAge',
      Namespace: 'AWS/Lambda',
      Statistic: 'Maximum',
      Threshold: 300_000,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: Match.anyValue() }],
      Threshold: 1,
    });
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ $.msg = "poison stream record" }',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'PoisonStreamRecords' });
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([
        { Ref: logicalId(template, 'AWS::SNS::Topic') },
      ]);
    }
  });

  it('delivers journal rows from the stream to S3 as Parquet partitioned by dt', () => {
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamType: 'KinesisStreamAsSource',
      ExtendedS3DestinationConfiguration: Match.objectLike({
        Prefix: 'journal/dt=!{partitionKeyFromLambda:dt}/',
        DynamicPartitioningConfiguration: { Enabled: true },
        DataFormatConversionConfiguration: Match.objectLike({
          Enabled: true,
          SchemaConfiguration: Match.objectLike({ TableName: Match.anyValue() }),
          OutputFormatConfiguration: { Serializer: { ParquetSerDe: {} } },
        }),
      }),
    });
  });

  it('declares the Glue table with @wallet/analytics columns (amounts decimal(38,18)) and a dt partition', () => {
    template.hasResourceProperties('AWS::Glue::Table', {
      DatabaseName: 'wallet_analytics',
      TableInput: Match.objectLike({
        Name: 'journal_entries',
        PartitionKeys: [Match.objectLike({ Name: 'dt', Type: 'string' })],
        StorageDescriptor: Match.objectLike({
          Columns: JOURNAL_GLUE_COLUMNS.map(({ name, type }) =>
            Match.objectLike({ Name: name, Type: type }),
          ),
          SerdeInfo: {
            SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
          },
        }),
      }),
    });
    expect(JOURNAL_GLUE_COLUMNS.filter((column) => column.type === 'decimal(38,18)')).toHaveLength(
      3,
    );
  });

  it('has an Athena workgroup with a saved example query over the journal table', () => {
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: 'wallet-analytics',
      WorkGroupConfiguration: Match.objectLike({ EnforceWorkGroupConfiguration: true }),
    });
    template.hasResourceProperties('AWS::Athena::NamedQuery', {
      WorkGroup: 'wallet-analytics',
      QueryString: Match.stringLikeRegexp('"wallet_analytics"."journal_entries"'),
    });
  });

  it('synthesizes without warnings or errors', () => {
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
    expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
  });
});

describe('the QLDB reference stack', () => {
  let stack: WalletStack;
  let template: Template;

  beforeAll(() => {
    stack = new WalletStack(new App(), 'WalletQldb', { ledger: 'qldb' });
    template = Template.fromStack(stack);
  }, 120_000);

  it('streams a QLDB ledger to Kinesis with KPL aggregation through a role scoped to the stream', () => {
    template.resourceCountIs('AWS::QLDB::Ledger', 1);
    const streamId = logicalId(template, 'AWS::Kinesis::Stream');
    template.hasResourceProperties('AWS::QLDB::Stream', {
      KinesisConfiguration: {
        AggregationEnabled: true,
        StreamArn: { 'Fn::GetAtt': [streamId, 'Arn'] },
      },
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: 'qldb.amazonaws.com' } })],
      }),
    });
  });

  it('runs the transformer in QLDB mode and has no DynamoDB ledger', () => {
    const transformer = functionWithVariable(template, 'LEDGER_KIND');
    expect(
      template.toJSON().Resources[transformer].Properties.Environment.Variables.LEDGER_KIND,
    ).toBe('qldb');
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
  });

  it("acknowledges CDK's QLDB shutdown warning instead of hiding the resources", () => {
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
    const acknowledged = stack.node
      .findAll()
      .flatMap((construct) => construct.node.metadata)
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY);
    expect(JSON.stringify(acknowledged)).toContain('CloudFormation-Validate::E3710');
    template.resourceCountIs('AWS::QLDB::Stream', 1);
  });
});

describe('the stack with bearer tokens', () => {
  it('opens /v1 at the gateway, reads the tokens secret through the extension, and nothing else', () => {
    const template = Template.fromStack(
      new WalletStack(new App(), 'WalletTokens', {
        authorization: 'tokens',
        tokensSecretName: 'wallet/api-tokens',
        analytics: false,
      }),
    );
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'ANY',
      AuthorizationType: 'NONE',
    });
    const api = functionWithVariable(template, 'LEDGER_TABLE');
    const properties = template.toJSON().Resources[api].Properties;
    expect(properties.Environment.Variables.WALLET_API_TOKENS_SECRET_ID).toBe('wallet/api-tokens');
    expect(properties.Layers).toHaveLength(1);
    const secretReads = statementsOf(template, api).filter((s) =>
      actionsOf(s).includes('secretsmanager:GetSecretValue'),
    );
    expect(secretReads).toHaveLength(1);
    expect(JSON.stringify(secretReads[0]!.Resource)).toContain(':secret:wallet/api-tokens-??????');
    template.resourceCountIs('AWS::KinesisFirehose::DeliveryStream', 0);
  }, 120_000);
});
