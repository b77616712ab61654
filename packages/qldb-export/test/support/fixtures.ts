import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The captured QLDB stream records, shared by the whole project. */
export const FIXTURE_DIRECTORY = join(
  import.meta.dirname,
  '../../../../../shared/fixtures/qldb-stream',
);

/**
 * A captured record's Ion text, as QLDB wrote it.
 *
 * @example
 * const text = fixtureText('wallet-revision-details.ion');
 */
export function fixtureText(name: string): string {
  return readFileSync(join(FIXTURE_DIRECTORY, name), 'utf8');
}
