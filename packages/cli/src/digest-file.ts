import { type FileHandle, open, readFile, unlink } from 'node:fs/promises';
import { type Digest, type DigestProof, isWalletError, parseAnchor } from '@wallet/core';
import { UsageError } from './usage-error.js';

/** A published digest or proof file is a few hundred bytes; anything far larger is not one. */
const MAX_FILE_BYTES = 1024 * 1024;

/**
 * Reads a digest (from `wallet digest create` or `createDigest`) or a proof (from `getProof`)
 * kept outside the ledger, checked field by field with core's `parseAnchor`.
 *
 * @throws {UsageError} `USAGE_ERROR` when the file cannot be read, `VALIDATION_ERROR` when it
 *   is not JSON or not a digest or proof
 * @example
 * const anchor = await readAnchorFile('./digest-01a24b32.json');
 * if ('leaf' in anchor) console.log('a proof for', anchor.leaf.accountId);
 */
export async function readAnchorFile(path: string): Promise<Digest | DigestProof> {
  let text: string;
  try {
    const bytes = await readFile(path);
    if (bytes.length > MAX_FILE_BYTES) {
      throw new UsageError(
        `--digest ${path} is not a digest: larger than 1 MiB`,
        'VALIDATION_ERROR',
      );
    }
    text = bytes.toString('utf8');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read --digest ${path}: ${systemMessage(error)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `--digest ${path} is not JSON: ${error instanceof Error ? error.message : String(error)}`,
      'VALIDATION_ERROR',
    );
  }
  try {
    return parseAnchor(value);
  } catch (error) {
    if (!isWalletError(error)) throw error;
    throw new UsageError(`--digest ${path}: ${error.message}`, 'VALIDATION_ERROR');
  }
}

/**
 * A file created for a digest before the digest is made, so a path that is taken or cannot be
 * written stops the command before anything is stored. Never overwrites a file.
 *
 * @example
 * const file = await DigestFile.create('./digest.json');
 * try { await file.write(await service.createDigest()); } catch (e) { await file.discard(); throw e; }
 */
export class DigestFile {
  readonly path: string;
  readonly #handle: FileHandle;

  private constructor(path: string, handle: FileHandle) {
    this.path = path;
    this.#handle = handle;
  }

  /**
   * Creates `path` (mode 0644, before the umask).
   *
   * @throws {UsageError} when the file exists or cannot be created
   */
  static async create(path: string): Promise<DigestFile> {
    try {
      return new DigestFile(path, await open(path, 'wx', 0o644));
    } catch (error) {
      const taken = (error as NodeJS.ErrnoException).code === 'EEXIST';
      throw new UsageError(
        taken
          ? `${path} exists already; choose another --out (a digest file is never overwritten)`
          : `cannot create ${path}: ${systemMessage(error)}`,
      );
    }
  }

  /** Writes the digest as indented JSON and closes the file. */
  async write(digest: Digest): Promise<void> {
    try {
      await this.#handle.writeFile(`${JSON.stringify(digest, null, 2)}\n`, 'utf8');
    } finally {
      await this.#handle.close();
    }
  }

  /** Closes and removes the file, when no digest could be written into it. */
  async discard(): Promise<void> {
    await this.#handle.close().catch(() => {});
    await unlink(this.path).catch(() => {});
  }
}

/** A file system error's own words, without Node's "ENOENT: " prefix and the repeated path. */
function systemMessage(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return message ?? String(error);
}
