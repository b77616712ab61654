import { describe, expect, it } from 'vitest';
import { ItemReader } from '../src/index.js';

const reader = (item: ConstructorParameters<typeof ItemReader>[0]) =>
  new ItemReader(item, 'ledger item W#p1/WALLET');

describe('ItemReader', () => {
  it('reads strings, NULLs, integers and string maps as stored', () => {
    const read = reader({
      name: { S: '' },
      none: { NULL: true },
      version: { N: '9007199254740991' },
      balances: { M: { GOLD: { S: '0.10' }, GEMS: { S: '7' } } },
    });
    expect(read.string('name')).toBe('');
    expect(read.nullableString('none')).toBeNull();
    expect(read.nullableString('name')).toBe('');
    expect(read.integer('version')).toBe(Number.MAX_SAFE_INTEGER);
    expect(read.stringMap('balances')).toEqual({ GOLD: '0.10', GEMS: '7' });
    expect(read.has('none')).toBe(true);
    expect(read.has('missing')).toBe(false);
  });

  it.each([
    ['a missing string', (r: ItemReader) => r.string('x'), 'has no string attribute x'],
    ['a number read as a string', (r: ItemReader) => r.string('n'), 'has no string attribute n'],
    [
      'a negative integer',
      (r: ItemReader) => r.integer('neg'),
      'has no non-negative integer attribute neg',
    ],
    [
      'a fraction',
      (r: ItemReader) => r.integer('frac'),
      'has no non-negative integer attribute frac',
    ],
    [
      'an unsafe integer',
      (r: ItemReader) => r.integer('big'),
      'has no non-negative integer attribute big',
    ],
    ['a map with a number', (r: ItemReader) => r.stringMap('map'), 'has a non-string map.GOLD'],
    [
      'an unknown entry type',
      (r: ItemReader) => r.entryType('type'),
      'has an unknown entry type "GIFT"',
    ],
    [
      'metadata that is an array',
      (r: ItemReader) => r.metadata('list'),
      'has list that is not a JSON object',
    ],
  ])('refuses %s with a TypeError naming the item', (_, call, problem) => {
    const read = reader({
      n: { N: '1' },
      neg: { N: '-1' },
      frac: { N: '1.5' },
      big: { N: '9007199254740993' },
      map: { M: { GOLD: { N: '1' } } },
      type: { S: 'GIFT' },
      list: { S: '[1]' },
    });
    expect(() => call(read)).toThrow(new TypeError(`ledger item W#p1/WALLET ${problem}`));
  });

  it('keeps the parse error as cause when stored JSON is not JSON', () => {
    const read = reader({ metadata: { S: '{oops' } });
    let thrown: unknown;
    try {
      read.metadata('metadata');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TypeError);
    expect((thrown as TypeError).message).toBe(
      'ledger item W#p1/WALLET has metadata that is not JSON',
    );
    expect((thrown as TypeError).cause).toBeInstanceOf(SyntaxError);
  });
});
