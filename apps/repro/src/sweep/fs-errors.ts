import {BadDataFileError, isUserError} from '@encoderless/errors';

const WHAT_TO_DO: Readonly<Record<string, string>> = {
  EACCES: 'permission denied: choose a folder you can write to, or fix its permissions',
  EPERM: 'operation not permitted: choose a folder you can write to',
  EROFS: 'the file system is read-only: choose a folder on a writable disk',
  ENOSPC: 'no space left on the device: free some space and rerun with --resume (finished points are kept)',
  EDQUOT: 'disk quota exceeded: free some space and rerun with --resume (finished points are kept)',
  ENOENT: 'no such file or folder: check the path',
  ENOTDIR: 'a part of the path is a file, not a folder: choose another path',
  EEXIST: 'a file of that name is in the way: move it, or choose another path',
  EISDIR: 'it is a folder where a file was expected: choose another path',
  EMFILE: 'too many open files: raise the limit (ulimit -n) or lower --jobs',
  ENAMETOOLONG: 'the path is too long: choose a shorter one',
};

/**
 * A file-system failure (`err.code` ENOSPC, EACCES, …) as the one-line user error the command
 * line prints: the path, what happened, what to do, and the flag that chose the path (`option`).
 * Anything else (a bug) is returned as it is.
 *
 * ```ts
 * await writeJsonAtomic(file, value).catch((err) => { throw fileSystemError(err, file, '--out'); });
 * ```
 */
export function fileSystemError(err: unknown, path: string, option?: string): unknown {
  if (isUserError(err)) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string' || !(code in WHAT_TO_DO)) return err;
  const target = (err as NodeJS.ErrnoException).path ?? path;
  return new BadDataFileError(`${target}: ${WHAT_TO_DO[code]} (${code}${option ? `; set by ${option}` : ''})`, target,
    {...(option === undefined ? {} : {option}), cause: err});
}

/** Run `f`, turning a file-system failure on `path` into a user error (see `fileSystemError`). */
export async function onPath<T>(path: string, option: string | undefined, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    throw fileSystemError(err, path, option);
  }
}
