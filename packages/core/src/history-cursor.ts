import { ValidationError } from './errors.js';

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
