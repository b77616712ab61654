import { MAX_INTEGER_DIGITS } from '@wallet/core';
import type { IonJson, IonNumber } from './types.js';

/**
 * A sample document's balance in minor units of the target currency, and whether it had to be
 * rounded to get there.
 *
 * @example
 * const converted: ConvertedBalance = { units: 30n, exact: false, text: '0.30000000000000004' };
 */
export interface ConvertedBalance {
  /** The balance in minor units, rounded half to even at the currency's scale. */
  readonly units: bigint;
  /** False when the Ion value had digits beyond the scale (a float's binary error, a cent's fraction). */
  readonly exact: boolean;
  /** The value as the export held it (Ion text), for the report. */
  readonly text: string;
}

const NUMBER_TEXT = /^([+-]?)(\d+)(?:\.(\d*))?(?:[eEdD]([+-]?\d+))?$/;

function isIonNumber(value: IonJson): value is IonNumber {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    (value.$ion === 'int' || value.$ion === 'decimal' || value.$ion === 'float')
  );
}

/**
 * Why a balance cannot be imported: `NOT_A_NUMBER` (absent, not a number, `nan`, infinite) or
 * `INVALID_AMOUNT` (more than the 18 integer digits every store holds exactly).
 *
 * @example
 * const refusal: BalanceRefusal = { code: 'NOT_A_NUMBER', reason: 'balance +inf is not a finite number' };
 */
export interface BalanceRefusal {
  /** `NOT_A_NUMBER` or `INVALID_AMOUNT`. */
  readonly code: 'NOT_A_NUMBER' | 'INVALID_AMOUNT';
  /** One sentence naming the value. */
  readonly reason: string;
}

/** The value's text for a reason, cut short: an export can hold a number a megabyte long. */
function shown(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}...` : text;
}

/**
 * Converts a sample document's `balance` (an Ion int, decimal or float, as exact text) to minor
 * units of `scale`, rounding half to even: a float such as `0.30000000000000004` holds the
 * binary error of the sample's Python arithmetic, and the nearest cent is what the player saw;
 * rounding always down would turn `0.29999999999999998` into `0.29`. Work is bounded by the
 * text's length whatever its exponent (`1d2000000000` is refused, `1d-2000000000` is 0).
 *
 * @example
 * convertBalance({ $ion: 'float', text: '0.30000000000000004' }, 2); // { units: 30n, exact: false, text: '0.30000000000000004' }
 * convertBalance({ $ion: 'decimal', text: '1.5d2' }, 0);            // { units: 150n, exact: true, text: '1.5d2' }
 * convertBalance({ $ion: 'float', text: '+inf' }, 2);               // { code: 'NOT_A_NUMBER', reason: 'balance +inf is not a finite number' }
 */
export function convertBalance(
  value: IonJson | undefined,
  scale: number,
): ConvertedBalance | BalanceRefusal {
  if (value === undefined) return { code: 'NOT_A_NUMBER', reason: 'the document has no balance' };
  if (!isIonNumber(value)) {
    return {
      code: 'NOT_A_NUMBER',
      reason: `balance ${shown(JSON.stringify(value))} is not a number`,
    };
  }
  const match = NUMBER_TEXT.exec(value.text);
  if (!match) {
    return { code: 'NOT_A_NUMBER', reason: `balance ${shown(value.text)} is not a finite number` };
  }
  const [, sign, whole, fraction = '', exponentText = '0'] = match;
  const significant = `${whole}${fraction}`.replace(/^0+/, '');
  const exponent = Number(exponentText) - fraction.length;
  // The value is significant * 10^exponent: its integer digits are known before any power.
  if (significant.length + exponent > MAX_INTEGER_DIGITS) {
    return {
      code: 'INVALID_AMOUNT',
      reason: `balance ${shown(value.text)} has more than ${MAX_INTEGER_DIGITS} integer digits`,
    };
  }
  const digits = BigInt(significant || '0');
  // In minor units (10^-scale) the value is digits * 10^shift.
  const shift = exponent + scale;
  let units: bigint;
  let exact = true;
  if (shift >= 0) {
    units = digits * 10n ** BigInt(shift);
  } else if (-shift > significant.length + 1) {
    // Below half a minor unit: rounds to 0 without computing a power the size of the exponent.
    units = 0n;
    exact = digits === 0n;
  } else {
    const divisor = 10n ** BigInt(-shift);
    units = digits / divisor;
    const remainder = digits % divisor;
    exact = remainder === 0n;
    const twice = remainder * 2n;
    if (twice > divisor || (twice === divisor && units % 2n === 1n)) units += 1n;
  }
  return { units: sign === '-' ? -units : units, exact, text: value.text };
}
