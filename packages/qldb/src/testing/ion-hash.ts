import { createHash } from 'node:crypto';
import { dom, IonTypes, makeBinaryWriter, type Writer } from 'ion-js';

/**
 * The Amazon Ion Hash algorithm (SHA-256), as QLDB uses it for commit digests and revision
 * hashes. Written from the Ion Hash specification: every value is serialized as
 * `begin-marker, type qualifier, escaped representation, end-marker`, lists and s-expressions
 * nest their elements' serializations, and structs hash each field and concatenate the sorted
 * field hashes, so field order never changes a hash.
 */

const BEGIN = 0x0b;
const END = 0x0e;
const ESCAPE = 0x0c;
const ANNOTATED = 0xe0;
const SYMBOL_TQ = 0x70;
/** Bytes of the Ion binary version marker a fresh binary writer emits first. */
const VERSION_MARKER_LENGTH = 4;

function sha256(...chunks: Uint8Array[]): Uint8Array {
  const hash = createHash('sha256');
  for (const chunk of chunks) hash.update(chunk);
  return new Uint8Array(hash.digest());
}

/** The markers must stay unambiguous, so any marker byte inside a representation is escaped. */
function escapeMarkers(bytes: Uint8Array): number[] {
  const out: number[] = [];
  for (const byte of bytes) {
    if (byte === BEGIN || byte === END || byte === ESCAPE) out.push(ESCAPE);
    out.push(byte);
  }
  return out;
}

function symbol(text: string): number[] {
  return [BEGIN, SYMBOL_TQ, ...escapeMarkers(new TextEncoder().encode(text)), END];
}

/**
 * The scalar's Ion binary encoding minus its type descriptor and length, which is what the
 * specification calls its representation; the descriptor's high nibble is the type qualifier.
 */
function scalarParts(value: dom.Value): { qualifier: number; representation: Uint8Array } {
  const writer: Writer = makeBinaryWriter();
  const type = value.getType();
  if (type === IonTypes.BOOL) writer.writeBoolean(value.booleanValue());
  else if (type === IonTypes.INT) writer.writeInt(value.bigIntValue());
  else if (type === IonTypes.FLOAT) writer.writeFloat64(value.numberValue());
  else if (type === IonTypes.DECIMAL) writer.writeDecimal(value.decimalValue());
  else if (type === IonTypes.TIMESTAMP) writer.writeTimestamp(value.timestampValue());
  else if (type === IonTypes.STRING || type === IonTypes.SYMBOL)
    writer.writeString(value.stringValue());
  else if (type === IonTypes.BLOB) writer.writeBlob(value.uInt8ArrayValue());
  else if (type === IonTypes.CLOB) writer.writeClob(value.uInt8ArrayValue());
  else throw new Error(`cannot hash an Ion ${type.name} as a scalar`);
  writer.close();
  const bytes = writer.getBytes().slice(VERSION_MARKER_LENGTH);
  const descriptor = bytes[0]!;
  let offset = 1;
  if ((descriptor & 0x0f) === 0x0e) {
    while ((bytes[offset]! & 0x80) === 0) offset++;
    offset++;
  }
  // Booleans keep their value in the low nibble; every other qualifier drops the length nibble.
  let qualifier = type === IonTypes.BOOL ? descriptor : descriptor & 0xf0;
  if (type === IonTypes.SYMBOL) qualifier = SYMBOL_TQ;
  return { qualifier, representation: bytes.slice(offset) };
}

function serialize(value: dom.Value): number[] {
  const annotations = value.getAnnotations();
  const body = serializeUnannotated(value);
  if (annotations.length === 0) return body;
  return [BEGIN, ANNOTATED, ...annotations.flatMap(symbol), ...body, END];
}

function serializeUnannotated(value: dom.Value): number[] {
  const type = value.getType();
  if (value.isNull()) return [BEGIN, (type.binaryTypeId << 4) | 0x0f, END];
  if (type === IonTypes.STRUCT) {
    const fieldHashes = value
      .allFields()
      .flatMap(([name, values]) =>
        values.map((v) => sha256(Uint8Array.from([...symbol(name), ...serialize(v)]))),
      )
      .sort(compareBytes);
    return [BEGIN, type.binaryTypeId << 4, ...fieldHashes.flatMap((h) => escapeMarkers(h)), END];
  }
  if (type === IonTypes.LIST || type === IonTypes.SEXP) {
    return [BEGIN, type.binaryTypeId << 4, ...value.elements().flatMap(serialize), END];
  }
  const { qualifier, representation } = scalarParts(value);
  return [BEGIN, qualifier, ...escapeMarkers(representation), END];
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return a.length - b.length;
}

/**
 * The Ion hash (SHA-256) of one Ion value.
 *
 * @example
 * ionHash(load('{a: 1}')!); // 32 bytes
 */
export function ionHash(value: dom.Value): Uint8Array {
  return sha256(Uint8Array.from(serialize(value)));
}

/**
 * The Ion hash of a string, as QLDB hashes statements and transaction ids.
 *
 * @example
 * ionHashOfString('SELECT * FROM Wallets');
 */
export function ionHashOfString(text: string): Uint8Array {
  return ionHash(new dom.String(text));
}

/**
 * QLDB's "dot" of two hashes: SHA-256 of both, the smaller first, where hashes compare as
 * signed bytes from the last byte backwards (QLDB's order, not the lexicographic one).
 *
 * @example
 * const digest = dotHash(ionHashOfString(txId), statementHash);
 */
export function dotHash(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  return compareQldbOrder(a, b) < 0 ? sha256(a, b) : sha256(b, a);
}

function compareQldbOrder(a: Uint8Array, b: Uint8Array): number {
  for (let i = a.length - 1; i >= 0; i--) {
    const difference = ((a[i]! << 24) >> 24) - ((b[i]! << 24) >> 24);
    if (difference !== 0) return difference;
  }
  return 0;
}
