import type { JsonValue } from '@wallet/core';
import { IonDecodeError } from './errors.js';
import {
  decimalText,
  floatJson,
  type IonTimestampParts,
  intJson,
  timestampIso,
} from './ion-json-rules.js';

const SYSTEM_SYMBOLS: readonly (string | null)[] = [
  null,
  '$ion',
  '$ion_1_0',
  '$ion_symbol_table',
  'name',
  'version',
  'imports',
  'symbols',
  'max_id',
  '$ion_shared_symbol_table',
];
const SID_SYMBOL_TABLE = 3;
const SID_IMPORTS = 6;
const SID_SYMBOLS = 7;
const MAX_DEPTH = 100;
const NULL_LENGTH = 15;
const VARIABLE_LENGTH = 14;

// `ignoreBOM`: each string is decoded on its own, and one that starts with U+FEFF (metadata may)
// must keep it, or the entry no longer hashes as the ledger hashed it.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * True when `bytes` start with the Ion binary version marker.
 *
 * @example
 * isIonBinary(ion.dumpBinary(1)); // true
 */
export function isIonBinary(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 4 &&
    bytes[0] === 0xe0 &&
    bytes[1] === 0x01 &&
    bytes[2] === 0x00 &&
    bytes[3] === 0xea
  );
}

/**
 * Decodes an Ion 1.0 binary stream straight to JSON values by section 6 of DESIGN (see
 * `ion-json-rules.ts`), one per top-level user value. Walks the bytes once with no intermediate
 * Ion DOM: this is the hot path of the stream transformer, several times faster than building
 * ion-js values and converting them. Local symbol tables (including appends) are applied;
 * imports of shared tables are not resolvable without a catalog, so a symbol from one is an
 * error. Annotations are dropped.
 *
 * @throws {IonDecodeError} for anything that is not well-formed Ion 1.0 binary
 * @example
 * const [record] = decodeIonBinary(ion.dumpBinary(ion.load('{ a: 5.00 }')));
 * // { a: "5.00" }
 */
export function decodeIonBinary(bytes: Uint8Array): JsonValue[] {
  const buffer = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return new BinaryDecoder(buffer).stream();
}

/**
 * Local symbol tables by their bytes. A stream's records repeat the same few tables (QLDB writes
 * one per record), and reading one is a good part of a record's cost.
 */
const symbolTableCache = new Map<string, (string | null)[]>();
const SYMBOL_TABLE_CACHE_SIZE = 64;
/** The table read last, checked first: comparing bytes is cheaper than hashing a key. */
let lastSymbolTable: { bytes: Buffer; symbols: (string | null)[] } | undefined;

class BinaryDecoder {
  private pos = 0;
  /** The sign of the last Int {@link signedIntDigits} read. */
  private intNegative = false;
  private symbols: (string | null)[] = SYSTEM_SYMBOLS as (string | null)[];
  /**
   * The whole input as latin1, decoded once: an ASCII string is then a cheap slice of it rather
   * than a decoder call per string, which dominated the cost of a record.
   */
  private readonly latin1: string;

  constructor(private readonly bytes: Buffer) {
    this.latin1 = bytes.toString('latin1');
  }

  stream(): JsonValue[] {
    const values: JsonValue[] = [];
    const end = this.bytes.length;
    if (!isIonBinary(this.bytes)) throw new IonDecodeError('not Ion binary: no version marker');
    while (this.pos < end) {
      const descriptor = this.bytes[this.pos]!;
      if (descriptor === 0xe0) {
        this.versionMarker();
        continue;
      }
      if (descriptor >> 4 === 0xe && this.readSymbolTable(descriptor & 0xf, end)) continue;
      const value = this.value(end, 0);
      if (value !== undefined) values.push(value);
    }
    return values;
  }

  private versionMarker(): void {
    if (!isIonBinary(this.bytes.subarray(this.pos, this.pos + 4))) {
      throw new IonDecodeError(`unsupported Ion version marker at byte ${this.pos}`);
    }
    this.pos += 4;
    this.symbols = SYSTEM_SYMBOLS as (string | null)[];
  }

