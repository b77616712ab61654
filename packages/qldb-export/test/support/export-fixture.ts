import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { dom, makeBinaryWriter, makeReader } from 'ion-js';
import type { ExportFormat } from '../../src/index.js';
import { dotHash, ionHash, merkleRoot, toBase64 } from '../../src/index.js';

/**
 * A change to one `Wallet` document of the original sample: a new balance (as Ion text: `0`,
 * `10`, `0.30000000000000004e0` for a float, `12.50` for a decimal) or a delete (`null`).
 */
export interface WalletChange {
  readonly documentId: string;
  /** A string id, or any other value as its Ion and JSON texts (`{ ion: '123', json: '123' }`). */
  readonly accountId: string | { readonly ion: string; readonly json: string };
  readonly balance: string | null;
  /** The revision's version; one more than the document's previous one (0 first) when absent. */
  readonly version?: number;
  /** Write the revision redacted: its data's hash instead of its data. */
  readonly redacted?: boolean;
}

/** One generated block, with both renderings' ingredients and its computed hashes. */
export interface FixtureBlock {
  readonly sequenceNo: number;
  readonly transactionId: string;
  readonly time: string;
  readonly documentId: string;
  readonly version: number;
  /** The data as Ion text (what the hash was computed from), or null for a delete. */
  dataText: string | null;
  /** The data as JSON text. */
  dataJson: string | null;
  /** Set on a redacted revision: the hash of its data, written instead of the data. */
  readonly dataHash: Uint8Array | null;
  readonly metadataText: string;
  readonly metadataJson: string;
  readonly transactionInfoText: string;
  readonly transactionInfoJson: string;
  readonly systemHash: Uint8Array;
  readonly revisionHash: Uint8Array;
  readonly entriesHashList: Uint8Array[];
  readonly entriesHash: Uint8Array;
  readonly previousBlockHash: Uint8Array;
  blockHash: Uint8Array;
}

export const STRAND_ID = 'A2mzwAutFNnJm2ho9nls4q';
export const TABLE_ID = 'AYj94Ipn0re4Fr2PDgadpl';
export const EXPORT_ID = '8UyXulxccYLAsbN1aon7e4';
export const PREFIX = 'journalExport/';

function fakeHash(label: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(label).digest());
}

const b64 = (bytes: Uint8Array) => toBase64(bytes);
const load = (text: string) => dom.load(text)!;

/**
 * The sample's history: two wallets created with balance 0, credited with ints and floats,
 * debited, and one deleted. Balances are Ion text.
 */
export const SAMPLE_CHANGES: WalletChange[] = [
  { documentId: 'DocAlice0000000000001', accountId: 'alice', balance: '0' },
  { documentId: 'DocAlice0000000000001', accountId: 'alice', balance: '100' },
  { documentId: 'DocBob000000000000002', accountId: 'bob', balance: '0' },
  { documentId: 'DocBob000000000000002', accountId: 'bob', balance: '0.1e0' },
  { documentId: 'DocBob000000000000002', accountId: 'bob', balance: '0.30000000000000004e0' },
  { documentId: 'DocAlice0000000000001', accountId: 'alice', balance: '75' },
  { documentId: 'DocBob000000000000002', accountId: 'bob', balance: null },
];

/** An Ion number's text as QLDB's JSON down-conversion prints it. */
function jsonNumber(ionText: string): string {
  return ionText.endsWith('e0') ? ionText.slice(0, -2) : ionText;
}

/**
 * Journal blocks for the changes, one transaction each, starting at `firstSequenceNo` after a
 * block whose hash is made up (the export starts mid-ledger), with every hash computed.
 */
