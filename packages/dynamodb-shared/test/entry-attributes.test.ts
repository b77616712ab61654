import { ENTRY_TYPE_FIELDS, ENTRY_TYPES, type JournalEntry } from '@wallet/core';
import { describe, expect, it } from 'vitest';
import { entryAttributes, entryFromAttributes, ItemReader } from '../src/index.js';

function entryOf(type: JournalEntry['type'], overrides: Partial<JournalEntry> = {}): JournalEntry {
  return {
    transactionId: 'tx-1',
    accountId: 'player.1@eu:x',
    sequence: 12,
    type,
    currency: 'GOLD',
    amount: '10.50',
    balanceBefore: '999999999999999999.00',
    balanceAfter: '999999999999999988.50',
    txTime: '2031-02-03T04:05:06.789Z',
    idempotencyKey: 'receipt ✓ 1',
    counterparty: null,
    metadata: { note: '', nested: { list: [1, 2.5, -0.125, null, true, 'é'] } },
    prevHash: 'a'.repeat(64),
    hash: 'b'.repeat(64),
    ...overrides,
  };
}

const read = (item: ReturnType<typeof entryAttributes>) =>
  entryFromAttributes(new ItemReader(item, 'test item'));

describe('entryAttributes and entryFromAttributes', () => {
  it('round-trip an entry of every type exactly, with the fields its type carries and no others', () => {
    for (const type of ENTRY_TYPES) {
      const own: Partial<JournalEntry> = {};
      for (const field of ENTRY_TYPE_FIELDS[type] ?? []) {
        own[field] = field === 'reason' ? 'chargeback' : `${field}-1`;
      }
      const entry = entryOf(type, own);
      const back = read(entryAttributes(entry));
      expect(back).toStrictEqual(entry);
      expect(Object.keys(back)).toEqual(Object.keys(entry));
    }
  });

  it('keep amounts and times as the same strings, the sequence as a number, nulls as NULL and metadata as its JSON text', () => {
    const entry = entryOf('CREDIT', { idempotencyKey: null, counterparty: null });
    const item = entryAttributes(entry);
    expect(item).toMatchObject({
      amount: { S: '10.50' },
      balanceAfter: { S: '999999999999999988.50' },
      sequence: { N: '12' },
      idempotencyKey: { NULL: true },
      counterparty: { NULL: true },
      metadata: { S: JSON.stringify(entry.metadata) },
    });
    const bare = { ...entry, metadata: null };
    expect(entryAttributes(bare).metadata).toEqual({ NULL: true });
    expect(read(entryAttributes(bare))).toStrictEqual(bare);
  });

  it('store a field only on the types that carry it, and read it only on those', () => {
    const stray = entryOf('CREDIT', { holdId: 'h-1' });
    expect(entryAttributes(stray).holdId).toBeUndefined();
    const item = { ...entryAttributes(entryOf('CREDIT')), holdId: { S: 'h-1' } };
    expect(read(item)).not.toHaveProperty('holdId');
    const reversal = entryOf('REVERSAL_DEBIT', { reverses: 'tx-9', reason: null });
    expect(entryAttributes(reversal)).toMatchObject({
      reverses: { S: 'tx-9' },
      reason: { NULL: true },
    });
  });

  it('ignore attributes that are not entry fields (a table keys and a TTL)', () => {
    const entry = entryOf('DEBIT');
    const item = {
      pk: { S: 'W#x' },
      expire_timestamp: { N: '1896134400' },
      ...entryAttributes(entry),
    };
    expect(read(item)).toStrictEqual(entry);
  });

  it('name the item and the attribute when one is missing', () => {
    const { amount: _, ...item } = entryAttributes(entryOf('CREDIT'));
    expect(() => entryFromAttributes(new ItemReader(item, 'history item p1/3'))).toThrow(
      new TypeError('history item p1/3 has no string attribute amount'),
    );
  });
});
