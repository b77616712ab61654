// The worker thread that reads and verifies an export for `readQldbExport({ worker: true })`:
// parsing Ion and hashing every revision is most of an import's CPU, and here it runs beside the
// thread that writes. The export's source stays on that thread (it may hold an S3 client or
// anything else a caller built), so every listing and read is a request to it.
import { parentPort, workerData } from 'node:worker_threads';
import { QldbExportError } from './errors.js';
import { readQldbExport } from './reader.js';
import type { ExportSource } from './sources.js';
import type { JournalBlock } from './types.js';
import {
  BATCH_CREDITS,
  BLOCKS_PER_BATCH,
  type FromWorker,
  type ToWorker,
  type WorkerError,
  type WorkerStart,
} from './worker-protocol.js';

/** The source's own failure, standing in for it here: its text, and the request it answered. */
class SourceFailure extends Error {
  constructor(
    readonly request: number,
    name: string,
    message: string,
    private readonly text: string,
  ) {
    super(message);
    this.name = name;
  }

  override toString(): string {
    return this.text;
  }
}

const port = parentPort!;
const start = workerData as WorkerStart;
const post = (message: FromWorker) => port.postMessage(message);

let nextRequest = 0;
const pending = new Map<
  number,
  { resolve: (value: never) => void; reject: (e: unknown) => void }
>();
let credits = BATCH_CREDITS;
let creditWaiter: (() => void) | null = null;

port.on('message', (message: ToWorker) => {
  if (message.type === 'credit') {
    credits++;
    creditWaiter?.();
    return;
  }
  const request = pending.get(message.id);
  pending.delete(message.id);
  if (message.type === 'refused') {
    request?.reject(new SourceFailure(message.id, message.name, message.message, message.text));
  } else {
    request?.resolve((message.type === 'listed' ? message.keys : message.bytes) as never);
  }
});

function ask<T>(message: (id: number) => FromWorker): Promise<T> {
  const id = nextRequest++;
  return new Promise<T>((resolve, reject) => {
    pending.set(id, { resolve: resolve as (value: never) => void, reject });
    post(message(id));
  });
}

const source: ExportSource = {
  description: start.description,
  list: () => ask<string[]>((id) => ({ type: 'list', id })),
  read: (key) => ask<Uint8Array>((id) => ({ type: 'read', id, key })),
};

let batch: JournalBlock[] = [];

async function flush(): Promise<void> {
  if (batch.length === 0) return;
  while (credits === 0) await new Promise<void>((resolve) => (creditWaiter = resolve));
  creditWaiter = null;
  credits--;
  post({ type: 'blocks', blocks: batch });
  batch = [];
}

function describeError(error: unknown): WorkerError {
  if (error instanceof QldbExportError) {
    const cause = error.cause;
    return {
      kind: 'export',
      code: error.code,
      message: error.message,
      key: error.key,
      blockAddress: error.blockAddress,
      sourceRequest: cause instanceof SourceFailure ? cause.request : undefined,
      cause:
        cause === undefined || cause instanceof SourceFailure
          ? undefined
          : {
              name: cause instanceof Error ? cause.name : 'Error',
              message: cause instanceof Error ? cause.message : String(cause),
            },
    };
  }
  const failure = error instanceof Error ? error : new Error(String(error));
  return {
    kind: 'other',
    name: failure.name,
    message: failure.message,
    stack: failure.stack ?? '',
  };
}

/** Reads the export, sending its blocks and progress in order, then `done` or `failed`. */
async function run(): Promise<void> {
  // Objects are announced after the blocks before them, so progress never runs ahead of them.
  const objects: { key: string; index: number; count: number }[] = [];
  let end: FromWorker = { type: 'done' };
  try {
    for await (const block of readQldbExport(source, {
      verify: start.verify,
      onObject: (object) => objects.push(object),
    })) {
      while (objects.length > 0) {
        await flush();
        post({ type: 'object', ...objects.shift()! });
      }
      batch.push(block);
      if (batch.length >= BLOCKS_PER_BATCH) await flush();
    }
  } catch (error) {
    end = { type: 'failed', error: describeError(error) };
  }
  // What was read before the end, then the objects announced since, then the end itself.
  await flush();
  for (const object of objects) post({ type: 'object', ...object });
  post(end);
}

void run();
