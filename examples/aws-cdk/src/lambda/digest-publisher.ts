import { jsonLogger } from '@wallet/core';
import { ledgerClient, ledgerWalletService } from './ledger-service.js';
import {
  type PutDigestObject,
  publishDigest,
  readDigestPublisherConfig,
} from './publish-digest.js';
import { s3PutObject } from './s3-put-object.js';

let built: { publish: () => ReturnType<typeof publishDigest> } | undefined;

/**
 * What one run of the digest publisher returns (and logs): where the digest went, its id and
 * root.
 *
 * @example
 * const { key, root } = await handler();
 */
export interface DigestPublished {
  bucket: string;
  key: string;
  digestId: string;
  createdAt: string;
  wallets: number;
  root: string;
}

/**
 * The digest publisher Lambda's entry point, run by an EventBridge schedule: the wallet service
 * the API runs (same ledger table, same currencies), `createDigest`, the digest written to the
 * Object Lock bucket. The service and the S3 client are built once per container. A failure
 * throws, so Lambda retries the run and the function's error alarm fires.
 *
 * @example
 * // EventBridge rule target; handler: 'index.handler'
 */
export async function handler(): Promise<DigestPublished> {
  built ??= build(readDigestPublisherConfig(process.env), s3PutObject());
  const { bucket, key, digest } = await built.publish();
  const published: DigestPublished = {
    bucket,
    key,
    digestId: digest.digestId,
    createdAt: digest.createdAt,
    wallets: digest.wallets,
    root: digest.root,
  };
  // One JSON line per digest: the log holds every root published, next to the bucket's copy.
  jsonLogger.info({ message: 'digest published', ...published });
  return published;
}

function build(config: ReturnType<typeof readDigestPublisherConfig>, put: PutDigestObject) {
  const service = ledgerWalletService(ledgerClient(config), config);
  return { publish: () => publishDigest(service, config.bucket, put) };
}
