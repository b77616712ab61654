import { describe, expect, it } from 'vitest';
import { IonDecodeError, ionToJson } from '../src/index.js';
import { ionBinary } from './support/fixtures.js';

/** Decodes Ion text both ways: as binary (our reader) and as text (ion-js), which must agree. */
function both(text: string): unknown {
  const fromBinary = ionToJson(ionBinary(text));
  expect(ionToJson(Buffer.from(text))).toEqual(fromBinary);
  return fromBinary[0];
}

const IVM = [0xe0, 0x01, 0x00, 0xea];

describe('Ion to JSON, by the rules of DESIGN section 6, from Ion binary and Ion text alike', () => {
  it('renders a decimal as an exact string with its exponent’s fraction digits', () => {
    expect(
      both('[5.00, 500d-2, 5d0, 5., 5d2, 0.05, -3.50, 0d-2, 123456789012345678.123456789]'),
    ).toEqual([
      '5.00',
      '5.00',
      '5',
      '5',
      '500',
      '0.05',
      '-3.50',
      '0.00',
      '123456789012345678.123456789',
    ]);
  });

  it('keeps a U+FEFF that starts a string or a field name, as any other character', () => {
    expect(both('{ "\\uFEFFk": "\\uFEFFgift", m: "a\\uFEFF" }')).toEqual({
      '\uFEFFk': '\uFEFFgift',
      m: 'a\uFEFF',
    });
  });

  it('keeps the sign of a negative-zero decimal', () => {
    expect(both('[-0.00, -0d0]')).toEqual(['-0.00', '-0']);
  });

  it('renders an int as a number when it is safe and as a decimal string when it is not', () => {
    expect(both('[0, -7, 9007199254740991, 9007199254740992, -18446744073709551616]')).toEqual([
      0,
      -7,
      9007199254740991,
      '9007199254740992',
      '-18446744073709551616',
    ]);
  });

  it('renders a float as a number, and nan and infinities by their Ion names', () => {
    expect(both('[1.5e0, -2e-1, nan, +inf, -inf]')).toEqual([1.5, -0.2, 'nan', '+inf', '-inf']);
  });

  it('renders a timestamp as ISO 8601 in UTC at the precision it was written with', () => {
    expect(
      both(
        '[2007T, 2007-02T, 2007-02-23T, 2007-02-23T12:14Z, 2007-02-23T12:14:33Z, 2007-02-23T12:14:33.079Z, 2007-02-23T12:14:33.000079Z]',
      ),
    ).toEqual([
      '2007',
      '2007-02',
      '2007-02-23',
      '2007-02-23T12:14Z',
      '2007-02-23T12:14:33Z',
      '2007-02-23T12:14:33.079Z',
      '2007-02-23T12:14:33.000079Z',
    ]);
  });

  it('moves a timestamp with a local offset to UTC, across a day and a year, and reads -00:00 as UTC', () => {
    expect(
      both('[2007-02-23T12:14:33.079-08:00, 2024-01-01T01:30+09:00, 2023-12-31T23:30:00.5-00:00]'),
    ).toEqual(['2007-02-23T20:14:33.079Z', '2023-12-31T16:30Z', '2023-12-31T23:30:00.5Z']);
  });

  it('renders blobs and clobs as base64, and symbols and strings as strings', () => {
    expect(both('[{{AQID}}, {{"hi"}}, sym, \'quoted sym\', "text", "ünï©ødé 💰"]')).toEqual([
      'AQID',
      Buffer.from('hi').toString('base64'),
      'sym',
      'quoted sym',
      'text',
      'ünï©ødé 💰',
    ]);
  });

  it('renders every typed null as null and booleans as booleans', () => {
    expect(
      both(
        '[null, null.null, null.bool, null.int, null.float, null.decimal, null.timestamp, null.symbol, null.string, null.clob, null.blob, null.list, null.sexp, null.struct, true, false]',
      ),
    ).toEqual([...Array(14).fill(null), true, false]);
  });

  it('renders structs as objects and lists and sexps as arrays, dropping annotations', () => {
    expect(both('{ a: [1, (2 3)], b: { c: note::"x" }, \'__proto__\': 1 }')).toEqual(
      JSON.parse('{"a":[1,[2,3]],"b":{"c":"x"},"__proto__":1}'),
    );
  });

  it('decodes every top-level value of a stream', () => {
    expect(ionToJson(ionBinary('1 "two" { three: 3. }'))).toEqual([1, 'two', { three: '3' }]);
  });

  it('applies a local symbol table that appends to the previous one', () => {
    // $ion_symbol_table::{ symbols: ["a"] }, then an append adding "b", then { a: 1, b: 2 }.
    const bytes = Uint8Array.from([
      ...IVM,
      ...[0xe7, 0x81, 0x83, 0xd4, 0x87, 0xb2, 0x81, 0x61],
      ...[0xea, 0x81, 0x83, 0xd7, 0x86, 0x71, 0x03, 0x87, 0xb2, 0x81, 0x62],
      ...[0xd6, 0x8a, 0x21, 0x01, 0x8b, 0x21, 0x02],
    ]);
    expect(ionToJson(bytes)).toEqual([{ a: 1, b: 2 }]);
  });

  it('skips NOP padding and reads a sorted struct with an explicit length', () => {
    // A NOP pad, then a struct of length code 1 holding { name: "x" } with a padded field.
    const bytes = Uint8Array.from([
      ...IVM,
      ...[0x02, 0x00, 0x00],
      ...[0xd1, 0x85, 0x84, 0x81, 0x78, 0x84, 0x00],
    ]);
    expect(ionToJson(bytes)).toEqual([{ name: 'x' }]);
  });

  it('rejects a symbol from a shared table it cannot resolve', () => {
    // $ion_symbol_table::{ imports: [{ name: "s", version: 1, max_id: 1 }] }, then symbol $10.
    const bytes = Uint8Array.from([
      ...IVM,
      ...[0xee, 0x8f, 0x81, 0x83, 0xdc, 0x86, 0xba, 0xd9, 0x84, 0x81, 0x73, 0x85, 0x21, 0x01],
      ...[0x88, 0x21, 0x01],
      ...[0x71, 0x0a],
    ]);
    expect(() => ionToJson(bytes)).toThrow(/symbol \$10 has no known text/);
  });

  it.each([
    ['a truncated value', [...IVM, 0x8a, 0x61, 0x62]],
    ['a container longer than its parent', [...IVM, 0xd3, 0x8a, 0x88, 0x61]],
    ['a negative-zero int', [...IVM, 0x31, 0x00]],
    ['a reserved type code', [...IVM, 0xf0]],
    ['a string that is not UTF-8', [...IVM, 0x82, 0xc3, 0x28]],
    ['a timestamp with month 13', [...IVM, 0x64, 0x80, 0x0f, 0xd0, 0x8d]],
    ['an unknown Ion version', [0xe0, 0x02, 0x00, 0xea]],
    ['bytes that are neither Ion binary nor UTF-8', [0xff, 0xfe, 0x00, 0x81]],
    ['text that is not Ion', [...Buffer.from('{ a: ')]],
  ])('throws IonDecodeError for %s', (_, bytes) => {
    expect(() => ionToJson(Uint8Array.from(bytes))).toThrow(IonDecodeError);
  });

  it('throws IonDecodeError rather than overflowing the stack on deep nesting', () => {
    const deep = `${'['.repeat(150)}${']'.repeat(150)}`;
    expect(() => ionToJson(ionBinary(deep))).toThrow(/nesting deeper than 100/);
    expect(() => ionToJson(Buffer.from(deep))).toThrow(/nesting deeper than 100/);
  });
});
