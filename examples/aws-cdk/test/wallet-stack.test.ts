import { LEDGER_INDEXES, LEDGER_KEYS } from '@wallet/dynamodb-ledger';
import type { Scope } from '@wallet/http';
import { App, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { JOURNAL_GLUE_COLUMNS } from '../../../packages/analytics/src/journal-columns.js';
import type { IamCaller } from '../src/lambda/wallet-config.js';
import { WalletStack } from '../src/wallet-stack.js';
import {
  actionsOf,
  allStatements,
  functionWithVariable,
  referencedIds,
  resourcesOf,
  statementsOf,
  statementsOfRole,
  type TemplateStatement,
} from './support/template-iam.js';

const BACKEND = 'arn:aws:iam::123456789012:role/game-backend';
const PLAYER_ROLE = 'arn:aws:iam::123456789012:role/player-1-session';
const PLAYER: IamCaller = {
  arn: PLAYER_ROLE,
  scopes: ['read', 'debit', 'transfer', 'exchange'],
  accountId: 'player-1',
  name: 'player-1',
};
const WEB_ACL = 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/wallet/0f1e2d3c';

/** The last literal part of a resource ARN (`bucket/journal/*` of a joined bucket ARN). */
function arnTail(resource: unknown): string {
  if (typeof resource === 'string') return resource;
  const parts = (resource as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join']?.[1] ?? [];
  const last = parts.at(-1);
  return typeof last === 'string' ? last : '';
}

/** Every logs action of a statement, with `*` counting as one. */
const logsActions = (statement: TemplateStatement) =>
  actionsOf(statement).filter((action) => action === '*' || action.startsWith('logs:'));

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
      iamCallers: [{ arn: BACKEND, scopes: ['admin'] }, PLAYER],
      currencies: [{ code: 'GOLD', scale: 2 }],
      hotWallets: [{ accountId: 'house', subAccounts: 16 }],
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

  it('gives the transformer, whose history store sets expire_timestamp, a history TTL of 365 days by default', () => {
    const transformer =
      template.toJSON().Resources[functionWithVariable(template, 'HISTORY_TTL_DAYS')];
    expect(transformer.Properties.Environment.Variables).toMatchObject({
      HISTORY_TTL_DAYS: '365',
      HISTORY_TABLE: { Ref: historyId },
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

  it('configures the API Lambda with the currencies, the hot wallets and the IAM callers', () => {
    const api = functionWithVariable(template, 'WALLET_IAM_CALLERS');
    const variables = template.toJSON().Resources[api].Properties.Environment.Variables;
    expect(JSON.parse(variables.WALLET_CURRENCIES)).toEqual([{ code: 'GOLD', scale: 2 }]);
    expect(JSON.parse(variables.WALLET_HOT_WALLETS)).toEqual([
      { accountId: 'house', subAccounts: 16 },
    ]);
    expect(JSON.parse(variables.WALLET_IAM_CALLERS)).toEqual([
      { arn: BACKEND, scopes: ['admin'] },
      PLAYER,
    ]);
    expect(variables.LEDGER_TABLE).toEqual({ Ref: ledgerId });
    expect(variables.HISTORY_TABLE).toEqual({ Ref: historyId });
  });

  it('lets the API Lambda read and put ledger items and query history, on those tables only', () => {
    const statements = statementsOf(template, functionWithVariable(template, 'WALLET_IAM_CALLERS'));
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

  it("gives the ledger table the ledger's three KEYS_ONLY indexes, and lets the API Lambda query them", () => {
    const [table] = Object.values(template.findResources('AWS::DynamoDB::Table')).filter(
      (resource) =>
        (resource.Properties.KeySchema as { AttributeName: string }[]).some(
          (key) => key.AttributeName === LEDGER_KEYS.partitionKey,
        ),
    );
    const indexes = (
      table!.Properties.GlobalSecondaryIndexes as {
        IndexName: string;
        KeySchema: { AttributeName: string; KeyType: string }[];
        Projection: { ProjectionType: string };
      }[]
    ).map((index) => [
      index.IndexName,
      index.KeySchema.map((key) => key.AttributeName),
      index.Projection.ProjectionType,
    ]);
    expect(indexes).toEqual(
      Object.values(LEDGER_INDEXES).map((index) => [
        index.name,
        'sortKey' in index ? [index.partitionKey, index.sortKey] : [index.partitionKey],
        'KEYS_ONLY',
      ]),
    );
    const statements = statementsOf(template, functionWithVariable(template, 'WALLET_IAM_CALLERS'));
    const query = statements.find(
      (s) => actionsOf(s).includes('dynamodb:Query') && JSON.stringify(s).includes(ledgerId),
    );
    expect(JSON.stringify(query?.Resource)).toContain('/index/*');
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
      FilterPattern: '{ $.message = "poison stream record" }',
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
    // The fields only reversals and a hold's entries carry: string columns, null elsewhere.
    expect(JOURNAL_GLUE_COLUMNS.slice(-3).map(({ name, type }) => [name, type])).toEqual([
      ['reverses', 'string'],
      ['reason', 'string'],
      ['hold_id', 'string'],
    ]);
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

  it('gives each function a role of its own that may write only its own log group', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    // The API, the transformer, the Firehose processor and the digest publisher.
    expect(Object.keys(functions)).toHaveLength(4);
    for (const [id, fn] of Object.entries(functions)) {
      const roleId = fn.Properties.Role['Fn::GetAtt'][0] as string;
      expect(template.toJSON().Resources[roleId].Properties.ManagedPolicyArns).toBeUndefined();
      const logGroupId = fn.Properties.LoggingConfig.LogGroup.Ref as string;
      const logs = statementsOf(template, id).filter((s) => logsActions(s).length > 0);
      expect(logs.map((s) => [actionsOf(s).sort(), s.Resource])).toEqual([
        [['logs:CreateLogStream', 'logs:PutLogEvents'], { 'Fn::GetAtt': [logGroupId, 'Arn'] }],
      ]);
    }
  });

  it('grants no logs action on every resource, nor logs:*, anywhere in the stack', () => {
    const statements = allStatements(template);
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      const logs = logsActions(statement);
      expect(logs).not.toContain('*');
      expect(logs).not.toContain('logs:*');
      if (logs.length > 0) expect(resourcesOf(statement)).not.toContain('*');
    }
    expect(JSON.stringify(template.toJSON())).not.toContain('AWSLambdaBasicExecutionRole');
  });

  it('lets Firehose put objects under journal/ and errors/ only, and list the bucket', () => {
    const stream = Object.values(
      template.findResources('AWS::KinesisFirehose::DeliveryStream'),
    )[0]!;
    const destination = stream.Properties.ExtendedS3DestinationConfiguration;
    expect(destination.ErrorOutputPrefix).toMatch(/^errors\//);
    const bucketId = stack.getLogicalId(stack.analytics!.bucket.node.defaultChild as CfnBucket);
    const statements = statementsOfRole(template, destination.RoleARN['Fn::GetAtt'][0]);
    const s3 = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')));
    const onBucket = s3.filter((s) => resourcesOf(s).some((r) => arnTail(r) === ''));
    const onObjects = s3.filter((s) => !onBucket.includes(s));
    expect(onBucket.map((s) => [actionsOf(s).sort(), s.Resource])).toEqual([
      [
        ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
        { 'Fn::GetAtt': [bucketId, 'Arn'] },
      ],
    ]);
    expect(onObjects.length).toBeGreaterThan(0);
    for (const statement of onObjects) {
      expect(referencedIds(statement)).toEqual([bucketId]);
      for (const resource of resourcesOf(statement)) {
        expect(arnTail(resource)).toMatch(/^\/(journal|errors)\/\*$/);
      }
      expect(actionsOf(statement).some((a) => a.startsWith('s3:Delete'))).toBe(false);
    }
    expect(new Set(onObjects.flatMap(resourcesOf).map(arnTail))).toEqual(
      new Set(['/journal/*', '/errors/*']),
    );
  });

  it('writes a JSON access log line per request with request id, caller, status, route and latency, never the Authorization header', () => {
    const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0]!;
    const setting = stage.Properties.AccessLogSetting;
    const groups = Object.keys(template.findResources('AWS::Logs::LogGroup'));
    expect(setting.DestinationArn).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });
    expect(groups).toContain(setting.DestinationArn['Fn::GetAtt'][0]);
    const format = setting.Format as string;
    expect(format).not.toMatch(/authoriz|header|token/i);
    // API Gateway fills each $context variable in; numbers stand unquoted.
    const line = JSON.parse(format.replace(/(?<!")\$context\.[A-Za-z.]+/g, '0'));
    expect(line).toMatchObject({
      requestId: '$context.requestId',
      caller: '$context.identity.userArn',
      status: 0,
      route: '$context.resourcePath',
      latencyMs: 0,
    });
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
  });

  it('associates no WAF web ACL with the stage unless one is given', () => {
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
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
    const api = functionWithVariable(template, 'WALLET_IAM_CALLERS');
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

describe("the stack with a WAF web ACL and the account's API Gateway logs role", () => {
  let template: Template;

  beforeAll(() => {
    template = Template.fromStack(
      new WalletStack(new App(), 'WalletWaf', {
        webAclArn: WEB_ACL,
        apiGatewayCloudWatchRole: true,
        analytics: false,
      }),
    );
  }, 120_000);

  it('associates the web ACL with the API stage', () => {
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
    const stageId = logicalId(template, 'AWS::ApiGateway::Stage');
    const association = Object.values(template.findResources('AWS::WAFv2::WebACLAssociation'))[0]!;
    expect(association.Properties.WebACLArn).toBe(WEB_ACL);
    expect(JSON.stringify(association.Properties.ResourceArn)).toContain(
      JSON.stringify({ Ref: stageId }),
    );
  });

  it('sets the account CloudWatch Logs role of API Gateway and keeps it when the stack goes', () => {
    template.resourceCountIs('AWS::ApiGateway::Account', 1);
    const account = Object.values(template.findResources('AWS::ApiGateway::Account'))[0]!;
    const roleId = account.Properties.CloudWatchRoleArn['Fn::GetAtt'][0] as string;
    expect(template.toJSON().Resources[roleId].DeletionPolicy).toBe('Retain');
  });

  it('refuses a web ACL ARN that is not a regional one at synth', () => {
    const global = WEB_ACL.replace(':eu-west-1:', ':us-east-1:').replace('regional/', 'global/');
    expect(
      () => new WalletStack(new App(), 'WalletWaf', { webAclArn: global, analytics: false }),
    ).toThrow(/webAclArn must be a regional WAF web ACL ARN/);
  });
});

describe('the IAM callers at synth', () => {
  const synth = (iamCallers: IamCaller[]) => () =>
    new WalletStack(new App(), 'WalletCallers', { iamCallers });

  it.each(['credit', 'admin'] as const)(
    'refuses a caller limited to one account that holds %s',
    (scope) => {
      expect(synth([{ ...PLAYER, scopes: ['read', scope] }])).toThrow(
        new RegExp(
          `iamCallers\\[0\\] \\(${PLAYER_ROLE}\\) is limited to account player-1, so it may hold only read, debit, transfer, exchange, not ${scope}`,
        ),
      );
    },
  );

  it('refuses an unknown scope, naming the six it knows', () => {
    expect(
      synth([
        { arn: BACKEND, scopes: ['read'] },
        { arn: PLAYER_ROLE, scopes: ['write' as Scope] },
      ]),
    ).toThrow(
      /iamCallers\[1\] \(.+\)\.scopes must list some of read, credit, debit, transfer, exchange, admin/,
    );
  });

  it('refuses a caller without scopes or ARN, and an ARN listed twice', () => {
    expect(synth([{ arn: BACKEND, scopes: [] }])).toThrow(/scopes must list some of/);
    expect(synth([{ arn: 'game-backend', scopes: ['read'] }])).toThrow(
      /iamCallers\[0\]\.arn must be an IAM user or role ARN/,
    );
    expect(
      synth([
        { arn: BACKEND, scopes: ['read'] },
        { arn: BACKEND, scopes: ['admin'] },
      ]),
    ).toThrow(/iamCallers\[1\] .+ repeats an earlier caller's ARN/);
  });
});
