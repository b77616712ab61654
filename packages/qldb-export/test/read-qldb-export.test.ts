import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  directorySource,
  dotHash,
  type ExportFormat,
  findExports,
  type JournalBlock,
  QldbExportError,
  readQldbExport,
} from '../src/index.js';
import {
  buildBlocks,
  EXPORT_ID,
  exportObjects,
  type FixtureBlock,
  PREFIX,
  STRAND_ID,
  writeObjects,
} from './support/export-fixture.js';

const directories: string[] = [];

async function exportDirectory(objects: Map<string, Uint8Array>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'qldb-export-'));
  directories.push(dir);
  await writeObjects(dir, objects);
  return dir;
}

afterEach(async () => {
  await Promise.all(directories.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function failure(promise: Promise<unknown>): Promise<QldbExportError> {
  const error = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(QldbExportError);
  return error as QldbExportError;
}

const FORMATS: ExportFormat[] = ['ION_TEXT', 'ION_BINARY', 'JSON'];

// Every behaviour twice: read on the calling thread, and on a worker thread (what the import uses).
describe.each([
  { worker: false, thread: 'on the calling thread' },
  { worker: true, thread: 'on a worker thread' },
])('readQldbExport $thread', ({ worker }) => {
  async function readAll(dir: string, verify = true): Promise<JournalBlock[]> {
    const blocks: JournalBlock[] = [];
    for await (const block of readQldbExport(directorySource(dir), { verify, worker })) {
      blocks.push(block);
    }
    return blocks;
  }

  describe.each(FORMATS)('an export in %s format, in a directory', (format) => {
    it('yields every block in journal order with its addresses, hashes and transaction info', async () => {
      const fixture = buildBlocks();
      const blocks = await readAll(await exportDirectory(exportObjects(fixture, format)));

      expect(blocks.map((b) => b.blockAddress)).toEqual(
        fixture.map((f) => ({ strandId: STRAND_ID, sequenceNo: f.sequenceNo })),
      );
      const first = blocks[0]!;
      expect(first.transactionId).toBe(fixture[0]!.transactionId);
      expect(first.blockTimestamp).toBe('2021-05-27T12:00:00.000Z');
      expect(first.blockHash).toBe(Buffer.from(fixture[0]!.blockHash).toString('base64'));
      expect(first.previousBlockHash).toBe(
        Buffer.from(fixture[0]!.previousBlockHash).toString('base64'),
      );
      expect(first.entriesHashList).toHaveLength(3);
      expect(first.transactionInfo.statements[0]?.statement).toBe('INSERT INTO "Wallet" ?');
      expect(first.transactionInfo.documents.DocAlice0000000000001).toEqual({
        tableName: 'Wallet',
        tableId: 'AYj94Ipn0re4Fr2PDgadpl',
        statements: [0],
      });
      expect(first.source).toEqual({
        key: `${PREFIX}${EXPORT_ID}/${STRAND_ID}.5-7.${format === 'JSON' ? 'json' : 'ion'}`,
        format,
      });
      expect(first.verified).toBe(format === 'JSON' ? 'hash-chain' : 'full');
    });

    it('gives each user revision its metadata, table name and exact balance, a system revision only its hash, and a delete no data', async () => {
      const blocks = await readAll(await exportDirectory(exportObjects(buildBlocks(), format)));
      const users = blocks.flatMap((b) => b.revisions.filter((r) => r.kind !== 'system'));

      expect(blocks[0]!.revisions[0]).toEqual({ kind: 'system', hash: expect.any(String) });
      expect(users.map((r) => [r.kind, r.metadata.id, r.metadata.version, r.tableName])).toEqual([
        ['document', 'DocAlice0000000000001', 0, 'Wallet'],
        ['document', 'DocAlice0000000000001', 1, 'Wallet'],
        ['document', 'DocBob000000000000002', 0, 'Wallet'],
        ['document', 'DocBob000000000000002', 1, 'Wallet'],
        ['document', 'DocBob000000000000002', 2, 'Wallet'],
        ['document', 'DocAlice0000000000001', 2, 'Wallet'],
        ['delete', 'DocBob000000000000002', 3, 'Wallet'],
      ]);
      const balances = users.map((r) => (r.kind === 'document' ? r.data : null));
      // JSON exports print floats as plain numbers, read back as exact decimals.
      const float = format === 'JSON' ? 'decimal' : 'float';
      expect(balances).toEqual([
        { accountId: 'alice', balance: { $ion: 'int', text: '0' } },
        { accountId: 'alice', balance: { $ion: 'int', text: '100' } },
        { accountId: 'bob', balance: { $ion: 'int', text: '0' } },
        { accountId: 'bob', balance: { $ion: float, text: '0.1' } },
        { accountId: 'bob', balance: { $ion: float, text: '0.30000000000000004' } },
        { accountId: 'alice', balance: { $ion: 'int', text: '75' } },
        null,
      ]);
      expect(users[0]!.metadata).toEqual({
        id: 'DocAlice0000000000001',
        version: 0,
        txTime: '2021-05-27T12:00:00.000Z',
        txId: blocks[0]!.transactionId,
      });
      expect(users[0]!.blockAddress).toEqual(blocks[0]!.blockAddress);
    });

    it('refuses a block whose previousBlockHash is not the previous block hash, naming its address', async () => {
      const fixture = buildBlocks();
      // Block 8 re-hashed on top of a made-up previous hash: consistent in itself, chain broken.
      const tampered = [...fixture];
      tampered[3] = rechained(fixture[3]!, new Uint8Array(32).fill(7));
      const error = await failure(readAll(await exportDirectory(exportObjects(tampered, format))));
      expect(error.code).toBe('BROKEN_BLOCK');
      expect(error.blockAddress).toEqual({ strandId: STRAND_ID, sequenceNo: 8 });
      expect(error.message).toContain('previousBlockHash');
    });

    it('refuses a block whose revision hash was changed, naming its address', async () => {
      const fixture = buildBlocks();
      const broken = fixture.map((b) => ({ ...b }));
      broken[4] = { ...broken[4]!, revisionHash: new Uint8Array(32).fill(1) };
      const error = await failure(readAll(await exportDirectory(exportObjects(broken, format))));
      expect(error.code).toBe('BROKEN_BLOCK');
      expect(error.blockAddress).toEqual({ strandId: STRAND_ID, sequenceNo: 9 });
    });

    it('gives a redacted revision its dataHash and verifies its hash from it', async () => {
      const fixture = buildBlocks([
        { documentId: 'DocCarol00000000000003', accountId: 'carol', balance: '0' },
        { documentId: 'DocCarol00000000000003', accountId: 'carol', balance: '5', redacted: true },
      ]);
      const blocks = await readAll(await exportDirectory(exportObjects(fixture, format)));
      const revision = blocks[1]!.revisions[1]!;
      expect(revision.kind).toBe('redacted');
      expect(revision.kind === 'redacted' && revision.dataHash).toBe(
        Buffer.from(fixture[1]!.dataHash!).toString('base64'),
      );
    });

    it('reports each data object before reading it, for progress', async () => {
      const seen: string[] = [];
      const dir = await exportDirectory(exportObjects(buildBlocks(), format));
      for await (const _ of readQldbExport(directorySource(dir), {
        onObject: ({ key, index, count }) =>
          seen.push(`${index + 1}/${count} ${key.split('/').at(-1)}`),
      }));
      const extension = format === 'JSON' ? 'json' : 'ion';
      expect(seen).toEqual([
        `1/3 ${STRAND_ID}.5-7.${extension}`,
        `2/3 ${STRAND_ID}.8-10.${extension}`,
        `3/3 ${STRAND_ID}.11-11.${extension}`,
      ]);
    });

    it('finds the export format in the started manifest', async () => {
      const [manifest] = await findExports(
        directorySource(await exportDirectory(exportObjects(buildBlocks(), format))),
      );
      expect(manifest).toMatchObject({
        exportId: EXPORT_ID,
        strandId: STRAND_ID,
        outputFormat: format,
      });
      expect(manifest!.keys).toHaveLength(3);
    });

    it('reads a corrupted export without complaint when verify is false', async () => {
      const fixture = buildBlocks();
      fixture[2]!.blockHash = new Uint8Array(32);
      const blocks = await readAll(await exportDirectory(exportObjects(fixture, format)), false);
      expect(blocks).toHaveLength(fixture.length);
      expect(blocks.every((b) => b.verified === 'none')).toBe(true);
    });

    it('fails with MISSING_MANIFEST when the completed manifest is absent', async () => {
      const dir = await exportDirectory(exportObjects(buildBlocks(), format, { completed: false }));
      const error = await failure(readAll(dir));
      expect(error.code).toBe('MISSING_MANIFEST');
      expect(error.message).toContain(EXPORT_ID);
    });

    it('fails with TRUNCATED_OBJECT when a data object ends early', async () => {
      const objects = exportObjects(buildBlocks(), format);
      const key = [...objects.keys()].find((k) => k.includes('.8-10.'))!;
      const bytes = objects.get(key)!;
      objects.set(key, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
      const error = await failure(readAll(await exportDirectory(objects)));
      expect(error.code).toBe('TRUNCATED_OBJECT');
      expect(error.key).toBe(key);
    });

    it('fails with TRUNCATED_OBJECT when a data object lost its last blocks whole', async () => {
      const fixture = buildBlocks();
      const objects = exportObjects(fixture, format);
      const key = [...objects.keys()].find((k) => k.includes('.8-10.'))!;
      const shorter = exportObjects(fixture.slice(0, 5), format);
      objects.set(key, [...shorter.values()].find((_, i) => i === 2)!);
      const error = await failure(readAll(await exportDirectory(objects)));
      expect(error.code).toBe('TRUNCATED_OBJECT');
      expect(error.message).toContain('8-9');
    });
  });

  /** The block re-hashed as if it followed `previous`. */
  function rechained(block: FixtureBlock, previous: Uint8Array): FixtureBlock {
    return {
      ...block,
      previousBlockHash: previous,
      blockHash: dotHash(block.entriesHash, previous),
    };
  }

  describe('an Ion export', () => {
    it.each(['ION_TEXT', 'ION_BINARY'] as const)(
      'refuses a block (%s) whose balance was changed after hashing, naming its address and the revision',
      async (format) => {
        const fixture = buildBlocks();
        fixture[1]!.dataText = '{accountId:"alice",balance:1000}';
        const error = await failure(readAll(await exportDirectory(exportObjects(fixture, format))));
        expect(error.code).toBe('BROKEN_BLOCK');
        expect(error.blockAddress).toEqual({ strandId: STRAND_ID, sequenceNo: 6 });
        expect(error.message).toContain(`block ${STRAND_ID}/6`);
        expect(error.message).toContain('revision DocAlice0000000000001 version 1');
      },
    );

    it('takes a float and a decimal of the same value as different data', async () => {
      const fixture = buildBlocks([
        { documentId: 'DocCarol00000000000003', accountId: 'carol', balance: '10.5e0' },
      ]);
      fixture[0]!.dataText = '{accountId:"carol",balance:10.5}';
      const error = await failure(
        readAll(await exportDirectory(exportObjects(fixture, 'ION_TEXT'))),
      );
      expect(error.code).toBe('BROKEN_BLOCK');
    });

    it('keeps a decimal balance exact, precision included', async () => {
      const fixture = buildBlocks([
        { documentId: 'DocCarol00000000000003', accountId: 'carol', balance: '12.50' },
      ]);
      const [block] = await readAll(await exportDirectory(exportObjects(fixture, 'ION_BINARY')));
      const revision = block!.revisions[1]!;
      expect(revision.kind === 'document' && revision.data).toEqual({
        accountId: 'carol',
        balance: { $ion: 'decimal', text: '12.50' },
      });
    });
  });

  describe('a JSON export', () => {
    it('cannot detect a changed balance, since JSON loses the Ion types revision hashes need', async () => {
      const fixture = buildBlocks();
      fixture[1]!.dataJson = '{"accountId":"alice","balance":1000}';
      const blocks = await readAll(await exportDirectory(exportObjects(fixture, 'JSON')));
      expect(blocks.every((b) => b.verified === 'hash-chain')).toBe(true);
    });
  });

  describe('several exports of one ledger', () => {
    it('reads contiguous exports in block order and checks the chain across them', async () => {
      const fixture = buildBlocks();
      const later = exportObjects(fixture.slice(4), 'ION_TEXT', {
        exportId: 'AAAAexportLater0000000',
      });
      const earlier = exportObjects(fixture.slice(0, 4), 'JSON', {
        exportId: 'ZZZZexportEarlier00000',
      });
      const blocks = await readAll(await exportDirectory(new Map([...later, ...earlier])));
      expect(blocks.map((b) => [b.blockAddress.sequenceNo, b.source.format])).toEqual([
        [5, 'JSON'],
        [6, 'JSON'],
        [7, 'JSON'],
        [8, 'JSON'],
        [9, 'ION_TEXT'],
        [10, 'ION_TEXT'],
        [11, 'ION_TEXT'],
      ]);
    });

    it('refuses a gap between exports as a broken block', async () => {
      const fixture = buildBlocks();
      const first = exportObjects(fixture.slice(0, 3), 'ION_TEXT', {
        exportId: 'AAAAexportFirst0000000',
      });
      const third = exportObjects(fixture.slice(4), 'ION_TEXT', {
        exportId: 'BBBBexportThird0000000',
      });
      const error = await failure(readAll(await exportDirectory(new Map([...first, ...third]))));
      expect(error.code).toBe('BROKEN_BLOCK');
      expect(error.blockAddress).toEqual({ strandId: STRAND_ID, sequenceNo: 9 });
    });
  });

  describe('directorySource', () => {
    it('finds the objects when they were copied flat, without the key prefix', async () => {
      const objects = exportObjects(buildBlocks(), 'ION_TEXT');
      const flat = new Map([...objects].map(([key, bytes]) => [key.split('/').at(-1)!, bytes]));
      const blocks = await readAll(await exportDirectory(flat));
      expect(blocks).toHaveLength(7);
    });

    it('reports MISSING_MANIFEST for a directory with no manifest at all', async () => {
      const dir = await exportDirectory(new Map());
      await writeFile(join(dir, 'unrelated.txt'), 'x');
      const error = await failure(readAll(dir));
      expect(error.code).toBe('MISSING_MANIFEST');
    });

    it('reports UNREADABLE_OBJECT when a manifest lists a key that is not there', async () => {
      const objects = exportObjects(buildBlocks(), 'ION_TEXT');
      const key = [...objects.keys()].find((k) => k.includes('.8-10.'))!;
      objects.delete(key);
      const error = await failure(readAll(await exportDirectory(objects)));
      expect(error.code).toBe('UNREADABLE_OBJECT');
      expect(error.key).toBe(key);
    });
  });
});
