import {
  ProvisionedThroughputExceededException,
  QueryCommand,
  type QueryCommandInput,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { StoreUnavailableError, ValidationError } from '@wallet/core';
import { describe, expect, it } from 'vitest';
import { createDynamoDbHistory, encodeEntry } from '../src/index.js';
import { FAST_RETRY, mockedDynamo } from './mock-dynamo.js';
import { sampleEntry } from './sample-entries.js';

const tableName = 'wallet-history';

function inputsOf(mock: ReturnType<typeof mockedDynamo>['mock']): QueryCommandInput[] {
  return mock.commandCalls(QueryCommand).map((call) => call.args[0].input as QueryCommandInput);
}

describe('queryEntries through Query (aws-sdk-client-mock)', () => {
  it('queries the wallet partition in sequence order with startAfter as a key condition', async () => {
    const { client, mock } = mockedDynamo();
    mock.on(QueryCommand).resolves({ Items: [] });
    const history = createDynamoDbHistory({ client, tableName });
    await history.queryEntries({ accountId: 'p1', order: 'desc', startAfter: 9, limit: 5 });
    expect(inputsOf(mock)).toEqual([
      expect.objectContaining({
        TableName: tableName,
        KeyConditionExpression: '#account = :account AND #sequence < :after',
        ExpressionAttributeNames: { '#account': 'accountId', '#sequence': 'sequence' },
        ExpressionAttributeValues: { ':account': { S: 'p1' }, ':after': { N: '9' } },
        ScanIndexForward: false,
        Limit: 5,
        ConsistentRead: true,
      }),
    ]);
  });

  it('keeps querying when the currency filter leaves a page short and more remain', async () => {
    const { client, mock } = mockedDynamo();
    const gold = [1, 4, 6].map((sequence) => sampleEntry('p1', sequence));
    mock
      .on(QueryCommand)
      .resolvesOnce({ Items: [encodeEntry(gold[0]!)], LastEvaluatedKey: { k: { N: '3' } } })
      .resolvesOnce({ Items: [], LastEvaluatedKey: { k: { N: '5' } } })
      .resolvesOnce({ Items: [encodeEntry(gold[1]!), encodeEntry(gold[2]!)] });
    const history = createDynamoDbHistory({ client, tableName });
    const page = await history.queryEntries({
      accountId: 'p1',
      currency: 'GOLD',
      order: 'asc',
      limit: 3,
    });
    expect(page).toEqual(gold);
    const inputs = inputsOf(mock);
    expect(inputs.map((input) => input.ExclusiveStartKey)).toEqual([
      undefined,
      { k: { N: '3' } },
      { k: { N: '5' } },
    ]);
    expect(inputs[0]).toMatchObject({
      FilterExpression: '#currency = :currency',
      ExpressionAttributeValues: { ':currency': { S: 'GOLD' } },
    });
  });

  it('stops at limit entries even when DynamoDB has more to give', async () => {
    const { client, mock } = mockedDynamo();
    const entries = [1, 2, 3].map((sequence) => sampleEntry('p1', sequence));
    mock.on(QueryCommand).resolves({
      Items: entries.map((entry) => encodeEntry(entry)),
      LastEvaluatedKey: { k: { N: '3' } },
    });
    const history = createDynamoDbHistory({ client, tableName });
    expect(await history.queryEntries({ accountId: 'p1', order: 'asc', limit: 2 })).toEqual(
      entries.slice(0, 2),
    );
    expect(mock.commandCalls(QueryCommand)).toHaveLength(1);
  });

  it('reads eventually consistent when consistentRead is false', async () => {
    const { client, mock } = mockedDynamo();
    mock.on(QueryCommand).resolves({ Items: [] });
    const history = createDynamoDbHistory({ client, tableName, consistentRead: false });
    await history.queryEntries({ accountId: 'p1', order: 'asc', limit: 1 });
    expect(inputsOf(mock)[0]?.ConsistentRead).toBe(false);
  });

  it('retries a throttled query', async () => {
    const { client, mock } = mockedDynamo();
    const entry = sampleEntry('p1', 1);
    mock
      .on(QueryCommand)
      .rejectsOnce(new ProvisionedThroughputExceededException({ message: 'slow', $metadata: {} }))
      .resolves({ Items: [encodeEntry(entry)] });
    const history = createDynamoDbHistory({ client, tableName, retry: FAST_RETRY });
    expect(await history.queryEntries({ accountId: 'p1', order: 'asc', limit: 1 })).toEqual([
      entry,
    ]);
  });

  it('throws StoreUnavailableError with the DynamoDB error as cause when a query is refused', async () => {
    const { client, mock } = mockedDynamo();
    const error = new ResourceNotFoundException({ message: 'no table', $metadata: {} });
    mock.on(QueryCommand).rejects(error);
    const history = createDynamoDbHistory({ client, tableName, retry: FAST_RETRY });
    const failure = await history
      .queryEntries({ accountId: 'p1', order: 'asc', limit: 1 })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StoreUnavailableError);
    expect((failure as StoreUnavailableError).cause).toBe(error);
    expect(mock.commandCalls(QueryCommand)).toHaveLength(1);
  });

  it('rejects a limit below 1 without calling DynamoDB', async () => {
    const { client, mock } = mockedDynamo();
    const history = createDynamoDbHistory({ client, tableName });
    await expect(
      history.queryEntries({ accountId: 'p1', order: 'asc', limit: 0 }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(mock.calls()).toHaveLength(0);
  });
});
