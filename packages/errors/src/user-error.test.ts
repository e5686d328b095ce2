import {BadConfigError, BadDataError, BadDataFileError, InternalError, isUserError, MissingBackendError, UserError} from './user-error';

describe('UserError and its kinds', () => {
  it.each([
    ['BadConfigError', new BadConfigError('m')],
    ['BadDataError', new BadDataError('m')],
    ['BadDataFileError', new BadDataFileError('m', 'a.csv')],
    ['MissingBackendError', new MissingBackendError('m')],
  ])('%s is a UserError with its own name and userError true', (name, err) => {
    expect(err).toBeInstanceOf(UserError);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe(name);
    expect(err.userError).toBe(true);
    expect(isUserError(err)).toBe(true);
    expect(String(err)).toBe(`${name}: m`);
  });

  it('carries the option and the file it concerns, and the cause', () => {
    const cause = new Error('ENOSPC');
    const err = new BadConfigError('--sizes 70000: more than the 60,000 training images', {option: '--sizes', cause});
    expect(err.option).toBe('--sizes');
    expect(err.file).toBeUndefined();
    expect(err.cause).toBe(cause);
    const file = new BadDataFileError('truncated', 'data/x.npy', {option: 'dataDir'});
    expect(file.file).toBe('data/x.npy');
    expect(file.option).toBe('dataDir');
  });

  it('InternalError and foreign errors are not user errors', () => {
    expect(isUserError(new InternalError('broken invariant'))).toBe(false);
    expect(isUserError(new TypeError('x is undefined'))).toBe(false);
    expect(isUserError(null)).toBe(false);
    expect(isUserError('BadConfigError')).toBe(false);
    expect(isUserError({userError: 'yes'})).toBe(false);
  });

  it('a subclass defined by a package keeps the field and its name', () => {
    class DataUnavailableError extends UserError {
      override name = 'DataUnavailableError';
    }
    const err = new DataUnavailableError('no source', {option: 'dataDir'});
    expect(isUserError(err)).toBe(true);
    expect(err.name).toBe('DataUnavailableError');
    expect(err.option).toBe('dataDir');
  });
});
