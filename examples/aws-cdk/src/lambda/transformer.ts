import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoDbHistory } from '@wallet/dynamo-history';
import { journalEntryOfImage } from '@wallet/dynamodb-ledger';
import { createKinesisHandler, dynamodbChangeRecords } from '@wallet/stream-transformer';

const endpoint = process.env.DYNAMODB_ENDPOINT;
const ttlDays = process.env.HISTORY_TTL_DAYS ? Number(process.env.HISTORY_TTL_DAYS) : undefined;
const history = createDynamoDbHistory({
  client: new DynamoDBClient(endpoint ? { endpoint } : {}),
  tableName: process.env.HISTORY_TABLE ?? '',
  ...(ttlDays === undefined ? {} : { ttlDays }),
});

/**
 * The transformer Lambda's entry point: the ledger's Kinesis stream in, the history table out.
 * `LEDGER_KIND` says what the stream carries: DynamoDB change records (the default) or QLDB's
 * KPL-aggregated Ion revisions (the reference variant).
 *
 * @example
 * // NodejsFunction entry: src/lambda/transformer.ts, handler: 'handler'
 */
export const handler = createKinesisHandler(
  process.env.LEDGER_KIND === 'qldb'
    ? { history }
    : { history, format: dynamodbChangeRecords(journalEntryOfImage) },
);
