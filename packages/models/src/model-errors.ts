import {BadConfigError} from '@encoderless/errors';

/** A model was asked for with impossible sizes or a mask of the wrong shape. */
export class BadModelConfigError extends BadConfigError {
  override name = 'BadModelConfigError';
}
