import { it } from 'vitest';

/**
 * Registers a suite's tests by name, leaving out those a store turns off, each with its reason.
 * `Name` is the suite's list of test names, so a title outside it fails the typecheck.
 *
 * @example
 * const test: TestRegistrar<HistoryStoreTest> = (name, body, timeout) => it(name, body, timeout);
 */
export type TestRegistrar<Name extends string = string> = (
  name: Name,
  body: () => Promise<void>,
  timeout?: number,
) => void;

/**
 * What {@link namedTests} returns.
 *
 * @example
 * const { test, unmatched }: NamedTests<HistoryStoreTest> = namedTests<HistoryStoreTest>();
 */
export interface NamedTests<Name extends string = string> {
  /** Registers a test unless `skip` names it. */
  test: TestRegistrar<Name>;
  /** The names in `skip` no test was registered under, so far. */
  unmatched: () => string[];
  /** Throws when `skip` names a test never registered: call it once every test is. */
  rejectUnmatched: () => void;
}

/**
 * A registrar that leaves out the tests named in `skip` (name to the reason the store cannot
 * pass it), and `unmatched`, the names in `skip` no test was registered under: a suite reports
 * them at collection, so a renamed test cannot stay turned off by a stale name. `Name`, the
 * suite's list of test names, types `skip` and `test`, so a misspelled name fails the typecheck
 * before it fails at collection.
 *
 * @example
 * const { test, unmatched } = namedTests({ 'lists wallets whose holds are due': 'no hold index' });
 * test('lists wallets whose holds are due', async () => {}); // not registered
 * unmatched(); // []
 */
export function namedTests<Name extends string = string>(
  // NoInfer: `Name` is the suite's whole list, never just the names one store happens to skip.
  skip?: Readonly<Partial<Record<NoInfer<Name>, string>>>,
): NamedTests<Name> {
  const seen = new Set<string>();
  const reasons: Readonly<Record<string, string | undefined>> = skip ?? {};
  const unmatched = () => Object.keys(reasons).filter((name) => !seen.has(name));
  return {
    test(name, body, timeout) {
      seen.add(name);
      if (reasons[name] === undefined) it(name, body, timeout);
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