  /** Reads a top-level annotated value if it is a local symbol table; else leaves it unread. */
  private readSymbolTable(lengthCode: number, end: number): boolean {
    if (lengthCode < 3 || lengthCode === NULL_LENGTH) return false;
    const start = this.pos;
    this.pos++;
    const wrapperEnd = this.lengthEnd(lengthCode, end);
    const annotationsEnd = this.lengthEnd(VARIABLE_LENGTH, wrapperEnd);
    const first = this.varUInt(annotationsEnd);
    if (first !== SID_SYMBOL_TABLE || this.bytes[annotationsEnd]! >> 4 !== 0xd) {
      this.pos = start;
      return false;
    }
    // An append depends on the table before it, so only whole replacements are cached.
    const cacheable = this.symbols === SYSTEM_SYMBOLS;
    const last = lastSymbolTable;
    if (
      cacheable &&
      last !== undefined &&
      last.bytes.length === wrapperEnd - start &&
      this.bytes.compare(last.bytes, 0, last.bytes.length, start, wrapperEnd) === 0
    ) {
      this.symbols = last.symbols;
      this.pos = wrapperEnd;
      return true;
    }
    const key = cacheable ? this.latin1.slice(start, wrapperEnd) : undefined;
    const cached = key === undefined ? undefined : symbolTableCache.get(key);
    if (cached) {
      this.symbols = cached;
    } else {
      this.pos = annotationsEnd;
      this.symbolTable(wrapperEnd);
      if (this.pos !== wrapperEnd) throw this.malformed('annotation wrapper length mismatch');
      if (key !== undefined) {
        if (symbolTableCache.size >= SYMBOL_TABLE_CACHE_SIZE) symbolTableCache.clear();
        symbolTableCache.set(key, this.symbols);
      }
    }
    this.pos = wrapperEnd;
    // A copy: the input buffer may be reused by the caller.
    if (cacheable) {
      lastSymbolTable = {
        bytes: Buffer.from(this.bytes.subarray(start, wrapperEnd)),
        symbols: this.symbols,
      };
    }
    return true;
  }

  private symbolTable(end: number): void {
    const descriptor = this.bytes[this.pos++]!;
    const structEnd = this.structEnd(descriptor, end);
    let append = false;
    let imported: (string | null)[] = [];
    let declared: (string | null)[] = [];
    while (this.pos < structEnd) {
      const field = this.varUInt(structEnd);
      if (field === SID_IMPORTS) {
        const imports = this.value(structEnd, 1);
        // `imports: $ion_symbol_table` appends to the current table instead of replacing it.
        if (imports === '$ion_symbol_table') append = true;
        else if (Array.isArray(imports)) imported = importedSlots(imports);
      } else if (field === SID_SYMBOLS) {
        const symbols = this.value(structEnd, 1);
        if (Array.isArray(symbols)) {
          declared = symbols.map((symbol) => (typeof symbol === 'string' ? symbol : null));
        }
      } else {
        this.value(structEnd, 1);
      }
    }
    this.symbols = append
      ? [...this.symbols, ...declared]
      : [...SYSTEM_SYMBOLS, ...imported, ...declared];
  }

  /**
   * Reads one value ending before `end`. Returns `undefined` for NOP padding, which is not a
   * value.
   */
  private value(end: number, depth: number): JsonValue | undefined {
    if (this.pos >= end) throw this.malformed('value expected');
    const descriptor = this.bytes[this.pos++]!;
    const type = descriptor >> 4;
    const lengthCode = descriptor & 0xf;
    if (lengthCode === NULL_LENGTH && type !== 0xe) {
      if (type === 0xf) throw this.malformed('reserved type code');
      return null;
    }
    switch (type) {
      case 0x0:
        this.pos = this.lengthEnd(lengthCode, end);
        return undefined;
      case 0x1:
        if (lengthCode > 1) throw this.malformed('bool with a length');
        return lengthCode === 1;
      case 0x2:
      case 0x3:
        return this.int(type === 0x3, this.lengthEnd(lengthCode, end));
      case 0x4:
        return this.float(this.lengthEnd(lengthCode, end));
      case 0x5:
        return this.decimal(this.lengthEnd(lengthCode, end));
      case 0x6:
        return this.timestamp(this.lengthEnd(lengthCode, end));
      case 0x7:
        return this.symbol(this.lengthEnd(lengthCode, end));
      case 0x8:
        return this.string(this.lengthEnd(lengthCode, end));
      case 0x9:
      case 0xa:
        return this.base64(this.lengthEnd(lengthCode, end));
      case 0xb:
      case 0xc:
        return this.list(this.lengthEnd(lengthCode, end), depth);
      case 0xd:
        return this.struct(this.structEnd(descriptor, end), depth);
      case 0xe:
        return this.annotated(lengthCode, end, depth);
      default:
        throw this.malformed('reserved type code');
    }
  }

