import { canonicalJson } from './canonical-json.js';
import { InvalidAccountIdError, ValidationError } from './errors.js';
import type { Metadata } from './types.js';

/**
 * The account ids the SDK takes: 1 to 128 characters of `A-Z a-z 0-9 . _ : @ -`, starting with a
 * letter or digit.
 *
 * @example
 * ACCOUNT_ID_PATTERN.test('player-1'); // true
 * ACCOUNT_ID_PATTERN.test('player 1'); // false
 */
export const ACCOUNT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;

/** The most bytes of canonical JSON a metadata object may take. */
export const MAX_METADATA_BYTES = 4096;
/**
 * The deepest metadata may nest: the object itself is level 1, each object or array inside it one
 * more. Unbounded, metadata 97 levels deep was stored by the ledger and then lost on its way to
 * history: the stream's Ion readers stop at 100 levels, counting the record around the entry.
 * 32 keeps well clear of that, and is DynamoDB's own limit for a map or list, so a studio can
 * copy any metadata into a DynamoDB attribute of its own.
 */
export const MAX_METADATA_DEPTH = 32;

/**
 * Checks an account id against `^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$`.
 *
 * @throws {InvalidAccountIdError}
 * @example
 * accountId(input.accountId, 'accountId');
 */
export function accountId(value: unknown, field = 'accountId'): string {
  if (typeof value !== 'string' || !ACCOUNT_ID_PATTERN.test(value)) {
    throw new InvalidAccountIdError(field);
  }
  return value;
}

/** An idempotency key: 1..255 printable ASCII characters (0x21..0x7E). */
const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** An idempotency namespace: 1..128 printable ASCII characters, as core joins it to a key. */
const NAMESPACE_PATTERN = /^[\x21-\x7e]{1,128}$/;

/**
 * A lone surrogate (a string that is not well-formed Unicode) or U+0000. With the `u` flag a
 * surrogate pair is one code point outside `\p{Cs}`, so only unpaired halves match.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: U+0000 is what it looks for.
const UNSTORABLE = /[\p{Cs}\u0000]/u;

/**
 * Checks an optional idempotency key: absent, or 1..255 printable ASCII characters
 * (0x21..0x7E). Printable ASCII reads the same in an HTTP header, a JSON body, a URL and every
 * store, so a key sent two ways is one key, and no store can change it.
 *
 * @throws {ValidationError}
 * @example
 * idempotencyKey(input.idempotencyKey); // 'order-1001' or null
 */
export function idempotencyKey(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || !IDEMPOTENCY_KEY_PATTERN.test(value)) {
    throw new ValidationError(
      'idempotencyKey must be 1 to 255 printable ASCII characters (0x21 to 0x7E)',
      { field: 'idempotencyKey' },
    );
  }
  return value;
}

/** A transaction or hold id: printable ASCII characters (the SDK makes them). */
const IDENTIFIER_PATTERN = /^[\x21-\x7e]+$/;

/**
 * Checks a transaction or hold id: 1..`max` printable ASCII characters (transaction ids are
 * UUIDs, hold ids a UUID and the holder's account id).
 *
 * @throws {ValidationError}
 * @example
 * identifier(input.holdId, 'holdId', 200);
 */
export function identifier(value: unknown, field: string, max = 64): string {
  if (typeof value !== 'string' || value.length > max || !IDENTIFIER_PATTERN.test(value)) {
    throw new ValidationError(`${field} must be 1 to ${max} printable ASCII characters`, {
      field,
    });
  }
  return value;
}

/**
 * Checks optional free text (a reversal's reason): absent, or a string of 1..`max` characters
 * that is {@link storableText}.
 *
 * @throws {ValidationError}
 * @example
 * optionalText(input.reason, 'reason', 500); // 'refund: order 1001' or null
 */
export function optionalText(value: unknown, field: string, max: number): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length < 1 || value.length > max) {
    throw new ValidationError(`${field} must be a string of 1 to ${max} characters`, { field });
  }
  return storableText(value, field);
}

/**
 * Checks an optional idempotency namespace: absent, or 1..128 printable ASCII characters.
 *
 * @throws {ValidationError}
 * @example
 * idempotencyNamespace('player-session:7f3a'); // 'player-session:7f3a'
 */
