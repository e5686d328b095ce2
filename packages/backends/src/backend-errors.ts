import {BadConfigError} from '@encoderless/errors';

export {MissingBackendError} from '@encoderless/errors';

/** The name given for a backend is not one we know: a bad setting. */
export class UnknownBackendError extends BadConfigError {
  override name = 'UnknownBackendError';
}
