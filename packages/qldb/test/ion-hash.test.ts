import { createRequire } from 'node:module';
import { dumpBinary, load } from 'ion-js';
import { describe, expect, it } from 'vitest';
import { ionHash, ionHashOfString } from '../src/testing/ion-hash.js';

// The driver's own hasher (built on ion-hash-js) is the reference the fake must agree with.
const require = createRequire(import.meta.url);
const { QldbHash } = require('amazon-qldb-driver-nodejs/dist/src/QldbHash') as {
  QldbHash: { toQldbHash(value: string | Uint8Array): { getQldbHash(): Uint8Array } };
};

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('ionHash', () => {
  it('equals the QLDB driver hash for every Ion type the fake meets, nested and annotated', () => {
    const samples = [
      '"text with \\x0b \\x0e \\x0c markers"',
      '0',
      '-5',
      '123456789012345678901234',
      '5.00',
      '0.00',
      '-100.50',
      '0d0',
      '2031-02-03T04:05:06.789Z',
      '2019-12-11T',
      'true',
      'null',
      'null.struct',
      '{{aGVsbG8=}}',
      'a_symbol',
      '{accountId: "p1", balances: {GOLD: 10.50, GEMS: 7}, metadata: null, n: [1, 2.5e0, {x: "y"}]}',
      'ann::{a: sym, b: ann2::[1, 2], c: (x y)}',
      '[{}, []]',
    ];
    for (const text of samples) {
      const binary = dumpBinary(load(text));
      expect(hex(ionHash(load(binary)!)), text).toBe(
        hex(QldbHash.toQldbHash(binary).getQldbHash()),
      );
    }
    expect(hex(ionHashOfString('0007KbqoyqAIch6XRbQ4iA'))).toBe(
      hex(QldbHash.toQldbHash('0007KbqoyqAIch6XRbQ4iA').getQldbHash()),
    );
  });
});
