import { dom } from 'ion-js';
import { describe, expect, it } from 'vitest';
import { ionToJson } from '../src/index.js';

const json = (text: string) => ionToJson(dom.load(text)!);

describe('ionToJson', () => {
  it('keeps ints, decimals and floats exact as tagged text, precision included', () => {
    expect(
      json('[10, 123456789012345678901234567890, 12.50, 1d2, -0.0, 0.30000000000000004e0]'),
    ).toEqual([
      { $ion: 'int', text: '10' },
      { $ion: 'int', text: '123456789012345678901234567890' },
      { $ion: 'decimal', text: '12.50' },
      { $ion: 'decimal', text: '1d2' },
      { $ion: 'decimal', text: '-0.0' },
      { $ion: 'float', text: '0.30000000000000004' },
    ]);
  });

  it('spells infinite and NaN floats as Ion does', () => {
    expect(json('[+inf, -inf, nan]')).toEqual([
      { $ion: 'float', text: '+inf' },
      { $ion: 'float', text: '-inf' },
      { $ion: 'float', text: 'nan' },
    ]);
  });

  it('turns strings and symbols into strings, typed nulls into null, and keeps timestamp precision and blobs', () => {
    expect(json('{ s: "a", y: b, n: null.int, t: 1963-08-19T, b: {{AAE=}}, l: (x 1) }')).toEqual({
      s: 'a',
      y: 'b',
      n: null,
      t: { $ion: 'timestamp', text: '1963-08-19T' },
      b: { $ion: 'blob', base64: 'AAE=' },
      l: ['x', { $ion: 'int', text: '1' }],
    });
  });
});
