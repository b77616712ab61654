import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import { CfnLedger, CfnStream } from 'aws-cdk-lib/aws-qldb';
import { Construct } from 'constructs';

/**
 * The original architecture's ledger, for reference only: an Amazon QLDB ledger streaming its
 * journal to Kinesis (KPL-aggregated Ion records, which `@wallet/stream-transformer` reads).
 * QLDB was shut down on 2025-07-31, so this deploys nowhere; it documents what the DynamoDB
 * ledger replaces and lets a migrating studio compare the two synthesized templates.
 *
 * @example
 * new QldbLedger(this, 'Ledger', { stream });
 */
export class QldbLedger extends Construct {
  readonly ledger: CfnLedger;

  constructor(scope: Construct, id: string, props: { stream: IStream }) {
    super(scope, id);
    this.ledger = new CfnLedger(this, 'Ledger', {
      permissionsMode: 'STANDARD',
      deletionProtection: true,
    });
    this.ledger.applyRemovalPolicy(RemovalPolicy.RETAIN);

    const role = new Role(this, 'StreamRole', {
      assumedBy: new ServicePrincipal('qldb.amazonaws.com'),
      description: 'Lets the QLDB journal stream write to the ledger Kinesis stream',
    });
    role.addToPolicy(
      new PolicyStatement({
        actions: [
          'kinesis:PutRecord',
          'kinesis:PutRecords',
          'kinesis:DescribeStream',
          'kinesis:ListShards',
        ],
        resources: [props.stream.streamArn],
      }),
    );
    props.stream.encryptionKey?.grantEncrypt(role);
    const stream = new CfnStream(this, 'JournalStream', {
      ledgerName: this.ledger.ref,
      streamName: 'wallet-journal',
      roleArn: role.roleArn,
      inclusiveStartTime: '2020-01-01T00:00:00Z',
      kinesisConfiguration: { streamArn: props.stream.streamArn, aggregationEnabled: true },
    });
    stream.node.addDependency(role);
    // CDK's "from a service that was shut down" warning (rule E3710) is known and intended:
    // this variant exists to show the original design.
    Validations.of(this).acknowledge({
      id: 'CloudFormation-Validate::E3710',
      reason:
        'QLDB was shut down on 2025-07-31; the qldb variant is synthesized for reference only',
    });
  }
}
