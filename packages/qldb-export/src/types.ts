/**
 * The blocks and revisions of a QLDB journal export as plain objects.
 * Hashes are base64 strings (QLDB's own printed form); times are ISO 8601 strings.
 */

/**
 * Where a block sits in the journal.
 *
 * @example
 * const address: BlockAddress = { strandId: 'A2mzwAutFNnJm2ho9nls4q', sequenceNo: 711 };
 */
export interface BlockAddress {
  /** The id of the journal strand the block is on. */
  readonly strandId: string;
  /** The block's position in its strand; each block's is one more than the previous block's. */
  readonly sequenceNo: number;
}

/**
 * A number from a document, exactly as Ion held it: `text` is the value's Ion text (`'10'`,
 * `'10.50'`, `'0.30000000000000004'`, `'+inf'`), never a rounded JS number.
 *
 * @example
 * const balance: IonNumber = { $ion: 'float', text: '0.30000000000000004' };
 */
export interface IonNumber {
  /** Which Ion number type the value had. */
  readonly $ion: 'int' | 'decimal' | 'float';
  /** The number's exact Ion text. */
  readonly text: string;
}

/**
 * A timestamp from a document, as its Ion text (precision and offset kept).
 *
 * @example
 * const when: IonTimestamp = { $ion: 'timestamp', text: '1963-08-19T' };
 */
export interface IonTimestamp {
  /** Tag marking an Ion timestamp. */
  readonly $ion: 'timestamp';
  /** The timestamp's Ion text, with its original precision and offset. */
  readonly text: string;
}

/**
 * A blob or clob from a document, as base64.
 *
 * @example
 * const bytes: IonBytes = { $ion: 'blob', base64: 'AAE=' };
 */
export interface IonBytes {
  /** Whether the value was an Ion blob or clob. */
  readonly $ion: 'blob' | 'clob';
  /** The value's bytes, base64-encoded. */
  readonly base64: string;
}

/**
 * A document's Ion value as a JSON-safe value. Strings and symbols are strings, typed nulls are
 * `null`, lists and s-expressions are arrays, structs are objects; numbers, timestamps and
 * blobs are tagged objects ({@link IonNumber}, {@link IonTimestamp}, {@link IonBytes}) so
 * nothing is rounded. Annotations are dropped.
 *
 * @example
 * const data: IonJson = { accountId: 'alice', balance: { $ion: 'int', text: '10' } };
 */
export type IonJson =
  | null
  | boolean
  | string
  | IonNumber
  | IonTimestamp
  | IonBytes
  | IonJson[]
  | { [field: string]: IonJson };

/**
 * One statement of a block's transaction.
 *
 * @example
 * const s: StatementInfo = { statement: 'INSERT INTO "Wallet" ?', startTime: '2021-05-27T12:00:00.000Z', statementDigest: '…' };
 */
export interface StatementInfo {
  /** The PartiQL statement text, with `?` for its parameters. */
  readonly statement: string;
  /** When the statement started, as an ISO 8601 UTC string (milliseconds). */
  readonly startTime: string;
  /** The statement's digest as base64; an empty string when the export has none. */
  readonly statementDigest: string;
}

/**
 * The table a document of the block belongs to, and the statements (indexes) that touched it.
 *
 * @example
 * const d: DocumentInfo = { tableName: 'Wallet', tableId: 'AYj94Ipn0re4Fr2PDgadpl', statements: [0] };
 */
export interface DocumentInfo {
  /** The name of the table the document belongs to. */
  readonly tableName: string;
  /** The QLDB id of that table. */
  readonly tableId: string;
  /** Indexes into the block's `transactionInfo.statements` of the statements that touched the document. */
  readonly statements: number[];
}

/**
 * A user revision's metadata.
 *
 * @example
 * const m: RevisionMetadata = { id: '59NbC9MoyMw4vsTsoNROxX', version: 15, txTime: '2023-09-25T06:34:30.619Z', txId: '0007t6JMyzMK2LEscgWJ28' };
 */
export interface RevisionMetadata {
  /** The document's id, the same for all its revisions. */
  readonly id: string;
  /** The revision's number: 0 for the insert, one more for each later revision. */
  readonly version: number;
  /** When the revision's transaction committed, as an ISO 8601 UTC string (milliseconds). */
  readonly txTime: string;
  /** The id of the transaction that wrote the revision (the block's `transactionId`). */
  readonly txId: string;
}

