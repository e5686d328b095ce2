import {describe as describeValue} from './describe';

describe('describe', () => {
  it.each([
    ['x', '"x"'], ['', '""'], [7, '7'], [NaN, 'NaN'], [-Infinity, '-Infinity'], [true, 'true'], [null, 'null'],
    [undefined, 'undefined'], [3n, '3'], [[1, 2], 'an array of length 2'], [new Float32Array(5), 'a Float32Array of length 5'],
    [new DataView(new ArrayBuffer(3)), 'a DataView of length 3'], [{a: 1, b: 2}, 'an object with keys [a, b]'],
    [() => 0, 'a function'], [Symbol('s'), 'symbol'],
  ])('describe(%p) is %p', (value, expected) => {
    expect(describeValue(value)).toBe(expected);
  });
});
