import {mkdtemp, readdir, readFile, rm, stat} from 'node:fs/promises';
import {homedir, tmpdir} from 'node:os';
import {join, sep} from 'node:path';
import {BadConfigError, describe} from './bad-config-error';
import {BadDataFileError, DataUnavailableError} from './bad-data-file-error';
import {CIFAR10_CLASSES, parseCifarBatches, type CifarSplit} from './parse-cifar-batch';
import {loadImageFolder, type ImageFolderData} from './load-image-folder';
import {readTarGz, unpackTarGz} from './unpack-tar-gz';
import {downloadVerified} from './download-verified';

/** The binary release on the data set authors' page (https://www.cs.toronto.edu/~kriz/cifar.html). */
export const CIFAR10_BINARY_URL = 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz';

/**
 * MD5 of cifar-10-binary.tar.gz as its authors publish it on https://www.cs.toronto.edu/~kriz/cifar.html.
 * MD5 is no defence against a forger; it is the digest the authors give, and it catches a
 * truncated or corrupted download.
 */
export const CIFAR10_BINARY_MD5 = 'c32a1d4ab5d03f1284b67883e8d87530';

/** The six files of the binary release, in the order they are read. */
export const CIFAR10_BINARY_FILES = {
  train: ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'],
  test: ['test_batch.bin'],
} as const;

/** Where `loadCifar10Binary` looks for CIFAR-10; every field is optional. */
export interface LoadCifar10BinaryOptions {
  /**
   * A folder with data_batch_1.bin … data_batch_5.bin and test_batch.bin, directly or in its
   * `cifar-10-batches-bin/` subfolder (the unpacked tarball). Tried first; no fallback if it is bad.
   */
  readonly dataDir?: string;
  /** Download the tarball when it is not in the cache. Default true. */
  readonly download?: boolean;
  /** Cache of the tarball. Default `cifar10CacheDir(process.env, os.homedir())`. */
  readonly cacheDir?: string;
  /** Default `CIFAR10_BINARY_URL`. */
  readonly url?: string;
  /** Lower-case hex MD5 the tarball must have. Default `CIFAR10_BINARY_MD5`; tests pass their own. */
  readonly md5?: string;
  /** Default: the global fetch. */
  readonly fetch?: typeof fetch;
  /** Progress lines (which source, the download); default: none. */
  readonly log?: (message: string) => void;
}

/** Both CIFAR-10 splits, the class names and where they came from. */
export interface Cifar10Data {
  /** data_batch_1 … 5 in order: [50000, 32, 32, 3] for the official files. */
  readonly train: CifarSplit;
  /** test_batch: [10000, 32, 32, 3]. */
  readonly test: CifarSplit;
  /** `CIFAR10_CLASSES`: the name of each label. */
  readonly classes: readonly string[];
  /** 'data-dir', 'cache' (tarball already cached) or 'download' (fetched in this call). */
  readonly source: 'data-dir' | 'cache' | 'download';
  /** The files read: paths, or "<tarball>:<entry>" for files read from the tarball. */
  readonly files: readonly string[];
}

const optionKeys = ['dataDir', 'download', 'cacheDir', 'url', 'md5', 'fetch', 'log'];
const TARBALL = 'cifar-10-binary.tar.gz';
const SUBFOLDER = 'cifar-10-batches-bin';

/**
 * The per-user cache of CIFAR-10: `$ENCODERLESS_CACHE/cifar10`, else
 * `$XDG_CACHE_HOME/encoderless/cifar10`, else `<home>/.cache/encoderless/cifar10`.
 *
 * ```ts
 * cifar10CacheDir(process.env, os.homedir()); // '/home/me/.cache/encoderless/cifar10'
 * ```
 */
export function cifar10CacheDir(env: Readonly<Record<string, string | undefined>>, home: string): string {
  if (env.ENCODERLESS_CACHE) return join(env.ENCODERLESS_CACHE, 'cifar10');
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'encoderless', 'cifar10');
}

