import { createHash } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  createMemoryLedger,
  createWalletService,
  type Digest,
  parseAnchor,
  verifyProof,
  verifyWallets,
  type WalletService,
} from '@wallet/core';
import { createDynamoDbLedger, createLedgerTable, LEDGER_INDEXES } from '@wallet/dynamodb-ledger';
import { type DynamoDbLocal, startDynamoDbLocal } from '@wallet/testing';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AttributeType, type CfnTable, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Schedule } from 'aws-cdk-lib/aws-events';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import type { CfnTopic } from 'aws-cdk-lib/aws-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIGEST_LEDGER_KEYS, DigestPublisher } from '../src/digest-publisher.js';
import { ledgerWalletService } from '../src/lambda/ledger-service.js';
import {
  type DigestObject,
  publishDigest,
  readDigestPublisherConfig,
} from '../src/lambda/publish-digest.js';
import { WalletStack } from '../src/wallet-stack.js';
import {
  actionsOf,
  allStatements,
  functionWithVariable,
  referencedIds,
  resourcesOf,
  statementsOf,
  type TemplateStatement,
} from './support/template-iam.js';

const CURRENCIES = [
  { code: 'GOLD', scale: 2 },
  { code: 'GEMS', scale: 0 },
];

/** A statement with its condition, as the template holds it. */
type ConditionedStatement = TemplateStatement & { Condition?: Record<string, unknown> };

/**
 * A resource of a statement as text: `<logicalId>.Arn` for `Fn::GetAtt`, the parts of an
 * `Fn::Join` joined, `ref:<logicalId>` for a `Ref`.
 */
function arnText(value: unknown): string {
  if (typeof value === 'string') return value;
  const object = value as Record<string, unknown>;
  const getAtt = object['Fn::GetAtt'] as [string, string] | undefined;
  if (getAtt) return `${getAtt[0]}.${getAtt[1]}`;
  const join = object['Fn::Join'] as [string, unknown[]] | undefined;
  if (join) return join[1].map(arnText).join(join[0]);
  if (typeof object.Ref === 'string') return `ref:${object.Ref}`;
  throw new Error(`unexpected resource ${JSON.stringify(value)}`);
}

