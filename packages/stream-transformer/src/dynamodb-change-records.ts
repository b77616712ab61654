import { hashEntry, type JournalEntry } from '@wallet/core';
import { ChangeRecordError, JournalDocumentError } from './errors.js';
import { typeFieldsProblem } from './journal-revision.js';
import type { RecordFormat } from './record-format.js';

/** A DynamoDB attribute value as change records carry it (`{ S: "..." }`, `{ N: "1" }`, ...). */
export type AttributeValueLike = { [type: string]: unknown };

/** An item image: attribute name to attribute value. */
export type ItemImage = Record<string, AttributeValueLike>;

/**
 * One item change as Kinesis Data Streams for DynamoDB writes it into the stream, one JSON
 * document per record. Only the fields the wallet reads are declared.
 *
 * @example
 * const change: DynamoDbChangeRecord = { eventName: 'INSERT', dynamodb: { NewImage: image } };
 */
export interface DynamoDbChangeRecord {
  /** What happened to the item. */
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  /** The table the item is in. */
  tableName?: string;
  /** The item's keys and images, as the stream's view type includes them. */
  dynamodb: {
    /** The item's key attributes. */
    Keys?: ItemImage;
    /** The item after the change; absent for a `REMOVE`. */
    NewImage?: ItemImage;
    /** The item before the change; absent for an `INSERT`. */
    OldImage?: ItemImage;
  };
}

const EVENT_NAMES: ReadonlySet<unknown> = new Set(['INSERT', 'MODIFY', 'REMOVE']);

/**
 * Parses one record's bytes as a DynamoDB change record.
 *
 * @throws {ChangeRecordError} when they are not JSON of that shape
 * @example
 * const change = parseChangeRecord(Buffer.from(record.kinesis.data, 'base64'));
 */
export function parseChangeRecord(data: Uint8Array): DynamoDbChangeRecord {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.length).toString('utf8'));
  } catch (cause) {
    throw new ChangeRecordError('the record is not JSON', { cause });
  }
  const record = value as Partial<DynamoDbChangeRecord> | null;
  if (
    typeof record !== 'object' ||
    record === null ||
    !EVENT_NAMES.has(record.eventName) ||
    typeof record.dynamodb !== 'object' ||
    record.dynamodb === null
  ) {
    throw new ChangeRecordError('the record is not a DynamoDB change record (eventName, dynamodb)');
  }
  return record as DynamoDbChangeRecord;
}

/**
 * The record format of a DynamoDB ledger's change stream, as Kinesis Data Streams for DynamoDB
 * delivers it. The ledger package knows its own item layout, so it supplies `entryOfImage`
 * (`journalEntryOfImage` of `@wallet/dynamodb-ledger`): the entry an inserted item is, or
 * `undefined` for wallets and keys. Journal entries are only ever inserted, so only INSERT images
 * are read; each entry's hash is checked, so history never holds an entry that does not verify,
 * and so are the fields only some types carry (core's `ENTRY_TYPE_FIELDS`: `reverses` and
 * `reason` on reversals, `holdId` on a hold's entries), which the entry must have exactly for
 * its type, as a `JournalEntries` document must.
 *
 * @example
 * import { journalEntryOfImage } from '@wallet/dynamodb-ledger';
 * export const handler = createKinesisHandler({ history, format: dynamodbChangeRecords(journalEntryOfImage) });
 */
export function dynamodbChangeRecords(
  entryOfImage: (image: ItemImage) => JournalEntry | undefined,
): RecordFormat {
  return {
    read(data) {
      const change = parseChangeRecord(data);
      const image = change.dynamodb.NewImage;
      if (change.eventName !== 'INSERT' || image === undefined) return undefined;
      let entry: JournalEntry | undefined;
      try {
        entry = entryOfImage(image);
      } catch (cause) {
        throw new ChangeRecordError('the inserted item is not a journal entry', { cause });
      }
      if (entry === undefined) return undefined;
      if (hashEntry(entry) !== entry.hash) {
        throw new JournalDocumentError(
          'JOURNAL_HASH_MISMATCH',
          `entry ${entry.accountId}#${entry.sequence} does not match its hash`,
        );
      }
      const problem = typeFieldsProblem(entry.type, entry);
      if (problem !== undefined) {
        throw new JournalDocumentError(
          'INVALID_JOURNAL_DOCUMENT',
          `entry ${entry.accountId}#${entry.sequence} is not a journal entry: ${problem}`,
        );
      }
      return { entry };
    },
  };
}
