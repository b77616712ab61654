import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A bucket served over HTTP, and how to stop it. */
export interface S3Stand {
  /** The endpoint, for `AWS_ENDPOINT_URL_S3`. */
  endpoint: string;
  /** Every request line it answered, such as `GET /exports/?list-type=2&prefix=...`. */
  requests: string[];
  stop(): Promise<void>;
}

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Serves `objects` (S3 keys to bytes) as bucket `bucket` of S3's REST API, path-style, as the
 * AWS SDK addresses an endpoint given by IP address: `ListObjectsV2` (one page) and `GetObject`,
 * the two calls an export is read with. No S3 emulator is among the test components, and these
 * two calls are all the command makes; the SDK itself is real, loaded by the built command.
 */
export async function serveBucket(
  bucket: string,
  objects: ReadonlyMap<string, Uint8Array>,
): Promise<S3Stand> {
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    const url = new URL(request.url ?? '/', 'http://localhost');
    const [, name, ...rest] = url.pathname.split('/');
    const key = decodeURIComponent(rest.join('/'));
    if (name !== bucket) {
      response.writeHead(404, { 'content-type': 'application/xml' });
      response.end('<Error><Code>NoSuchBucket</Code><Message>no such bucket</Message></Error>');
      return;
    }
    if (key === '' && url.searchParams.get('list-type') === '2') {
      const prefix = url.searchParams.get('prefix') ?? '';
      const keys = [...objects.keys()].filter((k) => k.startsWith(prefix)).sort();
      const contents = keys
        .map(
          (k) =>
            `<Contents><Key>${escapeXml(k)}</Key><Size>${objects.get(k)!.length}</Size></Contents>`,
        )
        .join('');
      response.writeHead(200, { 'content-type': 'application/xml' });
      response.end(
        `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
          `<Name>${bucket}</Name><Prefix>${escapeXml(prefix)}</Prefix><KeyCount>${keys.length}</KeyCount>` +
          `<MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>${contents}</ListBucketResult>`,
      );
      return;
    }
    const bytes = objects.get(key);
    if (bytes === undefined) {
      response.writeHead(404, { 'content-type': 'application/xml' });
      response.end('<Error><Code>NoSuchKey</Code><Message>no such key</Message></Error>');
      return;
    }
    response.writeHead(200, { 'content-length': bytes.length });
    response.end(bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
