import { canonicalJson } from './canonical-json.js';
import { InvalidAccountIdError, ValidationError } from './errors.js';
import type { Metadata } from './types.js';

const ACCOUNT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;

/** The most bytes of canonical JSON a metadata object may take. */
export const MAX_METADATA_BYTES = 4096;

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

/**
 * Checks an optional idempotency key: absent, or a string of 1..255 characters.
 *
 * @throws {ValidationError}
 */
export function idempotencyKey(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length < 1 || value.length > 255) {
    throw new ValidationError('idempotencyKey must be a string of 1 to 255 characters', {
      field: 'idempotencyKey',
    });
  }
  return value;
}

/**
 * Checks optional metadata: absent, or a plain JSON object of at most 4 KiB.
 * Returns a detached copy so later changes by the caller cannot alter what was stored.
 *
 * @throws {ValidationError}
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
  return JSON.parse(text) as Metadata;
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
