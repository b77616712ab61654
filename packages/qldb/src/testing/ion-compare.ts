import { type Decimal, type dom, IonTypes } from 'ion-js';

/**
 * How the fake compares Ion values in WHERE clauses, as PartiQL does: numbers by value whatever
 * their Ion type or precision (`5` = `5.00`), strings and symbols by text, timestamps by
 * instant; anything involving null or a container is never less, greater or equal.
 */

function numericKey(value: dom.Value): { coefficient: bigint; exponent: number } | undefined {
  const type = value.getType();
  if (type === IonTypes.INT) return { coefficient: value.bigIntValue()!, exponent: 0 };
  if (type === IonTypes.DECIMAL) return normalized(value.decimalValue()!);
  return undefined;
}

function normalized(decimal: Decimal): { coefficient: bigint; exponent: number } {
  let coefficient = decimal.getCoefficient();
  if (decimal.isNegative() && coefficient > 0n) coefficient = -coefficient;
  let exponent = decimal.getExponent();
  if (coefficient === 0n) return { coefficient, exponent: 0 };
  while (coefficient % 10n === 0n) {
    coefficient /= 10n;
    exponent++;
  }
  return { coefficient, exponent };
}

function compareNumbers(
  a: { coefficient: bigint; exponent: number },
  b: { coefficient: bigint; exponent: number },
): number {
  const exponent = Math.min(a.exponent, b.exponent);
  const left = a.coefficient * 10n ** BigInt(a.exponent - exponent);
  const right = b.coefficient * 10n ** BigInt(b.exponent - exponent);
  return left < right ? -1 : left > right ? 1 : 0;
}

function isText(value: dom.Value): boolean {
  const type = value.getType();
  return type === IonTypes.STRING || type === IonTypes.SYMBOL;
}

/**
 * Orders two Ion values, or returns undefined when PartiQL would not compare them.
 *
 * @example
 * compareIon(load('5')!, load('5.00')!); // 0
 */
export function compareIon(a: dom.Value, b: dom.Value): number | undefined {
  if (a.isNull() || b.isNull()) return undefined;
  const left = numericKey(a);
  const right = numericKey(b);
  if (left && right) return compareNumbers(left, right);
  if (isText(a) && isText(b)) {
    const x = a.stringValue()!;
    const y = b.stringValue()!;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (a.getType() === IonTypes.TIMESTAMP && b.getType() === IonTypes.TIMESTAMP) {
    return Math.sign(a.dateValue()!.getTime() - b.dateValue()!.getTime());
  }
  if (a.getType() === IonTypes.BOOL && b.getType() === IonTypes.BOOL) {
    return a.booleanValue() === b.booleanValue() ? 0 : undefined;
  }
  return undefined;
}

/**
 * The key an equality index files a value under, equal exactly when {@link compareIon} says 0;
 * undefined for values an index does not hold (nulls, containers).
 *
 * @example
 * indexKey(load('"p1"')!); // 's:p1'
 */
export function indexKey(value: dom.Value): string | undefined {
  if (value.isNull()) return undefined;
  const number = numericKey(value);
  if (number) return `n:${number.coefficient}e${number.exponent}`;
  if (isText(value)) return `s:${value.stringValue()}`;
  if (value.getType() === IonTypes.TIMESTAMP) return `t:${value.dateValue()!.getTime()}`;
  if (value.getType() === IonTypes.BOOL) return `b:${value.booleanValue()}`;
  return undefined;
}
