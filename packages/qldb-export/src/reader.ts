import { dom, IonTypes, makeReader, type Reader, Timestamp } from 'ion-js';
import { QldbExportError } from './errors.js';
import { dotHash, ionHash, merkleRoot, sameHash, toBase64 } from './hashing.js';
import { ionToJson } from './ion-json.js';
import { findExports, keyRange } from './manifests.js';
import type { ExportSource } from './sources.js';
import type {
  BlockAddress,
  DocumentInfo,
  ExportFormat,
  JournalBlock,
  JournalRevision,
  RevisionMetadata,
  StatementInfo,
} from './types.js';
import { readInWorker } from './worker-reader.js';

/**
 * Options of {@link readQldbExport}.
 *
 * @example
 * readQldbExport(source, { verify: false, onObject: (p) => console.error(`${p.index + 1}/${p.count} ${p.key}`) });
 */
export interface ReadQldbExportOptions {
  /** Recompute and check every hash (default `true`). */
  readonly verify?: boolean;
  /** Called before each data object is read, for progress reporting. */
  readonly onObject?: (progress: { key: string; index: number; count: number }) => void;
  /**
   * Parse and verify on a worker thread (default `false`): the same blocks, progress and
   * errors, with the Ion parsing and hashing (most of the work) off the calling thread, so a
   * caller that writes what it reads, as `importQldbExport` does, uses a second core. The
   * source is still called on the calling thread. Blocks cross in batches, a few batches ahead
   * of the caller at most.
   */
  readonly worker?: boolean;
}

const BINARY_VERSION_MARKER = [0xe0, 0x01, 0x00, 0xea];

/**
 * The format of one data object, from its bytes: Ion binary starts with the version marker,
 * JSON Lines with `{` then `"` (QLDB's Ion text writes field names unquoted), else Ion text.
 *
 * @example
 * sniffFormat(new TextEncoder().encode('{"blockAddress":{}}')); // 'JSON'
 */
