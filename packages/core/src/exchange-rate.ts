import { maxUnits, powerOfTen } from './amount.js';
import type { Currency, CurrencyRegistry } from './currency.js';
import { InvalidAmountError, ValidationError } from './errors.js';

/**
 * A configured exchange rate: 1 `from` buys `rate` `to`.
 *
 * @example
 * const rate: ExchangeRateConfig = { from: 'GEMS', to: 'GOLD', rate: '0.125' };
 */
export interface ExchangeRateConfig {
  /** The currency debited. */
  from: string;
  /** The currency credited. */
  to: string;
  /** A positive decimal string, e.g. `"0.125"`; at most 36 digits. */
  rate: string;
}

/** A rate as an exact fraction: `numerator / 10^scale`. */
interface Rate {
  numerator: bigint;
  scale: number;
}

const RATE_PATTERN = /^(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;
const MAX_RATE_DIGITS = 36;

/**
 * The configured exchange rates of one service. Conversion is exact bigint arithmetic on minor
 * units, rounded down to the target currency's scale, never in the caller's favour.
 *
 * @example
 * const rates = new ExchangeRates([{ from: 'GEMS', to: 'GOLD', rate: '0.125' }], currencies);
 * rates.convert(currencies.get('GEMS'), currencies.get('GOLD'), 3n); // 37n: 0.375 GOLD rounds down to 0.37
 */
export class ExchangeRates {
  readonly #rates = new Map<string, Rate>();

  /** @throws {ValidationError} for an unknown currency, a malformed rate or a repeated pair */
  constructor(configs: readonly ExchangeRateConfig[], currencies: CurrencyRegistry) {
    if (!Array.isArray(configs)) throw new ValidationError('exchangeRates must be an array');
    for (const config of configs) {
      const { from, to, rate } = config ?? {};
      const where = `exchange rate ${JSON.stringify(from)} -> ${JSON.stringify(to)}`;
      if (typeof from !== 'string' || !currencies.has(from)) {
        throw new ValidationError(`${where}: from must be a configured currency`);
      }
      if (typeof to !== 'string' || !currencies.has(to) || to === from) {
        throw new ValidationError(`${where}: to must be another configured currency`);
      }
      const pair = pairKey(from, to);
      if (this.#rates.has(pair)) throw new ValidationError(`${where} is configured twice`);
      this.#rates.set(pair, parseRate(rate, where));
    }
  }

  /** True when a rate is configured from `from` to `to`. */
  has(from: string, to: string): boolean {
    return this.#rates.has(pairKey(from, to));
  }

  /**
   * `units` of `from` converted to minor units of `to` at the configured rate, rounded down.
   *
   * @throws {ValidationError} when no rate is configured for the pair
   * @throws {InvalidAmountError} (`to.amount`) when the result rounds down to 0 or passes 18
   *   integer digits
   */
  convert(from: Currency, to: Currency, units: bigint): bigint {
    const rate = this.#rates.get(pairKey(from.code, to.code));
    if (!rate) {
      throw new ValidationError(`no exchange rate is configured from ${from.code} to ${to.code}`, {
        field: 'to.currency',
      });
    }
    // to = units / 10^from.scale * numerator / 10^rate.scale, in minor units of `to`:
    // multiply first, divide once; bigint division truncates, which rounds a positive value down.
    const converted =
      (units * rate.numerator * powerOfTen(to.scale)) / powerOfTen(from.scale + rate.scale);
    if (converted === 0n) {
      throw new InvalidAmountError(
        'to.amount',
        `would be 0 ${to.code} at the configured rate (rounded down to ${to.scale} fraction digits)`,
      );
    }
    if (converted > maxUnits(to.scale)) {
      throw new InvalidAmountError('to.amount', 'would have more than 18 integer digits');
    }
    return converted;
  }
}

function pairKey(from: string, to: string): string {
  return `${from}>${to}`;
}

function parseRate(value: unknown, where: string): Rate {
  const match = typeof value === 'string' ? RATE_PATTERN.exec(value) : null;
  const fraction = match?.[2] ?? '';
  const digits = match ? match[1]! + fraction : '';
  if (!match || digits.length > MAX_RATE_DIGITS || /^0*$/.test(digits)) {
    throw new ValidationError(
      `${where}: rate must be a positive decimal string like "0.125" with at most ${MAX_RATE_DIGITS} digits`,
    );
  }
  return { numerator: BigInt(digits), scale: fraction.length };
}
