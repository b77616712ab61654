import { createHash } from 'node:crypto';
import { ValidationError } from './errors.js';
import type { MergedPositions } from './merged-history.js';

/** The filters a history cursor is bound to. */
export interface CursorFilters {
  accountId: string;
  currency: string | null;
  order: 'asc' | 'desc';
}

const CURSOR_VERSION = 1;

/**
 * Encodes where a history page ended, bound to its filters, as opaque base64url text.
 *
 * @example
 * encodeCursor(50, { accountId: 'p1', currency: null, order: 'desc' });
 */
export function encodeCursor(after: number, filters: CursorFilters): string {
  const state = [CURSOR_VERSION, after, filters.accountId, filters.currency, filters.order];
  return Buffer.from(JSON.stringify(state)).toString('base64url');
}

/**
 * The sequence a cursor ended at, once it is known to be made for the same filters.
 *
 * @throws {ValidationError} when it is malformed or made for other filters
 */
export function decodeCursor(cursor: string, filters: CursorFilters): number {
  const state = parse(cursor);
  const [version, after, accountId, currency, order] = state ?? [];
  if (version !== CURSOR_VERSION || !Number.isSafeInteger(after) || (after as number) < 0) {
    throw new ValidationError('cursor is malformed', { field: 'cursor' });
  }
  if (accountId !== filters.accountId || currency !== filters.currency || order !== filters.order) {
    throw new ValidationError('cursor was made for other filters (account, currency or order)', {
      field: 'cursor',
    });
  }
  return after as number;
}

function parse(cursor: string): unknown[] | undefined {
  try {
    const state: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return Array.isArray(state) ? state : undefined;
  } catch {
    return undefined;
  }
}

const MERGED_CURSOR_VERSION = 2;

/** A short fingerprint of a merged listing's filters and journals: the cursor is bound to it. */
function mergedTag(filters: CursorFilters, journals: number): string {
  const text = JSON.stringify([filters.accountId, filters.currency, filters.order, journals]);
  return createHash('sha256').update(text).digest('base64url').slice(0, 16);
}

/**
 * Encodes where a merged history page (a hot wallet's, over several journals) ended: one
 * position per journal in base 36, bound to the filters and the number of journals by a
 * fingerprint, so that 33 journals fit the 512 characters a cursor may have.
 *
 * @example
 * encodeMergedCursor([12, null, 3], { accountId: 'house', currency: null, order: 'desc' });
 */
export function encodeMergedCursor(positions: MergedPositions, filters: CursorFilters): string {
  const text = positions.map((p) => (p === null ? '' : p.toString(36))).join('.');
  const state = [MERGED_CURSOR_VERSION, text, mergedTag(filters, positions.length)];
  return Buffer.from(JSON.stringify(state)).toString('base64url');
}

/**
 * The positions a merged cursor ended at, once it is known to be made for the same filters
 * and the same journals.
 *
 * @throws {ValidationError} when it is malformed or made for other filters
 */
export function decodeMergedCursor(
  cursor: string,
  filters: CursorFilters,
  journals: number,
): MergedPositions {
  const [version, text, tag] = parse(cursor) ?? [];
  const parts = typeof text === 'string' ? text.split('.') : [];
  const positions = parts.map((part) => (part === '' ? null : Number.parseInt(part, 36)));
  if (
    version !== MERGED_CURSOR_VERSION ||
    parts.length !== journals ||
    parts.some((part) => !/^[0-9a-z]{0,11}$/.test(part)) ||
    positions.some((p) => p !== null && !Number.isSafeInteger(p))
  ) {
    throw new ValidationError('cursor is malformed', { field: 'cursor' });
  }
  if (tag !== mergedTag(filters, journals)) {
    throw new ValidationError(
      'cursor was made for other filters (account, currency, order or sub-accounts)',
      { field: 'cursor' },
    );
  }
  return positions;
}
