import {createRandom} from '@encoderless/random';
import {BadConfigError, checkPositiveInteger, describe} from './bad-config-error';
import {takeRows, type MnistSplit} from './to-mnist-split';

/** The seed of the fixed MNIST test subset, so every run evaluates on the same 1,000 images. */
export const MNIST_TEST_SUBSET_SEED = 20_000;

/**
 * `size` distinct row numbers out of 0 … count-1, drawn uniformly with `seed`, in increasing
 * order. With one seed, a smaller subset is contained in a larger one (the draws are a prefix
 * of a partial Fisher–Yates shuffle), so growing N only adds rows.
 *
 * ```ts
 * selectSubset(60000, 3, 1); // Int32Array of 3 sorted distinct rows, the same on every machine
 * ```
 */
export function selectSubset(count: number, size: number, seed: number): Int32Array {
  return drawRows('selectSubset', count, size, seed, 'rows');
}

/**
 * A seeded random subset of `size` rows of a split (N of the paper's experiments), in the
 * split's order. Throws `BadConfigError` when `size` is more than `split.count`.
 *
 * ```ts
 * const {train} = await loadMnist();
 * const small = mnistSubset(train, 1000, 1); // small.shape: [1000, 28, 28, 1]
 * ```
 */
export function mnistSubset(split: MnistSplit, size: number, seed: number): MnistSplit {
  return takeRows(split, drawRows('mnistSubset', split.count, size, seed, 'images in the split'));
}

/** Options of `mnistTestSubset`. */
export interface MnistTestSubsetOptions {
  /** Images in the subset. Default 1000. */
  readonly size?: number;
  /** Default `MNIST_TEST_SUBSET_SEED`, fixed so every run evaluates on the same images. */
  readonly seed?: number;
}

/**
 * The fixed random test subset: 1,000 images of the test split drawn with
 * `MNIST_TEST_SUBSET_SEED`, the same in every run unless `size` or `seed` say otherwise.
 *
 * ```ts
 * const {test} = await loadMnist();
 * const evalSet = mnistTestSubset(test); // [1000, 28, 28, 1]
 * ```
 */
export function mnistTestSubset(test: MnistSplit, options: MnistTestSubsetOptions = {}): MnistSplit {
  const {size = 1000, seed = MNIST_TEST_SUBSET_SEED} = options;
  return takeRows(test, drawRows('mnistTestSubset', test.count, size, seed, 'test images'));
}

/**
 * Throws `BadConfigError` if two subsets of one pool share a row, naming the row; for a test
 * subset cut from the same pool as a training subset (say, validation images from the
 * training split). Takes splits (their `indices` are compared) or plain row numbers.
 *
 * ```ts
 * checkDisjointSubsets(mnistSubset(train, 1000, 1), heldOut); // throws if any image is in both
 * ```
 */
export function checkDisjointSubsets(
  train: MnistSplit | ArrayLike<number>, test: MnistSplit | ArrayLike<number>,
): void {
  const a = 'indices' in train ? train.indices : train;
  const b = 'indices' in test ? test.indices : test;
  const seen = new Map<number, number>();
  for (let i = 0; i < a.length; i++) seen.set(a[i], i);
  for (let j = 0; j < b.length; j++) {
    const i = seen.get(b[j]);
    if (i !== undefined) {
      throw new BadConfigError(
        `checkDisjointSubsets: row ${b[j]} of the pool is in both subsets (position ${i} of the training subset, ` +
        `position ${j} of the test subset), expected no shared rows: draw the test subset from the rows the training subset left out`);
    }
  }
}

function drawRows(fn: string, count: number, size: number, seed: number, what: string): Int32Array {
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0) {
    throw new BadConfigError(`${fn}: count must be a non-negative integer, got ${describe(count)}`);
  }
  checkPositiveInteger(fn, 'size', size);
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    throw new BadConfigError(`${fn}: seed must be an integer, got ${describe(seed)}`);
  }
  if (size > count) {
    throw new BadConfigError(`${fn}: size ${size} is more than the ${count} ${what} available, expected at most ${count}`);
  }
  return createRandom(seed).sample(count, size).sort();
}
