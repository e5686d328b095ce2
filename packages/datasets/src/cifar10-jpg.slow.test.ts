import {existsSync} from 'node:fs';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {balancedFraction, balancedSubset} from './balanced-subset';
import {loadImageFolder} from './load-image-folder';
import {CIFAR10_CLASSES} from './parse-cifar-batch';
import {unpackTarGz} from './unpack-tar-gz';

// Slow (ENCODERLESS_SLOW_TESTS=1): unpacks all 60,000 JPEGs of the shared tarball and decodes them.
const SHARED = join(__dirname, '..', '..', '..', '..', 'shared', 'data', 'cifar10-jpg.tar.gz');
const present = existsSync(SHARED);
if (!present) console.warn(`cifar10-jpg.slow.test: skipping: ${SHARED} is absent (it is only on dev machines and CI)`);

(present ? describe : describe.skip)('the shared cifar10-jpg.tar.gz, unpacked and decoded', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cifar10-jpg-'));
    const started = Date.now();
    const written = await unpackTarGz(SHARED, dir);
    console.log(`unpackTarGz: ${written.length} files in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(written.length).toBe(60_000);
  }, 300_000);
  afterAll(async () => { if (dir) await rm(dir, {recursive: true, force: true}); });

  it('train: 50,000 images [32, 32, 3], 5,000 per class, classes in CIFAR-10 order; then balanced subsets', async () => {
    const started = Date.now();
    const train = await loadImageFolder({dir, split: 'train'});
    const seconds = (Date.now() - started) / 1000;
    console.log(`loadImageFolder train: ${train.count} images in ${seconds.toFixed(1)} s`);
    expect(train.shape).toEqual([50_000, 32, 32, 3]);
    expect(train.classes).toEqual(CIFAR10_CLASSES); // alphabetical happens to be the official label order
    expect(train.skipped).toEqual([]);
    const counts = new Array(10).fill(0);
    for (const l of train.labels) counts[l]++;
    expect(counts).toEqual(new Array(10).fill(5000));
    let min = Infinity, max = -Infinity, sum = 0;
    const images = train.images; // an indexed loop: for…of over 150 M floats takes a minute under jest
    for (let i = 0; i < images.length; i++) {
      const v = images[i];
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThanOrEqual(1);
    // CIFAR-10's mean pixel is about 0.47 (per channel 0.49, 0.48, 0.45); JPEG moves it by far less than 0.02.
    expect(sum / train.images.length).toBeGreaterThan(0.45);
    expect(sum / train.images.length).toBeLessThan(0.49);

    for (const perClass of [50, 100, 500, 5000]) {
      const rows = balancedSubset(train.labels, perClass, 1, {classes: train.classes});
      const c = new Array(10).fill(0);
      for (const r of rows) c[train.labels[r]]++;
      expect(c).toEqual(new Array(10).fill(perClass));
    }
  }, 300_000);

  it('test: 10,000 images, a class-balanced tenth is 100 per class', async () => {
    const test = await loadImageFolder({dir, split: 'test'});
    expect(test.shape).toEqual([10_000, 32, 32, 3]);
    const rows = balancedFraction(test.labels, 0.1, 1, {classes: test.classes});
    const c = new Array(10).fill(0);
    for (const r of rows) c[test.labels[r]]++;
    expect(c).toEqual(new Array(10).fill(100));
  }, 300_000);
});
