import { JOURNAL_TABLE, journalEntryFromRevision } from './journal-revision.js';
import { decodeQldbRecord, type RevisionDetailsRecord } from './qldb-record.js';
import type { RecordFormat } from './record-format.js';

/**
 * A QLDB revision that adds no history, as {@link qldbRecords} reports it. `reason`:
 * `OTHER_TABLE` (any revision of a table other than the journal table); for the journal table,
 * whose documents are written once, `DELETE` (no data), `REDACTED` (`dataHash` instead of data)
 * and `NOT_AN_INSERT` (a version after 0). History keeps the entry as first written in each
 * journal case.
 *
 * @example
 * const skipped: QldbOtherRevision = { record, reason: 'OTHER_TABLE' };
 */
export interface QldbOtherRevision {
  /** The revision, as decoded. */
  record: RevisionDetailsRecord;
  /** Why it added no history. */
  reason: 'OTHER_TABLE' | 'DELETE' | 'REDACTED' | 'NOT_AN_INSERT';
}

/**
 * Options of {@link qldbRecords}.
 *
 * @example
 * const options: QldbRecordsOptions = { journalTable: 'Journal' };
 */
export interface QldbRecordsOptions {
  /** The ledger table holding journal entries. Default `JournalEntries`. */
  journalTable?: string;
}

function skipReason(
  record: RevisionDetailsRecord,
  journalTable: string,
): QldbOtherRevision['reason'] | undefined {
  const { tableInfo, revision } = record.payload;
  if (tableInfo.tableName !== journalTable) return 'OTHER_TABLE';
  if (revision.dataHash !== undefined) return 'REDACTED';
  if (revision.data === undefined) return 'DELETE';
  if (revision.metadata.version !== 0) return 'NOT_AN_INSERT';
  return undefined;
}

/**
 * The record format of a QLDB journal stream, the Kinesis handler's default: each record is
 * decoded from Ion; a REVISION_DETAILS of the journal table at version 0, with data, is its
 * journal entry (hash verified); any other revision is reported as a
 * {@link QldbOtherRevision}; CONTROL and BLOCK_SUMMARY records hold nothing.
 *
 * @example
 * export const handler = createKinesisHandler({ history, format: qldbRecords({ journalTable: 'Journal' }) });
 */
export function qldbRecords(options: QldbRecordsOptions = {}): RecordFormat<QldbOtherRevision> {
  const journalTable = options.journalTable ?? JOURNAL_TABLE;
  return {
    read(data) {
      const record = decodeQldbRecord(data);
      if (record.recordType !== 'REVISION_DETAILS') return undefined;
      const reason = skipReason(record, journalTable);
      return reason === undefined
        ? { entry: journalEntryFromRevision(record) }
        : { other: { record, reason } };
    },
  };
}
