import { type Decimal, type dom, IonTypes } from 'ion-js';
import { toBase64 } from './hashing.js';
import type { IonJson } from './types.js';

function floatText(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Number.POSITIVE_INFINITY) return '+inf';
  if (value === Number.NEGATIVE_INFINITY) return '-inf';
  if (Object.is(value, -0)) return '-0e0';
  return String(value);
}

/** A decimal's Ion text: ion-js's, except a positive exponent is written `1d2`, not `1E+2`. */
function decimalText(value: Decimal): string {
  const exponent = value.getExponent();
  if (exponent <= 0) return value.toString();
  return `${value.isNegative() ? '-' : ''}${value.getCoefficient().toString().replace('-', '')}d${exponent}`;
}

/**
 * An Ion value as a JSON-safe value that loses no number: ints, decimals and floats become
 * `{ $ion, text }` with their exact text, timestamps their Ion text, blobs base64.
 *
 * @example
 * ionToJson(dom.load('{ balance: 10.50 }')!); // { balance: { $ion: 'decimal', text: '10.50' } }
 */
export function ionToJson(value: dom.Value): IonJson {
  if (value.isNull()) return null;
  const type = value.getType();
  if (type === IonTypes.BOOL) return value.booleanValue()!;
  if (type === IonTypes.STRING || type === IonTypes.SYMBOL) return value.stringValue()!;
  if (type === IonTypes.INT) return { $ion: 'int', text: value.bigIntValue()!.toString() };
  if (type === IonTypes.DECIMAL)
    return { $ion: 'decimal', text: decimalText(value.decimalValue()!) };
  if (type === IonTypes.FLOAT) return { $ion: 'float', text: floatText(value.numberValue()!) };
  if (type === IonTypes.TIMESTAMP)
    return { $ion: 'timestamp', text: value.timestampValue()!.toString() };
  if (type === IonTypes.BLOB || type === IonTypes.CLOB) {
    return {
      $ion: type === IonTypes.BLOB ? 'blob' : 'clob',
      base64: toBase64(value.uInt8ArrayValue()!),
    };
  }
  if (type === IonTypes.LIST || type === IonTypes.SEXP) return value.elements().map(ionToJson);
  // fromEntries defines properties, so a field named __proto__ stays data.
  return Object.fromEntries(value.fields().map(([name, field]) => [name, ionToJson(field)]));
}
