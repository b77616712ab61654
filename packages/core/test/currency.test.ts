import {
  CurrencyRegistry,
  createMemoryLedger,
  createWalletService,
  UnknownCurrencyError,
  ValidationError,
} from '@wallet/core';
import { describe, expect, it } from 'vitest';

describe('currency configuration', () => {
  it('accepts codes of 2 to 16 capitals, digits and underscores with a scale from 0 to 18', () => {
    const registry = new CurrencyRegistry([
      { code: 'GE', scale: 0 },
      { code: 'GOLD_2026', scale: 18, minBalance: '-0.5', maxBalance: '10' },
    ]);
    expect(registry.codes).toEqual(['GE', 'GOLD_2026']);
    const gold = registry.get('GOLD_2026');
    expect(gold.render(gold.minUnits)).toBe('-0.500000000000000000');
    expect(gold.render(gold.maxUnits)).toBe('10.000000000000000000');
  });

  it('rejects bad codes, scales, bounds and duplicates with VALIDATION_ERROR', () => {
    const bad = [
      [],
      [{ code: 'gems', scale: 0 }],
      [{ code: 'G', scale: 0 }],
      [{ code: 'GEMS_TOO_LONG_CODE', scale: 0 }],
      [{ code: 'GEMS', scale: 19 }],
      [{ code: 'GEMS', scale: 1.5 }],
      [{ code: 'GEMS', scale: 0, minBalance: '0.5' }],
      [{ code: 'GEMS', scale: 0, minBalance: '5', maxBalance: '4' }],
      [{ code: 'GEMS', scale: 0, maxBalance: '1e3' }],
      [{ code: 'GEMS', scale: 0, maxBalance: '1000000000000000000' }],
      [
        { code: 'GEMS', scale: 0 },
        { code: 'GEMS', scale: 2 },
      ],
    ];
    for (const configs of bad) {
      expect(() => new CurrencyRegistry(configs), JSON.stringify(configs)).toThrow(ValidationError);
    }
  });

  it('looks up only configured codes, else UNKNOWN_CURRENCY', () => {
    const registry = new CurrencyRegistry([{ code: 'GEMS', scale: 0 }]);
    expect(() => registry.get('GOLD')).toThrow(UnknownCurrencyError);
    expect(() => registry.get(undefined)).toThrow(UnknownCurrencyError);
  });

  it('names any code it is given in UNKNOWN_CURRENCY, even one that has no text or JSON', () => {
    const registry = new CurrencyRegistry([{ code: 'GEMS', scale: 0 }]);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const named = (code: unknown) => {
      try {
        registry.get(code);
      } catch (error) {
        return error instanceof UnknownCurrencyError ? error.currency : error;
      }
      return 'found';
    };
    expect(named(['GEMS'])).toBe('["GEMS"]');
    expect(named({ toString: null })).toBe('{"toString":null}');
    expect(named(cyclic)).toBe('[object Object]');
    expect(named(10n)).toBe('[object BigInt]');
    expect(named(undefined)).toBe('undefined');
  });

  it('uses the first currency as the default unless defaultCurrency names another', async () => {
    const currencies = [
      { code: 'GEMS', scale: 0 },
      { code: 'GOLD', scale: 2 },
    ];
    const ledger = createMemoryLedger();
    const byFirst = createWalletService({ ledger, currencies });
    const byName = createWalletService({ ledger, currencies, defaultCurrency: 'GOLD' });
    await byFirst.createWallet({ accountId: 'p1' });
    expect((await byFirst.addFunds({ accountId: 'p1', amount: '1' })).currency).toBe('GEMS');
    expect((await byName.addFunds({ accountId: 'p1', amount: '1' })).currency).toBe('GOLD');
    expect(() => createWalletService({ ledger, currencies, defaultCurrency: 'RUBY' })).toThrow(
      UnknownCurrencyError,
    );
  });
});