/**
 * CIFAR-10 (Krizhevsky 2009) from the official binary release, from the first of:
 *
 * 1. `dataDir`, a folder with the six .bin files (or its `cifar-10-batches-bin/` subfolder);
 *    a missing or corrupt file there throws `BadDataFileError`, with no fallback;
 * 2. cifar-10-binary.tar.gz in the cache (`cifar10CacheDir`), if its MD5 is the authors';
 * 3. a download of `CIFAR10_BINARY_URL`, checked against the authors' published MD5
 *    (`CIFAR10_BINARY_MD5`, via node:crypto) and written to the cache atomically (a temporary
 *    file renamed into place). A wrong digest throws `BadDataFileError`; a network failure,
 *    or no cache with `download: false`, throws `DataUnavailableError` saying how to fix it.
 *
 * The tarball is kept packed (about 170 MB) and read with `readTarGz` each time, so the cache is
 * one file that is either complete or absent. Images are float32 byte / 255 in
 * [N, 32, 32, 3]; see `parseCifarBatch`. The arrays take 4 bytes a pixel: 737 MB for both splits.
 *
 * ```ts
 * const {train, test, classes} = await loadCifar10Binary(); // or {dataDir: 'data/cifar10'}
 * train.shape; // [50000, 32, 32, 3]; classes[train.labels[0]]: 'frog'
 * ```
 */
