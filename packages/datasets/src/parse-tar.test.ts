import {execFileSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {BadDataFileError} from './bad-data-file-error';
import {iterateTar, parseTar} from './parse-tar';
import {makeTar} from './tar-fixture';

const text = (d: Uint8Array) => Buffer.from(d).toString('utf8');

describe('parseTar', () => {
  it('two files and two folders: regular files only, bytes exact, archive order', () => {
    const big = Uint8Array.from({length: 1300}, (_, i) => (i * 7) % 256); // spans 3 blocks
    const tar = makeTar([
      {path: 'a/', type: '5'}, {path: 'a/one.txt', data: 'hello'}, {path: 'old-style-folder/', type: '\0'}, {path: 'a/big.bin', data: big},
    ]);
    const entries = parseTar(tar, 'x.tar');
    expect(entries.map((e) => e.path)).toEqual(['a/one.txt', 'a/big.bin']);
    expect(text(entries[0].data)).toBe('hello');
    expect(Array.from(entries[1].data)).toEqual(Array.from(big));
  });

  it('long names: ustar prefix, GNU L entry, pax path', () => {
    const long = 'd/'.repeat(60) + 'file.txt'; // 128 characters, over the 100 of the name field
    const tar = makeTar([
      {path: 'name.txt', prefix: 'some/prefix', data: '1'},
      {path: '././@LongLink', type: 'L', data: long + '\0'},
      {path: long.slice(0, 100), data: '2'},
      {path: 'PaxHeaders/x', type: 'x', data: `${`path=${long}x\n`.length + 4} path=${long}x\n`},
      {path: 'truncated-name', data: '3'},
      {path: 'plain.txt', data: '4'},
    ]);
    expect(parseTar(tar, 'x.tar').map((e) => [e.path, text(e.data)])).toEqual([
      ['some/prefix/name.txt', '1'], [long, '2'], [long + 'x', '3'], ['plain.txt', '4'],
    ]);
  });

  it('an empty archive (only the end blocks) has no entries', () => {
    expect(parseTar(new Uint8Array(1024), 'empty.tar')).toEqual([]);
  });

  it('throws when a header checksum is wrong, naming the file and the entry', () => {
    const tar = makeTar([{path: 'ok.txt', data: 'a'}, {path: 'bad.txt', data: 'b'}]);
    tar[1024 + 10] ^= 1; // a byte of the second header's name field
    expect(() => parseTar(tar, 'x.tar')).toThrow(BadDataFileError);
    expect(() => parseTar(tar, 'x.tar')).toThrow(/parseTar: x\.tar: header at byte 1024 .* checksum \d+, expected \d+/);
  });

  it('throws when the archive ends inside a file, naming the entry and the sizes', () => {
    const tar = makeTar([{path: 'a.bin', data: new Uint8Array(1000)}]);
    expect(() => parseTar(tar.subarray(0, 512 + 700), 'x.tar'))
      .toThrow(/x\.tar: entry "a\.bin" \(header at byte 0\) has size 1000, but only 700 bytes follow: the archive is truncated/);
  });

  it('throws when the archive ends inside a header', () => {
    const tar = makeTar([{path: 'a.txt', data: 'a'}, {path: 'b.txt', data: 'b'}]);
    expect(() => parseTar(tar.subarray(0, 1024 + 100), 'x.tar')).toThrow(/ends inside a header .*after entry "a\.txt".*got 100/);
  });

  it('throws when the end-of-archive block is missing', () => {
    const tar = makeTar([{path: 'a.txt', data: 'a'}], false);
    expect(() => parseTar(tar, 'x.tar')).toThrow(/ends at byte 1024 without the end-of-archive zero block \(after entry "a\.txt"\)/);
  });

  it('throws on bytes that are not a tar file', () => {
    expect(() => parseTar(Buffer.from('x'.repeat(600)), 'notes.txt')).toThrow(/notes\.txt: header at byte 0 .*not a tar file/);
  });

  it('iterateTar reads the first entries of a truncated archive without reaching the cut', () => {
    const tar = makeTar([{path: 'a.txt', data: 'a'}, {path: 'b.bin', data: new Uint8Array(5000)}]);
    const first = iterateTar(tar.subarray(0, 2000), 'cut.tar').next();
    expect(first.done).toBe(false);
    expect(first.value.path).toBe('a.txt');
  });

  // An independent writer: the system tar, in its POSIX formats, with a path too long for the name field.
  const systemTar = (() => {
    try {
      execFileSync('tar', ['--version'], {stdio: 'ignore'});
      return true;
    } catch {
      return false;
    }
  })();
  for (const format of ['ustar', 'pax']) {
    (systemTar ? it : it.skip)(`reads what the system tar writes, --format=${format}`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'parse-tar-'));
      try {
        const deep = `src/${'x'.repeat(60)}/${'y'.repeat(50)}`;
        mkdirSync(join(dir, deep), {recursive: true});
        writeFileSync(join(dir, deep, 'f.txt'), 'deep');
        writeFileSync(join(dir, 'src', 'g.bin'), Buffer.alloc(513, 7));
        execFileSync('tar', [`--format=${format}`, '-cf', join(dir, 'out.tar'), '-C', dir, 'src']);
        const entries = parseTar(readFileSync(join(dir, 'out.tar')), 'out.tar');
        const byPath = new Map(entries.map((e) => [e.path, e.data]));
        expect([...byPath.keys()].sort()).toEqual(['src/g.bin', `${deep}/f.txt`].sort());
        expect(text(byPath.get(`${deep}/f.txt`)!)).toBe('deep');
        expect(Array.from(byPath.get('src/g.bin')!)).toEqual(Array(513).fill(7));
      } finally {
        rmSync(dir, {recursive: true, force: true});
      }
    });
  }
  if (!systemTar) console.warn('parse-tar.test: skipping the system-tar cases: no `tar` on PATH');
});
