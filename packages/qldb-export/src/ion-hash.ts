import { createHash, hash } from 'node:crypto';
import { type dom, IonTypes, TimestampPrecision } from 'ion-js';

/** The ion-hash spec's begin, end and escape markers. */
const BEGIN = 0x0b;
const END = 0x0e;
const ESCAPE = 0x0c;

/** Each Ion type's type qualifier: its binary type id in the high nibble. */
const TYPE_QUALIFIER = new Map(
  Object.values(IonTypes).map((type) => [type, type.binaryTypeId << 4]),
);

/**
 * A growable byte buffer the serialized value is written into, escaping as it goes: one per
 * hash instead of a binary writer per scalar, which is what made ion-hash-js slow.
 */
class ByteSink {
  #buffer = Buffer.allocUnsafe(256);
  #length = 0;

  reset(): void {
    this.#length = 0;
  }

  bytes(): Buffer {
    return this.#buffer.subarray(0, this.#length);
  }

  #reserve(count: number): void {
    if (this.#length + count <= this.#buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.#buffer.length * 2, this.#length + count));
    this.#buffer.copy(grown, 0, 0, this.#length);
    this.#buffer = grown;
  }

  byte(value: number): void {
    this.#reserve(1);
    this.#buffer[this.#length++] = value;
  }

  /** Bytes with every marker byte preceded by the escape byte. */
  escaped(bytes: Uint8Array): void {
    this.#reserve(bytes.length * 2);
    for (const byte of bytes) {
      if (byte === BEGIN || byte === END || byte === ESCAPE) this.#buffer[this.#length++] = ESCAPE;
      this.#buffer[this.#length++] = byte;
    }
  }

  /** A string's UTF-8, escaped (a marker byte can only be the ASCII character itself). */
  escapedText(text: string): void {
    this.#reserve(text.length * 3);
    const start = this.#length;
    const written = this.#buffer.write(text, start, 'utf8');
    const encoded = this.#buffer.subarray(start, start + written);
    if (!encoded.some((byte) => byte === BEGIN || byte === END || byte === ESCAPE)) {
      this.#length += written;
      return;
    }
    const copy = Buffer.from(encoded);
    this.#length = start;
    this.escaped(copy);
  }
}

/** A non-negative integer's big-endian magnitude bytes (none for zero). */
function magnitude(value: bigint): Uint8Array {
  if (value === 0n) return new Uint8Array(0);
  const hex = value.toString(16);
  return Buffer.from(hex.length % 2 === 1 ? `0${hex}` : hex, 'hex');
}

/** Ion's VarUInt: 7 bits a byte, the last byte's high bit set. */
function varUInt(out: number[], value: number): void {
  const bytes = [value & 0x7f];
  for (let rest = value >>> 7; rest > 0; rest >>>= 7) bytes.unshift(rest & 0x7f);
  bytes[bytes.length - 1]! |= 0x80;
  out.push(...bytes);
}

/** Ion's VarInt: a sign bit in the first byte, 7 bits a byte, the last byte's high bit set. */
function varInt(out: number[], value: number): void {
  const bytes: number[] = [];
  let rest = Math.abs(value);
  for (; rest >= 64; rest >>>= 7) bytes.unshift(rest & 0x7f);
  bytes.unshift(rest);
  // 1 / -0 is -Infinity: a negative zero exponent keeps its sign, as ion-js writes it.
  if (1 / value < 0) bytes[0]! |= 0x40;
  bytes[bytes.length - 1]! |= 0x80;
  out.push(...bytes);
}

/** Ion's Int (sign and magnitude): a leading zero byte when the magnitude's high bit is set. */
function signedInt(out: number[], value: bigint, negative: boolean): void {
  const bytes = Array.from(magnitude(value < 0n ? -value : value));
  if (bytes.length === 0 || bytes[0]! >= 0x80) bytes.unshift(0);
  if (negative) bytes[0]! |= 0x80;
  out.push(...bytes);
}

