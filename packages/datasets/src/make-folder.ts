import {mkdir, stat} from 'node:fs/promises';
import {dirname} from 'node:path';

/**
 * `mkdir -p` one level at a time: Node's recursive mkdir never returns under /proc (it retries
 * forever), where this fails with ENOENT at once. Two writers making one folder both succeed.
 */
export async function makeFolder(dir: string): Promise<void> {
  if (await stat(dir).then((s) => s.isDirectory(), () => false)) return;
  if (dirname(dir) !== dir) await makeFolder(dirname(dir));
  await mkdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
}