export function idempotencyNamespace(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || !NAMESPACE_PATTERN.test(value)) {
    throw new ValidationError(
      'idempotencyNamespace must be 1 to 128 printable ASCII characters (0x21 to 0x7E)',
      { field: 'idempotencyNamespace' },
    );
  }
  return value;
}

/**
 * Whether a string can be hashed and stored unchanged everywhere: well-formed Unicode (no lone
 * surrogate, which PostgreSQL would store as U+FFFD) and no U+0000 (which no PostgreSQL text can
 * hold).
 *
 * @example
 * isStorableText('caf\u00e9'); // true
 * isStorableText('a\u0000b');  // false
 */
export function isStorableText(value: string): boolean {
  return !UNSTORABLE.test(value);
}

/**
 * Checks that a string can be hashed and stored unchanged everywhere: well-formed Unicode
 * (no lone surrogate, which PostgreSQL would store as U+FFFD) and no U+0000 (which no
 * PostgreSQL text can hold).
 *
 * @throws {ValidationError}
 * @example
 * storableText(input.reason, 'reason');
 */
export function storableText(value: string, field: string): string {
  if (!isStorableText(value)) {
    throw new ValidationError(
      `${field} must be well-formed Unicode without U+0000 (a lone surrogate or a NUL character cannot be stored as it is hashed)`,
      { field },
    );
  }
  return value;
}

/**
 * Checks optional metadata: absent, or a plain JSON object of at most 4 KiB, nested at most
 * {@link MAX_METADATA_DEPTH} levels, whose every name and string value is {@link storableText}.
 * Returns a detached copy so later changes by the caller cannot alter what was stored.
 *
 * @throws {ValidationError}
 * @example
 * metadata({ orderId: 'A-1001' }); // a copy of it
 */
export function metadata(value: unknown, field = 'metadata'): Metadata | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ValidationError(`${field} must be a JSON object`, { field });
  }
  let text: string;
  try {
    text = canonicalJson(value);
  } catch (cause) {
    throw new ValidationError(`${field} must hold only JSON values`, { field }, { cause });
  }
  if (Buffer.byteLength(text, 'utf8') > MAX_METADATA_BYTES) {
    throw new ValidationError(`${field} must be at most ${MAX_METADATA_BYTES} bytes of JSON`, {
      field,
    });
  }
  if (nesting(text) > MAX_METADATA_DEPTH) {
    throw new ValidationError(
      `${field} must nest at most ${MAX_METADATA_DEPTH} levels of objects and arrays`,
      { field },
    );
  }
  // JSON text writes a lone surrogate or U+0000 as an escape, never raw, so the check runs on
  // the parsed copy's strings, which are what every store receives.
  const copy = JSON.parse(text) as Metadata;
  if (hasUnstorableEscape(text)) checkStrings(copy, field);
  return copy;
}

/**
 * How deep JSON text nests: the most objects and arrays open at once. Brackets inside strings
 * do not count; inside a string a backslash escapes the character after it.
 */
function nesting(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      // A backslash escapes the next character, so skip it; a bare quote ends the string.
      if (code === 0x5c) i++;
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) inString = true;
    else if (code === 0x7b || code === 0x5b) {
      if (++depth > deepest) deepest = depth;
    } else if (code === 0x7d || code === 0x5d) depth--;
  }
  return deepest;
}

/**
 * True when canonical JSON text may hold a lone surrogate or U+0000: JSON writes both only as
 * `\u` escapes (`\u0000`, `\udxxx`), so text without such an escape holds neither and the
 * common case costs one scan of the text.
 */
function hasUnstorableEscape(text: string): boolean {
  return /\\u(?:0000|d[89a-f])/i.test(text);
}

function checkStrings(value: unknown, field: string): void {
  if (typeof value === 'string') {
    storableText(value, field);
  } else if (Array.isArray(value)) {
    for (const item of value) checkStrings(item, field);
  } else if (typeof value === 'object' && value !== null) {
    for (const [name, member] of Object.entries(value)) {
      storableText(name, field);
      checkStrings(member, field);
    }
  }
}

/**
 * Checks that a request is an object, so field reads cannot throw a TypeError.
 *
 * @throws {ValidationError}
 */
export function requestObject<T extends object>(value: T | null | undefined, field?: string): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError(
      `${field ?? 'the request'} must be an object`,
      field ? { field } : undefined,
    );
  }
  return value;
}