/** IAM's `StringLike`: `*` any characters, `?` one. */
function like(pattern: string, value: string): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`).test(value);
}

/** One authorization IAM makes for a DynamoDB call: the action, the resource, the partition keys. */
interface DynamoRequest {
  action: string;
  resource: string;
  leadingKeys: string[];
}

/**
 * Whether some Allow statement covers a request, the way IAM evaluates the statements the
 * publisher has: the action, the resource (with wildcards), and `ForAllValues:StringLike` on
 * `dynamodb:LeadingKeys` (true for every key given). Any other condition fails the test, so this
 * model never says yes to a statement it cannot read.
 */
function allows(statements: ConditionedStatement[], request: DynamoRequest): boolean {
  return statements.some((statement) => {
    if (statement.Effect !== 'Allow' || !actionsOf(statement).includes(request.action)) {
      return false;
    }
    if (!resourcesOf(statement).some((r) => like(arnText(r), request.resource))) return false;
    for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
      const patterns = (keys as Record<string, string[]>)['dynamodb:LeadingKeys'];
      if (operator !== 'ForAllValues:StringLike' || patterns === undefined) {
        throw new Error(`unmodelled condition ${operator} ${JSON.stringify(keys)}`);
      }
      if (!request.leadingKeys.every((key) => patterns.some((p) => like(p, key)))) return false;
    }
    return true;
  });
}

/** The authorizations a DynamoDB command sent by the ledger needs (TransactWriteItems: one per item). */
function requestsOf(command: object, tableArn: string): DynamoRequest[] {
  const input = (command as { input: Record<string, unknown> }).input;
  const pk = (key: unknown) => (key as { pk: { S: string } }).pk.S;
  switch (command.constructor.name) {
    case 'QueryCommand':
      return [
        {
          action: 'dynamodb:Query',
          resource: input.IndexName ? `${tableArn}/index/${input.IndexName}` : tableArn,
          leadingKeys: [],
        },
      ];
    case 'GetItemCommand':
      return [{ action: 'dynamodb:GetItem', resource: tableArn, leadingKeys: [pk(input.Key)] }];
    case 'BatchGetItemCommand':
      return Object.values(input.RequestItems as Record<string, { Keys: unknown[] }>).map(
        ({ Keys }) => ({
          action: 'dynamodb:BatchGetItem',
          resource: tableArn,
          leadingKeys: Keys.map(pk),
        }),
      );
    case 'TransactWriteItemsCommand':
      return (input.TransactItems as Record<string, { Item?: unknown; Key?: unknown }>[]).map(
        (item) => {
          const [kind, operation] = Object.entries(item)[0]!;
          const action = {
            Put: 'PutItem',
            Update: 'UpdateItem',
            Delete: 'DeleteItem',
            ConditionCheck: 'ConditionCheckItem',
          }[kind];
          return {
            action: `dynamodb:${action}`,
            resource: tableArn,
            leadingKeys: [pk(operation.Item ?? operation.Key)],
          };
        },
      );
    default:
      throw new Error(`unexpected DynamoDB command ${command.constructor.name}`);
  }
}

/** A publisher's writer that keeps what it was asked to write. */
function capturingPut() {
  const objects: DigestObject[] = [];
  return {
    objects,
    put: async (object: DigestObject) => {
      objects.push(object);
    },
  };
}

/** Checks a published object against the ledger: the digest it stored, and every wallet's proof. */
async function expectPublished(
  service: WalletService,
  object: DigestObject,
  accountIds: string[],
): Promise<Digest> {
  const published = JSON.parse(object.Body) as Digest;
  expect(published).toEqual(await service.getDigest({ digestId: published.digestId }));
  expect(object.Key).toBe(`digests/${published.createdAt}-${published.digestId}.json`);
  expect(object.ContentType).toBe('application/json');
  expect(object.ChecksumSHA256).toBe(createHash('sha256').update(object.Body).digest('base64'));
  // The CLI reads the file as it is downloaded.
  expect(parseAnchor(JSON.parse(object.Body))).toEqual(published);
  for (const accountId of accountIds) {
    const proof = await service.getProof({ accountId, digestId: published.digestId });
    expect(verifyProof(proof)).toBe(true);
    expect(proof.root).toBe(published.root);
    const report = await service.verifyWallet({ accountId, digest: published });
    expect(report).toMatchObject({ ok: true, digest: { digestId: published.digestId } });
  }
  return published;
}

describe('the digest publisher in the stack', () => {
  let stack: WalletStack;
  let template: Template;
  let bucketId: string;
  let functionId: string;

  beforeAll(() => {
    stack = new WalletStack(new App(), 'Wallet', { currencies: CURRENCIES, analytics: false });
    template = Template.fromStack(stack);
    bucketId = stack.getLogicalId(stack.digests!.bucket.node.defaultChild as CfnBucket);
    functionId = functionWithVariable(template, 'DIGEST_BUCKET');
  }, 120_000);

  it('locks every digest for 365 days in COMPLIANCE mode by default, in a versioned, private, TLS-only, encrypted bucket kept when the stack goes', () => {
    const bucket = template.toJSON().Resources[bucketId];
    expect(bucket.Properties).toMatchObject({
      ObjectLockEnabled: true,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 365 } },
      },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
        ],
      },
    });
    expect(bucket.DeletionPolicy).toBe('Retain');
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      }),
    });
  });

  it('publishes every hour from an EventBridge rule targeting the publisher', () => {
    const rules = template.findResources('AWS::Events::Rule');
    expect(Object.values(rules).map((rule) => rule.Properties.ScheduleExpression)).toEqual([
      'rate(1 hour)',
    ]);
    const [ruleId, rule] = Object.entries(rules)[0]!;
    expect(rule.Properties.Targets).toEqual([
      expect.objectContaining({
        Arn: { 'Fn::GetAtt': [functionId, 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 2 },
      }),
    ]);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [functionId, 'Arn'] },
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [ruleId, 'Arn'] },
    });
  });

  it("builds the API's wallet service: the same ledger table and currencies, and the digest bucket", () => {
    const variables = (id: string) =>
      template.toJSON().Resources[id].Properties.Environment.Variables;
    const api = variables(functionWithVariable(template, 'WALLET_IAM_CALLERS'));
    const publisher = variables(functionId);
    expect(publisher.LEDGER_TABLE).toEqual(api.LEDGER_TABLE);
    expect(publisher.WALLET_CURRENCIES).toEqual(api.WALLET_CURRENCIES);
    expect(publisher.DIGEST_BUCKET).toEqual({ Ref: bucketId });
    expect(publisher.HISTORY_TABLE).toBeUndefined();
  });

  it('lets the publisher put objects under digests/ of the bucket only: no read, list, delete, retention change or governance bypass', () => {
    const statements = statementsOf(template, functionId);
    const s3 = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')));
    expect(s3.map((s) => [actionsOf(s), resourcesOf(s).map(arnText)])).toEqual([
      [['s3:PutObject'], [`${bucketId}.Arn/digests/*`]],
    ]);
    const actions = statements.flatMap(actionsOf);
    for (const refused of [
      /^s3:Delete/,
      /^s3:BypassGovernanceRetention$/,
      /^s3:GetObject/,
      /^s3:List/,
      /^s3:PutObjectRetention$/,
      /^s3:PutObjectLegalHold$/,
      /^s3:PutBucket/,
      /\*$/,
    ]) {
      expect(actions.filter((action) => refused.test(action))).toEqual([]);
    }
    // No other role of the stack reaches the digest bucket.
    const others = allStatements(template).filter(
      (s) => referencedIds(s).includes(bucketId) && !s3.includes(s),
    );
    expect(others).toEqual([]);
  });

  it('gives the publisher the ledger access createDigest needs and no more: Query on the wallets index, BatchGetItem of wallets and the digest pointer, PutItem of digest records', () => {
    const ledgerId = stack.getLogicalId(stack.ledgerTable!.node.defaultChild as CfnTable);
    const statements = statementsOf(template, functionId) as ConditionedStatement[];
    const dynamo = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
    expect(
      dynamo.map((s) => [actionsOf(s), resourcesOf(s).map(arnText), s.Condition ?? null]),
    ).toEqual([
      [['dynamodb:Query'], [`${ledgerId}.Arn/index/${LEDGER_INDEXES.wallets.name}`], null],
      [
        ['dynamodb:BatchGetItem'],
        [`${ledgerId}.Arn`],
        { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['W#*', 'R#digests:latest'] } },
      ],
      [
        ['dynamodb:PutItem'],
        [`${ledgerId}.Arn`],
        {
          'ForAllValues:StringLike': {
            'dynamodb:LeadingKeys': ['R#digest:*', 'R#digest-node:*', 'R#digests:latest'],
          },
        },
      ],
    ]);
    // The model of IAM the DynamoDB Local test relies on refuses what the publisher must not do.
    const table = `${ledgerId}.Arn`;
    expect(
      allows(statements, { action: 'dynamodb:PutItem', resource: table, leadingKeys: ['W#p1'] }),
    ).toBe(false);
    expect(
      allows(statements, {
        action: 'dynamodb:PutItem',
        resource: table,
        leadingKeys: ['R#hold:h1'],
      }),
    ).toBe(false);
    expect(
      allows(statements, {
        action: 'dynamodb:BatchGetItem',
        resource: table,
        leadingKeys: ['W#p1', 'K#p1 receipt-1'],
      }),
    ).toBe(false);
    expect(
      allows(statements, {
        action: 'dynamodb:Query',
        resource: `${table}/index/${LEDGER_INDEXES.byTransaction.name}`,
        leadingKeys: [],
      }),
    ).toBe(false);
    expect(statements.flatMap(actionsOf)).not.toContain('dynamodb:GetItem');
  });

  it('alarms on a failed run to the alarm topic', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId } }],
      Threshold: 1,
      AlarmActions: [{ Ref: stack.getLogicalId(stack.alarmTopic.node.defaultChild as CfnTopic) }],
    });
  });

  it('locks for the days of digestRetention and runs on digestSchedule when given', () => {
    const other = Template.fromStack(
      new WalletStack(new App(), 'WalletLongDigests', {
        analytics: false,
        digestRetention: Duration.days(2555),
        digestSchedule: Schedule.rate(Duration.minutes(15)),
      }),
    );
    other.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 2555 } },
      },
    });
    other.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(15 minutes)' });
    expect(template.toJSON()).not.toEqual(other.toJSON());
  }, 120_000);

  it('refuses at synth a retention that is not a whole number of days from 1 to 36500, and takes whole days in any unit', () => {
    // The construct alone: it checks the retention before anything is bundled.
    const scope = new Stack(new App(), 'WalletBadRetention');
    const ledgerTable = new Table(scope, 'Ledger', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
    });
    for (const retention of [Duration.hours(36), Duration.days(0), Duration.days(36_501)]) {
      expect(
        () =>
          new DigestPublisher(scope, 'Digests', { ledgerTable, currencies: CURRENCIES, retention }),
      ).toThrow(/digest retention must be a whole number of days from 1 to 36500/);
    }
    // Whole days given in another unit are whole days.
    const hours = new Stack(new App(), 'WalletHours');
    const imported = Table.fromTableName(hours, 'Ledger', 'wallet-ledger');
    new DigestPublisher(hours, 'Digests', {
      ledgerTable: imported,
      currencies: CURRENCIES,
      retention: Duration.hours(48),
    });
    Template.fromStack(hours).hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: Match.objectLike({
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 2 } },
      }),
    });
  }, 120_000);

  it('publishes no digests with digests: false, nor in the QLDB reference', () => {
    for (const stackProps of [{ digests: false, analytics: false }, { ledger: 'qldb' as const }]) {
      const other = Template.fromStack(new WalletStack(new App(), 'WalletNoDigests', stackProps));
      other.resourceCountIs('AWS::Events::Rule', 0);
      expect(
        other.findResources('AWS::S3::Bucket', { Properties: { ObjectLockEnabled: true } }),
      ).toEqual({});
    }
  }, 120_000);
});

describe('publishing a digest', () => {
  it('writes the digest createDigest stored, as JSON under digests/<createdAt>-<digestId>.json with its SHA-256, and every wallet proves against its root', async () => {
    const service = createWalletService({ ledger: createMemoryLedger(), currencies: CURRENCIES });
    const accountIds = ['player-1', 'player-2', 'player-3'];
    for (const accountId of accountIds) await service.createWallet({ accountId });
    await service.addFunds({ accountId: 'player-1', amount: '10.50' });
    await service.transfer({ fromAccountId: 'player-1', toAccountId: 'player-2', amount: '3' });
    const { objects, put } = capturingPut();

    const result = await publishDigest(service, 'wallet-digests', put);

    expect(objects).toHaveLength(1);
    expect(objects[0]!.Bucket).toBe('wallet-digests');
    const published = await expectPublished(service, objects[0]!, accountIds);
    expect(result).toEqual({ bucket: 'wallet-digests', key: objects[0]!.Key, digest: published });
    expect(published.wallets).toBe(3);
  });

  it('writes nothing when the digest cannot be made, and fails the run', async () => {
    const ledger = createMemoryLedger();
    ledger.listWallets = async () => {
      throw new Error('the ledger is unreachable');
    };
    const service = createWalletService({ ledger, currencies: CURRENCIES });
    const { objects, put } = capturingPut();
    await expect(publishDigest(service, 'wallet-digests', put)).rejects.toThrow(/unreachable/);
    expect(objects).toEqual([]);
  });

  it('reads the ledger variables the API function gets, and DIGEST_BUCKET', () => {
    const env = {
      LEDGER_TABLE: 'wallet-ledger',
      WALLET_CURRENCIES: JSON.stringify(CURRENCIES),
      WALLET_DEFAULT_CURRENCY: 'GEMS',
      DIGEST_BUCKET: 'wallet-digests',
    };
    expect(readDigestPublisherConfig(env)).toEqual({
      ledgerTable: 'wallet-ledger',
      currencies: CURRENCIES,
      defaultCurrency: 'GEMS',
      bucket: 'wallet-digests',
    });
    expect(() => readDigestPublisherConfig({ ...env, DIGEST_BUCKET: '' })).toThrow(
      'DIGEST_BUCKET is not set',
    );
    expect(() => readDigestPublisherConfig({ ...env, LEDGER_TABLE: undefined })).toThrow(
      'LEDGER_TABLE is not set',
    );
  });
});

describe('the digest publisher on DynamoDB Local', () => {
  const LEDGER = 'wallet-ledger';
  let dynamo: DynamoDbLocal;
  let client: DynamoDBClient;
  let statements: ConditionedStatement[];
  let tableArn: string;

  beforeAll(async () => {
    const stack = new WalletStack(new App(), 'WalletLocal', { analytics: false });
    const template = Template.fromStack(stack);
    statements = statementsOf(
      template,
      functionWithVariable(template, 'DIGEST_BUCKET'),
    ) as ConditionedStatement[];
    tableArn = `${stack.getLogicalId(stack.ledgerTable!.node.defaultChild as CfnTable)}.Arn`;
    dynamo = await startDynamoDbLocal();
    client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    await createLedgerTable(client, LEDGER);
  }, 120_000);

  afterAll(async () => {
    client?.destroy();
    await dynamo?.stop();
  });

  it("publishes digests that prove every wallet, sending DynamoDB only calls the publisher's policy allows", async () => {
    const config = { ledgerTable: LEDGER, currencies: CURRENCIES };
    const api = ledgerWalletService(client, config);
    const accountIds = ['player-a', 'player-b', 'player-c'];
    for (const accountId of accountIds) await api.createWallet({ accountId });
    await api.addFunds({ accountId: 'player-a', amount: '5', currency: 'GEMS' });
    await api.placeHold({ accountId: 'player-a', amount: '2', currency: 'GEMS' });

    const sent: object[] = [];
    const publisher = ledgerWalletService(
      {
        send: (command) => {
          sent.push(command);
          return client.send(command as never);
        },
      },
      config,
    );
    const { objects, put } = capturingPut();
    // Twice: the second digest is linked after the first (the pointer read and replaced).
    await publishDigest(publisher, 'wallet-digests', put);
    await api.transfer({
      fromAccountId: 'player-a',
      toAccountId: 'player-c',
      amount: '1',
      currency: 'GEMS',
    });
    await publishDigest(publisher, 'wallet-digests', put);

    expect(objects).toHaveLength(2);
    for (const object of objects) {
      const digest = await expectPublished(api, object, accountIds);
      // What an auditor with read access to the table runs (docs/deploy.md).
      const ledger = createDynamoDbLedger({ client, tableName: LEDGER });
      const checks = [];
      for await (const check of verifyWallets(ledger, api.currencies, { digest })) {
        checks.push(check);
      }
      expect(checks.map(({ accountId, report }) => [accountId, report.ok])).toEqual(
        accountIds.map((accountId) => [accountId, true]),
      );
    }
    const requests = sent.flatMap((command) => requestsOf(command, tableArn));
    expect(new Set(requests.map((r) => r.action))).toEqual(
      new Set(['dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:PutItem']),
    );
    expect(requests.filter((request) => !allows(statements, request))).toEqual([]);
    // Each digest key pattern was written: the tree, the head and the pointer.
    const written = requests
      .filter((r) => r.action === 'dynamodb:PutItem')
      .flatMap((r) => r.leadingKeys);
    for (const pattern of DIGEST_LEDGER_KEYS.write) {
      expect(written.some((key) => like(pattern, key))).toBe(true);
    }
  }, 120_000);
});