  private annotated(lengthCode: number, end: number, depth: number): JsonValue {
    if (lengthCode < 3 || lengthCode === NULL_LENGTH) {
      throw this.malformed('annotation wrapper with an impossible length');
    }
    const wrapperEnd = this.lengthEnd(lengthCode, end);
    this.pos = this.lengthEnd(VARIABLE_LENGTH, wrapperEnd);
    const value = this.value(wrapperEnd, depth);
    if (value === undefined || this.pos !== wrapperEnd) {
      throw this.malformed('annotation wrapper must hold exactly one value');
    }
    return value;
  }

  private int(negative: boolean, end: number): JsonValue {
    const length = end - this.pos;
    if (length <= 6) {
      let magnitude = 0;
      for (let i = this.pos; i < end; i++) magnitude = magnitude * 256 + this.bytes[i]!;
      this.pos = end;
      if (negative && magnitude === 0) throw this.malformed('negative zero int');
      return negative ? -magnitude : magnitude;
    }
    const magnitude = BigInt(`0x${this.bytes.toString('hex', this.pos, end)}`);
    this.pos = end;
    if (negative && magnitude === 0n) throw this.malformed('negative zero int');
    return intJson(negative ? -magnitude : magnitude);
  }

  private float(end: number): JsonValue {
    const length = end - this.pos;
    const start = this.pos;
    this.pos = end;
    if (length === 0) return 0;
    if (length === 4) return floatJson(this.bytes.readFloatBE(start));
    if (length === 8) return floatJson(this.bytes.readDoubleBE(start));
    throw this.malformed(`float of ${length} bytes`);
  }

  private decimal(end: number): string {
    if (this.pos === end) return '0';
    const exponent = this.varInt(end);
    const digits = this.signedIntDigits(end);
    return decimalText(this.intNegative, digits, exponent);
  }

  private timestamp(end: number): string {
    if (this.pos === end) throw this.malformed('timestamp without a year');
    const offset = this.varInt(end);
    const parts: IonTimestampParts = {
      year: this.varUInt(end),
      offsetMinutes: Object.is(offset, -0) ? null : offset,
    };
    if (this.pos < end) parts.month = this.varUInt(end);
    if (this.pos < end) parts.day = this.varUInt(end);
    if (this.pos < end) {
      parts.hour = this.varUInt(end);
      parts.minute = this.varUInt(end);
    }
    if (this.pos < end) parts.second = this.varUInt(end);
    if (this.pos < end) {
      const exponent = this.varInt(end);
      const digits = this.signedIntDigits(end);
      if (exponent < 0 && digits !== '0') {
        if (digits.length > -exponent) throw this.malformed('fractional seconds of 1 or more');
        parts.fraction = digits.padStart(-exponent, '0');
      } else if (exponent < 0) {
        parts.fraction = '0'.repeat(-exponent);
      } else if (digits !== '0') {
        throw this.malformed('fractional seconds of 1 or more');
      }
    }
    const problem = timestampProblem(parts);
    if (problem !== undefined) throw this.malformed(`timestamp ${problem} out of range`);
    // Ion binary stores the fields in UTC already; the offset only says where it was written.
    parts.offsetMinutes = null;
    return timestampIso(parts);
  }

  private symbol(end: number): string {
    let sid = 0;
    for (let i = this.pos; i < end; i++) sid = sid * 256 + this.bytes[i]!;
    this.pos = end;
    return this.symbolText(sid);
  }

  private symbolText(sid: number): string {
    const text = this.symbols[sid];
    if (typeof text !== 'string') throw this.malformed(`symbol $${sid} has no known text`);
    return text;
  }

  private string(end: number): string {
    const start = this.pos;
    this.pos = end;
    for (let i = start; i < end; i++) {
      if (this.bytes[i]! >= 0x80) {
        try {
          return UTF8.decode(this.bytes.subarray(start, end));
        } catch {
          throw this.malformed('string is not UTF-8');
        }
      }
    }
    // Pure ASCII reads the same as latin1.
    return this.latin1.slice(start, end);
  }

  private base64(end: number): string {
    const start = this.pos;
    this.pos = end;
    return this.bytes.toString('base64', start, end);
  }

  private list(end: number, depth: number): JsonValue[] {
    if (depth >= MAX_DEPTH) throw this.malformed(`nesting deeper than ${MAX_DEPTH}`);
    const items: JsonValue[] = [];
    while (this.pos < end) {
      const item = this.value(end, depth + 1);
      if (item !== undefined) items.push(item);
    }
    return items;
  }

