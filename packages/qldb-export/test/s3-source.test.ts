import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { type JournalBlock, QldbExportError, readQldbExport, s3Source } from '../src/index.js';
import { buildBlocks, exportObjects, PREFIX } from './support/export-fixture.js';
import { serveFromMock } from './support/mock-s3.js';

const s3 = mockClient(S3Client);
const serve = (objects: Map<string, Uint8Array>) => serveFromMock(s3, objects);

afterEach(() => {
  s3.reset();
});

async function readAll(source: ReturnType<typeof s3Source>): Promise<JournalBlock[]> {
  const blocks: JournalBlock[] = [];
  for await (const block of readQldbExport(source)) blocks.push(block);
  return blocks;
}

describe('s3Source', () => {
  it('reads and verifies an export from S3 through an S3Client, importing the commands itself', async () => {
    serve(exportObjects(buildBlocks(), 'ION_BINARY'));
    const blocks = await readAll(
      s3Source({
        client: new S3Client({ region: 'us-east-1' }),
        bucket: 'exports',
        prefix: PREFIX,
      }),
    );
    expect(blocks.map((b) => b.blockAddress.sequenceNo)).toEqual([5, 6, 7, 8, 9, 10, 11]);
    expect(blocks.every((b) => b.verified === 'full')).toBe(true);
    expect(s3.commandCalls(GetObjectCommand)[0]?.args[0].input.Bucket).toBe('exports');
  });

  it('uses injected command classes when given', async () => {
    serve(exportObjects(buildBlocks(), 'JSON'));
    const blocks = await readAll(
      s3Source({
        client: new S3Client({ region: 'us-east-1' }),
        bucket: 'exports',
        prefix: PREFIX,
        commands: { GetObjectCommand, ListObjectsV2Command },
      }),
    );
    expect(blocks).toHaveLength(7);
  });

  it('fails with MISSING_MANIFEST when the prefix holds no completed manifest', async () => {
    serve(exportObjects(buildBlocks(), 'ION_TEXT', { completed: false }));
    const error = await readAll(
      s3Source({
        client: new S3Client({ region: 'us-east-1' }),
        bucket: 'exports',
        prefix: PREFIX,
      }),
    ).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(QldbExportError);
    expect((error as QldbExportError).code).toBe('MISSING_MANIFEST');
  });
});
