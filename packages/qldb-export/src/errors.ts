import type { BlockAddress } from './types.js';

/**
 * What went wrong while reading an export:
 * - `MISSING_MANIFEST`: no `*.completed.manifest` (the export never finished, or the location is wrong);
 * - `UNREADABLE_OBJECT`: the location cannot be listed, or a manifest or data object is missing,
 *   not valid Ion / JSON, or not shaped like a block;
 * - `TRUNCATED_OBJECT`: a data object ends early (cut mid-value, or its blocks stop before the
 *   range in its key);
 * - `BROKEN_BLOCK`: a block's hashes do not check out (revision, entries, block or chain).
 */
export type QldbExportErrorCode =
  | 'MISSING_MANIFEST'
  | 'UNREADABLE_OBJECT'
  | 'TRUNCATED_OBJECT'
  | 'BROKEN_BLOCK';

/**
 * A QLDB export that cannot be read or does not verify. Not a WalletError: it describes the
 * export, not a wallet operation.
 *
 * @example
 * try {
 *   for await (const block of readQldbExport(directorySource('./export'))) console.log(block.blockAddress);
 * } catch (err) {
 *   if (err instanceof QldbExportError && err.code === 'BROKEN_BLOCK') console.error(err.blockAddress, err.message);
 * }
 */
export class QldbExportError extends Error {
  /** What kind of failure this is. */
  readonly code: QldbExportErrorCode;
  /** The object (S3 key or manifest key) being read, when known. */
  readonly key: string | undefined;
  /** The block that failed, for `BROKEN_BLOCK` (and for unreadable blocks when known). */
  readonly blockAddress: BlockAddress | undefined;

  constructor(
    code: QldbExportErrorCode,
    message: string,
    details: { key?: string; blockAddress?: BlockAddress; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'QldbExportError';
    this.code = code;
    this.key = details.key;
    this.blockAddress = details.blockAddress;
  }
}