export async function loadCifar10Binary(options: LoadCifar10BinaryOptions = {}): Promise<Cifar10Data> {
  const fn = 'loadCifar10Binary';
  for (const key of Object.keys(options)) {
    if (!optionKeys.includes(key)) {
      throw new BadConfigError(`${fn}: unknown option ${describe(key)}, expected one of ${optionKeys.join(', ')}`);
    }
  }
  const log = options.log ?? (() => {});
  const names = [...CIFAR10_BINARY_FILES.train, ...CIFAR10_BINARY_FILES.test];

  if (options.dataDir !== undefined) {
    // No binary release there: read dataDir itself, so the error lists the files it lacks.
    const dir = (await batchFolder(options.dataDir)) ?? options.dataDir;
    const files = names.map((name) => join(dir, name));
    const missing: string[] = [];
    const bytes = await Promise.all(files.map((file) => readFile(file).catch((err: NodeJS.ErrnoException) => {
      missing.push(`${file} (${err.code ?? err.message})`);
      return new Uint8Array(0);
    })));
    if (missing.length > 0) {
      throw new BadDataFileError(
        `${fn}: dataDir ${options.dataDir} lacks ${missing.join(', ')}; expected ${names.join(', ')} there or in ` +
        `${join(options.dataDir, SUBFOLDER)}: unpack ${TARBALL} there, or leave dataDir out to download it`, missing[0]);
    }
    log(`${fn}: reading CIFAR-10 from ${dir}`);
    return assemble(bytes, files, 'data-dir');
  }

  const cacheDir = options.cacheDir ?? cifar10CacheDir(process.env, homedir());
  const url = options.url ?? CIFAR10_BINARY_URL;
  const md5 = options.md5 ?? CIFAR10_BINARY_MD5;
  const got = await downloadVerified({
    name: TARBALL, urls: options.download === false ? [] : [url], md5, cacheDir, fetch: options.fetch,
    log: (m) => log(`${fn}: ${m}`),
  });
  if (!got.ok) {
    const path = join(cacheDir, TARBALL);
    if (options.download === false) {
      throw new DataUnavailableError(
        `${fn}: CIFAR-10 is not in the cache (${path}) and download is false: pass dataDir (a folder with ` +
        `${SUBFOLDER}/), or allow the download of ${url}`, {option: 'download'});
    }
    const why = `${fn}: downloading failed (${got.failures.join('; ')}): `;
    if (got.corrupt !== undefined) {
      throw new BadDataFileError(why + 'the download is corrupt or truncated (the expected digest is the authors\' published one); ' +
        'try again, or download it yourself and pass dataDir', got.corrupt);
    }
    throw new DataUnavailableError(why + `check the connection, or download ${TARBALL} yourself, unpack it and pass its folder as dataDir`);
  }
  if (!got.fetched) log(`${fn}: reading CIFAR-10 from ${got.path}`);
  const tarball = got.bytes;
  const source: Cifar10Data['source'] = got.fetched ? 'download' : 'cache';
  const path = got.path;
  const where = source === 'download' ? url : path;
  const entries = new Map(readTarGz(tarball, where).map((e) => [e.path.replace(/^\.\//, ''), e.data]));
  const bytes = names.map((name) => {
    const data = entries.get(`${SUBFOLDER}/${name}`) ?? entries.get(name);
    if (data === undefined) {
      throw new BadDataFileError(
        `${fn}: ${where} has no entry ${SUBFOLDER}/${name}, expected the six files of the binary release ` +
        `(found ${[...entries.keys()].slice(0, 8).join(', ') || 'no files'}): not the CIFAR-10 binary tarball`, where);
    }
    return data;
  });
  return assemble(bytes, names.map((name) => `${where}:${SUBFOLDER}/${name}`), source);
}

function assemble(bytes: readonly Uint8Array[], files: string[], source: Cifar10Data['source']): Cifar10Data {
  const batches = bytes.map((b, i) => ({bytes: b, source: files[i]}));
  const nTrain = CIFAR10_BINARY_FILES.train.length;
  return {
    train: parseCifarBatches(batches.slice(0, nTrain)),
    test: parseCifarBatches(batches.slice(nTrain)),
    classes: CIFAR10_CLASSES,
    source,
    files,
  };
}

const isFile = (path: string) => stat(path).then((s) => s.isFile(), () => false);
const isDir = (path: string) => stat(path).then((s) => s.isDirectory(), () => false);

/**
 * `dir` itself if it holds data_batch_1.bin, else its cifar-10-batches-bin/ subfolder if that
 * exists, else undefined (no binary release there).
 */
async function batchFolder(dir: string): Promise<string | undefined> {
  if (await isFile(join(dir, CIFAR10_BINARY_FILES.train[0]))) return dir;
  const sub = join(dir, SUBFOLDER);
  return (await isDir(sub)) ? sub : undefined;
}

/** Images with labels, as `loadCifar10` returns each split (binary: Uint8Array labels; image folder: Int32Array). */
export interface LabelledImages {
  /** [N, 32, 32, 3], pixel byte / 255 in [0, 1]. */
  readonly images: Float32Array;
  readonly labels: Uint8Array | Int32Array;
  readonly count: number;
  readonly shape: readonly [number, number, number, 3];
}

/** Where `loadCifar10` looks for data and what it does with images that do not fit. */
export interface LoadCifar10Options {
  /**
   * A folder holding the binary release (`data_batch_1.bin` …, directly or in
   * `cifar-10-batches-bin/`), or an image folder with `train/<class>/*.jpg|png` and
   * `test/<class>/…`, or a `.tar.gz` of either (unpacked to a temporary folder that is removed
   * afterwards). Default: the binary release from the cache, else downloaded.
   */
  readonly dataDir?: string;
  /** Image folders: an image that is not 32×32 is 'reject'ed naming it (default) or 'resize'd. */
  readonly onWrongSize?: 'resize' | 'reject';
  /** Image folders: a file that does not decode 'throw's naming it (default) or is 'skip'ped and counted. */
  readonly onCorrupt?: 'throw' | 'skip';
  /** Passed to `loadCifar10Binary` when there is no dataDir. */
  readonly download?: boolean;
  readonly cacheDir?: string;
  readonly log?: (message: string) => void;
}

/** Both splits of CIFAR-10 (or of a user's image folder of the same layout) and their origin. */
export interface LoadedCifar10 {
  readonly train: LabelledImages;
  readonly test: LabelledImages;
  /** Label i is `classes[i]`. */
  readonly classes: readonly string[];
  /** 'binary' (the official release) or 'image-folder'. */
  readonly format: 'binary' | 'image-folder';
  /** 'data-dir', 'cache' or 'download'. */
  readonly source: 'data-dir' | 'cache' | 'download';
  /** Image folders with onCorrupt 'skip': the files left out ("train/cat/0001.jpg"), and why. */
  readonly skipped: readonly {readonly file: string; readonly reason: string}[];
  /** Image folders with onWrongSize 'resize': the files that were not 32×32 and were resized ("test/dog/7.png"). */
  readonly resized: readonly string[];
}

/**
 * CIFAR-10 from whatever the user has: the binary release (`loadCifar10Binary`), an image
 * folder with `train/` and `test/` splits (`loadImageFolder`, 32×32 RGB), a `.tar.gz` of
 * either, or nothing (the cached or downloaded binary release). A folder that is neither
 * throws `BadDataFileError` naming it and both layouts.
 *
 * ```ts
 * const {train, test, classes, format} = await loadCifar10({dataDir: 'cifar10-jpg'}); // image folder
 * train.shape; // [50000, 32, 32, 3]
 * ```
 */
export async function loadCifar10(options: LoadCifar10Options = {}): Promise<LoadedCifar10> {
  const fn = 'loadCifar10';
  const known = ['dataDir', 'onWrongSize', 'onCorrupt', 'download', 'cacheDir', 'log'];
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new BadConfigError(`${fn}: unknown option ${describe(key)}, expected one of ${known.join(', ')}`);
  }
  const {dataDir, onWrongSize = 'reject', onCorrupt = 'throw', log = () => {}} = options;
  if (dataDir === undefined) {
    const data = await loadCifar10Binary({download: options.download, cacheDir: options.cacheDir, log});
    return {...data, format: 'binary', skipped: [], resized: []};
  }
  const kind = await stat(dataDir).then((s) => (s.isDirectory() ? 'dir' : 'file'), () => 'missing');
  if (kind === 'missing') {
    throw new BadDataFileError(`${fn}: dataDir ${dataDir} does not exist, expected a CIFAR-10 folder or .tar.gz`, dataDir);
  }
  if (kind === 'file') {
    if (!/\.(tar\.gz|tgz|tar)$/i.test(dataDir)) {
      throw new BadDataFileError(`${fn}: dataDir ${dataDir} is a file, expected a folder or a .tar.gz archive`, dataDir);
    }
    const tmp = await mkdtemp(join(tmpdir(), 'encoderless-cifar10-'));
    try {
      log(`${fn}: unpacking ${dataDir} into ${tmp} (removed afterwards)`);
      await unpackTarGz(dataDir, tmp);
      return await loadFolder(fn, await singleChild(tmp), {onWrongSize, onCorrupt, log}, dataDir);
    } catch (err) {
      // The temporary folder is gone when the user reads this: name the file inside the archive.
      if (!(err instanceof BadDataFileError)) throw err;
      const inside = (text: string) => text.split(tmp + sep).join(`${dataDir}:`).split(tmp).join(dataDir);
      throw new BadDataFileError(inside(err.message), inside(err.file), {...(err.option === undefined ? {} : {option: err.option}), cause: err});
    } finally {
      await rm(tmp, {recursive: true, force: true});
    }
  }
  return loadFolder(fn, dataDir, {onWrongSize, onCorrupt, log}, dataDir);
}

/** An archive often wraps everything in one top folder: descend into it when it is alone. */
async function singleChild(dir: string): Promise<string> {
  const entries = (await readdir(dir, {withFileTypes: true})).filter((e) => !e.name.startsWith('.'));
  return entries.length === 1 && entries[0].isDirectory() && entries[0].name !== SUBFOLDER ? join(dir, entries[0].name) : dir;
}

async function loadFolder(
  fn: string, dir: string, o: {onWrongSize: 'resize' | 'reject'; onCorrupt: 'throw' | 'skip'; log: (m: string) => void},
  given: string,
): Promise<LoadedCifar10> {
  if (await batchFolder(dir) !== undefined) {
    const data = await loadCifar10Binary({dataDir: dir, log: o.log});
    return {...data, format: 'binary', skipped: [], resized: []};
  }
  if (await isDir(join(dir, 'train')) && await isDir(join(dir, 'test'))) {
    o.log(`${fn}: reading the image folders ${join(dir, 'train')} and ${join(dir, 'test')}`);
    const read = (split: string) => loadImageFolder({dir, split, size: [32, 32], onWrongSize: o.onWrongSize, onCorrupt: o.onCorrupt});
    const train = await read('train');
    const test = await read('test');
    if (train.classes.join('\n') !== test.classes.join('\n')) {
      throw new BadDataFileError(
        `${fn}: ${given}: train has classes ${train.classes.join(', ')} but test has ${test.classes.join(', ')}, ` +
        'expected the same class folders in both', given);
    }
    const skipped = [
      ...train.skipped.map((s) => ({...s, file: `train/${s.file}`})),
      ...test.skipped.map((s) => ({...s, file: `test/${s.file}`})),
    ];
    const resized = [...train.resized.map((f) => `train/${f}`), ...test.resized.map((f) => `test/${f}`)];
    const strip = (d: ImageFolderData): LabelledImages => ({images: d.images, labels: d.labels, count: d.count, shape: d.shape});
    return {train: strip(train), test: strip(test), classes: train.classes, format: 'image-folder', source: 'data-dir', skipped, resized};
  }
  throw new BadDataFileError(
    `${fn}: ${given} is neither the CIFAR-10 binary release (${CIFAR10_BINARY_FILES.train[0]} … ` +
    `${CIFAR10_BINARY_FILES.test[0]}, or a ${SUBFOLDER}/ folder of them) nor an image folder with train/<class>/ ` +
    'and test/<class>/ subfolders', given);
}
