import { ACCOUNT_ID_PATTERN } from '@wallet/core';
import { describe, expect, it } from 'vitest';
import { convertBalance, defaultAccountIdRule, type IonJson } from '../src/index.js';

describe('convertBalance', () => {
  it.each([
    [{ $ion: 'int', text: '10' }, 2, 1000n, true],
    [{ $ion: 'int', text: '-3' }, 0, -3n, true],
    [{ $ion: 'decimal', text: '12.50' }, 2, 1250n, true],
    [{ $ion: 'decimal', text: '1.5d2' }, 0, 150n, true],
    [{ $ion: 'decimal', text: '1.500' }, 2, 150n, true],
    [{ $ion: 'float', text: '0.30000000000000004' }, 2, 30n, false],
    [{ $ion: 'float', text: '0.29999999999999998' }, 2, 30n, false],
    [{ $ion: 'float', text: '1e+17' }, 0, 10n ** 17n, true],
    [{ $ion: 'float', text: '1.25e-1' }, 1, 1n, false],
    [{ $ion: 'float', text: '3.5e-1' }, 0, 0n, false],
    [{ $ion: 'decimal', text: '-0.125' }, 2, -12n, false],
    [{ $ion: 'decimal', text: '-0.135' }, 2, -14n, false],
  ] as const)(
    'converts %j at scale %i to %s minor units (exact: %s), half to even',
    (value, scale, units, exact) => {
      expect(convertBalance(value, scale)).toEqual({ units, exact, text: value.text });
    },
  );

  it.each([
    [undefined, 'the document has no balance'],
    ['10', 'balance "10" is not a number'],
    [null, 'balance null is not a number'],
    [{ $ion: 'float', text: '+inf' }, 'balance +inf is not a finite number'],
    [{ $ion: 'float', text: 'nan' }, 'balance nan is not a finite number'],
    [
      { $ion: 'timestamp', text: '2021-01-01T' },
      'balance {"$ion":"timestamp","text":"2021-01-01T"} is not a number',
    ],
  ] as const)('refuses %j as NOT_A_NUMBER with a reason', (value, reason) => {
    expect(convertBalance(value, 2)).toEqual({ code: 'NOT_A_NUMBER', reason });
  });

  it.each([
    ['1000000000000000000', 'int'],
    ['1.5d18', 'decimal'],
    ['-1e+19', 'float'],
    ['1d2000000000', 'decimal'],
  ] as const)('refuses %s (%s), more than 18 integer digits, as INVALID_AMOUNT', (text, type) => {
    expect(convertBalance({ $ion: type, text }, 2)).toEqual({
      code: 'INVALID_AMOUNT',
      reason: `balance ${text} has more than 18 integer digits`,
    });
  });

  it('keeps 18 integer digits, the most every store holds', () => {
    expect(convertBalance({ $ion: 'int', text: '999999999999999999' }, 2)).toMatchObject({
      units: 99999999999999999900n,
      exact: true,
    });
  });
});

describe('defaultAccountIdRule', () => {
  it('keeps an id the SDK accepts as it is', () => {
    expect(defaultAccountIdRule('player-1')).toBe('player-1');
    expect(defaultAccountIdRule('a.b:c@d_e')).toBe('a.b:c@d_e');
  });

  it('gives every other value an id the SDK accepts, the same each time, different for different originals', () => {
    const originals: IonJson[] = [
      'player 1',
      'player_1',
      '',
      ' ',
      '-leading',
      'x'.repeat(200),
      'ünïcödé',
      { $ion: 'int', text: '123' },
      '123 ',
      [{ $ion: 'int', text: '1' }, 'a'],
      { nested: 'struct' },
      true,
    ];
    const ids = originals.map((o) => defaultAccountIdRule(o)!);
    for (const id of ids) expect(ACCOUNT_ID_PATTERN.test(id)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(originals.map((o) => defaultAccountIdRule(o))).toEqual(ids);
    expect(ids[0]).toMatch(/^player_1\.[0-9a-f]{16}$/);
    expect(ids[2]).toMatch(/^qldb\.[0-9a-f]{16}$/);
    expect(ids[4]).toMatch(/^leading\.[0-9a-f]{16}$/);
    expect(ids[5]!.length).toBeLessThanOrEqual(128);
  });
});
