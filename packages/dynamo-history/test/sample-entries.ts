import type { JournalEntry } from '@wallet/core';

/**
 * A plausible journal entry for tests that exercise storage, not the hash chain: GOLD credits
 * one second apart from 2030-01-01, with `overrides` applied last.
 *
 * @example
 * const entry = sampleEntry('p1', 3, { metadata: null });
 */
export function sampleEntry(
  accountId: string,
  sequence: number,
  overrides: Partial<JournalEntry> = {},
): JournalEntry {
  return {
    transactionId: `tx-${accountId}-${sequence}`,
    accountId,
    sequence,
    type: 'CREDIT',
    currency: 'GOLD',
    amount: '10.50',
    balanceBefore: `${(sequence - 1) * 10}.50`,
    balanceAfter: `${sequence * 10}.50`,
    txTime: new Date(Date.UTC(2030, 0, 1) + sequence * 1000).toISOString(),
    idempotencyKey: null,
    counterparty: null,
    metadata: { sequence, tags: ['a'], nested: { ok: true } },
    prevHash: '0'.repeat(64),
    hash: sequence.toString(16).padStart(64, 'f'),
    ...overrides,
  };
}

/**
 * Entries 1..count of one wallet.
 *
 * @example
 * const entries = sampleJournal('p1', 60);
 */
export function sampleJournal(accountId: string, count: number): JournalEntry[] {
  return Array.from({ length: count }, (_, i) => sampleEntry(accountId, i + 1));
}
