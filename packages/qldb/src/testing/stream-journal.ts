import { dom, dumpBinary, Timestamp } from 'ion-js';
import { qldbId } from './ids.js';
import { dotHash, ionHash } from './ion-hash.js';
import { aggregateUserRecords, type UserRecord } from './kpl.js';
import type { CommittedBlock } from './ledger-state.js';

/** The record types a QLDB stream carries (the fake emits the last two). */
export type QldbStreamRecordType = 'CONTROL' | 'BLOCK_SUMMARY' | 'REVISION_DETAILS';

/**
 * One QLDB stream record as it would reach Kinesis: Ion binary with a partition key.
 *
 * @example
 * for (const record of fake.streamRecords()) console.log(record.recordType, record.transactionId);
 */
export interface QldbStreamRecord extends UserRecord {
  /** `KPL_AGGREGATED` for a record that packs all the records of one commit. */
  recordType: QldbStreamRecordType | 'KPL_AGGREGATED';
  /** The transaction whose commit produced the record. */
  transactionId: string;
}

/**
 * How {@link QldbFake.streamRecords} returns the records.
 *
 * @example
 * const records = fake.streamRecords({ aggregate: true }); // one KPL record per commit
 */
export interface StreamRecordOptions {
  /**
   * KPL-aggregate the records of each commit into one Kinesis record, as QLDB streams do by
   * default. Default false.
   */
  aggregate?: boolean;
}

function timestamp(date: Date): dom.Value {
  // Through text, so the Ion timestamp keeps millisecond precision.
  return new dom.Timestamp(Timestamp.parse(date.toISOString())!);
}

function struct(fields: Record<string, dom.Value>): dom.Value {
  return new dom.Struct(Object.entries(fields));
}

/**
 * The fake's journal export: for every commit, one REVISION_DETAILS record per document
 * revision and one BLOCK_SUMMARY, shaped like QLDB's (see DESIGN section 6). Hashes are Ion
 * hashes chained the way QLDB chains them in spirit (a revision's hash is its data hash dotted
 * with its metadata hash; a block's hash folds its entries and the previous block's hash), so
 * they are stable and verifiable, but they are not claimed to equal a real ledger's digests.
 *
 * @example
 * const journal = new StreamJournal('wallet-ledger', 'local', ledger.strandId);
 * journal.append(block);
 * journal.records({ aggregate: true });
 */
export class StreamJournal {
  readonly streamArn: string;
  readonly #strandId: string;
  readonly #blocks: QldbStreamRecord[][] = [];
  #previousBlockHash: Uint8Array = new Uint8Array(0);

  constructor(ledgerName: string, region: string, strandId: string) {
    this.streamArn = `arn:aws:qldb:${region}:000000000000:stream/${ledgerName}/${qldbId()}`;
    this.#strandId = strandId;
  }

  /** Records the block of one commit that changed documents. */
  append(block: CommittedBlock): void {
    const blockAddress = () =>
      struct({
        strandId: new dom.String(this.#strandId),
        sequenceNo: new dom.Integer(block.sequence),
      });
    const records: QldbStreamRecord[] = [];
    const summaries: dom.Value[] = [];
    const entryHashes: Uint8Array[] = [];
    const documents: [string, dom.Value][] = [];
    for (const revision of block.revisions) {
      const metadata = struct({
        id: new dom.String(revision.id),
        version: new dom.Integer(revision.version),
        txTime: timestamp(block.txTime),
        txId: new dom.String(block.transactionId),
      });
      const metadataHash = ionHash(metadata);
      const hash = revision.data ? dotHash(ionHash(revision.data), metadataHash) : metadataHash;
      entryHashes.push(hash);
      const revisionFields: Record<string, dom.Value> = {
        blockAddress: blockAddress(),
        hash: new dom.Blob(hash),
      };
      if (revision.data) revisionFields.data = revision.data;
      revisionFields.metadata = metadata;
      records.push(
        this.#record('REVISION_DETAILS', revision.id, block.transactionId, {
          tableInfo: struct({
            tableName: new dom.String(revision.tableName),
            tableId: new dom.String(revision.tableId),
          }),
          revision: struct(revisionFields),
        }),
      );
      summaries.push(struct({ hash: new dom.Blob(hash), documentId: new dom.String(revision.id) }));
      documents.push([
        revision.id,
        struct({
          tableName: new dom.String(revision.tableName),
          tableId: new dom.String(revision.tableId),
          statements: new dom.List(revision.statements.map((i) => new dom.Integer(i))),
        }),
      ]);
    }
    for (const statement of block.statements) entryHashes.push(statement.statementDigest);
    const entriesHash = entryHashes.reduce((acc, h) => dotHash(acc, h), new Uint8Array(0));
    const blockHash = dotHash(entriesHash, this.#previousBlockHash);
    const summary = this.#record('BLOCK_SUMMARY', block.transactionId, block.transactionId, {
      blockAddress: blockAddress(),
      transactionId: new dom.String(block.transactionId),
      blockTimestamp: timestamp(block.txTime),
      blockHash: new dom.Blob(blockHash),
      entriesHash: new dom.Blob(entriesHash),
      previousBlockHash: new dom.Blob(this.#previousBlockHash),
      entriesHashList: new dom.List(entryHashes.map((h) => new dom.Blob(h))),
      transactionInfo: struct({
        statements: new dom.List(
          block.statements.map((s) =>
            struct({
              statement: new dom.String(s.statement),
              startTime: timestamp(s.startTime),
              statementDigest: new dom.Blob(s.statementDigest),
            }),
          ),
        ),
        documents: new dom.Struct(documents),
      }),
      revisionSummaries: new dom.List(summaries),
    });
    this.#previousBlockHash = blockHash;
    this.#blocks.push([summary, ...records]);
  }

  /**
   * Every record emitted so far, in commit order (each commit: its BLOCK_SUMMARY, then its
   * REVISION_DETAILS), or with `aggregate` one KPL record per commit.
   */
  records(options: StreamRecordOptions = {}): QldbStreamRecord[] {
    if (!options.aggregate) return this.#blocks.flat();
    return this.#blocks.map((records) => ({
      partitionKey: records[0]!.partitionKey,
      data: aggregateUserRecords(records),
      recordType: 'KPL_AGGREGATED',
      transactionId: records[0]!.transactionId,
    }));
  }

  #record(
    recordType: QldbStreamRecordType,
    partitionKey: string,
    transactionId: string,
    payload: Record<string, dom.Value>,
  ): QldbStreamRecord {
    const value = struct({
      qldbStreamArn: new dom.String(this.streamArn),
      recordType: new dom.String(recordType),
      payload: struct(payload),
    });
    return { partitionKey, data: dumpBinary(value), recordType, transactionId };
  }
}
