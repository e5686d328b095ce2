import {randomBytes} from 'crypto';
import {promises as fsp} from 'fs';
import * as path from 'path';

import {BadReportArgumentError, describe} from './bad-report-argument-error';

/** The temporary file a write of `name` goes through: `.name.<pid>.<12 hex>.tmp` beside it. */
function temporaryName(name: string): string {
  return `.${name}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
}

const TEMPORARY = /^\..+\.\d+\.[0-9a-f]{12}\.tmp$/;

/**
 * Whether a file name is one of `writeFileAtomic`'s temporary files: a write in flight (in
 * another process, perhaps), or what a killed one left. A folder holding only such files holds
 * nothing finished.
 *
 * ```ts
 * isTemporaryFile('.config.json.3051.59b2fcd6017d.tmp'); // true
 * ```
 */
export function isTemporaryFile(name: string): boolean {
  return TEMPORARY.test(name);
}

/**
 * Writes `data` to `file` so that a reader sees either the old file or the whole new one, never
 * a half-written one: a run killed mid-write (Ctrl-C, out of memory, a CI timeout) must not
 * leave a truncated `results.json` that a later figure script silently reads.
 *
 * How: write a temp file in the same folder (rename is only atomic within one file system),
 * fsync it (so the rename cannot reach the disk before the bytes do), rename it over `file`,
 * then fsync the folder (so the rename itself survives a power cut). Parent folders are
 * created, one level at a time (Node's recursive mkdir never returns under /proc; this fails
 * there at once with ENOENT). On any failure the temp file is removed and the old `file` is
 * left as it was; the error is the file system's own (`code` ENOSPC, EACCES, …) for the
 * caller to word.
 *
 * ```ts
 * await writeFileAtomic('out/run-1/losses.csv', toCsv(rows));
 * ```
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  if (typeof file !== 'string' || file === '') {
    throw new BadReportArgumentError(`writeFileAtomic: path must be a non-empty string, got ${describe(file)}`);
  }
  if (typeof data !== 'string' && !(data instanceof Uint8Array)) {
    throw new BadReportArgumentError(
      `writeFileAtomic: data must be a string or a Uint8Array, got ${describe(data)}`);
  }
  const target = path.resolve(file);
  const folder = path.dirname(target);
  await makeFolder(folder);
  // A dot-prefix hides the temp file from globs like `*.json`; pid and random bytes keep two
  // processes (or two concurrent writes in one) from sharing a temp file.
  const temp = path.join(folder, temporaryName(path.basename(target)));
  try {
    const handle = await fsp.open(temp, 'wx');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fsp.rename(temp, target);
  } catch (error) {
    await fsp.rm(temp, {force: true});
    throw error;
  }
  await syncFolder(folder);
}

/**
 * `writeFileAtomic` for a JSON value: two-space indentation and a newline at the end (so `cat`
 * and `git diff` behave). The value is serialised before anything touches the disk, so a value
 * that cannot be serialised (a BigInt, a cycle) throws and leaves the old file alone.
 */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  const text = JSON.stringify(value, null, 2);
  // JSON.stringify returns undefined (not a string) for undefined, functions and symbols;
  // writing "undefined" would make a file no JSON parser reads.
  if (typeof text !== 'string') {
    throw new BadReportArgumentError(
      `writeJsonAtomic: value must be JSON-serialisable, got ${describe(value)}`);
  }
  await writeFileAtomic(file, `${text}\n`);
}

/** `mkdir -p`, one level at a time (see `writeFileAtomic`). */
async function makeFolder(dir: string): Promise<void> {
  if (await fsp.stat(dir).then((s) => s.isDirectory(), () => false)) return;
  const parent = path.dirname(dir);
  if (parent !== dir) await makeFolder(parent);
  await fsp.mkdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
}

async function syncFolder(folder: string): Promise<void> {
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(folder, 'r');
    await handle.sync();
  } catch {
    // Some platforms (Windows) cannot open or fsync a folder; the rename has already happened,
    // only its durability across a power cut is weaker there, so this is not worth failing a run.
  } finally {
    await handle?.close();
  }
}
