import { createHash } from 'node:crypto';
import type { Digest, WalletService } from '@wallet/core';
import { type LedgerConfig, readLedgerConfig } from './wallet-config.js';

/**
 * Where digests live in the digest bucket. The publisher's role may put objects under this
 * prefix only.
 *
 * @example
 * `aws s3 ls s3://${bucketName}/${DIGEST_PREFIX}`;
 */
export const DIGEST_PREFIX = 'digests/';

/**
 * The object key of a digest: `digests/<createdAt>-<digestId>.json`. The time first, so a
 * listing of the prefix is in creation order; the id makes it unique.
 *
 * @example
 * digestObjectKey(digest); // 'digests/2031-01-01T00:00:00.000Z-01a2....json'
 */
export function digestObjectKey(digest: Pick<Digest, 'createdAt' | 'digestId'>): string {
  return `${DIGEST_PREFIX}${digest.createdAt}-${digest.digestId}.json`;
}

/**
 * The PutObject request that publishes one digest. Its fields are named as S3's
 * `PutObjectCommand` input, so `(object) => s3.send(new PutObjectCommand(object))` writes it.
 *
 * @example
 * const object: DigestObject = { Bucket, Key, Body, ContentType: 'application/json', ChecksumSHA256 };
 */
export interface DigestObject {
  Bucket: string;
  Key: string;
  /** The digest as JSON: exactly the `Digest` `createDigest` returned. */
  Body: string;
  ContentType: 'application/json';
  /**
   * SHA-256 of `Body`, base64. S3 checks the upload against it, and a bucket with Object Lock
   * refuses a PutObject that carries neither `Content-MD5` nor a checksum.
   */
  ChecksumSHA256: string;
}

/**
 * Writes one object: the publisher's only way out, so the handler runs with any S3 client, or
 * none in a test.
 *
 * @example
 * const put: PutDigestObject = (object) => s3.send(new PutObjectCommand(object));
 */
export type PutDigestObject = (object: DigestObject) => Promise<unknown>;

/**
 * What {@link publishDigest} did: the digest, and where it was written.
 *
 * @example
 * const { key, digest } = await publishDigest(wallets, bucket, put);
 */
export interface PublishedDigest {
  bucket: string;
  key: string;
  digest: Digest;
}

/**
 * Makes a digest of every wallet (`createDigest`, which also stores it in the ledger) and writes
 * it to the bucket as `digests/<createdAt>-<digestId>.json`. Once written under Object Lock, no
 * one who runs the ledger can change or remove it before its retention ends, so an auditor holds
 * a root to check the ledger against.
 *
 * `createDigest` is called once, without `withRetries` (which would only repeat the whole
 * digest): a run that fails leaves at most an unlisted partial tree, or a digest the ledger
 * stored and S3 never got, and the next run (or Lambda's retry of this one) makes a new one.
 *
 * @example
 * const published = await publishDigest(wallets, 'wallet-digests', (object) => s3.send(new PutObjectCommand(object)));
 */
export async function publishDigest(
  service: Pick<WalletService, 'createDigest'>,
  bucket: string,
  put: PutDigestObject,
): Promise<PublishedDigest> {
  const digest = await service.createDigest();
  const key = digestObjectKey(digest);
  const body = `${JSON.stringify(digest, null, 2)}\n`;
  await put({
    Bucket: bucket,
    Key: key,
    Body: body,
    ContentType: 'application/json',
    ChecksumSHA256: createHash('sha256').update(body, 'utf8').digest('base64'),
  });
  return { bucket, key, digest };
}

/**
 * What the digest publisher is configured with: the API's ledger configuration
 * ({@link LedgerConfig}) and the bucket (`DIGEST_BUCKET`).
 *
 * @example
 * const config = readDigestPublisherConfig(process.env);
 */
export interface DigestPublisherConfig extends LedgerConfig {
  bucket: string;
}

/**
 * Reads the digest publisher's configuration from its environment: the variables of
 * `readLedgerConfig` (the same the API function gets) and `DIGEST_BUCKET`.
 *
 * @throws {Error} naming the variable that is missing or not JSON
 * @example
 * const config = readDigestPublisherConfig({ LEDGER_TABLE: 'ledger', WALLET_CURRENCIES: '[{"code":"GEMS","scale":0}]', DIGEST_BUCKET: 'digests' });
 */
export function readDigestPublisherConfig(
  env: Record<string, string | undefined>,
): DigestPublisherConfig {
  const bucket = env.DIGEST_BUCKET;
  if (!bucket) throw new Error('DIGEST_BUCKET is not set');
  return { ...readLedgerConfig(env), bucket };
}
