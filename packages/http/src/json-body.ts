import { ValidationError } from '@wallet/core';
import type { MiddlewareHandler } from 'hono';
import { ApiError } from './errors.js';

/** `application/json`, alone or with `charset=utf-8` (any case; the value may be quoted). */
const JSON_MEDIA_TYPE = /^application\/json(?:;\s*charset="?utf-8"?)?$/i;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const notJson = () =>
  new ApiError(
    415,
    'UNSUPPORTED_MEDIA_TYPE',
    'the request body must be application/json (optionally with charset=utf-8)',
  );

/**
 * Middleware that lets a request body through only as strict JSON, so the body the schemas
 * validate is exactly the body the caller meant:
 * - a body, or a `Content-Type`, on a request other than GET and HEAD must be
 *   `application/json`, optionally with `charset=utf-8`: anything else, such as
 *   `charset=utf-16` or `text/plain`, is 415;
 * - its bytes must be UTF-8 (a byte sequence that is not is 400, never replaced by U+FFFD);
 * - it must parse as JSON, and no object in it may name a member twice (400): JSON.parse keeps
 *   the last of `{"amount":"1","amount":"500"}`, while a proxy or log reader may keep the first.
 * A request with neither a body nor a `Content-Type` goes on; the route decides.
 * Runs after the body limit, which has already read the body into memory.
 *
 * @example
 * app.use(bodyLimit());
 * app.use(jsonBody());
 */
export function jsonBody(): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const type = c.req.header('content-type');
    const raw = c.req.raw;
    const bytes = raw.body === null ? new Uint8Array() : new Uint8Array(await raw.arrayBuffer());
    // The validators read the body through this cache: the text checked here, parsed again.
    const cache = c.req.bodyCache as { text?: Promise<string> };
    cache.text = Promise.resolve('');
    if (type === undefined && bytes.length === 0) return next();
    if (type === undefined || !JSON_MEDIA_TYPE.test(type)) throw notJson();
    // An empty JSON body is left to the route: one that takes a body refuses it as malformed.
    if (bytes.length === 0) return next();
    let text: string;
    try {
      text = strictUtf8.decode(bytes);
    } catch (cause) {
      throw new ValidationError('the request body is not valid UTF-8', undefined, { cause });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (cause) {
      throw new ValidationError('the request body is not valid JSON', undefined, { cause });
    }
    if (typeof parsed === 'object' && parsed !== null) {
      const repeated = repeatedMember(text);
      if (repeated !== undefined) {
        const name = repeated.length > 64 ? `${repeated.slice(0, 64)}...` : repeated;
        throw new ValidationError(
          `the request body names the member ${JSON.stringify(name)} twice in one object`,
          { field: name },
        );
      }
    }
    cache.text = Promise.resolve(text);
    await next();
  };
}

/** One open object or array while scanning JSON text. */
interface Frame {
  /** The member names seen so far; null for an array. */
  names: Set<string> | null;
  /** True where the next string of an object is a member name. */
  expectName: boolean;
}

/**
 * The first member name an object of `text` repeats, or undefined. `text` must be valid JSON
 * (it was parsed first), so the scan only tracks strings, brackets and commas. Names are
 * compared decoded: `"a"` and `"\u0061"` are the same name.
 *
 * @example
 * repeatedMember('{"amount":"1","amount":"500"}'); // 'amount'
 */
export function repeatedMember(text: string): string | undefined {
  const stack: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (char === 0x22 /* " */) {
      const start = i;
      let escaped = false;
      for (i++; i < text.length; i++) {
        const inner = text.charCodeAt(i);
        if (inner === 0x5c /* \ */) {
          escaped = true;
          i++;
        } else if (inner === 0x22) break;
      }
      const frame = stack[stack.length - 1];
      if (frame?.names && frame.expectName) {
        const raw = text.slice(start + 1, i);
        const name = escaped ? (JSON.parse(`"${raw}"`) as string) : raw;
        if (frame.names.has(name)) return name;
        frame.names.add(name);
        frame.expectName = false;
      }
    } else if (char === 0x7b /* { */) {
      stack.push({ names: new Set(), expectName: true });
    } else if (char === 0x5b /* [ */) {
      stack.push({ names: null, expectName: false });
    } else if (char === 0x7d /* } */ || char === 0x5d /* ] */) {
      stack.pop();
    } else if (char === 0x2c /* , */) {
      const frame = stack[stack.length - 1];
      if (frame?.names) frame.expectName = true;
    }
  }
  return undefined;
}
