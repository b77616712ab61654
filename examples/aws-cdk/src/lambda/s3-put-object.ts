import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { PutDigestObject } from './publish-digest.js';

/**
 * A {@link PutDigestObject} writing with `@aws-sdk/client-s3`, bundled and pinned like the
 * DynamoDB client rather than taken from the Lambda runtime, so the publisher runs the SDK its
 * tests ran.
 *
 * @example
 * const put = s3PutObject(new S3Client({}));
 * await put({ Bucket, Key, Body, ContentType: 'application/json', ChecksumSHA256 });
 */
export function s3PutObject(s3: S3Client = new S3Client({})): PutDigestObject {
  return async (object) => {
    await s3.send(new PutObjectCommand(object));
  };
}
