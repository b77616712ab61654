import { KplAggregationError } from './errors.js';

/**
 * Protobuf wire types this package meets: varint, 64-bit, length-delimited, 32-bit.
 *
 * @example
 * const key = 3 * 8 + WireType.LENGTH_DELIMITED; // field 3, bytes
 */
export const WireType = { VARINT: 0, FIXED64: 1, LENGTH_DELIMITED: 2, FIXED32: 5 } as const;

const TEXT_DECODER = new TextDecoder('utf-8', { fatal: true });
const TEXT_ENCODER = new TextEncoder();

/**
 * Reads protobuf wire format from a byte range. Every read is bounds-checked: a truncated or
 * malformed message throws `KplAggregationError('KPL_MALFORMED')` rather than reading past the
 * end, because the bytes come from the network.
 *
 * @example
 * const reader = new ProtobufReader(bytes);
 * while (!reader.done()) {
 *   const key = reader.tag();
 *   if (key === 1 * 8 + WireType.LENGTH_DELIMITED) name = reader.string();
 *   else reader.skip(wireType(key));
 * }
 */
export class ProtobufReader {
  #pos: number;
  readonly #end: number;

  constructor(
    private readonly bytes: Uint8Array,
    start = 0,
    end = bytes.length,
  ) {
    this.#pos = start;
    this.#end = end;
  }

  /** True when the whole range has been read. */
  done(): boolean {
    return this.#pos >= this.#end;
  }

  /** The next field's key: field number × 8 + wire type (see {@link wireType}). */
  tag(): number {
    const key = this.varint();
    if (key < 8) throw malformed('field number 0');
    return key;
  }

  /** Where the reader is, as an offset into its bytes. */
  position(): number {
    return this.#pos;
  }

  /** True while the reader is before `end` (a nested message's end, from {@link enter}). */
  before(end: number): boolean {
    return this.#pos < end;
  }

  /**
   * Reads a length-delimited field's length and returns where it ends, leaving the reader at its
   * first byte: a nested message is then read in place, without a view of its bytes.
   */
  enter(): number {
    const length = this.varint();
    if (length > this.#end - this.#pos) throw malformed('length-delimited field past the end');
    return this.#pos + length;
  }

  /**
   * An unsigned varint. Values above 2^53 are rejected: nothing in a KPL aggregate is that large,
   * and a JS number could not hold it exactly.
   */
  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      if (this.#pos >= this.#end) throw malformed('truncated varint');
      const byte = this.bytes[this.#pos++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        if (value > Number.MAX_SAFE_INTEGER) break;
        return value;
      }
      scale *= 128;
    }
    throw malformed('varint longer than 53 bits');
  }

  /** A length-delimited field's bytes, as a view (no copy). */
  bytesField(): Uint8Array {
    const length = this.varint();
    if (length > this.#end - this.#pos) throw malformed('length-delimited field past the end');
    const start = this.#pos;
    this.#pos += length;
    return this.bytes.subarray(start, this.#pos);
  }

  /** A length-delimited field as UTF-8 text. */
  string(): string {
    try {
      return TEXT_DECODER.decode(this.bytesField());
    } catch (error) {
      if (error instanceof KplAggregationError) throw error;
      throw malformed('string field is not UTF-8');
    }
  }

  /** Skips one value of an unknown field (by its wire type, see {@link wireType}). */
  skip(wireType: number): void {
    switch (wireType) {
      case WireType.VARINT:
        this.varint();
        return;
      case WireType.FIXED64:
        this.advance(8);
        return;
      case WireType.LENGTH_DELIMITED:
        this.bytesField();
        return;
      case WireType.FIXED32:
        this.advance(4);
        return;
      default:
        throw malformed(`unsupported wire type ${wireType}`);
    }
  }

  private advance(count: number): void {
    if (count > this.#end - this.#pos) throw malformed('fixed-width field past the end');
    this.#pos += count;
  }
}

/**
 * The wire type of a key read by {@link ProtobufReader.tag}.
 *
 * @example
 * if (wireType(key) === WireType.VARINT) index = reader.varint();
 */
export function wireType(key: number): number {
  return key % 8;
}

/**
 * Writes protobuf wire format into a growing buffer.
 *
 * @example
 * const writer = new ProtobufWriter();
 * writer.stringField(1, 'partition-key');
 * const bytes = writer.finish();
 */
export class ProtobufWriter {
  #buffer = new Uint8Array(256);
  #length = 0;

  /** Writes a varint field. */
  varintField(field: number, value: number): void {
    this.varint(field * 8 + WireType.VARINT);
    this.varint(value);
  }

  /** Writes a length-delimited field holding `bytes`. */
  bytesField(field: number, bytes: Uint8Array): void {
    this.varint(field * 8 + WireType.LENGTH_DELIMITED);
    this.varint(bytes.length);
    this.raw(bytes);
  }

  /** Writes a length-delimited field holding `text` as UTF-8. */
  stringField(field: number, text: string): void {
    this.bytesField(field, TEXT_ENCODER.encode(text));
  }

  /** The bytes written so far (a copy). */
  finish(): Uint8Array {
    return this.#buffer.slice(0, this.#length);
  }

  private varint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`bad varint ${value}`);
    this.reserve(8);
    let rest = value;
    while (rest >= 0x80) {
      this.#buffer[this.#length++] = (rest % 0x80) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    this.#buffer[this.#length++] = rest;
  }

  private raw(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.#buffer.set(bytes, this.#length);
    this.#length += bytes.length;
  }

  private reserve(extra: number): void {
    if (this.#length + extra <= this.#buffer.length) return;
    const grown = new Uint8Array(Math.max(this.#buffer.length * 2, this.#length + extra));
    grown.set(this.#buffer.subarray(0, this.#length));
    this.#buffer = grown;
  }
}

function malformed(problem: string): KplAggregationError {
  return new KplAggregationError('KPL_MALFORMED', `malformed KPL protobuf: ${problem}`);
}
