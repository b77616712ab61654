import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/**
 * Where an export's objects are read from. Keys are S3 keys (`/`-separated), as the completed
 * manifest lists them.
 *
 * @example
 * const source: ExportSource = directorySource('./my-export');
 * const keys = await source.list();
 */
export interface ExportSource {
  /** Where the export lives, for messages (`dir:…` or `s3://bucket/prefix`). */
  readonly description: string;
  /** Every key under the export's location. */
  list(): Promise<string[]>;
  /** One object's bytes, whole. */
  read(key: string): Promise<Uint8Array>;
}

async function walk(root: string, dir: string, out: string[]): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walk(root, path, out);
    else if (entry.isFile()) out.push(relative(root, path).split(sep).join('/'));
  }
}

/**
 * An export copied to a local directory, e.g. with `aws s3 sync s3://bucket/prefix ./dir` or
 * `aws s3 sync s3://bucket ./dir`, or with every object flat in one directory. A key from a
 * manifest is looked up as the whole key under the directory, then with its leading path
 * segments dropped one at a time (down to the bare file name), so any of these layouts works.
 *
 * @example
 * for await (const block of readQldbExport(directorySource('./wallet-export'))) console.log(block.blockAddress);
 */
export function directorySource(path: string): ExportSource {
  let listed: Set<string> | undefined;
  const keys = async (): Promise<Set<string>> => {
    if (listed === undefined) {
      const out: string[] = [];
      await walk(path, path, out);
      listed = new Set(out.sort());
    }
    return listed;
  };
  return {
    description: `dir:${path}`,
    async list() {
      return [...(await keys())];
    },
    async read(key) {
      const present = await keys();
      const segments = key.split('/').filter((s) => s !== '');
      for (let i = 0; i < segments.length; i++) {
        const candidate = segments.slice(i).join('/');
        if (present.has(candidate)) return new Uint8Array(await readFile(join(path, candidate)));
      }
      throw new Error(`${key} is not in ${path}`);
    },
  };
}

/**
 * The part of `@aws-sdk/client-s3`'s S3Client this package uses.
 *
 * @example
 * const client: S3LikeClient = new S3Client({ region: 'eu-west-1' });
 */
export interface S3LikeClient {
  /** Sends an S3 command and resolves to its output. */
  // biome-ignore lint/suspicious/noExplicitAny: the SDK's command and output types are generic.
  send(command: any): Promise<any>;
}

/**
 * The S3 command classes, when the caller passes them instead of letting the package import
 * `@aws-sdk/client-s3` itself.
 *
 * @example
 * import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
 * const commands: S3Commands = { GetObjectCommand, ListObjectsV2Command };
 */
export interface S3Commands {
  /** The SDK's `GetObjectCommand` class, used to read one object. */
  GetObjectCommand: {
    /** Creates a command that reads the object `Key` in `Bucket`. */
    new (input: { Bucket: string; Key: string }): object;
  };
  /** The SDK's `ListObjectsV2Command` class, used to list the keys under the prefix. */
  ListObjectsV2Command: {
    /** Creates a command that lists one page of keys under `Prefix` in `Bucket`, from `ContinuationToken`. */
    new (input: { Bucket: string; Prefix?: string; ContinuationToken?: string }): object;
  };
}

/**
 * Options of {@link s3Source}.
 *
 * @example
 * const options: S3SourceOptions = { client: new S3Client({}), bucket: 'exports', prefix: 'wallet/' };
 */
export interface S3SourceOptions {
  /** The S3 client the objects are read with. */
  readonly client: S3LikeClient;
  /** The bucket the export was written to. */
  readonly bucket: string;
  /** The export request's prefix (the manifests are `<prefix><exportId>.*.manifest`). */
  readonly prefix?: string;
  /** The command classes; imported lazily from `@aws-sdk/client-s3` when omitted. */
  readonly commands?: S3Commands;
}

/**
 * An export in S3, read with a caller's S3Client (`@aws-sdk/client-s3` is an optional peer:
 * it is imported only when `commands` is not given).
 *
 * @example
 * import { S3Client } from '@aws-sdk/client-s3';
 * const source = s3Source({ client: new S3Client({}), bucket: 'my-bucket', prefix: 'journalExport/' });
 * for await (const block of readQldbExport(source)) console.log(block.blockAddress);
 */
export function s3Source(options: S3SourceOptions): ExportSource {
  const { client, bucket, prefix = '' } = options;
  let commands: Promise<S3Commands> | undefined;
  const load = (): Promise<S3Commands> => {
    commands ??= options.commands
      ? Promise.resolve(options.commands)
      : import('@aws-sdk/client-s3').then((sdk) => ({
          GetObjectCommand: sdk.GetObjectCommand,
          ListObjectsV2Command: sdk.ListObjectsV2Command,
        }));
    return commands;
  };
  return {
    description: `s3://${bucket}/${prefix}`,
    async list() {
      const { ListObjectsV2Command } = await load();
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: prefix,
            ...(token === undefined ? {} : { ContinuationToken: token }),
          }),
        );
        for (const item of page?.Contents ?? [])
          if (typeof item.Key === 'string') keys.push(item.Key);
        token = page?.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token !== undefined);
      return keys;
    },
    async read(key) {
      const { GetObjectCommand } = await load();
      const output = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const body = output?.Body;
      if (body === undefined || body === null) throw new Error(`s3://${bucket}/${key} has no body`);
      if (body instanceof Uint8Array) return body;
      if (typeof body.transformToByteArray === 'function') return body.transformToByteArray();
      throw new Error(`s3://${bucket}/${key}: unsupported body type`);
    },
  };
}