export function buildBlocks(
  changes: WalletChange[] = SAMPLE_CHANGES,
  firstSequenceNo = 5,
): FixtureBlock[] {
  const versions = new Map<string, number>();
  let previous = fakeHash('block before the export');
  return changes.map((change, i) => {
    const sequenceNo = firstSequenceNo + i;
    const version = change.version ?? versions.get(change.documentId) ?? 0;
    versions.set(change.documentId, version + 1);
    const transactionId = `Tx${String(sequenceNo).padStart(20, '0')}`;
    const time = new Date(Date.UTC(2021, 4, 27, 12, 0, i)).toISOString();
    const statement =
      change.balance === null
        ? 'DELETE FROM "Wallet" WHERE accountId = ?'
        : version === 0
          ? 'INSERT INTO "Wallet" ?'
          : 'UPDATE "Wallet" SET balance = ? WHERE accountId = ?';
    const digest = b64(fakeHash(statement));
    const escaped = JSON.stringify(statement);
    const transactionInfoText = `{statements:[{statement:${escaped},startTime:${time},statementDigest:{{${digest}}}}],documents:{"${change.documentId}":{tableName:"Wallet",tableId:"${TABLE_ID}",statements:[0]}}}`;
    const transactionInfoJson = `{"statements":[{"statement":${escaped},"startTime":"${time}","statementDigest":"${digest}"}],"documents":{"${change.documentId}":{"tableName":"Wallet","tableId":"${TABLE_ID}","statements":[0]}}}`;
    const metadataText = `{id:"${change.documentId}",version:${version},txTime:${time},txId:"${transactionId}"}`;
    const metadataJson = `{"id":"${change.documentId}","version":${version},"txTime":"${time}","txId":"${transactionId}"}`;
    const id =
      typeof change.accountId === 'string'
        ? { ion: JSON.stringify(change.accountId), json: JSON.stringify(change.accountId) }
        : change.accountId;
    const dataText =
      change.balance === null ? null : `{accountId:${id.ion},balance:${change.balance}}`;
    const dataJson =
      change.balance === null
        ? null
        : `{"accountId":${id.json},"balance":${jsonNumber(change.balance)}}`;
    const metadataHash = ionHash(load(metadataText));
    const dataHash = dataText === null ? null : ionHash(load(dataText));
    const revisionHash = dataHash === null ? metadataHash : dotHash(metadataHash, dataHash);
    const systemHash = fakeHash(`system ${sequenceNo}`);
    const entriesHashList = [
      fakeHash(`entry ${sequenceNo}`),
      merkleRoot([systemHash, revisionHash]),
      ionHash(load(transactionInfoText)),
    ];
    const entriesHash = merkleRoot(entriesHashList);
    const blockHash = dotHash(entriesHash, previous);
    const block: FixtureBlock = {
      sequenceNo,
      transactionId,
      time,
      documentId: change.documentId,
      version,
      dataText,
      dataJson,
      dataHash: change.redacted && dataHash ? dataHash : null,
      metadataText,
      metadataJson,
      transactionInfoText,
      transactionInfoJson,
      systemHash,
      revisionHash,
      entriesHashList,
      entriesHash,
      previousBlockHash: previous,
      blockHash,
    };
    previous = blockHash;
    return block;
  });
}

function ionText(block: FixtureBlock): string {
  const address = `{strandId:"${STRAND_ID}",sequenceNo:${block.sequenceNo}}`;
  const data =
    block.dataHash !== null
      ? `dataHash:{{${b64(block.dataHash)}}},`
      : block.dataText === null
        ? ''
        : `data:${block.dataText},`;
  return `{blockAddress:${address},transactionId:"${block.transactionId}",blockTimestamp:${block.time},blockHash:{{${b64(block.blockHash)}}},entriesHash:{{${b64(block.entriesHash)}}},previousBlockHash:{{${b64(block.previousBlockHash)}}},entriesHashList:[${block.entriesHashList.map((h) => `{{${b64(h)}}}`).join(',')}],transactionInfo:${block.transactionInfoText},revisions:[{hash:{{${b64(block.systemHash)}}}},{blockAddress:${address},hash:{{${b64(block.revisionHash)}}},${data}metadata:${block.metadataText}}]}`;
}

