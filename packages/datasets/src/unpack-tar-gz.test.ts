import {createReadStream, existsSync} from 'node:fs';
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {createGunzip, gzipSync} from 'node:zlib';
import {BadDataFileError} from './bad-data-file-error';
import {decodeImage} from './decode-image';
import {iterateTar} from './parse-tar';
import {makeTar} from './tar-fixture';
import {readTarGz, unpackTarGz} from './unpack-tar-gz';

const SHARED_CIFAR10_JPG = join(__dirname, '..', '..', '..', '..', 'shared', 'data', 'cifar10-jpg.tar.gz');
const CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

describe('readTarGz / unpackTarGz', () => {
  let dir: string;
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'unpack-tar-gz-')); });
  afterEach(async () => { await rm(dir, {recursive: true, force: true}); });

  it('readTarGz gunzips when the bytes start with the gzip magic, and reads plain tar as is', () => {
    const tar = makeTar([{path: 'a.txt', data: 'a'}]);
    expect(readTarGz(gzipSync(tar), 'a.tar.gz').map((e) => e.path)).toEqual(['a.txt']);
    expect(readTarGz(tar, 'a.tar').map((e) => e.path)).toEqual(['a.txt']);
  });

  it('readTarGz throws naming the file when the gzip stream is cut', () => {
    const gz = gzipSync(makeTar([{path: 'a.bin', data: new Uint8Array(4000).map((_, i) => i * 13)}]));
    expect(() => readTarGz(gz.subarray(0, gz.length - 20), 'cut.tar.gz')).toThrow(BadDataFileError);
    expect(() => readTarGz(gz.subarray(0, gz.length - 20), 'cut.tar.gz')).toThrow(/readTarGz: cut\.tar\.gz: gunzip failed/);
  });

  it('unpacks files into destDir with their relative paths', async () => {
    const file = join(dir, 'x.tar.gz');
    await writeFile(file, gzipSync(makeTar([
      {path: 'train/', type: '5'}, {path: 'train/cat/1.txt', data: 'one'}, {path: './test/dog/2.txt', data: 'two'},
    ])));
    const out = join(dir, 'out');
    const written = await unpackTarGz(file, out);
    expect(written).toEqual([join(out, 'train', 'cat', '1.txt'), join(out, 'test', 'dog', '2.txt')]);
    expect(await readFile(join(out, 'train', 'cat', '1.txt'), 'utf8')).toBe('one');
    expect(await readFile(join(out, 'test', 'dog', '2.txt'), 'utf8')).toBe('two');
  });

  it('refuses entries that would escape destDir, writing nothing', async () => {
    const file = join(dir, 'evil.tar.gz');
    await writeFile(file, gzipSync(makeTar([{path: 'ok.txt', data: 'a'}, {path: '../escape.txt', data: 'b'}])));
    await expect(unpackTarGz(file, join(dir, 'out'))).rejects.toThrow(/entry "\.\.\/escape\.txt" would be written outside/);
    expect(existsSync(join(dir, 'out'))).toBe(false);
    expect(existsSync(join(dir, 'escape.txt'))).toBe(false);
  });

  it('throws naming a missing file', async () => {
    await expect(unpackTarGz(join(dir, 'nope.tar.gz'), dir)).rejects.toThrow(/unpackTarGz: cannot read .*nope\.tar\.gz \(ENOENT\)/);
  });
});

describe('the shared cifar10-jpg.tar.gz, first entries only', () => {
  const present = existsSync(SHARED_CIFAR10_JPG);
  if (!present) console.warn(`unpack-tar-gz.test: skipping the shared-tarball case: ${SHARED_CIFAR10_JPG} is absent (it is only on dev machines and CI)`);

  (present ? it : it.skip)('the first 20 JPEGs decode to 32×32×3, in class folders named after CIFAR-10 classes', async () => {
    // Gunzip only a prefix: 20 small JPEGs plus headers fit well inside 256 KB.
    const chunks: Buffer[] = [];
    let length = 0;
    const stream = createReadStream(SHARED_CIFAR10_JPG).pipe(createGunzip());
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= 256 * 1024) break;
    }
    const jpegs = [];
    for (const entry of iterateTar(Buffer.concat(chunks), 'cifar10-jpg.tar.gz (prefix)')) {
      if (entry.path.endsWith('.jpg')) jpegs.push(entry);
      if (jpegs.length === 20) break;
    }
    expect(jpegs.length).toBe(20);
    for (const {path, data} of jpegs) {
      expect(path).toMatch(/^(train|test)\/[a-z]+\/\d{4}\.jpg$/);
      expect(CLASSES).toContain(path.split('/')[1]);
      const image = decodeImage(data, path);
      expect([image.height, image.width, image.data.length]).toEqual([32, 32, 32 * 32 * 3]);
    }
  });
});
