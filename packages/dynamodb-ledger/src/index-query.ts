import {
  type AttributeValue,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { StoreUnavailableError } from '@wallet/core';
import type { DynamoDbClientLike } from '@wallet/dynamodb-shared';
import type { LedgerItem } from './item-codec.js';

/**
 * Reads the keys a `KEYS_ONLY` index holds for one query, page after page from
 * `LastEvaluatedKey`, until `wanted` says it has enough (it sees each page's items in index
 * order and returns false to stop) or the range ends. Index reads are eventually consistent:
 * DynamoDB offers no other kind on a global secondary index.
 *
 * @throws {StoreUnavailableError} when a query fails
 * @example
 * await queryIndex(client, input, 'the wallet list', (items) => { keys.push(...items); return keys.length < limit; });
 */
export async function queryIndex(
  client: DynamoDbClientLike,
  input: QueryCommandInput,
  what: string,
  wanted: (items: readonly LedgerItem[]) => boolean,
  pageLimit?: () => number,
): Promise<void> {
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    let output: QueryCommandOutput;
    try {
      output = (await client.send(
        new QueryCommand({
          ...input,
          ...(pageLimit === undefined ? {} : { Limit: pageLimit() }),
          ExclusiveStartKey: startKey,
        }),
      )) as QueryCommandOutput;
    } catch (error) {
      // A table made by an earlier release has no indexes until updateLedgerTable adds them.
      const missing =
        error instanceof Error && /specified index|index.*not.*exist/i.test(error.message);
      throw new StoreUnavailableError(
        `DynamoDB could not read ${what}${missing ? ` (${input.IndexName} is missing: run updateLedgerTable on the table)` : ''}`,
        { cause: error },
      );
    }
    if (!wanted(output.Items ?? [])) return;
    startKey = output.LastEvaluatedKey;
  } while (startKey !== undefined);
}
