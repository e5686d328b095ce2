import {resolveColumns} from './table-columns';

describe('resolveColumns', () => {
  it('without columns: every key in order of first appearance', () => {
    expect(resolveColumns('f', [{a: 1, b: 2}, {c: 3, a: 4}])).toEqual(['a', 'b', 'c']);
  });

  it('with columns: those, in the given order', () => {
    expect(resolveColumns('f', [{a: 1, b: 2}], ['b', 'a'])).toEqual(['b', 'a']);
  });

  it('with columns and no rows: the columns (a header-only table)', () => {
    expect(resolveColumns('f', [], ['step'])).toEqual(['step']);
  });

  it('throws when a column is not a key of any row', () => {
    expect(() => resolveColumns('toCsv', [{step: 1, loss: 2}], ['step', 'lsos']))
      .toThrow(/^toCsv: columns\[1\] is "lsos", expected a key of the rows \(step, loss\)$/);
  });

  it('throws when a row is not an object', () => {
    expect(() => resolveColumns('toCsv', [{a: 1}, 5 as unknown as Record<string, unknown>]))
      .toThrow(/toCsv: rows\[1\] must be an object, got 5/);
    expect(() => resolveColumns('toCsv', [null as never])).toThrow(/^toCsv: rows\[0\] must be an object, got null$/);
    expect(() => resolveColumns('toCsv', [[1, 2] as never])).toThrow(/^toCsv: rows\[0\] must be an object, got an array of length 2$/);
  });

  it('throws when rows or columns are not arrays, or a column is not a string', () => {
    expect(() => resolveColumns('toCsv', {a: 1} as never)).toThrow(/^toCsv: rows must be an array of objects, got an object with keys \[a\]$/);
    expect(() => resolveColumns('toCsv', [{a: 1}], 'a' as never)).toThrow(/^toCsv: columns must be an array of strings, got "a"$/);
    expect(() => resolveColumns('toCsv', [{a: 1}], ['a', 3] as never)).toThrow(/^toCsv: columns\[1\] must be a string, got 3$/);
    // No rows: any columns make a header-only table.
    expect(resolveColumns('toCsv', [], ['x', 'y'])).toEqual(['x', 'y']);
  });
});
