import { randomUUID } from 'node:crypto';

/**
 * A new transaction id: a UUID version 7, so ids sort by creation time.
 *
 * @example
 * newTransactionId(Date.now()); // '019a1f0c-6b2e-7c3d-9f4a-1b2c3d4e5f60'
 */
export function newTransactionId(epochMs: number): string {
  const time = epochMs.toString(16).padStart(12, '0');
  // randomUUID is a v4 "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx": keep its random tail and variant.
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${randomUUID().slice(15)}`;
}
