import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {gzipSync} from 'node:zlib';
import {PNG} from 'pngjs';
import {BadDataFileError} from './bad-data-file-error';
import {CIFAR10_BINARY_FILES, loadCifar10} from './load-cifar10';
import {CIFAR10_RECORD_BYTES} from './parse-cifar-batch';
import {makeTar} from './tar-fixture';

/** A 32×32 PNG whose every RGB byte is `value`. */
function flatPng(value: number, size = 32): Buffer {
  const image = new PNG({width: size, height: size});
  image.data = Buffer.alloc(size * size * 4, value);
  for (let i = 3; i < image.data.length; i += 4) image.data[i] = 255;
  return PNG.sync.write(image);
}

/** One binary batch of `records` records, record r labelled r % 10 with every byte `fill + r`. */
function batch(records: number, fill: number): Uint8Array {
  const bytes = new Uint8Array(records * CIFAR10_RECORD_BYTES);
  for (let r = 0; r < records; r++) {
    bytes[r * CIFAR10_RECORD_BYTES] = r % 10;
    bytes.fill(fill + r, r * CIFAR10_RECORD_BYTES + 1, (r + 1) * CIFAR10_RECORD_BYTES);
  }
  return bytes;
}

describe('loadCifar10 (binary folder, image folder, .tar.gz of either)', () => {
  let dir: string;
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'cifar10-any-')); });
  afterEach(async () => { await rm(dir, {recursive: true, force: true}); });

  async function put(path: string, bytes: Uint8Array | string): Promise<void> {
    await mkdir(join(dir, path, '..'), {recursive: true});
    await writeFile(join(dir, path), bytes);
  }
  /** train: cat ×2 (bytes 10, 11), dog ×1 (20); test: cat ×1 (30), dog ×1 (40). */
  async function imageFolder(root: string): Promise<void> {
    await put(`${root}/train/cat/a.png`, flatPng(10));
    await put(`${root}/train/cat/b.png`, flatPng(11));
    await put(`${root}/train/dog/a.png`, flatPng(20));
    await put(`${root}/test/cat/a.png`, flatPng(30));
    await put(`${root}/test/dog/a.png`, flatPng(40));
  }

  it('an image folder with train/ and test/: labels from class folders, pixels byte / 255', async () => {
    await imageFolder('data');
    const data = await loadCifar10({dataDir: join(dir, 'data')});
    expect(data.format).toBe('image-folder');
    expect(data.classes).toEqual(['cat', 'dog']);
    expect(data.train.shape).toEqual([3, 32, 32, 3]);
    expect(Array.from(data.train.labels)).toEqual([0, 0, 1]);
    expect(Array.from(data.test.labels)).toEqual([0, 1]);
    expect(data.train.images[2 * 3072 + 5]).toBeCloseTo(20 / 255, 7);
    expect(data.test.images[3072]).toBeCloseTo(40 / 255, 7);
  });

  it('a .tar.gz of an image folder (one top folder) is unpacked to a temporary folder and read', async () => {
    await imageFolder('data');
    const {readFile, readdir} = await import('node:fs/promises');
    const entries = [];
    for (const split of ['train', 'test']) {
      for (const cls of await readdir(join(dir, 'data', split))) {
        for (const f of await readdir(join(dir, 'data', split, cls))) {
          entries.push({path: `cifar/${split}/${cls}/${f}`, data: await readFile(join(dir, 'data', split, cls, f))});
        }
      }
    }
    await put('cifar.tar.gz', gzipSync(makeTar(entries)));
    const logs: string[] = [];
    const data = await loadCifar10({dataDir: join(dir, 'cifar.tar.gz'), log: (m) => logs.push(m)});
    expect(data.train.count).toBe(3);
    expect(data.test.images[0]).toBeCloseTo(30 / 255, 7);
    expect(logs.join('\n')).toMatch(/unpacking .*cifar\.tar\.gz into .*encoderless-cifar10-/);
  });

  it('an error from inside a .tar.gz names the file in the archive, not the removed temporary folder', async () => {
    await put('data/train/cat/a.png', flatPng(10, 16)); // 16×16: rejected
    await put('data/test/cat/a.png', flatPng(30));
    const {readFile} = await import('node:fs/promises');
    await put('small.tar.gz', gzipSync(makeTar([
      {path: 'train/cat/a.png', data: await readFile(join(dir, 'data/train/cat/a.png'))},
      {path: 'test/cat/a.png', data: await readFile(join(dir, 'data/test/cat/a.png'))},
    ])));
    const archive = join(dir, 'small.tar.gz');
    const err = await loadCifar10({dataDir: archive}).catch((e) => e);
    expect(err).toBeInstanceOf(BadDataFileError);
    expect(err.message).toContain(`${archive}:train/cat/a.png is 16×16`);
    expect(err.message).not.toMatch(/encoderless-cifar10-/);
    expect(err.file).toBe(`${archive}:train/cat/a.png`);
  });

  it('a folder with the binary release (in cifar-10-batches-bin/) is read as binary', async () => {
    const names = [...CIFAR10_BINARY_FILES.train, ...CIFAR10_BINARY_FILES.test];
    for (const [f, name] of names.entries()) await put(`bin/cifar-10-batches-bin/${name}`, batch(2, 10 * f));
    const data = await loadCifar10({dataDir: join(dir, 'bin')});
    expect(data.format).toBe('binary');
    expect(data.train.count).toBe(10);
    expect(data.test.images[3072]).toBeCloseTo(51 / 255, 7); // file 5, record 1
  });

  it('skips and counts a corrupt image when asked; throws naming it otherwise', async () => {
    await imageFolder('data');
    await put('data/train/dog/broken.png', 'not a png');
    await expect(loadCifar10({dataDir: join(dir, 'data')})).rejects.toThrow(/broken\.png/);
    const data = await loadCifar10({dataDir: join(dir, 'data'), onCorrupt: 'skip'});
    expect(data.train.count).toBe(3);
    expect(data.skipped.map((s) => s.file)).toEqual(['train/dog/broken.png']);
  });

  it('throws naming the folder when it is neither layout, or the file when it is missing or not an archive', async () => {
    await put('other/readme.txt', 'hello');
    await expect(loadCifar10({dataDir: join(dir, 'other')})).rejects.toThrow(
      /other is neither the CIFAR-10 binary release .* nor an image folder with train\/<class>\//);
    await expect(loadCifar10({dataDir: join(dir, 'nowhere')})).rejects.toThrow(/nowhere does not exist/);
    await expect(loadCifar10({dataDir: join(dir, 'other', 'readme.txt')})).rejects.toThrow(BadDataFileError);
    await expect(loadCifar10({dataDir: join(dir, 'other'), size: 3} as never)).rejects.toThrow(/unknown option "size"/);
  });

  it('throws when train and test have different class folders', async () => {
    await imageFolder('data');
    await put('data/test/emu/a.png', flatPng(1));
    await expect(loadCifar10({dataDir: join(dir, 'data')})).rejects.toThrow(/train has classes cat, dog but test has cat, dog, emu/);
  });
});
