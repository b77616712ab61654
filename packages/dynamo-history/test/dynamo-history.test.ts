import { BatchWriteItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  createDynamoDbHistory,
  createDynamoHistory,
  type DynamoDbClientLike,
} from '../src/index.js';
import { mockedDynamo } from './mock-dynamo.js';
import { sampleEntry } from './sample-entries.js';

describe('createDynamoDbHistory options', () => {
  it("accepts the studio's DynamoDBClient as it is", () => {
    const { client } = mockedDynamo();
    const asPort: DynamoDbClientLike = client;
    expect(createDynamoDbHistory({ client: asPort, tableName: 't' })).toBeDefined();
  });

  it('is still reachable by its former name, createDynamoHistory', () => {
    expect(createDynamoHistory).toBe(createDynamoDbHistory);
  });

  it('rejects a ttlDays that is not a positive number of days', () => {
    const { client } = mockedDynamo();
    expect(() => createDynamoDbHistory({ client, tableName: 't', ttlDays: 0 })).toThrow(RangeError);
    expect(() => createDynamoDbHistory({ client, tableName: 't', ttlDays: -1 })).toThrow(
      RangeError,
    );
  });

  it('rejects retry attempts below 1', () => {
    const { client } = mockedDynamo();
    expect(() => createDynamoDbHistory({ client, tableName: 't', retry: { attempts: 0 } })).toThrow(
      RangeError,
    );
  });

  it('rejects an entry whose own expire_timestamp is not epoch seconds, before writing', async () => {
    const { client, mock } = mockedDynamo();
    const history = createDynamoDbHistory({ client, tableName: 't' });
    await expect(
      history.putEntries([{ ...sampleEntry('p1', 1), expire_timestamp: 1.5 }]),
    ).rejects.toThrow(RangeError);
    expect(mock.commandCalls(BatchWriteItemCommand)).toHaveLength(0);
  });
});
