import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeBinaryWriter, makeReader } from 'ion-js';

/** The captured QLDB stream records, shared by the whole project. */
export const FIXTURE_DIRECTORY = join(
  import.meta.dirname,
  '../../../../../shared/fixtures/qldb-stream',
);

/**
 * A captured record's Ion text, as QLDB wrote it.
 *
 * @example
 * const text = fixtureText('person-revision-details.ion');
 */
export function fixtureText(name: string): string {
  return readFileSync(join(FIXTURE_DIRECTORY, name), 'utf8');
}

/**
 * A captured record as Ion binary, the form a QLDB stream sends, converted with ion-js.
 *
 * @example
 * const bytes = fixtureBinary('wallet-revision-details.ion');
 */
export function fixtureBinary(name: string): Uint8Array {
  return ionBinary(fixtureText(name));
}

/**
 * Ion text converted to Ion binary by ion-js, value by value through its reader and writer (no
 * DOM in between, so precisions and exponents stay as written).
 *
 * @example
 * const bytes = ionBinary('{ recordType: "CONTROL" }');
 */
export function ionBinary(text: string): Uint8Array {
  const writer = makeBinaryWriter();
  writer.writeValues(makeReader(text));
  writer.close();
  return writer.getBytes();
}