function jsonLine(block: FixtureBlock): string {
  const address = `{"strandId":"${STRAND_ID}","sequenceNo":${block.sequenceNo}}`;
  const data =
    block.dataHash !== null
      ? `"dataHash":"${b64(block.dataHash)}",`
      : block.dataJson === null
        ? ''
        : `"data":${block.dataJson},`;
  return `{"blockAddress":${address},"transactionId":"${block.transactionId}","blockTimestamp":"${block.time}","blockHash":"${b64(block.blockHash)}","entriesHash":"${b64(block.entriesHash)}","previousBlockHash":"${b64(block.previousBlockHash)}","entriesHashList":[${block.entriesHashList.map((h) => `"${b64(h)}"`).join(',')}],"transactionInfo":${block.transactionInfoJson},"revisions":[{"hash":"${b64(block.systemHash)}"},{"blockAddress":${address},"hash":"${b64(block.revisionHash)}",${data}"metadata":${block.metadataJson}}]}`;
}

function ionBinary(text: string): Uint8Array {
  const writer = makeBinaryWriter();
  writer.writeValues(makeReader(text));
  writer.close();
  return writer.getBytes();
}

/** A value (manifest or block list) rendered in the export's format. */
function render(format: ExportFormat, ionTexts: string[], jsonLines: string[]): Uint8Array {
  if (format === 'JSON') return new TextEncoder().encode(`${jsonLines.join('\n')}\n`);
  const text = `${ionTexts.join('\n')}\n`;
  return format === 'ION_BINARY' ? ionBinary(text) : new TextEncoder().encode(text);
}

/**
 * The objects of a QLDB export of the blocks, as S3 keys to bytes: a started manifest, the data
 * objects (`blocksPerObject` blocks each) and a completed manifest listing them in order.
 */
export function exportObjects(
  blocks: FixtureBlock[],
  format: ExportFormat,
  options: { blocksPerObject?: number; completed?: boolean; exportId?: string } = {},
): Map<string, Uint8Array> {
  const per = options.blocksPerObject ?? 3;
  const exportId = options.exportId ?? EXPORT_ID;
  const objects = new Map<string, Uint8Array>();
  const started = `{ledgerName:"wallet",exportId:"${exportId}",bucket:"exports",prefix:"${PREFIX}",objectEncryptionType:"NO_ENCRYPTION",outputFormat:"${format}"}`;
  const startedJson = `{"ledgerName":"wallet","exportId":"${exportId}","bucket":"exports","prefix":"${PREFIX}","objectEncryptionType":"NO_ENCRYPTION","outputFormat":"${format}"}`;
  objects.set(`${PREFIX}${exportId}.started.manifest`, render(format, [started], [startedJson]));
  const keys: string[] = [];
  const extension = format === 'JSON' ? 'json' : 'ion';
  for (let i = 0; i < blocks.length; i += per) {
    const chunk = blocks.slice(i, i + per);
    const key = `${PREFIX}${exportId}/${STRAND_ID}.${chunk[0]!.sequenceNo}-${chunk.at(-1)!.sequenceNo}.${extension}`;
    keys.push(key);
    objects.set(key, render(format, chunk.map(ionText), chunk.map(jsonLine)));
  }
  if (options.completed ?? true) {
    const list = keys.map((k) => JSON.stringify(k)).join(',');
    objects.set(
      `${PREFIX}${exportId}.${STRAND_ID}.completed.manifest`,
      render(format, [`{keys:[${list}]}`], [`{"keys":[${list}]}`]),
    );
  }
  return objects;
}

/** Writes the objects under a directory, keys as paths (like `aws s3 sync s3://bucket dir`). */
export async function writeObjects(dir: string, objects: Map<string, Uint8Array>): Promise<void> {
  for (const [key, bytes] of objects) {
    const path = join(dir, ...key.split('/'));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, bytes);
  }
}
