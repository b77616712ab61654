import { it } from 'vitest';

/**
 * Registers a suite's tests by name, leaving out those a store turns off, each with its reason.
 *
 * @example
 * const test: TestRegistrar = (name, body, timeout) => it(name, body, timeout);
 */
export type TestRegistrar = (name: string, body: () => Promise<void>, timeout?: number) => void;

/**
 * What {@link namedTests} returns.
 *
 * @example
 * const { test, unmatched }: NamedTests = namedTests();
 */
export interface NamedTests {
  /** Registers a test unless `skip` names it. */
  test: TestRegistrar;
  /** The names in `skip` no test was registered under, so far. */
  unmatched: () => string[];
  /** Throws when `skip` names a test never registered: call it once every test is. */
  rejectUnmatched: () => void;
}

/**
 * A registrar that leaves out the tests named in `skip` (name to the reason the store cannot
 * pass it), and `unmatched`, the names in `skip` no test was registered under: a suite reports
 * them at collection, so a renamed test cannot stay turned off by a stale name.
 *
 * @example
 * const { test, unmatched } = namedTests({ 'lists wallets whose holds are due': 'no hold index' });
 * test('lists wallets whose holds are due', async () => {}); // not registered
 * unmatched(); // []
 */
export function namedTests(skip: Readonly<Record<string, string>> = {}): NamedTests {
  const seen = new Set<string>();
  const unmatched = () => Object.keys(skip).filter((name) => !seen.has(name));
  return {
    test(name, body, timeout) {
      seen.add(name);
      if (skip[name] === undefined) it(name, body, timeout);
    },
    unmatched,
    rejectUnmatched() {
      const stale = unmatched();
      if (stale.length > 0) {
        throw new Error(`skip names tests this suite does not have: ${stale.join('; ')}`);
      }
    },
  };
}
