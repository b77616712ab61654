import { digest } from 'ion-hash-js';
import { dom, makeReader } from 'ion-js';
import { describe, expect, it } from 'vitest';
import { ionHash } from '../src/index.js';
import { buildBlocks, exportObjects, SAMPLE_CHANGES } from './support/export-fixture.js';

/** ion-hash-js, the reference implementation the package's own hash must match byte for byte. */
const reference = (value: dom.Value) => Buffer.from(digest(value, 'sha256')).toString('hex');
const ours = (value: dom.Value) => Buffer.from(ionHash(value)).toString('hex');

const EDGE_CASES = [
  '{accountId:"alice",balance:0.30000000000000004e0}',
  '{a:-5, b:0e0, c:-0e0, d:12.50, e:-0.0, f:2021-05-27T12:00:00.123Z, g:2021T, h:null.int, i:null}',
  '{j:true, k:false, l:[1,[2,(3 a)]], m:{{AAEC}}, n:{{"cl\\x0b"}}, o:ann::{x:ann2::1}}',
  '{p:"\\x0b\\x0c\\x0e", q:"日本", r:123456789012345678901234567890, s:sym, t:null.struct, u:[], v:{}}',
  '{w:1e300, x:2021-05-27T12:00:00-07:00, y:-1e-300, z:+inf, zz:-inf, n2:nan, e:"😀", b:null.blob}',
  '[0d0, -0d0, 0d-2, -0d3, 1.0, -1.5, 123.456e5, 1d300, -99999999999999999999.99]',
  '[2021-05-27T12:00:00.000000Z, 2021-05-27T12:00:00.5-00:00, 2021-05-27T12:00Z, 2021-05-27]',
  '[2021-05T, 0002-01-01T00:00:00.000+14:00, 2021-05-27T12:00:00.00000000000000000001Z]',
  '[2021-05-27T12:00:00.0Z, -5, 128, 255, 256, -128, 65536, -9223372036854775808]',
  '{a:1,a:2}',
  'x::y::[1,2]',
  '"top"',
  '5',
  '-1d-3',
  'null.list',
  '(a b::c "d")',
  "{'field with \\x0b marker':'sym\\x0e'}",
];

describe('ionHash', () => {
  it.each(EDGE_CASES)('hashes %s exactly as ion-hash-js does', (text) => {
    const value = dom.load(text)!;
    expect(ours(value)).toBe(reference(value));
  });

  it.each(['ION_TEXT', 'JSON'] as const)(
    'hashes every metadata, data and transactionInfo of a %s export exactly as ion-hash-js does',
    (format) => {
      const objects = exportObjects(buildBlocks(SAMPLE_CHANGES), format, { blocksPerObject: 100 });
      let hashed = 0;
      for (const [key, bytes] of objects) {
        if (key.endsWith('manifest')) continue;
        const reader = makeReader(bytes);
        for (let block = dom.load(reader); block; block = dom.load(reader)) {
          const parts = [block.get('transactionInfo')!];
          for (const revision of block.get('revisions')!.elements()) {
            for (const name of ['metadata', 'data']) {
              const part = revision.get(name);
              if (part && !part.isNull()) parts.push(part);
            }
          }
          for (const part of parts) {
            expect(ours(part)).toBe(reference(part));
            hashed++;
          }
        }
      }
      // Seven blocks: a transactionInfo and a metadata each, data on all but the delete.
      expect(hashed).toBe(20);
    },
  );
});
