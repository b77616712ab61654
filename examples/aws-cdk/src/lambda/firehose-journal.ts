import { journalEntryOfImage } from '@wallet/dynamodb-ledger';
import { dynamodbChangeRecords } from '@wallet/stream-transformer';
import type { FirehoseTransformationEvent, FirehoseTransformationResult } from 'aws-lambda';
import { journalJsonRow } from '../journal-json-row.js';

const changeRecords = dynamodbChangeRecords(journalEntryOfImage);

/**
 * The Firehose processor of the analytics stream: each DynamoDB change record of a journal
 * entry becomes one JSON row of the journal table, partitioned (`dt`) by the UTC date of its
 * `txTime` like the files of `wallet export`; every other change is dropped. A record that does not
 * map is marked failed and lands under the bucket's `errors/` prefix, never silently lost.
 *
 * @example
 * // NodejsFunction entry: src/lambda/firehose-journal.ts, handler: 'handler'
 */
export async function handler(
  event: FirehoseTransformationEvent,
): Promise<FirehoseTransformationResult> {
  return {
    records: event.records.map(({ recordId, data }) => {
      try {
        const content = changeRecords.read(Buffer.from(data, 'base64'));
        if (content === undefined) return { recordId, result: 'Dropped', data };
        const { entry } = content;
        return {
          recordId,
          result: 'Ok',
          data: Buffer.from(journalJsonRow(entry), 'utf8').toString('base64'),
          metadata: { partitionKeys: { dt: entry.txTime.slice(0, 10) } },
        };
      } catch {
        return { recordId, result: 'ProcessingFailed', data };
      }
    }),
  };
}
