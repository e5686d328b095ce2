import {createRandom} from '@encoderless/random';
import {BadConfigError, checkNumberIn, checkPositiveInteger, describe} from './bad-config-error';

/** Options of `balancedSubset` and `balancedFraction`. */
export interface BalancedSubsetOptions {
  /**
   * Class names, label i named `classes[i]`: every label must be below `classes.length`, every
   * class must have enough images (a class with none is an error, not silently left out), and
   * messages name classes. Default: the distinct labels present.
   */
  readonly classes?: readonly string[];
}

/**
 * A class-balanced seeded subset: `perClass` rows of every class, drawn uniformly without
 * replacement, returned as row numbers in increasing order (so the subset keeps the data's
 * order). Each class draws from its own stream of `seed`, and a draw is a prefix of a partial
 * Fisher–Yates shuffle, so with one seed the 50-per-class subset is inside the 100-per-class
 * one, which is inside the 500 one, and one class's draw does not depend on another's size.
 *
 * Throws `BadConfigError` when a class has fewer than `perClass` rows, naming the class and
 * both numbers.
 *
 * ```ts
 * const rows = balancedSubset(train.labels, 100, 1, {classes: CIFAR10_CLASSES}); // 1,000 rows
 * const small = takeImages(train, rows);                                       // [1000, 32, 32, 3]
 * ```
 */
export function balancedSubset(
  labels: ArrayLike<number>, perClass: number, seed: number, options: BalancedSubsetOptions = {},
): Int32Array {
  return draw('balancedSubset', labels, perClass, seed, options);
}

/**
 * A class-balanced `fraction` of the rows: `round(fraction · N / classes)` rows of every class
 * (`balancedSubset`). For the CIFAR-10 test set (1,000 per class), `fraction` 0.1 gives 100
 * per class, a tenth of it. Throws `BadConfigError` when that is less than 1 or when a class
 * has fewer rows than the share.
 *
 * ```ts
 * const evalRows = balancedFraction(test.labels, 0.1, 1); // 1,000 of the 10,000 test images
 * ```
 */
export function balancedFraction(
  labels: ArrayLike<number>, fraction: number, seed: number, options: BalancedSubsetOptions = {},
): Int32Array {
  const fn = 'balancedFraction';
  checkNumberIn(fn, 'fraction', fraction, {low: 0, high: 1, lowOpen: true});
  const groups = groupByClass(fn, labels, options.classes);
  const perClass = Math.round((fraction * labels.length) / groups.length);
  if (perClass < 1) {
    throw new BadConfigError(
      `${fn}: fraction ${fraction} of ${labels.length} rows in ${groups.length} classes is ${perClass} per class, ` +
      'expected at least 1: ask for a larger fraction');
  }
  return draw(fn, labels, perClass, seed, options);
}

/**
 * The rows `rows` of a set of images, in that order: [rows.length, …shape.slice(1)].
 *
 * ```ts
 * const small = takeImages(train, balancedSubset(train.labels, 50, 1)); // [500, 32, 32, 3] for CIFAR-10
 * ```
 */
export function takeImages<L extends Uint8Array | Int32Array>(
  set: {readonly images: Float32Array; readonly labels: L; readonly count: number; readonly shape: readonly number[]},
  rows: ArrayLike<number>,
): {images: Float32Array; labels: L; count: number; shape: number[]} {
  const fn = 'takeImages';
  const size = set.shape.slice(1).reduce((a, b) => a * b, 1);
  const images = new Float32Array(rows.length * size);
  const labels = (set.labels instanceof Uint8Array ? new Uint8Array(rows.length) : new Int32Array(rows.length)) as L;
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k];
    if (!Number.isInteger(r) || r < 0 || r >= set.count) {
      throw new BadConfigError(`${fn}: rows[${k}] is ${describe(r)}, expected a row number in 0…${set.count - 1}`);
    }
    images.set(set.images.subarray(r * size, (r + 1) * size), k * size);
    labels[k] = set.labels[r];
  }
  return {images, labels, count: rows.length, shape: [rows.length, ...set.shape.slice(1)]};
}

function draw(
  fn: string, labels: ArrayLike<number>, perClass: number, seed: number, options: BalancedSubsetOptions,
): Int32Array {
  checkPositiveInteger(fn, 'perClass', perClass);
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    throw new BadConfigError(`${fn}: seed must be an integer, got ${describe(seed)}`);
  }
  const groups = groupByClass(fn, labels, options.classes);
  for (const {label, rows} of groups) {
    if (rows.length < perClass) {
      const name = options.classes ? `${label} (${options.classes[label]})` : `${label}`;
      throw new BadConfigError(
        `${fn}: class ${name} has ${rows.length} rows, fewer than the ${perClass} per class asked for: ` +
        `ask for at most ${Math.min(...groups.map((g) => g.rows.length))} per class`);
    }
  }
  // Forked in class order before any draw, so class c's stream is the same whatever perClass is.
  const rng = createRandom(seed);
  const streams = groups.map(() => rng.fork());
  const out = new Int32Array(groups.length * perClass);
  groups.forEach(({rows}, g) => {
    const picks = streams[g].sample(rows.length, perClass);
    for (let k = 0; k < perClass; k++) out[g * perClass + k] = rows[picks[k]];
  });
  return out.sort();
}

/** Rows of each class in increasing order; classes 0…classes.length-1 if named, else the labels present, ascending. */
function groupByClass(fn: string, labels: ArrayLike<number>, classes?: readonly string[]): {label: number; rows: number[]}[] {
  const byLabel = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!Number.isInteger(label) || label < 0 || (classes !== undefined && label >= classes.length)) {
      const expected = classes === undefined ? 'a non-negative integer' : `an integer in 0…${classes.length - 1} (${classes.length} classes)`;
      throw new BadConfigError(`${fn}: labels[${i}] is ${describe(label)}, expected ${expected}`);
    }
    let rows = byLabel.get(label);
    if (rows === undefined) byLabel.set(label, (rows = []));
    rows.push(i);
  }
  const keys = classes !== undefined ? classes.map((_, i) => i) : [...byLabel.keys()].sort((a, b) => a - b);
  if (keys.length === 0) throw new BadConfigError(`${fn}: labels is empty, expected at least one labelled row`);
  return keys.map((label) => ({label, rows: byLabel.get(label) ?? []}));
}
