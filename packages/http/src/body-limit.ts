import { ValidationError } from '@wallet/core';
import type { MiddlewareHandler } from 'hono';
import { ApiError } from './errors.js';

/**
 * The largest request body the API reads: 64 KiB. Wallet requests are a few hundred bytes;
 * metadata is capped at 4 KiB by core.
 *
 * @example
 * if (body.length > MAX_BODY_BYTES) throw new Error('too large for the wallet API');
 */
export const MAX_BODY_BYTES = 64 * 1024;

// `Connection: close`: the rest of the upload is never read, so the connection cannot carry
// another request; telling the client spares it a reused socket that the server then drops.
const tooLarge = (limit: number) =>
  new ApiError(
    413,
    'PAYLOAD_TOO_LARGE',
    `the request body exceeds ${limit} bytes`,
    { limit },
    { Connection: 'close' },
  );

/**
 * Middleware that refuses (413 `PAYLOAD_TOO_LARGE`) a body over `limit` bytes. A declared
 * `Content-Length` over the limit is refused before reading; the body is then read with a
 * running count anyway, because chunked uploads declare no length and a Lambda event's
 * headers are whatever the client sent. The bytes read replace the request body, so later
 * readers see the same body.
 *
 * @example
 * app.use(bodyLimit(MAX_BODY_BYTES));
 */
export function bodyLimit(limit: number = MAX_BODY_BYTES): MiddlewareHandler {
  return async (c, next) => {
    // Before touching `body`: on Node that starts streaming the upload into memory.
    const declared = Number(c.req.header('content-length'));
    if (declared > limit) throw tooLarge(limit);
    const body = c.req.raw.body;
    if (!body) return next();
    const bytes = await readAtMost(body, limit);
    // Built from parts: on Node the incoming request is @hono/node-server's lightweight
    // stand-in, which the global Request constructor does not accept as its input.
    const { url, method, headers, signal } = c.req.raw;
    c.req.raw = new Request(url, { method, headers, signal, body: bytes });
    await next();
  };
}

/**
 * The body's bytes, at most `limit` of them, copied as they arrive into one array grown by
 * doubling: only the bytes are held, never an object per chunk. Keeping the chunks (Node hands
 * over each as a Buffer of its own) let a client without a token make the server hold 14 MiB
 * with a 64 KiB body sent a byte a chunk, and a few dozen such uploads exhaust its heap.
 */
async function readAtMost(
  body: ReadableStream<Uint8Array>,
  limit: number,
): Promise<Uint8Array<ArrayBuffer>> {
  const reader = body.getReader();
  let bytes = new Uint8Array(0);
  let size = 0;
  for (;;) {
    let read: Awaited<ReturnType<typeof reader.read>>;
    try {
      read = await reader.read();
    } catch (cause) {
      // The client went away mid-upload (or the request timed out): its doing, not a fault of
      // the server's, so not a 500 in the log and the error metrics.
      throw new ValidationError('the request body ended before it was complete', undefined, {
        cause,
      });
    }
    const { done, value } = read;
    if (done) break;
    const end = size + value.byteLength;
    if (end > limit) {
      // Stop the upload here rather than buffering a body we are going to refuse.
      await reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    if (end > bytes.length) {
      const grown = new Uint8Array(Math.min(limit, Math.max(end, 2 * bytes.length)));
      grown.set(bytes.subarray(0, size));
      bytes = grown;
    }
    bytes.set(value, size);
    size = end;
  }
  return size === bytes.length ? bytes : bytes.slice(0, size);
}
