import type { JsonValue } from '@wallet/core';
import { IonTypes, makeReader, type Reader } from 'ion-js';
import { IonDecodeError } from './errors.js';
import { decimalText, floatJson, intJson, timestampIso } from './ion-json-rules.js';

const MAX_DEPTH = 100;
// ion-js writes timestamps in Ion text form; its parts are read back from that.
const ION_TIMESTAMP =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2}))?)?)?T?$/;

/**
 * Decodes Ion text to JSON values by the same rules as the binary decoder (DESIGN section 6),
 * one per top-level value, by walking the ion-js reader. Text is not what QLDB streams send, so
 * this path favours reuse of ion-js's parser over speed.
 *
 * @throws {IonDecodeError} when the text is not well-formed Ion
 * @example
 * decodeIonText('{ amount: 5.00, at: 2019-12-11T07:20:51.245Z }');
 * // [{ amount: "5.00", at: "2019-12-11T07:20:51.245Z" }]
 */
export function decodeIonText(text: string): JsonValue[] {
  try {
    const reader = makeReader(text);
    const values: JsonValue[] = [];
    while (reader.next() !== null) values.push(readValue(reader, 0));
    return values;
  } catch (error) {
    if (error instanceof IonDecodeError) throw error;
    throw new IonDecodeError(`malformed Ion text: ${(error as Error).message}`, { cause: error });
  }
}

function readValue(reader: Reader, depth: number): JsonValue {
  if (reader.isNull()) return null;
  switch (reader.type()) {
    case IonTypes.BOOL:
      return reader.booleanValue();
    case IonTypes.INT:
      return intJson(reader.bigIntValue()!);
    case IonTypes.FLOAT:
      return floatJson(reader.numberValue()!);
    case IonTypes.DECIMAL: {
      const decimal = reader.decimalValue()!;
      const coefficient = decimal.getCoefficient();
      const digits = (coefficient < 0n ? -coefficient : coefficient).toString();
      return decimalText(decimal.isNegative(), digits, decimal.getExponent());
    }
    case IonTypes.TIMESTAMP:
      return timestampText(reader.timestampValue()!.toString());
    case IonTypes.SYMBOL:
    case IonTypes.STRING:
      return reader.stringValue();
    case IonTypes.CLOB:
    case IonTypes.BLOB:
      return Buffer.from(reader.uInt8ArrayValue()!).toString('base64');
    case IonTypes.LIST:
    case IonTypes.SEXP:
      return readList(reader, depth);
    case IonTypes.STRUCT:
      return readStruct(reader, depth);
    default:
      throw new IonDecodeError(`unexpected Ion type ${reader.type()?.name}`);
  }
}

function readList(reader: Reader, depth: number): JsonValue[] {
  if (depth >= MAX_DEPTH) throw new IonDecodeError(`nesting deeper than ${MAX_DEPTH}`);
  const items: JsonValue[] = [];
  reader.stepIn();
  while (reader.next() !== null) items.push(readValue(reader, depth + 1));
  reader.stepOut();
  return items;
}

function readStruct(reader: Reader, depth: number): { [key: string]: JsonValue } {
  if (depth >= MAX_DEPTH) throw new IonDecodeError(`nesting deeper than ${MAX_DEPTH}`);
  const object: { [key: string]: JsonValue } = {};
  reader.stepIn();
  while (reader.next() !== null) {
    const key = reader.fieldName();
    if (key === null) throw new IonDecodeError('struct field without a name');
    const member = readValue(reader, depth + 1);
    // As JSON.parse does: `__proto__` is an own member, not the prototype.
    Object.defineProperty(object, key, {
      value: member,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  reader.stepOut();
  return object;
}

function timestampText(text: string): string {
  const match = ION_TIMESTAMP.exec(text);
  if (!match) throw new IonDecodeError(`unreadable timestamp ${text}`);
  const [, year, month, day, hour, minute, second, fraction, offset] = match;
  const number = (part: string | undefined) => (part === undefined ? undefined : Number(part));
  return timestampIso({
    year: Number(year),
    month: number(month),
    day: number(day),
    hour: number(hour),
    minute: number(minute),
    second: number(second),
    fraction,
    offsetMinutes: offsetMinutes(offset),
  });
}

function offsetMinutes(offset: string | undefined): number | null {
  if (offset === undefined || offset === '-00:00') return null;
  if (offset === 'Z') return 0;
  const sign = offset.startsWith('-') ? -1 : 1;
  return sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
}
