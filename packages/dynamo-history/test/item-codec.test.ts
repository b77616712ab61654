import { describe, expect, it } from 'vitest';
import { decodeEntry, encodeEntry } from '../src/index.js';
import { sampleEntry } from './sample-entries.js';

describe('item codec', () => {
  it('decodes an encoded entry to an equal entry', () => {
    const entry = sampleEntry('p1', 7, {
      type: 'TRANSFER_OUT',
      counterparty: 'p2',
      idempotencyKey: 'order-7',
      metadata: { a: [1, { b: null }], c: 'ü' },
    });
    expect(decodeEntry(encodeEntry(entry, 123))).toEqual(entry);
  });

  it('round-trips an entry of each type that carries its own fields exactly, and gives every other type none of them', () => {
    const typed = [
      sampleEntry('p1', 1, { type: 'REVERSAL_CREDIT', reverses: 'tx-9', reason: 'chargeback' }),
      sampleEntry('p1', 2, { type: 'REVERSAL_DEBIT', reverses: 'tx-9', reason: null }),
      sampleEntry('p1', 3, { type: 'HOLD', holdId: 'h-1' }),
      sampleEntry('p1', 4, { type: 'HOLD_CAPTURE', holdId: 'h-1' }),
      sampleEntry('p1', 5, { type: 'HOLD_RELEASE', holdId: 'h-1' }),
    ];
    for (const entry of typed) expect(decodeEntry(encodeEntry(entry))).toStrictEqual(entry);
    expect(encodeEntry(typed[1]!)).toMatchObject({
      reverses: { S: 'tx-9' },
      reason: { NULL: true },
    });
    for (const type of ['CREDIT', 'POSTING_IN', 'POSTING_OUT', 'TRANSFER_OUT'] as const) {
      const entry = sampleEntry('p1', 6, { type });
      const item = encodeEntry(entry);
      expect(item.reason ?? item.holdId ?? item.reverses).toBeUndefined();
      const read = decodeEntry(item);
      expect(read).toStrictEqual(entry);
      expect(Object.keys(read)).toEqual(Object.keys(entry));
    }
  });

  it('stores a type field only on the types that carry it, and reads it only on those', () => {
    const stray = sampleEntry('p1', 7, { type: 'CREDIT', holdId: 'h-1' });
    expect(encodeEntry(stray).holdId).toBeUndefined();
    const item = { ...encodeEntry(sampleEntry('p1', 7)), holdId: { S: 'h-1' } };
    expect('holdId' in decodeEntry(item)).toBe(false);
  });

  it('keys the item by accountId and numeric sequence and puts the expiry in expire_timestamp', () => {
    const item = encodeEntry(sampleEntry('p1', 12), 1_900_000_000);
    expect(item).toMatchObject({
      accountId: { S: 'p1' },
      sequence: { N: '12' },
      expire_timestamp: { N: '1900000000' },
    });
  });

  it('names the item and the attribute when an item is not a history item', () => {
    const item = encodeEntry(sampleEntry('p1', 3));
    delete item.amount;
    expect(() => decodeEntry(item)).toThrow('history item p1/3 has no string attribute amount');
    expect(() =>
      decodeEntry({ ...encodeEntry(sampleEntry('p1', 3)), type: { S: 'GIFT' } }),
    ).toThrow(/unknown entry type "GIFT"/);
    expect(() =>
      decodeEntry({ ...encodeEntry(sampleEntry('p1', 3)), metadata: { S: '[1]' } }),
    ).toThrow(/not a JSON object/);
  });
});
