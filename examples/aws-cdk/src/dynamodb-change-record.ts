import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { hashEntry, type JournalEntry } from '@wallet/core';
import { ITEM_KINDS, journalEntryFromItem } from '@wallet/dynamodb-ledger';

/**
 * A DynamoDB change record as Kinesis Data Streams for DynamoDB writes it into the stream: one
 * JSON document per item change. Only the fields the wallet reads are declared.
 *
 * @example
 * const record: DynamoDbChangeRecord = JSON.parse(Buffer.from(kinesis.data, 'base64').toString('utf8'));
 */
export interface DynamoDbChangeRecord {
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  eventID?: string;
  tableName?: string;
  recordFormat?: string;
  dynamodb: {
    Keys?: Record<string, AttributeValue>;
    NewImage?: Record<string, AttributeValue>;
    OldImage?: Record<string, AttributeValue>;
    ApproximateCreationDateTime?: number;
    SizeBytes?: number;
  };
}

/**
 * Parses one Kinesis record's bytes as a DynamoDB change record.
 *
 * @throws {TypeError} when the bytes are not JSON of that shape
 * @example
 * const change = parseChangeRecord(Buffer.from(record.kinesis.data, 'base64'));
 */
export function parseChangeRecord(bytes: Uint8Array): DynamoDbChangeRecord {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new TypeError('the record is not JSON', { cause: error });
  }
  const record = value as Partial<DynamoDbChangeRecord> | null;
  if (
    typeof record !== 'object' ||
    record === null ||
    !['INSERT', 'MODIFY', 'REMOVE'].includes(record.eventName as string) ||
    typeof record.dynamodb !== 'object' ||
    record.dynamodb === null
  ) {
    throw new TypeError('the record is not a DynamoDB change record (eventName, dynamodb)');
  }
  return record as DynamoDbChangeRecord;
}

/**
 * The journal entry a ledger change record adds, or `undefined` for every other change
 * (wallet and idempotency items, removals). Entry items are only ever inserted, so an INSERT of
 * a `kind` `ENTRY` image is the whole signal; its hash is checked so that history never holds
 * an entry that does not verify.
 *
 * @throws {TypeError} when an entry image does not decode or its hash does not match its fields
 * @example
 * const entry = journalEntryOfChange(parseChangeRecord(bytes));
 * if (entry) entries.push(entry);
 */
export function journalEntryOfChange(record: DynamoDbChangeRecord): JournalEntry | undefined {
  const image = record.dynamodb.NewImage;
  if (record.eventName !== 'INSERT' || image?.kind?.S !== ITEM_KINDS.entry) return undefined;
  const entry = journalEntryFromItem(image);
  if (hashEntry(entry) !== entry.hash) {
    throw new TypeError(
      `entry ${entry.accountId}#${entry.sequence} does not match its hash ${entry.hash}`,
    );
  }
  return entry;
}
