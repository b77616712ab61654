import type { QldbExportErrorCode } from './errors.js';
import type { BlockAddress, JournalBlock } from './types.js';

/** What the reading worker starts with (its `workerData`). */
export interface WorkerStart {
  readonly verify: boolean;
  /** The source's description, for the messages the worker writes. */
  readonly description: string;
}

/**
 * An error thrown in the worker, as it crosses to the reading thread: a `QldbExportError`'s
 * fields (its cause by the number of the source request that failed, when a read or a listing
 * failed, so the thread that owns the source hands back its own error), or any other error's
 * name, message and stack.
 */
export type WorkerError =
  | {
      readonly kind: 'export';
      readonly code: QldbExportErrorCode;
      readonly message: string;
      readonly key: string | undefined;
      readonly blockAddress: BlockAddress | undefined;
      readonly sourceRequest: number | undefined;
      readonly cause: { readonly name: string; readonly message: string } | undefined;
    }
  | {
      readonly kind: 'other';
      readonly name: string;
      readonly message: string;
      readonly stack: string;
    };

/** Messages from the reading worker. */
export type FromWorker =
  | { readonly type: 'list'; readonly id: number }
  | { readonly type: 'read'; readonly id: number; readonly key: string }
  | {
      readonly type: 'object';
      readonly key: string;
      readonly index: number;
      readonly count: number;
    }
  | { readonly type: 'blocks'; readonly blocks: JournalBlock[] }
  | { readonly type: 'done' }
  | { readonly type: 'failed'; readonly error: WorkerError };

/**
 * Messages to the reading worker: the answers to its source requests (`refused` when the
 * source threw: the error's name, message and text), and one `credit` for each batch of
 * blocks taken off the reading thread's queue.
 */
export type ToWorker =
  | { readonly type: 'listed'; readonly id: number; readonly keys: string[] }
  | { readonly type: 'bytes'; readonly id: number; readonly bytes: Uint8Array }
  | {
      readonly type: 'refused';
      readonly id: number;
      readonly name: string;
      readonly message: string;
      readonly text: string;
    }
  | { readonly type: 'credit' };

/** Blocks the worker sends in one message. */
export const BLOCKS_PER_BATCH = 256;

/**
 * Batches the worker may have sent and the reading thread not yet taken: with
 * {@link BLOCKS_PER_BATCH}, what bounds the blocks held between the two threads.
 */
export const BATCH_CREDITS = 4;