  private struct(end: number, depth: number): { [key: string]: JsonValue } {
    if (depth >= MAX_DEPTH) throw this.malformed(`nesting deeper than ${MAX_DEPTH}`);
    const object: { [key: string]: JsonValue } = {};
    while (this.pos < end) {
      const name = this.varUInt(end);
      const member = this.value(end, depth + 1);
      if (member === undefined) continue;
      const key = this.symbolText(name);
      // As JSON.parse does: `__proto__` is an own member, not the prototype.
      if (key === '__proto__') {
        Object.defineProperty(object, key, {
          value: member,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } else {
        object[key] = member;
      }
    }
    return object;
  }

  /** The end of a struct; length code 1 is a sorted struct whose length follows. */
  private structEnd(descriptor: number, end: number): number {
    if (descriptor >> 4 !== 0xd) throw this.malformed('struct expected');
    const lengthCode = descriptor & 0xf;
    if (lengthCode === 1) return this.lengthEnd(VARIABLE_LENGTH, end);
    return this.lengthEnd(lengthCode, end);
  }

  /** Reads the length a length code implies and returns where the value ends. */
  private lengthEnd(lengthCode: number, end: number): number {
    const length = lengthCode === VARIABLE_LENGTH ? this.varUInt(end) : lengthCode;
    const valueEnd = this.pos + length;
    if (valueEnd > end) throw this.malformed('value runs past its container');
    return valueEnd;
  }

  private varUInt(end: number): number {
    let value = 0;
    for (let i = 0; i < 7; i++) {
      if (this.pos >= end) throw this.malformed('truncated VarUInt');
      const byte = this.bytes[this.pos++]!;
      value = value * 128 + (byte & 0x7f);
      if (byte & 0x80) return value;
    }
    throw this.malformed('VarUInt too large');
  }

  /** A VarInt; negative zero (Ion's unknown offset) is returned as -0. */
  private varInt(end: number): number {
    if (this.pos >= end) throw this.malformed('truncated VarInt');
    const first = this.bytes[this.pos++]!;
    const negative = (first & 0x40) !== 0;
    let value = first & 0x3f;
    if (!(first & 0x80)) {
      for (let i = 0; ; i++) {
        if (i === 6) throw this.malformed('VarInt too large');
        if (this.pos >= end) throw this.malformed('truncated VarInt');
        const byte = this.bytes[this.pos++]!;
        value = value * 128 + (byte & 0x7f);
        if (byte & 0x80) break;
      }
    }
    return negative ? -value : value;
  }

  /**
   * The decimal digits of a sign-and-magnitude Int filling the rest of the value; its sign goes
   * to `intNegative` (no result object: this runs for every decimal and timestamp).
   */
  private signedIntDigits(end: number): string {
    const start = this.pos;
    this.pos = end;
    if (start === end) {
      this.intNegative = false;
      return '0';
    }
    const first = this.bytes[start]!;
    this.intNegative = (first & 0x80) !== 0;
    if (end - start <= 6) {
      let magnitude = first & 0x7f;
      for (let i = start + 1; i < end; i++) magnitude = magnitude * 256 + this.bytes[i]!;
      return String(magnitude);
    }
    const hex = ((first & 0x7f) < 16 ? '0' : '') + (first & 0x7f).toString(16);
    return BigInt(`0x${hex}${this.bytes.toString('hex', start + 1, end)}`).toString();
  }

  private malformed(problem: string): IonDecodeError {
    return new IonDecodeError(`malformed Ion binary at byte ${this.pos}: ${problem}`);
  }
}

/**
 * The slots shared-table imports take. Without a catalog their text is unknown, so each slot is
 * null and using one is an error; an import without `max_id` leaves the table unusable.
 */
function importedSlots(imports: JsonValue[]): null[] {
  let count = 0;
  for (const entry of imports) {
    const maxId =
      typeof entry === 'object' && entry !== null && !Array.isArray(entry)
        ? entry.max_id
        : undefined;
    if (typeof maxId !== 'number' || !Number.isSafeInteger(maxId) || maxId < 0) {
      throw new IonDecodeError('a shared symbol table import without max_id cannot be resolved');
    }
    count += maxId;
  }
  return new Array<null>(count).fill(null);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The reason a timestamp's fields are out of range, or undefined when they are not. */
function timestampProblem(parts: IonTimestampParts): string | undefined {
  const { year, month, day, hour, minute, second, offsetMinutes } = parts;
  if (year < 1 || year > 9999) return 'year';
  if (month !== undefined && (month < 1 || month > 12)) return 'month';
  if (day !== undefined && (day < 1 || day > daysIn(year, month!))) return 'day';
  if (hour !== undefined && hour > 23) return 'hour';
  if (minute !== undefined && minute > 59) return 'minute';
  if (second !== undefined && second > 59) return 'second';
  if (offsetMinutes !== null && Math.abs(offsetMinutes) >= 24 * 60) return 'offset';
  return undefined;
}

function daysIn(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
}
