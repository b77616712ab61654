import { decimalToUnits, InvalidAmountError, parseAmount, renderAmount } from '@wallet/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const scale = fc.integer({ min: 0, max: 18 });

/** A canonical amount string at `scale`: 1 to 18 integer digits, exactly `scale` fraction digits, > 0. */
const amountAt = (s: number) =>
  fc
    .tuple(
      fc.bigInt({ min: 0n, max: 10n ** 18n - 1n }),
      fc.bigInt({ min: 0n, max: 10n ** BigInt(s) - 1n }),
    )
    .filter(([whole, fraction]) => whole > 0n || fraction > 0n)
    .map(([whole, fraction]) =>
      s === 0 ? `${whole}` : `${whole}.${fraction.toString().padStart(s, '0')}`,
    );

describe('amounts', () => {
  it('render(parse(x)) returns x for every canonical amount at every scale', () => {
    fc.assert(
      fc.property(
        scale.chain((s) => fc.tuple(fc.constant(s), amountAt(s))),
        ([s, text]) => {
          expect(renderAmount(parseAmount(text, s), s)).toBe(text);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('parses shorter fractions by padding, never rounding', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 18n - 1n }),
        fc.integer({ min: 1, max: 18 }),
        (whole, s) => {
          expect(parseAmount(`${whole}.5`, s)).toBe(
            whole * 10n ** BigInt(s) + 5n * 10n ** BigInt(s - 1),
          );
        },
      ),
    );
    expect(parseAmount('10.5', 2)).toBe(1050n);
    expect(renderAmount(1050n, 2)).toBe('10.50');
    expect(renderAmount(7n, 0)).toBe('7');
    expect(renderAmount(5n, 3)).toBe('0.005');
    expect(renderAmount(-5n, 2)).toBe('-0.05');
  });

  it('rejects more fraction digits than the scale, even trailing zeros', () => {
    fc.assert(
      fc.property(
        scale.chain((s) => fc.tuple(fc.constant(s), amountAt(s))),
        ([s, text]) => {
          const longer = s === 0 ? `${text}.0` : `${text}0`;
          expect(() => parseAmount(longer, s)).toThrow(InvalidAmountError);
        },
      ),
    );
    expect(() => parseAmount('1.001', 2)).toThrow(/more than 2 fraction digits/);
  });

  it('rejects NaN, Infinity, negatives, zero, exponents, stray characters and 19 integer digits', () => {
    const rejected: unknown[] = [
      'NaN',
      'Infinity',
      '-Infinity',
      '-1',
      '-0.5',
      '0',
      '0.0',
      '00',
      '01',
      '1e3',
      '1E3',
      ' 1',
      '1 ',
      '1.',
      '.5',
      '+1',
      '1_000',
      '1,5',
      '0x1F',
      '١',
      '',
      '1234567890123456789',
      '9999999999999999999.5',
    ];
    for (const value of rejected)
      expect(() => parseAmount(value, 2), String(value)).toThrow(InvalidAmountError);
    fc.assert(
      fc.property(fc.bigInt({ min: 10n ** 18n, max: 10n ** 30n }), (big) => {
        expect(() => parseAmount(big.toString(), 0)).toThrow(InvalidAmountError);
      }),
    );
  });

  it('accepts a JSON number exactly when String(n) is a plain decimal that passes as a string', () => {
    expect(parseAmount(12, 0)).toBe(12n);
    expect(parseAmount(0.25, 2)).toBe(25n);
    expect(parseAmount(0.1, 1)).toBe(1n);
    expect(parseAmount(Number.MAX_SAFE_INTEGER, 0)).toBe(9007199254740991n);
    // Past 2^53 a double is still an integer, and String(n) names it: DESIGN's rule, no cap.
    expect(parseAmount(2 ** 53 + 2, 0)).toBe(9007199254740994n);
    expect(parseAmount(1e16, 2)).toBe(1000000000000000000n);
    expect(parseAmount(999999999999999900, 0)).toBe(999999999999999900n);
    for (const value of [Number.NaN, Infinity, -Infinity, -1, 0, -0, 1e18, 1e21, 1e-7, 1e300]) {
      expect(() => parseAmount(value, 2), String(value)).toThrow(InvalidAmountError);
    }
    // An oracle of its own: the digits String(n) prints, as minor units of scale 18 with BigInt.
    const oracle = (value: number): bigint | undefined => {
      const match = /^(\d{1,18})(?:\.(\d{1,18}))?$/.exec(String(value));
      if (!match) return undefined;
      const units = BigInt(match[1]! + (match[2] ?? '').padEnd(18, '0'));
      return units === 0n ? undefined : units;
    };
    const doubles = fc.oneof(
      fc.double({ min: 1e-9, max: 1, noNaN: true }),
      fc.double({ min: 1, max: 1e21, noNaN: true }),
      fc.bigInt({ min: 2n ** 53n, max: 10n ** 21n }).map(Number),
      fc.double({ min: 1e21, max: Number.MAX_VALUE, noNaN: true }),
    );
    fc.assert(
      fc.property(doubles, (value) => {
        const expected = oracle(value);
        if (expected === undefined)
          expect(() => parseAmount(value, 18)).toThrow(InvalidAmountError);
        else expect(parseAmount(value, 18)).toBe(expected);
      }),
      { numRuns: 2_000 },
    );
  });

  it('rejects booleans, null, undefined, objects, arrays and bigints as INVALID_AMOUNT', () => {
    for (const value of [
      true,
      false,
      null,
      undefined,
      {},
      { amount: '1' },
      ['1'],
      5n,
      Symbol('x'),
    ]) {
      const error = (() => {
        try {
          parseAmount(value, 2, 'from.amount');
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toBeInstanceOf(InvalidAmountError);
      expect(error).toMatchObject({ code: 'INVALID_AMOUNT', field: 'from.amount' });
    }
  });

  it('reads stored signed decimals, allowing only zero padding beyond the scale', () => {
    expect(decimalToUnits('-1.50', 2)).toBe(-150n);
    expect(decimalToUnits('1.500000', 2)).toBe(150n);
    expect(decimalToUnits('1.505', 2)).toBeUndefined();
    expect(decimalToUnits('1e3', 2)).toBeUndefined();
    expect(decimalToUnits('7', 0)).toBe(7n);
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), scale, (units, s) => {
        expect(decimalToUnits(renderAmount(units, s), s)).toBe(units);
      }),
    );
  });
});