/** A scalar's type qualifier and representation: its minimal Ion binary encoding's. */
function scalar(value: dom.Value, sink: ByteSink): void {
  const type = value.getType();
  if (value.isNull()) {
    sink.byte(TYPE_QUALIFIER.get(type)! | 0x0f);
    return;
  }
  switch (type) {
    case IonTypes.BOOL:
      sink.byte(0x10 | (value.booleanValue() ? 1 : 0));
      return;
    case IonTypes.INT: {
      const int = value.bigIntValue()!;
      sink.byte(int < 0n ? 0x30 : 0x20);
      sink.escaped(magnitude(int < 0n ? -int : int));
      return;
    }
    case IonTypes.FLOAT: {
      const float = value.numberValue()!;
      sink.byte(0x40);
      // Positive zero has no representation; -0e0 keeps its eight bytes.
      if (Object.is(float, 0)) return;
      const bytes = Buffer.allocUnsafe(8);
      bytes.writeDoubleBE(float);
      sink.escaped(bytes);
      return;
    }
    case IonTypes.DECIMAL: {
      const decimal = value.decimalValue()!;
      sink.byte(0x50);
      const exponent = decimal.getExponent();
      const coefficient = decimal.getCoefficient();
      const negative = decimal.isNegative();
      // 0d0 has no representation; -0d0 and 0d-2 do.
      if (coefficient === 0n && !negative && Object.is(exponent, 0)) return;
      const out: number[] = [];
      varInt(out, exponent);
      if (negative || coefficient !== 0n) signedInt(out, coefficient, negative);
      sink.escaped(Uint8Array.from(out));
      return;
    }
    case IonTypes.TIMESTAMP: {
      const timestamp = value.timestampValue()!;
      sink.byte(0x60);
      const out: number[] = [];
      varInt(out, timestamp.getLocalOffset());
      const date = timestamp.getDate();
      const precision = timestamp.getPrecision();
      varUInt(out, date.getUTCFullYear());
      if (precision >= TimestampPrecision.MONTH) varUInt(out, date.getUTCMonth() + 1);
      if (precision >= TimestampPrecision.DAY) varUInt(out, date.getUTCDate());
      if (precision >= TimestampPrecision.HOUR_AND_MINUTE) {
        varUInt(out, date.getUTCHours());
        varUInt(out, date.getUTCMinutes());
      }
      if (precision >= TimestampPrecision.SECONDS) {
        varUInt(out, timestamp.getSecondsInt());
        const fraction = timestamp._getFractionalSeconds();
        if (fraction.getExponent() !== 0) {
          varInt(out, fraction.getExponent());
          const coefficient = fraction.getCoefficient();
          if (coefficient !== 0n) signedInt(out, coefficient, fraction.isNegative());
        }
      }
      sink.escaped(Uint8Array.from(out));
      return;
    }
    case IonTypes.STRING:
      sink.byte(0x80);
      sink.escapedText(value.stringValue()!);
      return;
    case IonTypes.SYMBOL:
      sink.byte(0x70);
      sink.escapedText(value.stringValue()!);
      return;
    default:
      // Blobs and clobs: their bytes.
      sink.byte(TYPE_QUALIFIER.get(type)!);
      sink.escaped(value.uInt8ArrayValue()!);
  }
}

/** A symbol as the spec serializes field names and annotations. */
function symbolText(text: string, sink: ByteSink): void {
  sink.byte(BEGIN);
  sink.byte(0x70);
  sink.escapedText(text);
  sink.byte(END);
}

/** `s(value)` of the ion-hash spec: annotations wrapped around `B TQ representation E`. */
function serialize(value: dom.Value, sink: ByteSink): void {
  const annotations = value.getAnnotations();
  if (annotations.length > 0) {
    sink.byte(BEGIN);
    sink.byte(0xe0);
    for (const annotation of annotations) symbolText(annotation, sink);
  }
  sink.byte(BEGIN);
  const type = value.getType();
  if (value.isNull() || (type !== IonTypes.STRUCT && !type.isContainer)) {
    scalar(value, sink);
  } else if (type === IonTypes.STRUCT) {
    // Field order does not matter: each field's hash, sorted, is the representation.
    sink.byte(0xd0);
    const fieldSink = new ByteSink();
    const hashes: Buffer[] = [];
    for (const [name, values] of value.allFields()) {
      for (const field of values) {
        fieldSink.reset();
        symbolText(name, fieldSink);
        serialize(field, fieldSink);
        hashes.push(hash('sha256', fieldSink.bytes(), 'buffer') as Buffer);
      }
    }
    hashes.sort(Buffer.compare);
    for (const fieldHash of hashes) sink.escaped(fieldHash);
  } else {
    sink.byte(TYPE_QUALIFIER.get(type)!);
    for (const element of value.elements()) serialize(element, sink);
  }
  sink.byte(END);
  if (annotations.length > 0) sink.byte(END);
}

const sink = new ByteSink();

/**
 * The Ion hash (ion-hash spec 1.0, SHA-256) of an Ion value: what QLDB computes over revision
 * data, revision metadata and `transactionInfo`. Written here, not with ion-hash-js (the tests'
 * reference, which it matches byte for byte), because that library serializes every scalar
 * through a binary writer of its own and made verifying an export cost more than importing it.
 *
 * @example
 * ionHash(dom.load('{ accountId: "alice", balance: 0 }')!); // 32 bytes
 */
export function ionHash(value: dom.Value): Uint8Array {
  sink.reset();
  serialize(value, sink);
  return new Uint8Array(createHash('sha256').update(sink.bytes()).digest());
}
