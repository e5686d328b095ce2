import {errorFromMessage, errorToMessage} from './error-message';
import {BadDataFileError, isUserError} from './user-error';

describe('errorToMessage / errorFromMessage', () => {
  it('structured clone alone loses what a command line needs (why these exist)', () => {
    const copy = structuredClone(new BadDataFileError('truncated', 'x.npy')) as Error & {userError?: boolean};
    expect(copy.userError).toBeUndefined();
    expect(isUserError(copy)).toBe(false);
  });

  it('a user error survives a structured clone with its name, message, option and file', () => {
    const err = new BadDataFileError('x.npy: 12 bytes, the header says 400', 'x.npy', {option: '--data'});
    const back = errorFromMessage(structuredClone(errorToMessage(err)));
    expect(isUserError(back)).toBe(true);
    expect(back.name).toBe('BadDataFileError');
    expect(back.message).toBe(err.message);
    expect((back as {file?: string}).file).toBe('x.npy');
    expect((back as {option?: string}).option).toBe('--data');
  });

  it('a bug stays a bug: not a user error, stack kept', () => {
    const err = new TypeError("Cannot read properties of undefined (reading 'shape')");
    const back = errorFromMessage(structuredClone(errorToMessage(err)));
    expect(isUserError(back)).toBe(false);
    expect(back.name).toBe('TypeError');
    expect(back.stack).toBe(err.stack);
  });

  it('a thrown non-Error becomes a plain error message', () => {
    expect(errorToMessage('boom')).toEqual({name: 'Error', message: 'boom', userError: false});
  });
});
