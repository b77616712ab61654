import { createHash } from 'node:crypto';
import { canonicalJson, GENESIS_HASH, hashEntry, type JournalEntry } from '@wallet/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

describe('canonicalJson (RFC 8785)', () => {
  it('sorts members by UTF-16 code units and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], '': 0 })).toBe(
      '{"":0,"a":[true,null,"x"],"b":1}',
    );
    // RFC 8785 section 3.2.3's example: sorting by UTF-16 code units, not code points.
    const names = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew',
      '1': 'One',
      '\u{1f600}': 'Emoji',
      '\u0080': 'Control',
      '\u00f6': 'Latin',
    };
    const order = [...canonicalJson(names).matchAll(/:"([^"]+)"/g)].map((m) => m[1]);
    expect(order).toEqual([
      'Carriage Return',
      'One',
      'Control',
      'Latin',
      'Euro Sign',
      'Emoji',
      'Hebrew',
    ]);
  });

  it('writes numbers as ECMAScript does, as RFC 8785 requires', () => {
    expect(canonicalJson([1e21, 1e-7, 0.1, -0, 100, 333333333.3333333])).toBe(
      '[1e+21,1e-7,0.1,0,100,333333333.3333333]',
    );
  });

  it('leaves out undefined members and refuses values JSON cannot hold', () => {
    expect(canonicalJson({ a: undefined, b: 2 })).toBe('{"b":2}');
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ a: 1n })).toThrow(TypeError);
  });

  it('parses back to the same value for any JSON value, independent of member order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
    );
  });
});

describe('hashEntry', () => {
  const entry: Omit<JournalEntry, 'hash'> = {
    transactionId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
    accountId: 'player-1',
    sequence: 1,
    type: 'CREDIT',
    currency: 'GOLD',
    amount: '10.50',
    balanceBefore: '0.00',
    balanceAfter: '10.50',
    txTime: '2026-01-01T00:00:00.000Z',
    idempotencyKey: null,
    counterparty: null,
    metadata: { source: 'shop' },
    prevHash: GENESIS_HASH,
  };

  it('is the SHA-256 of the canonical JSON of the entry without its hash', () => {
    const canonical =
      '{"accountId":"player-1","amount":"10.50","balanceAfter":"10.50","balanceBefore":"0.00",' +
      '"counterparty":null,"currency":"GOLD","idempotencyKey":null,"metadata":{"source":"shop"},' +
      `"prevHash":"${GENESIS_HASH}","sequence":1,` +
      '"transactionId":"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b","txTime":"2026-01-01T00:00:00.000Z","type":"CREDIT"}';
    expect(canonicalJson(entry)).toBe(canonical);
    const expected = createHash('sha256').update(canonical, 'utf8').digest('hex');
    expect(hashEntry(entry)).toBe(expected);
    expect(hashEntry({ ...entry, hash: 'ignored' })).toBe(expected);
  });

  it('hashes only the journal entry fields, so a history item with expire_timestamp hashes as its entry', () => {
    expect(hashEntry({ ...entry, expire_timestamp: 1 } as typeof entry)).toBe(hashEntry(entry));
  });

  it('changes when any field changes', () => {
    const base = hashEntry(entry);
    expect(hashEntry({ ...entry, amount: '10.5' })).not.toBe(base);
    expect(hashEntry({ ...entry, metadata: { source: 'shop ' } })).not.toBe(base);
    expect(hashEntry({ ...entry, sequence: 2 })).not.toBe(base);
  });
});

describe('hashEntry fast path', () => {
  it('hashes exactly the canonicalJson text of the entry for any field values', async () => {
    const { createHash } = await import('node:crypto');
    const text = fc.string({ unit: 'binary' });
    const entries = fc.record({
      transactionId: text,
      accountId: text,
      sequence: fc.integer({ min: 1 }),
      type: fc.constantFrom(
        'CREDIT',
        'DEBIT',
        'TRANSFER_IN',
        'TRANSFER_OUT',
        'EXCHANGE_IN',
        'EXCHANGE_OUT' as const,
      ),
      currency: text,
      amount: text,
      balanceBefore: text,
      balanceAfter: text,
      txTime: text,
      idempotencyKey: fc.option(text, { nil: null }),
      counterparty: fc.option(text, { nil: null }),
      metadata: fc.option(fc.dictionary(text, fc.jsonValue()), { nil: null }),
      prevHash: text,
      holdId: fc.option(text, { nil: undefined }),
      reason: fc.option(fc.option(text, { nil: null }), { nil: undefined }),
      reverses: fc.option(text, { nil: undefined }),
    });
    fc.assert(
      fc.property(entries, (entry) => {
        const expected = createHash('sha256').update(canonicalJson(entry), 'utf8').digest('hex');
        expect(hashEntry(entry as Omit<JournalEntry, 'hash'>)).toBe(expected);
      }),
    );
  });
});

describe('hashEntry of the entry types with fields of their own', () => {
  const base: Omit<JournalEntry, 'hash'> = {
    transactionId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
    accountId: 'player-1',
    sequence: 3,
    type: 'REVERSAL_DEBIT',
    currency: 'GOLD',
    amount: '10.50',
    balanceBefore: '10.50',
    balanceAfter: '0.00',
    txTime: '2026-01-01T00:00:00.000Z',
    idempotencyKey: null,
    counterparty: null,
    metadata: null,
    prevHash: GENESIS_HASH,
  };

  it('covers reverses and reason on a reversal, holdId on a hold entry, in JCS order', () => {
    const reversal = {
      ...base,
      reverses: '0190a1b2-0000-7000-8000-000000000001',
      reason: 'refund',
    };
    const text = canonicalJson(reversal);
    expect(text).toContain(
      `"prevHash":"${GENESIS_HASH}","reason":"refund","reverses":"0190a1b2-0000-7000-8000-000000000001","sequence":3`,
    );
    expect(hashEntry(reversal)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
    expect(hashEntry({ ...reversal, reason: null })).not.toBe(hashEntry(reversal));
    const hold = { ...base, type: 'HOLD' as const, balanceAfter: '10.50', holdId: 'h-1' };
    expect(canonicalJson(hold)).toContain('"currency":"GOLD","holdId":"h-1","idempotencyKey":null');
    expect(hashEntry(hold)).toBe(
      createHash('sha256').update(canonicalJson(hold), 'utf8').digest('hex'),
    );
  });

  it('hashes an entry without those fields exactly as before: no key, not even an undefined one', () => {
    const credit = { ...base, type: 'CREDIT' as const };
    expect(hashEntry({ ...credit, holdId: undefined, reverses: undefined })).toBe(
      hashEntry(credit),
    );
    expect(hashEntry({ ...credit, expire_timestamp: 7 } as typeof credit)).toBe(hashEntry(credit));
  });
});
