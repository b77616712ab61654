import { startDynamoDbLocal } from '@wallet/testing';
import { expect, it } from 'vitest';

it('starts DynamoDB Local from the shipped jar and answers the DynamoDB JSON protocol', async () => {
  const dynamo = await startDynamoDbLocal();
  try {
    const response = await fetch(dynamo.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.ListTables',
        authorization:
          'AWS4-HMAC-SHA256 Credential=x/20260101/local/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: '{}',
    });
    expect(await response.json()).toEqual({ TableNames: [] });
  } finally {
    await dynamo.stop();
  }
}, 90_000);
