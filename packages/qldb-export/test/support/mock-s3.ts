import {
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  type S3ClientResolvedConfig,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from '@aws-sdk/client-s3';
import type { AwsStub } from 'aws-sdk-client-mock';

/** Serves the objects from the mocked S3, listing two keys per page. */
export function serveFromMock(
  s3: AwsStub<ServiceInputTypes, ServiceOutputTypes, S3ClientResolvedConfig>,
  objects: Map<string, Uint8Array>,
): void {
  const keys = [...objects.keys()].sort();
  s3.on(ListObjectsV2Command).callsFake(
    (input: { Prefix?: string; ContinuationToken?: string }) => {
      const matching = keys.filter((k) => k.startsWith(input.Prefix ?? ''));
      const start = Number(input.ContinuationToken ?? '0');
      const page = matching.slice(start, start + 2);
      const more = start + 2 < matching.length;
      return {
        Contents: page.map((Key) => ({ Key })),
        IsTruncated: more,
        ...(more ? { NextContinuationToken: String(start + 2) } : {}),
      };
    },
  );
  s3.on(GetObjectCommand).callsFake((input: { Key: string }) => {
    const bytes = objects.get(input.Key);
    if (bytes === undefined) throw new NoSuchKey({ message: 'no such key', $metadata: {} });
    return { Body: { transformToByteArray: async () => bytes } };
  });
}
