import type { JsonValue } from '@wallet/core';

/**
 * The parts of an Ion timestamp, as precise as the value was written.
 *
 * @example
 * const parts: IonTimestampParts = { year: 2019, month: 12, day: 11, hour: 7, minute: 20, second: 51, fraction: '245', offsetMinutes: 0 };
 */
export interface IonTimestampParts {
  year: number;
  month?: number;
  day?: number;
  hour?: number;
  minute?: number;
  second?: number;
  /** The fractional-second digits exactly as written (`"245"`, `"5"`, `"000"`); absent when none. */
  fraction?: string;
  /** Minutes east of UTC; null for Ion's unknown offset (`-00:00`), which is UTC. */
  offsetMinutes: number | null;
}

/**
 * Renders an Ion decimal as an exact decimal string that keeps its exponent's fraction digits:
 * `500d-2` and `5.00` are `"5.00"`, `5d0` is `"5"`, `5d2` is `"500"`. Negative zero keeps its
 * sign (`"-0.00"`): Ion distinguishes it, and this rule is exact rather than numeric.
 *
 * @param digits - the coefficient's magnitude in decimal digits, without sign
 * @example
 * decimalText(false, '500', -2); // "5.00"
 */
export function decimalText(negative: boolean, digits: string, exponent: number): string {
  const sign = negative ? '-' : '';
  if (exponent >= 0) return digits === '0' ? `${sign}0` : sign + digits + '0'.repeat(exponent);
  const scale = -exponent;
  const padded = digits.length > scale ? digits : digits.padStart(scale + 1, '0');
  const cut = padded.length - scale;
  return `${sign}${padded.slice(0, cut)}.${padded.slice(cut)}`;
}

/**
 * Renders an Ion int: a JSON number when it is a safe integer, else its decimal digits as a
 * string, so no int ever loses a digit.
 *
 * @example
 * intJson(12n);          // 12
 * intJson(2n ** 64n);    // "18446744073709551616"
 */
export function intJson(value: bigint | number): number | string {
  if (typeof value === 'number') return value;
  return value >= -9007199254740991n && value <= 9007199254740991n
    ? Number(value)
    : value.toString();
}

/**
 * Renders an Ion float: a JSON number, or for the values JSON cannot hold their Ion spellings
 * `"nan"`, `"+inf"`, `"-inf"`.
 *
 * @example
 * floatJson(1.5);        // 1.5
 * floatJson(Infinity);   // "+inf"
 */
export function floatJson(value: number): JsonValue {
  if (Number.isFinite(value)) return value;
  if (Number.isNaN(value)) return 'nan';
  return value > 0 ? '+inf' : '-inf';
}

/**
 * Renders an Ion timestamp as ISO 8601 at the precision it was written with. A date without a
 * time stays a date (`1963-08-19T` is `"1963-08-19"`, `2019-12T` is `"2019-12"`); a timestamp
 * with a time is moved to UTC and written with `Z`, keeping exactly the fractional-second digits
 * it had (`07:20:51.245Z`, `07:20Z`), so string order is time order within one precision.
 *
 * @example
 * timestampIso({ year: 2007, month: 2, day: 23, hour: 12, minute: 14, second: 33, fraction: '079', offsetMinutes: -480 });
 * // "2007-02-23T20:14:33.079Z"
 */
export function timestampIso(parts: IonTimestampParts): string {
  const { month, day, hour, minute } = parts;
  if (month === undefined) return pad4(parts.year);
  if (day === undefined) return `${pad4(parts.year)}-${pad2(month)}`;
  if (hour === undefined || minute === undefined) {
    return `${pad4(parts.year)}-${pad2(month)}-${pad2(day)}`;
  }
  let date = `${pad4(parts.year)}-${pad2(month)}-${pad2(day)}T${pad2(hour)}:${pad2(minute)}`;
  if (parts.offsetMinutes)
    date = shiftToUtc(parts.year, month, day, hour, minute - parts.offsetMinutes);
  if (parts.second === undefined) return `${date}Z`;
  const fraction = parts.fraction ? `.${parts.fraction}` : '';
  return `${date}:${pad2(parts.second)}${fraction}Z`;
}

/** `YYYY-MM-DDThh:mm` in UTC of a local minute, through `Date` for the calendar arithmetic. */
function shiftToUtc(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
): string {
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0..99 to 1900..1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, 0, 0);
  return `${pad4(date.getUTCFullYear())}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())}T${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}`;
}

function pad2(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

function pad4(value: number): string {
  return String(value).padStart(4, '0');
}
