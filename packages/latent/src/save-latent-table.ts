import {randomBytes} from 'node:crypto';
import {mkdir, open, readFile, rename, rm, stat} from 'node:fs/promises';
import {basename, dirname, join} from 'node:path';
import {BadDataError} from './latent-errors';
import {LatentTable} from './latent-table';
import {decodeLatentTable, encodeLatentTable} from './latent-table-file';

// The file shell around encodeLatentTable/decodeLatentTable (which stay in the browser-safe
// main entry): Node only, exported from '@encoderless/latent/node'.

/**
 * Write a table (values and optimizer state) atomically: a temp file, fsynced, renamed into
 * place, so a crash leaves the old file or the new one. This is @encoderless/report's
 * `writeFileAtomic` again, kept here so that latent does not depend on a charting package.
 */
export async function saveLatentTable(path: string, table: LatentTable): Promise<void> {
  const bytes = encodeLatentTable(table.getState());
  const folder = dirname(path);
  try {
    await makeFolder(folder);
    const tmp = join(folder, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      const handle = await open(tmp, 'wx');
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, path);
    } catch (err) {
      await rm(tmp, {force: true});
      throw err;
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new BadDataError(`saveLatentTable: cannot write ${path} (${e.code ?? e.message}); choose a writable folder`, {file: path, cause: err});
  }
}

/**
 * `mkdir -p` one level at a time: Node's recursive mkdir never returns under /proc (it retries
 * forever), where this fails with ENOENT at once.
 */
async function makeFolder(dir: string): Promise<void> {
  if (await stat(dir).then((s) => s.isDirectory(), () => false)) return;
  const parent = dirname(dir);
  if (parent !== dir) await makeFolder(parent);
  await mkdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
}

/** Read a table written by `saveLatentTable`. */
export async function loadLatentTable(path: string): Promise<LatentTable> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new BadDataError(`loadLatentTable: cannot read ${path}: ${(err as Error).message}`, {file: path});
  }
  const state = decodeLatentTable(bytes, path);
  try {
    return new LatentTable(state);
  } catch (err) {
    throw new BadDataError(`${path}: ${(err as Error).message}`, {file: path});
  }
}
