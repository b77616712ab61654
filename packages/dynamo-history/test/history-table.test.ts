import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  type TableDescription,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { createHistoryTable } from '../src/index.js';
import { mockedDynamo } from './mock-dynamo.js';

const tableName = 'wallet-history';

function table(status: TableDescription['TableStatus']): { Table: TableDescription } {
  return {
    Table: {
      TableName: tableName,
      TableStatus: status,
      KeySchema: [
        { AttributeName: 'accountId', KeyType: 'HASH' },
        { AttributeName: 'sequence', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'accountId', AttributeType: 'S' },
        { AttributeName: 'sequence', AttributeType: 'N' },
      ],
    },
  };
}

const missing = () => new ResourceNotFoundException({ message: 'no table', $metadata: {} });

describe('createHistoryTable (aws-sdk-client-mock)', () => {
  it('waits until a new table is ACTIVE before enabling TTL on it', async () => {
    const { client, mock } = mockedDynamo();
    mock
      .on(DescribeTableCommand)
      .rejectsOnce(missing())
      .resolvesOnce(table('CREATING'))
      .resolves(table('ACTIVE'));
    mock.on(CreateTableCommand).resolves({});
    mock
      .on(DescribeTimeToLiveCommand)
      .resolves({ TimeToLiveDescription: { TimeToLiveStatus: 'DISABLED' } });
    mock.on(UpdateTimeToLiveCommand).resolves({});
    await createHistoryTable(client, tableName);
    expect(mock.calls().map((call) => call.args[0].constructor.name)).toEqual([
      'DescribeTableCommand',
      'CreateTableCommand',
      'DescribeTableCommand',
      'DescribeTableCommand',
      'DescribeTimeToLiveCommand',
      'UpdateTimeToLiveCommand',
    ]);
    expect(mock.commandCalls(CreateTableCommand)[0]?.args[0].input).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
    });
    expect(mock.commandCalls(UpdateTimeToLiveCommand)[0]?.args[0].input).toEqual({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: 'expire_timestamp', Enabled: true },
    });
  });

  it('treats a table created concurrently by someone else as created', async () => {
    const { client, mock } = mockedDynamo();
    mock.on(DescribeTableCommand).rejectsOnce(missing()).resolves(table('ACTIVE'));
    mock
      .on(CreateTableCommand)
      .rejects(new ResourceInUseException({ message: 'exists', $metadata: {} }));
    mock
      .on(DescribeTimeToLiveCommand)
      .resolves({ TimeToLiveDescription: { TimeToLiveStatus: 'ENABLED' } });
    await expect(createHistoryTable(client, tableName)).resolves.toBeUndefined();
    expect(mock.commandCalls(UpdateTimeToLiveCommand)).toHaveLength(0);
  });

  it('gives up when the table is not ACTIVE within timeoutMs', async () => {
    const { client, mock } = mockedDynamo();
    mock.on(DescribeTableCommand).resolves(table('UPDATING'));
    await expect(createHistoryTable(client, tableName, { timeoutMs: 250 })).rejects.toThrow(
      'table wallet-history is UPDATING, not ACTIVE after waiting',
    );
    expect(mock.commandCalls(CreateTableCommand)).toHaveLength(0);
  });
});
