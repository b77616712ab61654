import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { QldbExportError } from './errors.js';
import type { ExportSource } from './sources.js';
import type { JournalBlock } from './types.js';
import type { FromWorker, ToWorker, WorkerError, WorkerStart } from './worker-protocol.js';

/**
 * The worker that reads: `read-worker.js` beside this file once built. From this repository's
 * TypeScript source (its tests and benches) the worker's source is loaded through tsx, as
 * `bin/wallet.js` does for the CLI.
 */
function startWorker(start: WorkerStart): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts'))
    return new Worker(new URL('./read-worker.js', here), { workerData: start });
  // tsx's ESM API (an eval'd worker is CommonJS, and tsx's CommonJS API cannot register there),
  // found from its package.json since `require.resolve` picks the CommonJS file.
  const manifest = createRequire(here).resolve('tsx/package.json');
  const api = JSON.parse(readFileSync(manifest, 'utf8')).exports['./esm/api'].import.default;
  const tsx = pathToFileURL(join(dirname(manifest), api)).href;
  const entry = new URL('./read-worker.ts', here).href;
  const boot = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, workerData: start });
}

function rebuild(error: WorkerError, sourceErrors: Map<number, unknown>): Error {
  if (error.kind === 'export') {
    const cause =
      error.sourceRequest !== undefined
        ? sourceErrors.get(error.sourceRequest)
        : error.cause === undefined
          ? undefined
          : Object.assign(new Error(error.cause.message), { name: error.cause.name });
    return new QldbExportError(error.code, error.message, {
      ...(error.key === undefined ? {} : { key: error.key }),
      ...(error.blockAddress === undefined ? {} : { blockAddress: error.blockAddress }),
      ...(cause === undefined ? {} : { cause }),
    });
  }
  return Object.assign(new Error(error.message), { name: error.name, stack: error.stack });
}

/**
 * {@link readQldbExport} on a worker thread: the same blocks, progress and errors, with the
 * parsing and hashing off the calling thread. The source is called on the calling thread.
 */
export async function* readInWorker(
  source: ExportSource,
  verify: boolean,
  onObject: ((progress: { key: string; index: number; count: number }) => void) | undefined,
): AsyncGenerator<JournalBlock, void, undefined> {
  const worker = startWorker({ verify, description: source.description });
  const send = (message: ToWorker) => worker.postMessage(message);
  // What the source threw, by request, so the error that reaches the caller carries it.
  const sourceErrors = new Map<number, unknown>();
  const serve = (id: number, answer: Promise<ToWorker>) =>
    answer.then(send, (error: unknown) => {
      sourceErrors.set(id, error);
      send({
        type: 'refused',
        id,
        name: error instanceof Error ? error.name : 'Error',
        message: error instanceof Error ? error.message : String(error),
        text: String(error),
      });
    });

  const queue: FromWorker[] = [];
  let crash: { error: unknown } | null = null;
  let wake: (() => void) | null = null;
  worker.on('message', (message: FromWorker) => {
    if (message.type === 'list') {
      serve(
        message.id,
        Promise.resolve()
          .then(() => source.list())
          .then((keys) => ({ type: 'listed', id: message.id, keys })),
      );
    } else if (message.type === 'read') {
      serve(
        message.id,
        Promise.resolve()
          .then(() => source.read(message.key))
          .then((bytes) => ({ type: 'bytes', id: message.id, bytes })),
      );
    } else {
      queue.push(message);
      wake?.();
    }
  });
  worker.on('error', (error) => {
    crash ??= { error };
    wake?.();
  });
  worker.on('exit', (code) => {
    crash ??= { error: new Error(`the export's reading worker stopped (exit code ${code})`) };
    wake?.();
  });

  try {
    for (;;) {
      while (queue.length === 0) {
        if (crash !== null) throw (crash as { error: unknown }).error;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
      }
      const message = queue.shift()!;
      if (message.type === 'done') return;
      if (message.type === 'failed') throw rebuild(message.error, sourceErrors);
      if (message.type === 'object') {
        onObject?.({ key: message.key, index: message.index, count: message.count });
      } else if (message.type === 'blocks') {
        send({ type: 'credit' });
        yield* message.blocks;
      }
    }
  } finally {
    await worker.terminate();
  }
}
