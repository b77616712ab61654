import { AMOUNT_DECIMAL } from './journal-columns.js';

const DECIMAL_TEXT = /^(-?)(\d+)(?:\.(\d+))?$/;
const MAX_INTEGER_DIGITS = AMOUNT_DECIMAL.precision - AMOUNT_DECIMAL.scale;

/**
 * The unscaled integer of a decimal string at {@link AMOUNT_DECIMAL}'s scale, computed on the
 * digits alone, so no amount ever passes through a binary float.
 *
 * @throws {RangeError} when the text is not a plain decimal, has more than 18 fraction digits
 *   or more than 20 integer digits
 * @example
 * toUnscaled('10.50'); // 10500000000000000000n
 */
export function toUnscaled(text: string): bigint {
  const match = DECIMAL_TEXT.exec(text);
  const [, sign = '', whole = '', fraction = ''] = match ?? [];
  if (
    !match ||
    fraction.length > AMOUNT_DECIMAL.scale ||
    whole.replace(/^0+(?=\d)/, '').length > MAX_INTEGER_DIGITS
  ) {
    throw new RangeError(
      `${JSON.stringify(text)} is not a decimal(${AMOUNT_DECIMAL.precision},${AMOUNT_DECIMAL.scale})`,
    );
  }
  const digits = BigInt(`${whole}${fraction.padEnd(AMOUNT_DECIMAL.scale, '0')}`);
  return sign === '-' ? -digits : digits;
}

/**
 * How many fraction digits a decimal string carries: the currency's scale, for the amounts
 * of a journal entry.
 *
 * @example
 * fractionDigits('10.50'); // 2
 */
export function fractionDigits(text: string): number {
  const point = text.indexOf('.');
  return point === -1 ? 0 : text.length - point - 1;
}
