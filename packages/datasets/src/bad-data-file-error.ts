/**
 * A data file is missing, truncated, corrupt or not what its name says (an IDX file with the
 * wrong magic number, images and labels of different lengths, a download whose SHA-256 does
 * not match). The message names the function, the file, the field, what was expected and
 * what came; `file` holds the file (a path, a URL or the caller's name for the bytes).
 */
export class BadDataFileError extends Error {
  override name = 'BadDataFileError';
  constructor(message: string, readonly file: string) {
    super(message);
  }
}

/**
 * No source could provide a data set: no data folder was named, the optional package that
 * embeds it is not installed, and every download mirror failed. The message lists what was
 * tried and how to fix it.
 */
export class DataUnavailableError extends Error {
  override name = 'DataUnavailableError';
}
