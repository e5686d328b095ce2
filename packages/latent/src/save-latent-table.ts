import {readFile, rename, writeFile, mkdir} from 'node:fs/promises';
import {dirname} from 'node:path';
import {BadDataError} from './latent-errors';
import {LatentTable} from './latent-table';
import {decodeLatentTable, encodeLatentTable} from './latent-table-file';

// The file shell around encodeLatentTable/decodeLatentTable (which stay in the browser-safe
// main entry): Node only, exported from '@encoderless/latent/node'.

/** Write a table (values and optimizer state) atomically: a temp file renamed into place. */
export async function saveLatentTable(path: string, table: LatentTable): Promise<void> {
  await mkdir(dirname(path), {recursive: true});
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, encodeLatentTable(table.getState()));
  await rename(tmp, path);
}

/** Read a table written by `saveLatentTable`. */
export async function loadLatentTable(path: string): Promise<LatentTable> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new BadDataError(`loadLatentTable: cannot read ${path}: ${(err as Error).message}`);
  }
  const state = decodeLatentTable(bytes, path);
  try {
    return new LatentTable(state);
  } catch (err) {
    throw new BadDataError(`${path}: ${(err as Error).message}`);
  }
}
