/** A setting is impossible or inconsistent (wrong shape, unknown name, negative rate …). */
export class BadConfigError extends Error {
  override name = 'BadConfigError';
}

/** Data given to a trainer is unusable (NaN, wrong shape, empty) or a saved file is corrupt. */
export class BadDataError extends Error {
  override name = 'BadDataError';
}

/** An invariant of ours broke: a bug, never the caller's fault. */
export class InternalError extends Error {
  override name = 'InternalError';
}
