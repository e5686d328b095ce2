import {BadConfigError} from './bad-config-error';
import {balancedFraction, balancedSubset, takeImages} from './balanced-subset';

/** 10 classes × 5,000 rows, shuffled deterministically (class of row i is (i·7) mod 10). */
const labels = Uint8Array.from({length: 50_000}, (_, i) => (i * 7) % 10);
const perClassCounts = (rows: Int32Array, l: ArrayLike<number>) => {
  const counts = new Array(10).fill(0);
  for (const r of rows) counts[l[r]]++;
  return counts;
};
const isSubset = (small: Int32Array, big: Int32Array) => { const s = new Set(big); return small.every((r) => s.has(r)); };

describe('balancedSubset', () => {
  for (const perClass of [50, 100, 500, 5000]) {
    it(`perClass=${perClass} of 10×5000: exactly ${perClass} per class, distinct, increasing`, () => {
      const rows = balancedSubset(labels, perClass, 1);
      expect(rows.length).toBe(10 * perClass);
      expect(perClassCounts(rows, labels)).toEqual(new Array(10).fill(perClass));
      const firstNotIncreasing = rows.findIndex((r, k) => k > 0 && r <= rows[k - 1]);
      expect(firstNotIncreasing).toBe(-1); // strictly increasing, so also distinct
    });
  }

  it('the same seed gives the same rows; another seed others', () => {
    expect(Array.from(balancedSubset(labels, 100, 7))).toEqual(Array.from(balancedSubset(labels, 100, 7)));
    expect(Array.from(balancedSubset(labels, 100, 8))).not.toEqual(Array.from(balancedSubset(labels, 100, 7)));
  });

  it('with one seed, 50 per class ⊂ 100 ⊂ 500', () => {
    const [a, b, c] = [50, 100, 500].map((n) => balancedSubset(labels, n, 3));
    expect(isSubset(a, b)).toBe(true);
    expect(isSubset(b, c)).toBe(true);
  });

  it('draws are spread over the pool, not its first rows', () => {
    const rows = balancedSubset(labels, 50, 1);
    expect(rows[rows.length - 1]).toBeGreaterThan(40_000);
    expect(rows[0]).toBeLessThan(10_000);
  });

  it('throws when a class has fewer rows than asked, naming the class and both numbers', () => {
    const few = Uint8Array.from([0, 0, 0, 1, 1, 2, 2, 2]);
    expect(() => balancedSubset(few, 3, 1)).toThrow(BadConfigError);
    expect(() => balancedSubset(few, 3, 1)).toThrow(/balancedSubset: class 1 has 2 rows, fewer than the 3 per class asked for: ask for at most 2/);
    expect(() => balancedSubset(few, 3, 1, {classes: ['cat', 'dog', 'ship']})).toThrow(/class 1 \(dog\) has 2 rows/);
  });

  it('with classes named, a class with no rows is an error, and so is a label out of range', () => {
    expect(() => balancedSubset([0, 0, 2, 2], 1, 1, {classes: ['a', 'b', 'c']})).toThrow(/class 1 \(b\) has 0 rows/);
    expect(() => balancedSubset([0, 3], 1, 1, {classes: ['a', 'b', 'c']})).toThrow(/labels\[1\] is 3, expected an integer in 0…2 \(3 classes\)/);
  });

  it('throws on a bad perClass or seed', () => {
    expect(() => balancedSubset(labels, 0, 1)).toThrow(/perClass must be a positive integer, got 0/);
    expect(() => balancedSubset(labels, 5, 1.5)).toThrow(/seed must be an integer, got 1.5/);
  });
});

describe('balancedFraction', () => {
  const test = Uint8Array.from({length: 10_000}, (_, i) => i % 10); // the CIFAR-10 test set's 1,000 per class

  it('0.1 of 10×1000 is 100 per class, deterministic per seed', () => {
    const rows = balancedFraction(test, 0.1, 1);
    expect(rows.length).toBe(1000);
    expect(perClassCounts(rows, test)).toEqual(new Array(10).fill(100));
    expect(Array.from(balancedFraction(test, 0.1, 1))).toEqual(Array.from(rows));
    expect(Array.from(balancedFraction(test, 0.1, 2))).not.toEqual(Array.from(rows));
  });

  it('throws when the share per class is below 1, or the fraction is outside (0, 1]', () => {
    expect(() => balancedFraction(test, 0.0001, 1)).toThrow(/balancedFraction: fraction 0.0001 of 10000 rows in 10 classes is 0 per class/);
    expect(() => balancedFraction(test, 1.5, 1)).toThrow(/fraction must be in \(0, 1\], got 1.5/);
  });
});

describe('takeImages', () => {
  it('copies the rows asked for, with their labels, in that order', () => {
    const set = {images: Float32Array.from({length: 3 * 2}, (_, i) => i), labels: Uint8Array.from([5, 6, 7]), count: 3, shape: [3, 1, 1, 2]};
    const out = takeImages(set, [2, 0]);
    expect(Array.from(out.images)).toEqual([4, 5, 0, 1]);
    expect(out.labels).toBeInstanceOf(Uint8Array);
    expect(Array.from(out.labels)).toEqual([7, 5]);
    expect(out.shape).toEqual([2, 1, 1, 2]);
    expect(() => takeImages(set, [3])).toThrow(/takeImages: rows\[0\] is 3, expected a row number in 0…2/);
  });
});
