import {UserError} from '@encoderless/errors';

// A data file that is missing, truncated, corrupt or not what its name says (an IDX file with
// the wrong magic number, a download whose SHA-256 does not match) is the shared
// `BadDataFileError(message, file)`: the message names the file, the field, what was expected
// and what came.
export {BadDataFileError} from '@encoderless/errors';

/**
 * No source could provide a data set: no data folder was named, the optional package that
 * embeds it is not installed, and every download mirror failed. The message lists what was
 * tried and how to fix it.
 */
export class DataUnavailableError extends UserError {
  override name = 'DataUnavailableError';
}
