import {BadConfigError, isUserError} from '@encoderless/errors';
import {fileSystemError, onPath} from './fs-errors';

const errno = (code: string, path?: string) => Object.assign(new Error(`${code}: something, open '${path}'`), {code, ...(path ? {path} : {})});

describe('file-system failures as one-line user errors', () => {
  it.each([
    ['ENOSPC', /no space left on the device: free some space and rerun with --resume/],
    ['EACCES', /permission denied: choose a folder you can write to/],
    ['EROFS', /read-only/],
    ['ENOTDIR', /a part of the path is a file, not a folder/],
    ['EEXIST', /a file of that name is in the way/],
    ['ENOENT', /no such file or folder/],
  ])('%s names the path, what to do, the code and the flag', (code, message) => {
    const err = fileSystemError(errno(code, '/runs/x/points/a.json'), '/runs/x', '--out') as Error & {file?: string; option?: string};
    expect(isUserError(err)).toBe(true);
    expect(err.message).toMatch(new RegExp(`^/runs/x/points/a\\.json: .*\\(${code}; set by --out\\)$`));
    expect(err.message).toMatch(message);
    expect(err.message).not.toContain('\n');
    expect([err.file, err.option]).toEqual(['/runs/x/points/a.json', '--out']);
  });

  it('a bug, or an error that is already a user error, passes through unchanged', async () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'x')");
    expect(fileSystemError(bug, '/p')).toBe(bug);
    const user = new BadConfigError('x');
    expect(fileSystemError(user, '/p')).toBe(user);
    expect(fileSystemError(errno('EWEIRD'), '/p')).toMatchObject({code: 'EWEIRD'});
    await expect(onPath('/p', '--out', async () => { throw errno('EACCES'); })).rejects.toThrow(/^\/p: permission denied/);
  });
});
