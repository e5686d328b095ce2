import {readFile} from 'node:fs/promises';
import {dirname} from 'node:path';
import {BadConfigError, describe} from './bad-config-error';
import {writeAtomically} from './download-verified';
import {checkFileSize, fileSize, resolveMaxBytes} from './file-size-limit';
import {encodeNpy, parseNpy, type NpyArray, type NpyInput} from './parse-npy';

/** Options of `readNpy`. */
export interface ReadNpyOptions {
  /**
   * The largest file read, in bytes; a larger one is refused before reading. Default
   * `defaultMaxFileBytes()`, an eighth of the machine's memory.
   */
  readonly maxBytes?: number;
}

/**
 * Reads a `.npy` file (`np.save`'s format) into a typed array with its shape: `parseNpy` on the
 * file's bytes. A file larger than `maxBytes` is refused before it is read; a missing file, a
 * folder and every format problem are `BadDataFileError`s naming the file.
 *
 * ```ts
 * const {data, shape} = await readNpy('x.npy'); // python: np.save('x.npy', x.astype('float32'))
 * const x = tf.tensor(data, shape);
 * ```
 */
export async function readNpy(path: string, options: ReadNpyOptions = {}): Promise<NpyArray> {
  const fn = 'readNpy';
  if (typeof options !== 'object' || options === null) throw new BadConfigError(`${fn}: options must be an object, got ${describe(options)}`);
  const unknown = Object.keys(options).find((k) => k !== 'maxBytes');
  if (unknown !== undefined) throw new BadConfigError(`${fn}: unknown option ${JSON.stringify(unknown)}; expected maxBytes`);
  const maxBytes = resolveMaxBytes(fn, options.maxBytes);
  checkFileSize(fn, path, await fileSize(fn, path), maxBytes);
  return parseNpy(await readFile(path), path);
}

/**
 * Writes `array` as a `.npy` file that `np.load` reads (`encodeNpy`'s bytes), atomically: a
 * temporary file beside it renamed into place, so a crash never leaves half a file. The folder is
 * created if needed.
 *
 * ```ts
 * await writeNpy('representations.npy', {data: rows, shape: [n, m]}); // python: np.load(…).shape == (n, m)
 * ```
 */
export async function writeNpy(path: string, array: NpyInput): Promise<void> {
  if (typeof path !== 'string' || path === '') throw new BadConfigError(`writeNpy: path must be a non-empty string, got ${describe(path)}`);
  await writeAtomically(dirname(path), path, encodeNpy(array));
}