export function sniffFormat(bytes: Uint8Array): ExportFormat {
  if (BINARY_VERSION_MARKER.every((byte, i) => bytes[i] === byte)) return 'ION_BINARY';
  const head = new TextDecoder().decode(bytes.subarray(0, 64)).replace(/^\uFEFF/, '');
  return /^\s*\{\s*"/.test(head) ? 'JSON' : 'ION_TEXT';
}

/**
 * Whether a data object was cut off: Ion binary whose last top-level value claims more bytes
 * than are left, or text (Ion or JSON Lines) that does not end with the `}` closing a block.
 */
function looksTruncated(bytes: Uint8Array, format: ExportFormat): boolean {
  if (format !== 'ION_BINARY') {
    for (let i = bytes.length - 1; i >= 0; i--) {
      const byte = bytes[i]!;
      if (byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09) continue;
      return byte !== 0x7d;
    }
    return false;
  }
  let offset = 0;
  while (offset < bytes.length) {
    if (BINARY_VERSION_MARKER.every((byte, i) => bytes[offset + i] === byte)) {
      offset += 4;
      continue;
    }
    const descriptor = bytes[offset++]!;
    let length = descriptor & 0x0f;
    if (length === 0x0f || descriptor >> 4 === 0x1) length = 0;
    else if (length === 0x0e) {
      length = 0;
      for (;;) {
        const byte = bytes[offset++];
        if (byte === undefined) return true;
        length = length * 128 + (byte & 0x7f);
        if (byte & 0x80) break;
      }
    }
    offset += length;
  }
  return offset > bytes.length;
}

class Shape extends Error {}

function field(struct: dom.Value, name: string): dom.Value | null {
  const value = struct.get(name);
  return value === null || value.isNull() ? null : value;
}

function required(struct: dom.Value, name: string): dom.Value {
  const value = field(struct, name);
  if (value === null) throw new Shape(`missing ${name}`);
  return value;
}

function text(value: dom.Value, name: string): string {
  const type = value.getType();
  if (type !== IonTypes.STRING && type !== IonTypes.SYMBOL)
    throw new Shape(`${name} is not a string`);
  return value.stringValue()!;
}

function integer(value: dom.Value, name: string): number {
  if (value.getType() !== IonTypes.INT) throw new Shape(`${name} is not an int`);
  return Number(value.bigIntValue());
}

function time(value: dom.Value, name: string): string {
  if (value.getType() === IonTypes.TIMESTAMP)
    return value.timestampValue()!.getDate().toISOString();
  const parsed = Timestamp.parse(text(value, name));
  if (parsed === null) throw new Shape(`${name} is not a timestamp`);
  return parsed.getDate().toISOString();
}

/** A hash: an Ion blob, or base64 text in a JSON export; absent is empty. */
function hashBytes(value: dom.Value | null, name: string): Uint8Array {
  if (value === null) return new Uint8Array(0);
  const type = value.getType();
  if (type === IonTypes.BLOB || type === IonTypes.CLOB) return value.uInt8ArrayValue()!;
  if (type === IonTypes.STRING) return new Uint8Array(Buffer.from(value.stringValue()!, 'base64'));
  throw new Shape(`${name} is not a hash`);
}

function address(value: dom.Value, name: string): BlockAddress {
  return {
    strandId: text(required(value, 'strandId'), `${name}.strandId`),
    sequenceNo: integer(required(value, 'sequenceNo'), `${name}.sequenceNo`),
  };
}

interface ParsedRevision {
  readonly revision: JournalRevision;
  readonly hash: Uint8Array;
  readonly metadata: dom.Value | null;
  readonly data: dom.Value | null;
  readonly dataHash: Uint8Array | null;
}

interface ParsedBlock {
  readonly block: Omit<JournalBlock, 'verified'>;
  readonly ion: dom.Value;
  readonly blockHash: Uint8Array;
  readonly entriesHash: Uint8Array;
  readonly previousBlockHash: Uint8Array;
  readonly entriesHashList: Uint8Array[];
  readonly revisions: ParsedRevision[];
}

function parseTransactionInfo(value: dom.Value | null): JournalBlock['transactionInfo'] {
  if (value === null) return { statements: [], documents: {} };
  const statements: StatementInfo[] = (field(value, 'statements')?.elements() ?? []).map(
    (s, i) => ({
      statement: text(required(s, 'statement'), `statements[${i}].statement`),
      startTime: time(required(s, 'startTime'), `statements[${i}].startTime`),
      statementDigest: toBase64(hashBytes(field(s, 'statementDigest'), 'statementDigest')),
    }),
  );
  const documents: Record<string, DocumentInfo> = Object.create(null);
  for (const [id, doc] of field(value, 'documents')?.fields() ?? []) {
    documents[id] = {
      tableName: text(required(doc, 'tableName'), `documents.${id}.tableName`),
      tableId: text(required(doc, 'tableId'), `documents.${id}.tableId`),
      statements: (field(doc, 'statements')?.elements() ?? []).map((n) => integer(n, 'statements')),
    };
  }
  return { statements, documents };
}

function parseRevision(value: dom.Value, documents: Record<string, DocumentInfo>): ParsedRevision {
  const hash = hashBytes(required(value, 'hash'), 'revision hash');
  const metadataValue = field(value, 'metadata');
  if (metadataValue === null) {
    return {
      revision: { kind: 'system', hash: toBase64(hash) },
      hash,
      metadata: null,
      data: null,
      dataHash: null,
    };
  }
  const metadata: RevisionMetadata = {
    id: text(required(metadataValue, 'id'), 'metadata.id'),
    version: integer(required(metadataValue, 'version'), 'metadata.version'),
    txTime: time(required(metadataValue, 'txTime'), 'metadata.txTime'),
    txId: text(required(metadataValue, 'txId'), 'metadata.txId'),
  };
  const document = documents[metadata.id];
  const base = {
    hash: toBase64(hash),
    blockAddress: address(required(value, 'blockAddress'), 'revision blockAddress'),
    metadata,
    tableName: document?.tableName ?? null,
    tableId: document?.tableId ?? null,
  };
  // A JSON export prints a null document as null too; only an absent field is a delete.
  const dataField = value.get('data');
  const dataHashField = field(value, 'dataHash');
  if (dataField !== null) {
    return {
      revision: { kind: 'document', ...base, data: ionToJson(dataField) },
      hash,
      metadata: metadataValue,
      data: dataField,
      dataHash: null,
    };
  }
  if (dataHashField !== null) {
    const dataHash = hashBytes(dataHashField, 'dataHash');
    return {
      revision: { kind: 'redacted', ...base, dataHash: toBase64(dataHash) },
      hash,
      metadata: metadataValue,
      data: null,
      dataHash,
    };
  }
  return {
    revision: { kind: 'delete', ...base },
    hash,
    metadata: metadataValue,
    data: null,
    dataHash: null,
  };
}

function parseBlock(value: dom.Value, key: string, format: ExportFormat): ParsedBlock {
  if (value.getType() !== IonTypes.STRUCT) throw new Shape('a top-level value is not a struct');
  const blockAddress = address(required(value, 'blockAddress'), 'blockAddress');
  try {
    const transactionInfo = parseTransactionInfo(field(value, 'transactionInfo'));
    const revisions = (field(value, 'revisions')?.elements() ?? []).map((r) =>
      parseRevision(r, transactionInfo.documents),
    );
    const blockHash = hashBytes(required(value, 'blockHash'), 'blockHash');
    const entriesHash = hashBytes(required(value, 'entriesHash'), 'entriesHash');
    const previousBlockHash = hashBytes(field(value, 'previousBlockHash'), 'previousBlockHash');
    const entriesHashList = (field(value, 'entriesHashList')?.elements() ?? []).map((h) =>
      hashBytes(h, 'entriesHashList'),
    );
    const redactionInfo = field(value, 'redactionInfo');
    return {
      block: {
        blockAddress,
        transactionId: text(required(value, 'transactionId'), 'transactionId'),
        blockTimestamp: time(required(value, 'blockTimestamp'), 'blockTimestamp'),
        blockHash: toBase64(blockHash),
        entriesHash: toBase64(entriesHash),
        previousBlockHash: toBase64(previousBlockHash),
        entriesHashList: entriesHashList.map(toBase64),
        transactionInfo,
        ...(redactionInfo === null ? {} : { redactionInfo: ionToJson(redactionInfo) }),
        revisions: revisions.map((r) => r.revision),
        source: { key, format },
      },
      ion: value,
      blockHash,
      entriesHash,
      previousBlockHash,
      entriesHashList,
      revisions,
    };
  } catch (err) {
    if (err instanceof Shape) {
      throw new QldbExportError(
        'UNREADABLE_OBJECT',
        `block ${blockAddress.strandId}/${blockAddress.sequenceNo} in ${key}: ${err.message}`,
        { key, blockAddress },
      );
    }
    throw err;
  }
}

function describe(address: BlockAddress): string {
  return `block ${address.strandId}/${address.sequenceNo}`;
}

/** The hash checks of one block; throws BROKEN_BLOCK naming the block and the failed check. */
function verifyBlock(parsed: ParsedBlock, full: boolean, key: string): void {
  const { blockAddress, transactionId } = parsed.block;
  const broken = (what: string): never => {
    throw new QldbExportError('BROKEN_BLOCK', `${describe(blockAddress)} in ${key}: ${what}`, {
      key,
      blockAddress,
    });
  };
  const listed = (hash: Uint8Array) => parsed.entriesHashList.some((h) => sameHash(h, hash));
  for (const { revision, hash, metadata, data, dataHash } of parsed.revisions) {
    if (revision.kind === 'system' || metadata === null) continue;
    const name = `revision ${revision.metadata.id} version ${revision.metadata.version}`;
    if (revision.metadata.txId !== transactionId) {
      broken(`${name} has txId ${revision.metadata.txId}, not the block's ${transactionId}`);
    }
    if (!full) continue;
    const contentHash = data !== null ? ionHash(data) : (dataHash ?? new Uint8Array(0));
    if (!sameHash(dotHash(ionHash(metadata), contentHash), hash)) {
      broken(`${name} hash does not match its metadata and data`);
    }
  }
  if (parsed.revisions.length > 0 && !listed(merkleRoot(parsed.revisions.map((r) => r.hash)))) {
    broken('the Merkle root of the revision hashes is not in entriesHashList');
  }
  if (full) {
    const transactionInfo = field(parsed.ion, 'transactionInfo');
    if (transactionInfo !== null && !listed(ionHash(transactionInfo))) {
      broken('the hash of transactionInfo is not in entriesHashList');
    }
    const redactionInfo = field(parsed.ion, 'redactionInfo');
    if (redactionInfo !== null && !listed(ionHash(redactionInfo))) {
      broken('the hash of redactionInfo is not in entriesHashList');
    }
  }
  if (!sameHash(merkleRoot(parsed.entriesHashList), parsed.entriesHash)) {
    broken('entriesHash is not the Merkle root of entriesHashList');
  }
  if (!sameHash(dotHash(parsed.entriesHash, parsed.previousBlockHash), parsed.blockHash)) {
    broken('blockHash does not match entriesHash and previousBlockHash');
  }
}

function nextValue(reader: Reader, key: string): dom.Value | null {
  try {
    return dom.load(reader);
  } catch (cause) {
    const message = String(cause);
    const truncated =
      /eof|end of|unexpected end|unterminated|not enough|out of bounds|truncat/i.test(message);
    throw new QldbExportError(
      truncated ? 'TRUNCATED_OBJECT' : 'UNREADABLE_OBJECT',
      `${key} ${truncated ? 'ends in the middle of a value' : 'is not valid Ion or JSON'}: ${message}`,
      { key, cause },
    );
  }
}

/**
 * Reads a QLDB journal export block by block, in journal order: finds the completed
 * manifest(s), reads their data objects in the manifests' key order one at a time (each
 * object's format sniffed from its bytes), and yields each block as a plain
 * {@link JournalBlock}. With `verify` (the default) every block is checked before it is
 * yielded: each revision's hash against its metadata and data (Ion exports), the hashes of
 * `transactionInfo` and of the revisions in `entriesHashList`, `entriesHash`, `blockHash`, and
 * the chain (`previousBlockHash` equal to the previous block's `blockHash`, no sequence gap)
 * within a strand. A failed check throws a `QldbExportError` with code `BROKEN_BLOCK` naming
 * the block.
 *
 * @example
 * import { directorySource, readQldbExport } from '@wallet/qldb-export';
 * for await (const block of readQldbExport(directorySource('./wallet-export'))) {
 *   for (const revision of block.revisions) {
 *     if (revision.kind === 'document' && revision.tableName === 'Wallet') console.log(revision.data);
 *   }
 * }
 */
export async function* readQldbExport(
  source: ExportSource,
  options: ReadQldbExportOptions = {},
): AsyncGenerator<JournalBlock, void, undefined> {
  const verify = options.verify ?? true;
  if (options.worker === true) {
    yield* readInWorker(source, verify, options.onObject);
    return;
  }
  const chain = new Map<string, { sequenceNo: number; blockHash: Uint8Array }>();
  const manifests = await findExports(source);
  const keys = manifests.flatMap((manifest) => manifest.keys);
  for (const [index, key] of keys.entries()) {
    options.onObject?.({ key, index, count: keys.length });
    let bytes: Uint8Array;
    try {
      bytes = await source.read(key);
    } catch (cause) {
      throw new QldbExportError('UNREADABLE_OBJECT', `cannot read ${key}: ${String(cause)}`, {
        key,
        cause,
      });
    }
    const format = sniffFormat(bytes);
    if (looksTruncated(bytes, format)) {
      throw new QldbExportError('TRUNCATED_OBJECT', `${key} ends in the middle of a block`, {
        key,
      });
    }
    const reader = makeReader(bytes);
    let first: number | undefined;
    let last: number | undefined;
    for (let value = nextValue(reader, key); value !== null; value = nextValue(reader, key)) {
      let parsed: ParsedBlock;
      try {
        parsed = parseBlock(value, key, format);
      } catch (err) {
        if (err instanceof Shape) {
          throw new QldbExportError('UNREADABLE_OBJECT', `${key}: ${err.message}`, { key });
        }
        throw err;
      }
      const { blockAddress } = parsed.block;
      first ??= blockAddress.sequenceNo;
      last = blockAddress.sequenceNo;
      if (verify) {
        verifyBlock(parsed, format !== 'JSON', key);
        const previous = chain.get(blockAddress.strandId);
        if (previous !== undefined) {
          const where = `${describe(blockAddress)} in ${key}`;
          if (blockAddress.sequenceNo !== previous.sequenceNo + 1) {
            throw new QldbExportError(
              'BROKEN_BLOCK',
              `${where}: follows sequenceNo ${previous.sequenceNo} (blocks are missing or out of order)`,
              { key, blockAddress },
            );
          }
          if (!sameHash(previous.blockHash, parsed.previousBlockHash)) {
            throw new QldbExportError(
              'BROKEN_BLOCK',
              `${where}: previousBlockHash is not the blockHash of the block before it`,
              { key, blockAddress },
            );
          }
        }
        chain.set(blockAddress.strandId, {
          sequenceNo: blockAddress.sequenceNo,
          blockHash: parsed.blockHash,
        });
      }
      yield {
        ...parsed.block,
        verified: verify ? (format === 'JSON' ? 'hash-chain' : 'full') : 'none',
      };
    }
    const range = keyRange(key);
    if (range !== undefined && (first !== range.first || last !== range.last)) {
      throw new QldbExportError(
        'TRUNCATED_OBJECT',
        `${key} holds blocks ${first ?? 'none'}-${last ?? 'none'}, but its name says ${range.first}-${range.last}`,
        { key },
      );
    }
  }
}
