import {mkdir, readFile, writeFile} from 'node:fs/promises';
import {dirname, join, resolve} from 'node:path';
import {gunzipSync} from 'node:zlib';
import {BadDataFileError} from './bad-data-file-error';
import {mapLimit} from './map-limit';
import {parseTar, type TarEntry} from './parse-tar';

/**
 * The regular files of a .tar.gz (or plain .tar) held in memory: gunzip with node:zlib when
 * the bytes start with the gzip magic (1f 8b), then `parseTar`. A corrupt gzip stream throws
 * `BadDataFileError` naming `source`.
 *
 * ```ts
 * const entries = readTarGz(await readFile('cifar-10-binary.tar.gz'), 'cifar-10-binary.tar.gz');
 * ```
 */
export function readTarGz(bytes: Uint8Array, source: string): TarEntry[] {
  let tar = bytes;
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      tar = gunzipSync(bytes);
    } catch (err) {
      throw new BadDataFileError(
        `readTarGz: ${source}: gunzip failed (${(err as Error).message}), expected a complete gzip stream: ` +
        'the file is truncated or corrupt; download or copy it again', source);
    }
  }
  return parseTar(tar, source);
}

/**
 * Unpack the regular files of a .tar.gz (or .tar) `file` into `destDir` (created if missing),
 * keeping their relative paths; returns the paths written, in archive order. Entries with an
 * absolute path or a ".." component throw `BadDataFileError` before anything is written, so an
 * archive cannot write outside `destDir`.
 *
 * ```ts
 * const dir = await mkdtemp(join(tmpdir(), 'cifar10-'));
 * await unpackTarGz('/work/shared/data/cifar10-jpg.tar.gz', dir); // 60,000 paths under dir
 * ```
 */
export async function unpackTarGz(file: string, destDir: string): Promise<string[]> {
  const bytes = await readFile(file).catch((err: NodeJS.ErrnoException) => {
    throw new BadDataFileError(`unpackTarGz: cannot read ${file} (${err.code ?? err.message}), expected a .tar.gz file`, file);
  });
  const entries = readTarGz(bytes, file);
  const root = resolve(destDir);
  const targets = entries.map(({path}) => {
    const parts = path.split('/');
    if (path.startsWith('/') || parts.includes('..')) {
      throw new BadDataFileError(
        `unpackTarGz: ${file}: entry ${JSON.stringify(path)} would be written outside ${destDir}, ` +
        'expected a relative path without "..": refusing to unpack this archive', file);
    }
    return join(root, ...parts.filter((p) => p !== '' && p !== '.'));
  });
  const dirs = new Set(targets.map((t) => dirname(t)));
  for (const dir of [...dirs].sort()) await mkdir(dir, {recursive: true});
  await mapLimit(entries, 64, (entry, i) => writeFile(targets[i], entry.data));
  return targets;
}
