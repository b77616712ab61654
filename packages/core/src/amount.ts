import { InvalidAmountError } from './errors.js';

/** The most integer digits an amount or balance may have: 18, so every store holds it exactly. */
export const MAX_INTEGER_DIGITS = 18;

const AMOUNT_PATTERN = /^(0|[1-9][0-9]{0,17})(?:\.([0-9]+))?$/;
const SIGNED_DECIMAL_PATTERN = /^(-?)([0-9]+)(?:\.([0-9]+))?$/;
const POWERS_OF_TEN: bigint[] = Array.from({ length: 37 }, (_, i) => 10n ** BigInt(i));

/** `10 ** exponent` as a bigint, cached for the exponents amounts use. */
export function powerOfTen(exponent: number): bigint {
  return POWERS_OF_TEN[exponent] ?? 10n ** BigInt(exponent);
}

/** The largest magnitude, in minor units of `scale`, that fits {@link MAX_INTEGER_DIGITS}. */
export function maxUnits(scale: number): bigint {
  return powerOfTen(MAX_INTEGER_DIGITS + scale) - 1n;
}

/**
 * Parses a request amount into minor units of `scale` (`"10.5"` at scale 2 is `1050n`).
 * Accepts a plain decimal string, or a JSON number whose `String(n)` is one (DESIGN section 3):
 * the shortest decimal that reads back as that double, so `0.1` is 0.1 and `2 ** 53 + 2` is
 * 9007199254740994. Rejects zero, negatives, exponents, whitespace, more fraction digits than
 * `scale` (never rounds) and more than 18 integer digits.
 *
 * @param field - the request field named in the error, e.g. `from.amount`
 * @throws {InvalidAmountError} for anything else
 * @example
 * parseAmount('10.50', 2); // 1050n
 * parseAmount(7, 0);       // 7n
 */
export function parseAmount(value: unknown, scale: number, field = 'amount'): bigint {
  const text = amountText(value, field);
  const match = AMOUNT_PATTERN.exec(text);
  if (!match) {
    throw new InvalidAmountError(
      field,
      'must be a plain decimal string like "10.50" with at most 18 integer digits',
    );
  }
  const fraction = match[2] ?? '';
  if (fraction.length > scale) {
    throw new InvalidAmountError(field, `has more than ${scale} fraction digits`);
  }
  const units = BigInt(match[1] + fraction.padEnd(scale, '0'));
  if (units === 0n) throw new InvalidAmountError(field, 'must be greater than 0');
  return units;
}

function amountText(value: unknown, field: string): string {
  if (typeof value === 'string') return value;
  // `NaN`, `Infinity` and exponents (`1e+21`, `1e-7`) print as no plain decimal: the pattern
  // refuses them. Whether the number is the one its caller wrote is the caller's to know (over
  // HTTP, the body check compares it with the text sent).
  if (typeof value === 'number') return String(value);
  throw new InvalidAmountError(field, 'must be a decimal string');
}

/**
 * Renders minor units with exactly `scale` fraction digits (`1050n` at scale 2 is `"10.50"`).
 *
 * @example
 * renderAmount(-5n, 2); // "-0.05"
 */
export function renderAmount(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString();
  const sign = negative ? '-' : '';
  if (scale === 0) return sign + digits;
  const padded = digits.padStart(scale + 1, '0');
  const cut = padded.length - scale;
  return `${sign}${padded.slice(0, cut)}.${padded.slice(cut)}`;
}

/**
 * Parses a stored or configured signed decimal into minor units of `scale`.
 * Extra fraction digits are allowed only when they are zeros (a `numeric` column may pad).
 * Returns `undefined` for anything that is not an exact decimal at `scale`.
 *
 * @example
 * decimalToUnits('-1.50', 2);  // -150n
 * decimalToUnits('1.500', 2);  // 150n
 * decimalToUnits('1.505', 2);  // undefined
 */
export function decimalToUnits(text: string, scale: number): bigint | undefined {
  const match = SIGNED_DECIMAL_PATTERN.exec(text);
  if (!match) return undefined;
  const fraction = match[3] ?? '';
  if (fraction.length > scale && /[^0]/.test(fraction.slice(scale))) return undefined;
  const units = BigInt(match[2] + fraction.slice(0, scale).padEnd(scale, '0'));
  return match[1] === '-' ? -units : units;
}
