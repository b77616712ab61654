import { ENTRY_TYPE_FIELDS, ENTRY_TYPES, type JournalEntry, ValidationError } from '@wallet/core';

/** A decimal exactly as core renders one: no sign on zero, no leading zeros, no exponent. */
const CANONICAL_DECIMAL = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/;
const NEGATIVE_ZERO = /^-0(\.0+)?$/;
const TYPES: ReadonlySet<string> = new Set(ENTRY_TYPES);
/** The fields only some entry types carry; `reason` may be null where it is carried. */
const TYPE_FIELDS = ['reverses', 'reason', 'holdId'] as const;

/**
 * Checks that an entry given to `putEntries` will read back exactly as given, since its hash
 * covers every field: `numeric` normalizes `05.0` and `-0`, `timestamptz` normalizes any
 * time that is not ISO 8601 UTC with milliseconds, and the fields only some types carry
 * (`reverses`, `reason`, `holdId`) are read back on those types only, always present there.
 *
 * @throws {ValidationError} naming the entry and the field that would not round-trip
 * @example
 * for (const entry of entries) assertStorableEntry(entry);
 */
export function assertStorableEntry(entry: JournalEntry): void {
  const where = `entry ${entry.accountId}#${entry.sequence}`;
  if (!Number.isSafeInteger(entry.sequence) || entry.sequence < 1) {
    throw new ValidationError(`${where}: sequence must be a positive integer`, {
      field: 'sequence',
    });
  }
  if (!TYPES.has(entry.type)) {
    throw new ValidationError(`${where}: unknown type`, { field: 'type' });
  }
  for (const field of ['amount', 'balanceBefore', 'balanceAfter'] as const) {
    const value = entry[field];
    if (typeof value !== 'string' || !CANONICAL_DECIMAL.test(value) || NEGATIVE_ZERO.test(value)) {
      throw new ValidationError(`${where}: ${field} is not a canonical decimal string`, { field });
    }
  }
  const carried: readonly string[] = ENTRY_TYPE_FIELDS[entry.type] ?? [];
  for (const field of TYPE_FIELDS) {
    const value = entry[field];
    if (!carried.includes(field)) {
      if (value !== undefined) {
        throw new ValidationError(`${where}: a ${entry.type} entry carries no ${field}`, {
          field,
        });
      }
    } else if (typeof value !== 'string' && !(field === 'reason' && value === null)) {
      throw new ValidationError(`${where}: a ${entry.type} entry needs its ${field}`, { field });
    }
  }
  if (!isIsoMilliseconds(entry.txTime)) {
    throw new ValidationError(`${where}: txTime is not ISO 8601 UTC with milliseconds`, {
      field: 'txTime',
    });
  }
}

function isIsoMilliseconds(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const time = new Date(value);
  return !Number.isNaN(time.getTime()) && time.toISOString() === value;
}
