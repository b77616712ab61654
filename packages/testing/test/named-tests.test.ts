import { namedTests } from '@wallet/testing';
import { describe, expect, it } from 'vitest';

describe('namedTests', () => {
  const ran: string[] = [];
  const { test, unmatched, rejectUnmatched } = namedTests({
    'a test the store cannot pass': 'the store has no such index',
    'a test renamed since': 'a stale name',
  });
  // Registered under the same names a suite would use: the skipped one must never run.
  test('a test the store cannot pass', async () => {
    throw new Error('a test turned off by name ran');
  });
  test('a test the store passes', async () => {
    ran.push('passes');
  });

  it('leaves out the tests named in skip, registers the others, and names the stale entries', () => {
    expect(ran).toEqual(['passes']);
    expect(unmatched()).toEqual(['a test renamed since']);
    expect(rejectUnmatched).toThrow(
      /skip names tests this suite does not have: a test renamed since/,
    );
  });
});
