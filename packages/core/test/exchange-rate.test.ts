import {
  CurrencyRegistry,
  createMemoryLedger,
  createWalletService,
  ExchangeRates,
  InvalidAmountError,
  ValidationError,
} from '@wallet/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const currencies = new CurrencyRegistry([
  { code: 'GEMS', scale: 0 },
  { code: 'GOLD', scale: 2 },
  { code: 'DUST', scale: 18 },
]);
const GEMS = currencies.get('GEMS');
const GOLD = currencies.get('GOLD');
const DUST = currencies.get('DUST');

describe('ExchangeRates', () => {
  it('rounds every conversion down to the target scale, never in the caller’s favour', () => {
    const rates = new ExchangeRates([{ from: 'GEMS', to: 'GOLD', rate: '0.125' }], currencies);
    expect(rates.convert(GEMS, GOLD, 1n)).toBe(12n); // 0.125 GOLD is 0.12
    expect(rates.convert(GEMS, GOLD, 3n)).toBe(37n); // 0.375 is 0.37
    expect(rates.convert(GEMS, GOLD, 8n)).toBe(100n); // exactly 1.00
  });

  it('is exact bigint arithmetic: the result is the floor of amount × rate at any scales', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 20n }),
        fc.bigInt({ min: 1n, max: 10n ** 12n }),
        fc.integer({ min: 0, max: 12 }),
        (units, rateDigits, rateScale) => {
          const text = rateDigits.toString().padStart(rateScale + 1, '0');
          const rate =
            rateScale === 0 ? text : `${text.slice(0, -rateScale)}.${text.slice(-rateScale)}`;
          const rates = new ExchangeRates([{ from: 'GOLD', to: 'DUST', rate }], currencies);
          // units GOLD (scale 2) × rateDigits / 10^rateScale, in DUST units (scale 18):
          const numerator = units * rateDigits * 10n ** 18n;
          const denominator = 10n ** BigInt(2 + rateScale);
          const expected = numerator / denominator;
          if (expected === 0n || expected > 10n ** 36n - 1n) {
            expect(() => rates.convert(GOLD, DUST, units)).toThrow(InvalidAmountError);
            return;
          }
          const converted = rates.convert(GOLD, DUST, units);
          expect(converted).toBe(expected);
          expect(converted * denominator).toBeLessThanOrEqual(numerator);
          expect((converted + 1n) * denominator).toBeGreaterThan(numerator);
        },
      ),
    );
  });

  it('refuses a result of 0 with INVALID_AMOUNT and a pair without a rate with VALIDATION_ERROR', () => {
    const rates = new ExchangeRates([{ from: 'GOLD', to: 'GEMS', rate: '7.5' }], currencies);
    expect(() => rates.convert(GOLD, GEMS, 13n)).toThrow(InvalidAmountError); // 0.975 GEMS
    expect(rates.convert(GOLD, GEMS, 14n)).toBe(1n);
    expect(() => rates.convert(GEMS, GOLD, 1n)).toThrow(ValidationError);
  });

  it.each([
    ['an unknown from', [{ from: 'COINS', to: 'GOLD', rate: '1' }]],
    ['an unknown to', [{ from: 'GEMS', to: 'COINS', rate: '1' }]],
    ['a pair within one currency', [{ from: 'GEMS', to: 'GEMS', rate: '1' }]],
    ['a zero rate', [{ from: 'GEMS', to: 'GOLD', rate: '0.000' }]],
    ['a negative rate', [{ from: 'GEMS', to: 'GOLD', rate: '-1' }]],
    ['an exponent', [{ from: 'GEMS', to: 'GOLD', rate: '1e3' }]],
    ['a number', [{ from: 'GEMS', to: 'GOLD', rate: 0.5 }]],
    ['37 digits', [{ from: 'GEMS', to: 'GOLD', rate: `1.${'0'.repeat(36)}` }]],
    [
      'a repeated pair',
      [
        { from: 'GEMS', to: 'GOLD', rate: '1' },
        { from: 'GEMS', to: 'GOLD', rate: '2' },
      ],
    ],
  ])('refuses %s when the service is built', (_name, exchangeRates) => {
    expect(() =>
      createWalletService({
        ledger: createMemoryLedger(),
        currencies: [
          { code: 'GEMS', scale: 0 },
          { code: 'GOLD', scale: 2 },
        ],
        exchangeRates: exchangeRates as never,
      }),
    ).toThrow(ValidationError);
  });
});
