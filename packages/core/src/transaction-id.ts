import { randomUUID } from 'node:crypto';

// The time part of the last id. Formatting it (a 41-bit number in hex) costs more than the
// rest of the id, and ids come many to a millisecond under load.
let prefixMs = Number.NaN;
let prefix = '';

/**
 * A new transaction id: a UUID version 7, so ids sort by creation time.
 *
 * @example
 * newTransactionId(Date.now()); // '019a1f0c-6b2e-7c3d-9f4a-1b2c3d4e5f60'
 */
export function newTransactionId(epochMs: number): string {
  if (epochMs !== prefixMs) {
    const time = epochMs.toString(16).padStart(12, '0');
    prefix = `${time.slice(0, 8)}-${time.slice(8, 12)}-7`;
    prefixMs = epochMs;
  }
  // randomUUID is a v4 "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx": keep its random tail and variant.
  return prefix + randomUUID().slice(15);
}
