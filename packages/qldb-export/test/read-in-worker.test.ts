import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import {
  directorySource,
  type ExportSource,
  QldbExportError,
  readQldbExport,
} from '../src/index.js';
import { BATCH_CREDITS, BLOCKS_PER_BATCH } from '../src/worker-protocol.js';
import {
  buildBlocks,
  exportObjects,
  type WalletChange,
  writeObjects,
} from './support/export-fixture.js';

const directories: string[] = [];

afterEach(async () => {
  await Promise.all(directories.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function sampleExport(changes?: WalletChange[], blocksPerObject?: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'qldb-worker-'));
  directories.push(dir);
  await writeObjects(
    dir,
    exportObjects(buildBlocks(changes), 'ION_BINARY', blocksPerObject ? { blocksPerObject } : {}),
  );
  return dir;
}

/** A directory source that counts its reads and can be told to fail. */
function watched(dir: string, fail: { read?: unknown; list?: unknown } = {}) {
  const inner = directorySource(dir);
  const reads: string[] = [];
  const source: ExportSource = {
    description: inner.description,
    async list() {
      if (fail.list !== undefined) throw fail.list;
      return inner.list();
    },
    async read(key) {
      reads.push(key);
      if (fail.read !== undefined && !key.endsWith('.manifest')) throw fail.read;
      return inner.read(key);
    },
  };
  return { source, reads };
}

async function failure(blocks: AsyncIterable<unknown>): Promise<QldbExportError> {
  try {
    for await (const _ of blocks);
  } catch (error) {
    expect(error).toBeInstanceOf(QldbExportError);
    return error as QldbExportError;
  }
  throw new Error('the read did not fail');
}

describe('readQldbExport on a worker thread', () => {
  it('gives a failed read the error the source threw, the same object, as its cause', async () => {
    const thrown = new Error('access denied to the bucket');
    const { source } = watched(await sampleExport(), { read: thrown });
    const error = await failure(readQldbExport(source, { worker: true }));
    expect(error.code).toBe('UNREADABLE_OBJECT');
    expect(error.message).toContain('access denied to the bucket');
    expect(error.cause).toBe(thrown);
  });

  it('gives a failed listing the value the source threw as its cause, even when not an Error', async () => {
    const { source } = watched(await sampleExport(), { list: 'throttled' });
    const error = await failure(readQldbExport(source, { worker: true }));
    expect(error.code).toBe('UNREADABLE_OBJECT');
    expect(error.message).toContain(`cannot list ${source.description}: throttled`);
    expect(error.cause).toBe('throttled');
  });

  it('reads only a few batches ahead of a caller that stops taking blocks, and no more once it leaves', async () => {
    const changes: WalletChange[] = Array.from({ length: 3_000 }, (_, i) => ({
      documentId: `Doc${String(i % 50).padStart(18, '0')}`,
      accountId: `player-${i % 50}`,
      balance: String(i),
    }));
    const perObject = 100;
    const { source, reads } = watched(await sampleExport(changes, perObject));
    const blocks = readQldbExport(source, { worker: true });
    await blocks.next();
    await sleep(500);
    const dataReads = () => reads.filter((key) => !key.endsWith('.manifest')).length;
    // The batch being taken, the credited batches and the one the worker is filling.
    const ahead = (BATCH_CREDITS + 2) * BLOCKS_PER_BATCH;
    expect(dataReads()).toBeLessThanOrEqual(Math.ceil(ahead / perObject) + 1);
    expect(dataReads()).toBeLessThan(changes.length / perObject);
    await blocks.return();
    const after = dataReads();
    await sleep(200);
    expect(dataReads()).toBe(after);
  });
});
