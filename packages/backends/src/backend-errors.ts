/** The name given for a backend is not one we know. */
export class UnknownBackendError extends Error {
  override name = 'UnknownBackendError';
}

/** The backend asked for is known but its package is not installed (or failed to load). */
export class MissingBackendError extends Error {
  override name = 'MissingBackendError';
}
