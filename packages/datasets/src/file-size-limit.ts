import {stat} from 'node:fs/promises';
import {totalmem} from 'node:os';
import {BadConfigError, describe} from './bad-config-error';
import {BadDataFileError} from './bad-data-file-error';

/**
 * The default `maxBytes` of the file readers (`readCsv`, `readNpy`): an eighth of `memory`, the
 * machine's memory by default (2.9 GiB on a 24 GiB machine). Why an eighth: a CSV of B bytes
 * holds up to B/2 numbers ("1,2,…"), which take 2·B bytes as float32, and up to twice that while
 * the last chunks are joined; the model and its training need the other half.
 *
 * ```ts
 * defaultMaxFileBytes(8 * 2 ** 30); // 1073741824: 1 GiB on an 8 GiB machine
 * ```
 */
export function defaultMaxFileBytes(memory: number = totalmem()): number {
  return Math.floor(memory / 8);
}

/** A byte count for people: "3.2 GiB (3435973837 bytes)". */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes, unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit]} (${bytes} bytes)`;
}

/** `maxBytes` as given (a positive whole number) or the default for this machine. */
export function resolveMaxBytes(fn: string, maxBytes: unknown): number {
  if (maxBytes === undefined) return defaultMaxFileBytes();
  if (typeof maxBytes !== 'number' || !Number.isSafeInteger(maxBytes) || maxBytes < 1) {
    throw new BadConfigError(`${fn}: maxBytes must be a positive whole number of bytes, got ${describe(maxBytes)}`);
  }
  return maxBytes;
}

/**
 * Throws when a file of `size` bytes is larger than `maxBytes`, naming the file, both sizes and
 * the option that raises the limit: a clear refusal instead of running out of memory halfway.
 */
export function checkFileSize(fn: string, path: string, size: number, maxBytes: number): void {
  if (size > maxBytes) {
    throw new BadDataFileError(
      `${fn}: ${path} is ${formatBytes(size)}, more than the limit of ${formatBytes(maxBytes)} (option maxBytes; ` +
      `the default is an eighth of this machine's memory, ${formatBytes(defaultMaxFileBytes())}): pass a larger ` +
      'maxBytes if the machine has room for it, or split the file', path);
  }
}

/** The size of the regular file at `path`; a missing path or a folder is a BadDataFileError naming it. */
export async function fileSize(fn: string, path: string): Promise<number> {
  if (typeof path !== 'string' || path === '') {
    throw new BadConfigError(`${fn}: path must be a non-empty string, got ${describe(path)}`);
  }
  const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
    throw new BadDataFileError(
      err.code === 'ENOENT' ? `${fn}: ${path} does not exist` : `${fn}: cannot read ${path}: ${err.message}`, path);
  });
  if (info.isDirectory()) throw new BadDataFileError(`${fn}: ${path} is a folder, expected a file`, path);
  return info.size;
}
