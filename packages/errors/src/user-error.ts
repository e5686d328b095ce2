/** What an error concerns, so that a caller can point at it without parsing the message. */
export interface ErrorDetails {
  /**
   * The option, argument or flag at fault, as the thrower names it (`'batchSize'`,
   * `'--sizes'`). A command line maps a library option to the flag that sets it.
   */
  readonly option?: string;
  /** The file at fault: a path, a URL, `archive.tar.gz:inner/path`, or the caller's name for some bytes. */
  readonly file?: string;
  /** The lower-level error this one explains (an `ENOSPC`, a JSON syntax error). */
  readonly cause?: unknown;
}

/**
 * The base of every error a user can fix: a bad setting, unusable data, a corrupt file, a
 * backend that is not installed. The message says what was wrong and what to do. A command
 * line prints the message alone and exits 2 for any error whose `userError` is true — the
 * field, not the class, so it survives a trip through a worker thread (`errorToMessage`).
 */
export class UserError extends Error {
  override name = 'UserError';
  /** Always true: the message is for the user, no stack needed. */
  readonly userError = true;
  readonly option?: string;
  readonly file?: string;

  constructor(message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : {cause: details.cause});
    if (details.option !== undefined) this.option = details.option;
    if (details.file !== undefined) this.file = details.file;
  }
}

/** A setting or argument is impossible or inconsistent: a wrong type, an unknown name, a negative size. */
export class BadConfigError extends UserError {
  override name = 'BadConfigError';
}

/** Data given in memory is unusable: NaN, the wrong shape, empty; or a computation on it diverged. */
export class BadDataError extends UserError {
  override name = 'BadDataError';
}

/**
 * A file is missing, unreadable, truncated, corrupt or not what its name says. `file` always
 * names it.
 */
export class BadDataFileError extends UserError {
  override name = 'BadDataFileError';
  declare readonly file: string;

  constructor(message: string, file: string, details: Omit<ErrorDetails, 'file'> = {}) {
    super(message, {...details, file});
  }
}

/** A backend was asked for whose package is not installed, or that failed to start. */
export class MissingBackendError extends UserError {
  override name = 'MissingBackendError';
}

/** An invariant of ours broke: a bug, never the caller's fault. A command line prints its stack. */
export class InternalError extends Error {
  override name = 'InternalError';
}

/**
 * Whether an error is one the user can fix (its message is the whole story). Reads the
 * `userError` field, so it also holds for errors rebuilt by `errorFromMessage`.
 *
 * ```ts
 * isUserError(new BadConfigError('x'));  // true
 * isUserError(new TypeError('x'));       // false
 * ```
 */
export function isUserError(err: unknown): err is UserError {
  return typeof err === 'object' && err !== null && (err as {userError?: unknown}).userError === true;
}
