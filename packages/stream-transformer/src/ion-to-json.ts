import type { JsonValue } from '@wallet/core';
import { IonDecodeError } from './errors.js';
import { decodeIonBinary, isIonBinary } from './ion-binary-reader.js';
import { decodeIonText } from './ion-text-reader.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes an Ion stream to JSON values by DESIGN section 6: decimal to an exact string, int to a
 * number when safe else a string, float to a number (`"nan"`, `"+inf"`, `"-inf"` when not
 * finite), timestamp to ISO 8601, blob and clob to base64, symbol to a string, every `null.*` to
 * null, struct and list (and sexp) to object and array; annotations are dropped.
 *
 * @param data - Ion binary or UTF-8 Ion text as bytes, or either of them as a base64 string
 * @throws {IonDecodeError} when the data is not well-formed Ion
 * @example
 * ionToJson(Buffer.from('{ amount: 500d-2 } 7')); // [{ amount: "5.00" }, 7]
 */
export function ionToJson(data: Uint8Array | string): JsonValue[] {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'base64') : data;
  if (isIonBinary(bytes)) return decodeIonBinary(bytes);
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    throw new IonDecodeError('neither Ion binary nor UTF-8 Ion text');
  }
  return decodeIonText(text);
}
