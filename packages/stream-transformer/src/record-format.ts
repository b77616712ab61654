import type { JournalEntry } from '@wallet/core';

/**
 * What one user record of a stream holds: a journal entry, another change the format reports
 * (`other`, handed to the handler's `onOtherRevision` hook; a format whose `Other` is `never`
 * reports none), or nothing to do (`undefined`).
 *
 * @example
 * const content: RecordContent<never> = { entry };
 */
export type RecordContent<Other> =
  | {
      /** The journal entry the record adds to history. */
      readonly entry: JournalEntry;
    }
  | ([Other] extends [never]
      ? never
      : {
          /** The change, for the `onOtherRevision` hook. */
          readonly other: Other;
        })
  | undefined;

/**
 * How the Kinesis handler reads the records of one kind of change stream: QLDB's Ion revisions
 * ({@link qldbRecords}, the default), a DynamoDB ledger's change records
 * ({@link dynamodbChangeRecords}), or any other ledger's feed. `read` gets one user record's
 * bytes (a KPL aggregate already taken apart) and is synchronous, so the common case costs no
 * promise. Throwing marks the record as poison: it depends on the bytes alone, so it would throw
 * again on every retry (a `StreamRecordError` gives the poison record its code).
 *
 * @example
 * const lines: RecordFormat = {
 *   read(data) {
 *     const entry = JSON.parse(Buffer.from(data).toString('utf8')) as JournalEntry;
 *     return { entry };
 *   },
 * };
 * createKinesisHandler({ history, format: lines });
 */
export interface RecordFormat<Other = never> {
  /** What the user record's bytes hold. */
  read(data: Uint8Array): RecordContent<Other>;
}