/**
 * What every user revision has: its hash, address, metadata and table (looked up in the
 * block's `transactionInfo.documents`; `null` when the document is not listed there).
 *
 * @example
 * if (revision.kind !== 'system') console.log(revision.tableName, revision.metadata.version);
 */
export interface UserRevisionBase {
  /** The revision's hash as base64 (the dot of its metadata's and data's Ion hashes). */
  readonly hash: string;
  /** The address of the block that committed the revision. */
  readonly blockAddress: BlockAddress;
  /** The revision's document id, version and transaction. */
  readonly metadata: RevisionMetadata;
  /** The document's table name; `null` when the block's `transactionInfo.documents` does not list the document. */
  readonly tableName: string | null;
  /** The document's table id; `null` when the block's `transactionInfo.documents` does not list the document. */
  readonly tableId: string | null;
}

/**
 * An internal QLDB entry: only a hash.
 *
 * @example
 * if (revision.kind === 'system') console.log(revision.hash);
 */
export interface SystemRevision {
  /** Discriminant: an internal QLDB entry. */
  readonly kind: 'system';
  /** The entry's hash as base64. */
  readonly hash: string;
}

/**
 * An insert (version 0) or update of a document.
 *
 * @example
 * if (revision.kind === 'document') console.log(revision.data);
 */
export interface DocumentRevision extends UserRevisionBase {
  /** Discriminant: an insert or update. */
  readonly kind: 'document';
  /** The document's contents after the revision, as JSON-safe Ion. */
  readonly data: IonJson;
}

/**
 * A delete: metadata, no data.
 *
 * @example
 * if (revision.kind === 'delete') console.log('deleted', revision.metadata.id);
 */
export interface DeleteRevision extends UserRevisionBase {
  /** Discriminant: a delete. */
  readonly kind: 'delete';
}

/**
 * A redacted revision: the data is gone, its hash remains.
 *
 * @example
 * if (revision.kind === 'redacted') console.log(revision.dataHash);
 */
export interface RedactedRevision extends UserRevisionBase {
  /** Discriminant: a redacted revision. */
  readonly kind: 'redacted';
  /** The Ion hash of the redacted data, as base64. */
  readonly dataHash: string;
}

/**
 * Any revision of a block.
 *
 * @example
 * const users = block.revisions.filter((r) => r.kind !== 'system');
 */
export type JournalRevision = SystemRevision | DocumentRevision | DeleteRevision | RedactedRevision;

/**
 * The format of an export (from its started manifest) or of one data object (sniffed).
 *
 * @example
 * const format: ExportFormat = 'ION_TEXT';
 */
export type ExportFormat = 'ION_TEXT' | 'ION_BINARY' | 'JSON';

/**
 * One journal block of the export.
 *
 * @example
 * for await (const block of readQldbExport(source)) console.log(block.blockAddress.sequenceNo, block.revisions.length);
 */
export interface JournalBlock {
  /** Where the block sits in the journal. */
  readonly blockAddress: BlockAddress;
  /** The id of the transaction the block commits. */
  readonly transactionId: string;
  /** When the block was committed, as an ISO 8601 UTC string (milliseconds). */
  readonly blockTimestamp: string;
  /** The block's hash as base64: the dot of `entriesHash` and `previousBlockHash`. */
  readonly blockHash: string;
  /** Base64 Merkle root of `entriesHashList`. */
  readonly entriesHash: string;
  /** Base64; an empty string when the block has none. */
  readonly previousBlockHash: string;
  /** The hashes of the block's entries (revisions' Merkle root, `transactionInfo`, `redactionInfo`), as base64. */
  readonly entriesHashList: string[];
  /** The transaction's statements and the documents it touched; both empty when the block has none. */
  readonly transactionInfo: {
    /** The transaction's statements, in order. */
    readonly statements: StatementInfo[];
    /** The touched documents' tables and statements, keyed by document id. */
    readonly documents: Record<string, DocumentInfo>;
  };
  /** Present only on a redaction transaction's block, as JSON-safe Ion. */
  readonly redactionInfo?: IonJson;
  /** The block's revisions, in the order the block lists them. */
  readonly revisions: JournalRevision[];
  /** The data object the block came from, and its format. */
  readonly source: {
    /** The data object's key, as the completed manifest lists it. */
    readonly key: string;
    /** The data object's format, sniffed from its bytes. */
    readonly format: ExportFormat;
  };
  /**
   * `'full'`: every hash was recomputed; `'hash-chain'`: JSON export, revision and
   * transactionInfo hashes could not be recomputed (see README); `'none'`: `verify: false`.
   */
  readonly verified: 'full' | 'hash-chain' | 'none';
}
