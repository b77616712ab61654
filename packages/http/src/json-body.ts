import { InvalidAmountError, ValidationError, type WalletError } from '@wallet/core';
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
 *   the last of `{"amount":"1","amount":"500"}`, while a proxy or log reader may keep the first;
 * - no member may be named `__proto__` (400), which the validators' copies would drop;
 * - no number may need rounding to be read (400, `INVALID_AMOUNT` for an amount):
 *   `{"amount":10.009999999999999}` would be read as 10.01 (see {@link bodyProblem}).
 * A request with neither a body nor a `Content-Type` goes on; the route decides.
 * Runs after the body limit, which has already read the body into memory, and after the
 * route's authentication and scope check (`registerRoute` puts it there): without a token a
 * request is 401 whatever its body (DESIGN section 5), and no anonymous body is parsed.
 *
 * @example
 * app.post('/v1/transfers', auth.authenticate, guard.before, jsonBody(), handler);
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
      const problem = bodyProblem(text);
      if (problem !== undefined) throw problemError(problem);
    }
    cache.text = Promise.resolve(text);
    await next();
  };
}

/** The error that answers a body with `problem`. */
function problemError(problem: BodyProblem): WalletError {
  switch (problem.kind) {
    case 'repeated': {
      const shown = shortened(problem.name, 64);
      return new ValidationError(
        `the request body names the member ${JSON.stringify(shown)} twice in one object`,
        { field: shown },
      );
    }
    case 'prototype':
      return new ValidationError(
        'the request body names a member "__proto__", which would not be kept',
        { field: '__proto__' },
      );
    case 'inexact': {
      const path = shortened(problem.path, 64);
      const reason = `is a JSON number (${shortened(problem.literal, 40)}) that cannot be read without rounding`;
      return path.split('.').at(-1) === 'amount'
        ? new InvalidAmountError(path, `${reason}: send it as a string`)
        : new ValidationError(`${path || 'the request body'} ${reason}`, { field: path });
    }
  }
}

/** `text` cut to `max` characters, with `...` where it was cut, for an error message. */
function shortened(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}

/** One open object or array while scanning JSON text. */
interface Frame {
  /** The member names seen so far; null for an array. */
  names: Set<string> | null;
  /** True where the next string of an object is a member name. */
  expectName: boolean;
  /** Where the scan is in it: the last member name, or the index in an array. */
  at: string | number;
}

/**
 * What makes a JSON body mean something other than what JavaScript reads from it:
 * - `repeated`: an object names a member twice (`JSON.parse` keeps the last one);
 * - `prototype`: a member is named `__proto__`, which a JavaScript object copied the usual way
 *   (as every validator does) takes for its prototype, so the member would vanish;
 * - `inexact`: a number whose digits a double cannot hold (`10.009999999999999` reads as
 *   `10.01`, `9007199254740993` as `9007199254740992`), at `path` (`legs.0.amount`).
 */
export type BodyProblem =
  | { kind: 'repeated'; name: string }
  | { kind: 'prototype' }
  | { kind: 'inexact'; literal: string; path: string };

/**
 * The first {@link BodyProblem} of `text`, or undefined. `text` must be valid JSON (it was parsed
 * first), so the scan only tracks strings, numbers, brackets and commas. Names are
 * compared decoded: `"a"` and `"\u0061"` are the same name.
 *
 * @example
 * bodyProblem('{"amount":"1","amount":"500"}'); // { kind: 'repeated', name: 'amount' }
 * bodyProblem('{"amount":1.50}'); // undefined: it reads as 1.5, which it is
 * bodyProblem('{"amount":10.009999999999999}'); // { kind: 'inexact', ..., path: 'amount' }
 */
export function bodyProblem(text: string): BodyProblem | undefined {
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
        if (name === '__proto__') return { kind: 'prototype' };
        if (frame.names.has(name)) return { kind: 'repeated', name };
        frame.names.add(name);
        frame.expectName = false;
        frame.at = name;
      }
    } else if (char === 0x2d /* - */ || (char >= 0x30 && char <= 0x39) /* 0-9 */) {
      const start = i;
      while (i + 1 < text.length && NUMBER_CHAR.test(text[i + 1]!)) i++;
      const literal = text.slice(start, i + 1);
      if (!readsExactly(literal)) {
        return { kind: 'inexact', literal, path: stack.map((frame) => frame.at).join('.') };
      }
    } else if (char === 0x7b /* { */) {
      stack.push({ names: new Set(), expectName: true, at: '' });
    } else if (char === 0x5b /* [ */) {
      stack.push({ names: null, expectName: false, at: 0 });
    } else if (char === 0x7d /* } */ || char === 0x5d /* ] */) {
      stack.pop();
    } else if (char === 0x2c /* , */) {
      const frame = stack[stack.length - 1];
      if (frame?.names) frame.expectName = true;
      else if (frame) frame.at = (frame.at as number) + 1;
    }
  }
  return undefined;
}

/** A character a JSON number may hold after its first. */
const NUMBER_CHAR = /[0-9.eE+-]/;

/**
 * True when the JSON number `literal` is exactly the double `JSON.parse` makes of it, as
 * decimals: `1.50`, `1E0` and `-0` are; `10.009999999999999` and `1e400` are not.
 */
function readsExactly(literal: string): boolean {
  return decimalValue(literal) === decimalValue(String(Number(literal)));
}

/**
 * A decimal number's value as one canonical text (`digits` `e` `exponent`, without leading or
 * trailing zeros; `0` for zero, whatever its sign), or null for text that is no decimal
 * (`Infinity`).
 */
function decimalValue(text: string): string | null {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!match) return null;
  const [, sign, whole, fraction = '', exponent = '0'] = match;
  const all = whole! + fraction;
  const first = all.search(/[1-9]/);
  if (first === -1) return '0';
  const digits = all.slice(first);
  const significant = digits.replace(/0+$/, '');
  const power = Number(exponent) - fraction.length + (digits.length - significant.length);
  return `${sign}${significant}e${power}`;
}
