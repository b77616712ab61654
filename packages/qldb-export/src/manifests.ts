import { dom, IonTypes } from 'ion-js';
import { QldbExportError } from './errors.js';
import type { ExportSource } from './sources.js';
import type { ExportFormat } from './types.js';

/**
 * One completed export found at a source: its id, format and data-object keys in order.
 *
 * @example
 * const [first] = await findExports(directorySource('./export'));
 * console.log(first.exportId, first.outputFormat, first.keys.length);
 */
export interface ExportManifest {
  /** The export's id, from its manifests' file names. */
  readonly exportId: string;
  /** The id of the strand exported, from the completed manifest's file name; empty when it names none. */
  readonly strandId: string;
  /** From the started manifest; `ION_TEXT` when it (or its `outputFormat`) is absent. */
  readonly outputFormat: ExportFormat;
  /** The key of the export's `<exportId>.<strandId>.completed.manifest`. */
  readonly completedManifestKey: string;
  /** The key of the export's `.started.manifest`; `undefined` when there is none. */
  readonly startedManifestKey: string | undefined;
  /** The data objects' keys, in the completed manifest's order. */
  readonly keys: string[];
}

const COMPLETED = '.completed.manifest';
const STARTED = '.started.manifest';

function baseName(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}

async function readIon(source: ExportSource, key: string): Promise<dom.Value> {
  let value: dom.Value | null;
  try {
    value = dom.load(await source.read(key));
  } catch (cause) {
    throw new QldbExportError(
      'UNREADABLE_OBJECT',
      `cannot read manifest ${key}: ${String(cause)}`,
      {
        key,
        cause,
      },
    );
  }
  if (value === null || value.getType() !== IonTypes.STRUCT) {
    throw new QldbExportError('UNREADABLE_OBJECT', `manifest ${key} is not a struct`, { key });
  }
  return value;
}

function formatOf(value: dom.Value, key: string): ExportFormat {
  const field = value.get('outputFormat');
  if (field === null || field.isNull()) return 'ION_TEXT';
  const text = field.stringValue();
  if (text === 'ION_TEXT' || text === 'ION_BINARY' || text === 'JSON') return text;
  throw new QldbExportError('UNREADABLE_OBJECT', `manifest ${key}: unknown outputFormat ${text}`, {
    key,
  });
}

/**
 * The block range in a data object's key (`<strand>.<first>-<last>.<ext>`), if it has one.
 *
 * @example
 * keyRange('journal/abc/strand.3-7.ion'); // { first: 3, last: 7 }
 */
export function keyRange(key: string): { first: number; last: number } | undefined {
  const match = /\.(\d+)-(\d+)\.[A-Za-z0-9]*$/.exec(key);
  return match ? { first: Number(match[1]), last: Number(match[2]) } : undefined;
}

/**
 * The completed exports at a source, oldest blocks first. An export with a started manifest
 * and no completed one, or a source with no completed manifest at all, is a
 * `MISSING_MANIFEST` error.
 *
 * @example
 * const exports = await findExports(s3Source({ client, bucket: 'b', prefix: 'journal/' }));
 */
export async function findExports(source: ExportSource): Promise<ExportManifest[]> {
  let keys: string[];
  try {
    keys = await source.list();
  } catch (cause) {
    // A missing directory, a bucket that is not there, access denied: typed like a failed read.
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new QldbExportError('UNREADABLE_OBJECT', `cannot list ${source.description}: ${reason}`, {
      cause,
    });
  }
  const started = new Map<string, string>();
  for (const key of keys) {
    if (key.endsWith(STARTED)) started.set(baseName(key).slice(0, -STARTED.length), key);
  }
  const completed = keys.filter((key) => key.endsWith(COMPLETED));
  const exportIds = new Set<string>();
  const found: ExportManifest[] = [];
  for (const key of completed) {
    const stem = baseName(key).slice(0, -COMPLETED.length);
    const dot = stem.lastIndexOf('.');
    const exportId = dot < 0 ? stem : stem.slice(0, dot);
    const strandId = dot < 0 ? '' : stem.slice(dot + 1);
    exportIds.add(exportId);
    const manifest = await readIon(source, key);
    const list = manifest.get('keys');
    if (list === null || list.getType() !== IonTypes.LIST) {
      throw new QldbExportError('UNREADABLE_OBJECT', `manifest ${key} has no keys list`, { key });
    }
    const startedKey = started.get(exportId);
    found.push({
      exportId,
      strandId,
      outputFormat: startedKey
        ? formatOf(await readIon(source, startedKey), startedKey)
        : 'ION_TEXT',
      completedManifestKey: key,
      startedManifestKey: startedKey,
      keys: list.elements().map((element) => element.stringValue() ?? ''),
    });
  }
  for (const [exportId, key] of started) {
    if (!exportIds.has(exportId)) {
      throw new QldbExportError(
        'MISSING_MANIFEST',
        `export ${exportId} at ${source.description} has a started manifest (${key}) but no completed manifest: it did not finish`,
        { key },
      );
    }
  }
  if (found.length === 0) {
    throw new QldbExportError(
      'MISSING_MANIFEST',
      `no *.completed.manifest at ${source.description}`,
    );
  }
  const start = (m: ExportManifest): number => {
    const firstKey = m.keys[0];
    return (firstKey === undefined ? undefined : keyRange(firstKey)?.first) ?? 0;
  };
  return found.sort((a, b) => start(a) - start(b));
}
