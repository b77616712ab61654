import { decimalToUnits, maxUnits, renderAmount } from './amount.js';
import { UnknownCurrencyError, ValidationError } from './errors.js';

/**
 * A currency the service accepts.
 *
 * @example
 * const gold: CurrencyConfig = { code: 'GOLD', scale: 2, minBalance: '-100' }; // 100 GOLD overdraft
 */
export interface CurrencyConfig {
  /** `^[A-Z][A-Z0-9_]{1,15}$`, e.g. `GEMS`. */
  code: string;
  /** Fraction digits, 0..18: `GEMS` is 0, `GOLD` with cents is 2. */
  scale: number;
  /** The lowest balance a debit may leave, as a decimal string. Default `"0"`; negative allows overdraft. */
  minBalance?: string;
  /** The highest balance a credit may leave. Default: 18 integer digits. */
  maxBalance?: string;
  /**
   * Whether a reversal (a refund clawed back after the player spent it) may take the balance
   * below `minBalance`, leaving a debt the player repays before spending again. Default false:
   * such a reversal is `INSUFFICIENT_FUNDS`.
   */
  reversalOverdraft?: boolean;
}

/**
 * A validated currency with its bounds in minor units.
 *
 * @example
 * const gold = wallets.currencies.get('GOLD');
 * gold.render(gold.maxUnits); // '999999999999999999.99' at scale 2 without a maxBalance
 */
export interface Currency {
  /** The currency code, e.g. `GEMS`. */
  readonly code: string;
  /** Fraction digits, 0..18. */
  readonly scale: number;
  /** The lowest balance a debit may leave (`minBalance`), in minor units. */
  readonly minUnits: bigint;
  /** The highest balance a credit may leave (`maxBalance`), in minor units. */
  readonly maxUnits: bigint;
  /** See {@link CurrencyConfig.reversalOverdraft}. */
  readonly reversalOverdraft: boolean;
  /** Renders minor units of this currency, e.g. `1050n` as `"10.50"`. */
  render(units: bigint): string;
}

const CODE_PATTERN = /^[A-Z][A-Z0-9_]{1,15}$/;

/**
 * The configured currencies of one service, looked up by code.
 *
 * @example
 * const currencies = new CurrencyRegistry([{ code: 'GEMS', scale: 0 }]);
 * currencies.get('GEMS').render(5n); // "5"
 */
export class CurrencyRegistry {
  readonly #byCode = new Map<string, Currency>();
  /** In configuration order. */
  readonly codes: readonly string[];

  constructor(configs: readonly CurrencyConfig[]) {
    if (configs.length === 0) throw new ValidationError('at least one currency must be configured');
    for (const config of configs) {
      if (this.#byCode.has(config.code)) {
        throw new ValidationError(`currency ${config.code} is configured twice`);
      }
      this.#byCode.set(config.code, resolveCurrency(config));
    }
    this.codes = [...this.#byCode.keys()];
  }

  /**
   * The currency for `code`.
   *
   * @throws {UnknownCurrencyError} when it is not configured
   */
  get(code: unknown): Currency {
    const currency = typeof code === 'string' ? this.#byCode.get(code) : undefined;
    if (!currency) throw UnknownCurrencyError.of(code);
    return currency;
  }

  /** True when `code` is configured. */
  has(code: string): boolean {
    return this.#byCode.has(code);
  }
}

function resolveCurrency(config: CurrencyConfig): Currency {
  const { code, scale } = config;
  if (typeof code !== 'string' || !CODE_PATTERN.test(code)) {
    throw new ValidationError(`currency code ${JSON.stringify(code)} must match ${CODE_PATTERN}`);
  }
  if (!Number.isInteger(scale) || scale < 0 || scale > 18) {
    throw new ValidationError(`currency ${code}: scale must be an integer from 0 to 18`);
  }
  const ceiling = maxUnits(scale);
  const minUnits = bound(code, 'minBalance', config.minBalance ?? '0', scale, ceiling);
  const maxUnitsValue = bound(code, 'maxBalance', config.maxBalance, scale, ceiling) ?? ceiling;
  if (minUnits === undefined || minUnits > maxUnitsValue) {
    throw new ValidationError(`currency ${code}: minBalance must not exceed maxBalance`);
  }
  const reversalOverdraft = config.reversalOverdraft ?? false;
  if (typeof reversalOverdraft !== 'boolean') {
    throw new ValidationError(`currency ${code}: reversalOverdraft must be a boolean`);
  }
  return {
    code,
    scale,
    minUnits,
    maxUnits: maxUnitsValue,
    reversalOverdraft,
    render: (units) => renderAmount(units, scale),
  };
}

function bound(
  code: string,
  field: string,
  value: string | undefined,
  scale: number,
  ceiling: bigint,
): bigint | undefined {
  if (value === undefined) return undefined;
  const units = typeof value === 'string' ? decimalToUnits(value, scale) : undefined;
  if (units === undefined || units > ceiling || units < -ceiling) {
    throw new ValidationError(
      `currency ${code}: ${field} must be a decimal string with at most ${scale} fraction digits and 18 integer digits`,
    );
  }
  return units;
}
