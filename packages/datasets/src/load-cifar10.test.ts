import {createHash} from 'node:crypto';
import {mkdir, mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {gzipSync} from 'node:zlib';
import {BadConfigError} from './bad-config-error';
import {BadDataFileError, DataUnavailableError} from './bad-data-file-error';
import {cifar10CacheDir, CIFAR10_BINARY_FILES, CIFAR10_BINARY_MD5, CIFAR10_BINARY_URL, loadCifar10Binary} from './load-cifar10';
import {CIFAR10_RECORD_BYTES} from './parse-cifar-batch';
import {makeTar} from './tar-fixture';

const NAMES = [...CIFAR10_BINARY_FILES.train, ...CIFAR10_BINARY_FILES.test];

/** A tiny batch: `records` records, record r of file f has label (f + r) % 10 and every pixel byte f·10 + r. */
function batch(f: number, records: number): Uint8Array {
  const bytes = new Uint8Array(records * CIFAR10_RECORD_BYTES);
  for (let r = 0; r < records; r++) {
    bytes[r * CIFAR10_RECORD_BYTES] = (f + r) % 10;
    bytes.fill(f * 10 + r, r * CIFAR10_RECORD_BYTES + 1, (r + 1) * CIFAR10_RECORD_BYTES);
  }
  return bytes;
}
const batches = NAMES.map((_, f) => batch(f, 2));
const tarball = gzipSync(makeTar([
  {path: 'cifar-10-batches-bin/', type: '5'},
  {path: 'cifar-10-batches-bin/batches.meta.txt', data: 'airplane\n'},
  ...NAMES.map((name, f) => ({path: `cifar-10-batches-bin/${name}`, data: batches[f]})),
]));
const md5 = createHash('md5').update(tarball).digest('hex');

/** A fetch that serves `body` for every URL and records the URLs it was asked for. */
function fakeFetch(body: Uint8Array | null, status = 200) {
  const urls: string[] = [];
  const fn = (async (url: string) => {
    urls.push(String(url));
    return new Response(body, {status, statusText: status === 200 ? 'OK' : 'Not Found'});
  }) as unknown as typeof fetch;
  return {fn, urls};
}
const failingFetch = (async () => { throw new TypeError('fetch failed'); }) as unknown as typeof fetch;

function expectSynthetic(data: Awaited<ReturnType<typeof loadCifar10Binary>>): void {
  expect(data.train.shape).toEqual([10, 32, 32, 3]);
  expect(data.test.shape).toEqual([2, 32, 32, 3]);
  // Train: files 0…4, two records each, in order; test: file 5.
  expect(Array.from(data.train.labels)).toEqual([0, 1, 1, 2, 2, 3, 3, 4, 4, 5]);
  expect(Array.from(data.test.labels)).toEqual([5, 6]);
  expect(data.train.images[3 * 3072 + 100]).toBeCloseTo(11 / 255, 7); // file 1, record 1: byte 11
  expect(data.test.images[3072]).toBeCloseTo(51 / 255, 7);            // file 5, record 1: byte 51
  expect(data.classes[0]).toBe('airplane');
}

describe('loadCifar10Binary', () => {
  let dir: string;
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'cifar10-')); });
  afterEach(async () => { await rm(dir, {recursive: true, force: true}); });

  it('downloads, checks the MD5, caches atomically, then reads the cache without fetching', async () => {
    const cacheDir = join(dir, 'cache');
    const {fn, urls} = fakeFetch(tarball);
    const first = await loadCifar10Binary({cacheDir, fetch: fn, md5});
    expect(urls).toEqual([CIFAR10_BINARY_URL]);
    expect(first.source).toBe('download');
    expectSynthetic(first);
    expect(await readdir(cacheDir)).toEqual(['cifar-10-binary.tar.gz']); // no .partial left behind
    expect(Buffer.compare(await readFile(join(cacheDir, 'cifar-10-binary.tar.gz')), tarball)).toBe(0);

    const second = await loadCifar10Binary({cacheDir, fetch: failingFetch, md5});
    expect(second.source).toBe('cache');
    expectSynthetic(second);
    expect(second.files[0]).toMatch(/cifar-10-binary\.tar\.gz:cifar-10-batches-bin\/data_batch_1\.bin$/);
  });

  it('throws BadDataFileError on an MD5 mismatch, naming the URL and both digests, and caches nothing', async () => {
    const cacheDir = join(dir, 'cache');
    const {fn} = fakeFetch(tarball);
    const run = () => loadCifar10Binary({cacheDir, fetch: fn, url: 'http://127.0.0.1:1/x.tar.gz'});
    await expect(run()).rejects.toThrow(BadDataFileError);
    await expect(run()).rejects.toThrow(
      new RegExp(`loadCifar10Binary: downloading failed \\(http://127\\.0\\.0\\.1:1/x\\.tar\\.gz: MD5 is ${md5}, expected ${CIFAR10_BINARY_MD5} .*the authors' published`));
    await expect(readdir(cacheDir)).rejects.toThrow(/ENOENT/);
  });

  it('fetches again when the cached tarball is corrupt', async () => {
    const cacheDir = join(dir, 'cache');
    await mkdir(cacheDir);
    await writeFile(join(cacheDir, 'cifar-10-binary.tar.gz'), tarball.subarray(0, tarball.length - 10)); // a cut download
    const {fn, urls} = fakeFetch(tarball);
    const data = await loadCifar10Binary({cacheDir, fetch: fn, md5});
    expect(urls).toHaveLength(1);
    expect(data.source).toBe('download');
    expect((await readFile(join(cacheDir, 'cifar-10-binary.tar.gz'))).length).toBe(tarball.length);
  });

  it('throws DataUnavailableError on an HTTP error, a network error, or no cache with download: false', async () => {
    const cacheDir = join(dir, 'cache');
    await expect(loadCifar10Binary({cacheDir, fetch: fakeFetch(null, 404).fn, md5})).rejects.toThrow(DataUnavailableError);
    await expect(loadCifar10Binary({cacheDir, fetch: fakeFetch(null, 404).fn, md5})).rejects.toThrow(/downloading failed \(.*: HTTP 404 Not Found\).*pass its folder as dataDir/);
    await expect(loadCifar10Binary({cacheDir, fetch: failingFetch, md5})).rejects.toThrow(/downloading failed \(.*: fetch failed/);
    await expect(loadCifar10Binary({cacheDir, download: false})).rejects.toThrow(/not in the cache .* and download is false/);
  });

  it('throws naming the missing entry when the tarball lacks a batch', async () => {
    const partial = gzipSync(makeTar([{path: 'cifar-10-batches-bin/data_batch_1.bin', data: batches[0]}]));
    const digest = createHash('md5').update(partial).digest('hex');
    await expect(loadCifar10Binary({cacheDir: dir, fetch: fakeFetch(partial).fn, md5: digest}))
      .rejects.toThrow(/has no entry cifar-10-batches-bin\/data_batch_2\.bin/);
  });

  it('dataDir: reads the six files from the folder or its cifar-10-batches-bin/ subfolder', async () => {
    for (const folder of [dir, join(dir, 'cifar-10-batches-bin')]) {
      await mkdir(folder, {recursive: true});
      for (const [f, name] of NAMES.entries()) await writeFile(join(folder, name), batches[f]);
      const data = await loadCifar10Binary({dataDir: dir, fetch: failingFetch});
      expect(data.source).toBe('data-dir');
      expect(data.files[5]).toBe(join(folder, 'test_batch.bin'));
      expectSynthetic(data);
      for (const name of NAMES) await rm(join(folder, name));
    }
  });

  it('dataDir: a missing or truncated file throws naming it, with no download', async () => {
    for (const [f, name] of NAMES.entries()) if (name !== 'data_batch_3.bin') await writeFile(join(dir, name), batches[f]);
    await expect(loadCifar10Binary({dataDir: dir})).rejects.toThrow(/dataDir .* lacks .*data_batch_3\.bin \(ENOENT\)/);
    await writeFile(join(dir, 'data_batch_3.bin'), batches[2].subarray(0, 5000));
    await expect(loadCifar10Binary({dataDir: dir})).rejects.toThrow(/parseCifarBatch: .*data_batch_3\.bin has 5000 bytes/);
  });

  it('rejects unknown options', async () => {
    await expect(loadCifar10Binary({dataDirectory: dir} as never)).rejects.toThrow(BadConfigError);
    await expect(loadCifar10Binary({dataDirectory: dir} as never)).rejects.toThrow(/unknown option "dataDirectory"/);
  });
});

describe('cifar10CacheDir', () => {
  it('ENCODERLESS_CACHE, then XDG_CACHE_HOME, then ~/.cache', () => {
    expect(cifar10CacheDir({ENCODERLESS_CACHE: '/c', XDG_CACHE_HOME: '/x'}, '/home/me')).toBe(join('/c', 'cifar10'));
    expect(cifar10CacheDir({XDG_CACHE_HOME: '/x'}, '/home/me')).toBe(join('/x', 'encoderless', 'cifar10'));
    expect(cifar10CacheDir({}, '/home/me')).toBe(join('/home/me', '.cache', 'encoderless', 'cifar10'));
  });
});
