import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {expectArraysClose} from '@encoderless/test-utils';
import {BadConfigError, BadDataFileError, encodeNpy, parseNpy} from './index';
import {readNpy, writeNpy} from './node';

/**
 * A .npy file built byte by byte from the format's description (numpy.lib.format): magic,
 * version, little-endian header length, the header padded with spaces and '\n' to a multiple of
 * 64 bytes, then the items.
 */
function npy(header: string, items: Uint8Array, version = 1): Uint8Array {
  const prefix = 6 + 2 + (version === 1 ? 2 : 4);
  const pad = 64 - ((prefix + header.length + 1) % 64);
  const text = header + ' '.repeat(pad) + '\n';
  const out = new Uint8Array(prefix + text.length + items.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const length = text.length;
  out.set(version === 1 ? [length & 255, length >> 8] : [length & 255, (length >> 8) & 255, (length >> 16) & 255, length >>> 24], 8);
  for (let i = 0; i < text.length; i++) out[prefix + i] = text.charCodeAt(i);
  out.set(items, prefix + text.length);
  return out;
}
/** The little-endian bytes of float32 values, written with a DataView (independent of parseNpy's copy). */
function f4(values: number[], littleEndian = true): Uint8Array {
  const view = new DataView(new ArrayBuffer(4 * values.length));
  values.forEach((v, i) => view.setFloat32(4 * i, v, littleEndian));
  return new Uint8Array(view.buffer);
}
const dict = (descr: string, shape: string, fortran = 'False') => `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }`;

describe('parseNpy on bytes built from the spec', () => {
  it("'<f4' (2, 3), version 1.0: values, shape, dtype; the data is aligned to 64 bytes", () => {
    const bytes = npy(dict('<f4', '(2, 3)'), f4([1.5, -2, 0.25, 3, 0, -7]));
    expect((bytes.length - 24) % 64).toBe(0);
    const a = parseNpy(bytes);
    expect([a.shape, a.dtype]).toEqual([[2, 3], '<f4']);
    expect(a.data).toBeInstanceOf(Float32Array);
    expectArraysClose(a.data, [1.5, -2, 0.25, 3, 0, -7], {atol: 0, rtol: 0}); // exact float32 values
  });
  it('version 2.0 and 3.0 (4-byte header length; 3.0 reads the header as UTF-8)', () => {
    for (const version of [2, 3]) {
      const a = parseNpy(npy(dict('<f4', '(2,)'), f4([1, 2]), version));
      expect([version, a.shape, Array.from(a.data)]).toEqual([version, [2], [1, 2]]);
    }
  });
  it("'>f4' (big-endian) is converted: dtype '<f4', same values", () => {
    const a = parseNpy(npy(dict('>f4', '(3,)'), f4([1.5, -2.25, 1e-3], false)));
    expect(a.dtype).toBe('<f4');
    expectArraysClose(a.data, [1.5, -2.25, Math.fround(1e-3)], {atol: 0, rtol: 0});
  });
  it("'|u1' any rank, a 0-d array (shape ()), an empty (0, 3) array, Python 2's 3L", () => {
    expect(Array.from(parseNpy(npy(dict('|u1', '(1, 2, 2)'), Uint8Array.of(0, 1, 254, 255))).data)).toEqual([0, 1, 254, 255]);
    const scalar = parseNpy(npy(dict('<f4', '()'), f4([7.5])));
    expect([scalar.shape, Array.from(scalar.data)]).toEqual([[], [7.5]]);
    const empty = parseNpy(npy(dict('<f4', '(0, 3)'), new Uint8Array(0)));
    expect([empty.shape, empty.data.length]).toEqual([[0, 3], 0]);
    expect(parseNpy(npy("{'descr': '|u1', 'fortran_order': False, 'shape': (2L,), }", Uint8Array.of(4, 5))).shape).toEqual([2]);
  });
  it('the result is a copy: changing the bytes afterwards does not change it', () => {
    const bytes = npy(dict('|u1', '(2,)'), Uint8Array.of(9, 9));
    const a = parseNpy(bytes);
    bytes.fill(0);
    expect(Array.from(a.data)).toEqual([9, 9]);
  });
});

describe('parseNpy bad inputs', () => {
  const fails = (bytes: Uint8Array, message: RegExp) => {
    const run = () => parseNpy(bytes, 'x.npy');
    expect(run).toThrow(BadDataFileError);
    expect(run).toThrow(message);
  };
  const good = npy(dict('<f4', '(2, 3)'), f4([1, 2, 3, 4, 5, 6]));
  it('an empty file', () => fails(new Uint8Array(0), /^parseNpy: x\.npy: file is empty, expected a \.npy file/));
  it('bad magic (a CSV file, a .npz zip)', () => {
    fails(new TextEncoder().encode('a,b\n1,2\n'), /^parseNpy: x\.npy: magic string is 61 2c 62 0a 31 2c, expected 93 4e 55 4d 50 59 \(\\x93NUMPY\): not a \.npy file$/);
    fails(Uint8Array.of(0x50, 0x4b, 3, 4, 0, 0, 0), /\.npz zip archive\? unzip it first/);
  });
  it('an unknown version', () => {
    const bytes = good.slice();
    bytes[6] = 4;
    fails(bytes, /^parseNpy: x\.npy: version is 4\.0, expected 1\.0, 2\.0 or 3\.0$/);
  });
  it('truncated in the prefix, in the header, in the data', () => {
    fails(good.subarray(0, 9), /file is 9 bytes long, expected at least the 10-byte prefix of a version 1\.0 file: the file is truncated/);
    fails(good.subarray(0, 40), /^parseNpy: x\.npy: header length is 118 bytes, but the file ends after 30 of them: the file is truncated$/);
    fails(good.subarray(0, good.length - 3), /^parseNpy: x\.npy: data is 21 bytes, expected 24 \(shape \(2, 3\) = 6 items × 4 bytes of '<f4'\): the file is truncated$/);
  });
  it('trailing bytes after the data', () => {
    const longer = new Uint8Array(good.length + 4);
    longer.set(good);
    fails(longer, /data is 28 bytes, expected 24 .*: 4 trailing bytes$/);
  });
  it('fortran_order True names the field and the fix', () => {
    fails(npy(dict('<f4', '(2, 3)', 'True'), f4([1, 2, 3, 4, 5, 6])),
      /^parseNpy: x\.npy: header fortran_order is True, expected False: Fortran-ordered \(column-major\) arrays are not supported; save a C-ordered copy with np\.save\(path, np\.ascontiguousarray\(x\)\)$/);
  });
  it.each(['<f2', '<i8', '|b1', '<c8', '|O', '|f4', '<U3'])('unsupported dtype %p', (descr) => {
    fails(npy(dict(descr, '(1,)'), new Uint8Array(0)), new RegExp(`^parseNpy: x\\.npy: header descr is '${descr.replace('|', '\\|')}', an item type this reader does not support; expected one of '<f4', '<f8', '\\|u1', '<i4'`));
  });
  it('a structured dtype', () => {
    fails(npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", f4([1])), /header descr is \(\('a', '<f4'\),\), a structured dtype/);
  });
  it('a header that is not a dict literal, or has other keys', () => {
    fails(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3) ", f4([])), /header .* is not a Python dict literal: expected "," or "}" at character/);
    fails(npy("__import__('os').system('x')", f4([])), /is not a Python dict literal: an unexpected value at character 0/);
    fails(npy("{'descr': '<f4', 'shape': (1,), }", f4([1])), /^parseNpy: x\.npy: header has keys 'descr', 'shape', expected exactly 'descr', 'fortran_order' and 'shape'$/);
  });
  it('a negative or fractional size in the shape', () => {
    fails(npy(dict('<f4', '(-1, 3)'), f4([])), /header shape is \(-1, 3\), expected a tuple of whole numbers/);
  });
  it('bytes that are not a Uint8Array', () => {
    expect(() => parseNpy('x' as never, 'x.npy')).toThrow(/^parseNpy: x\.npy: bytes must be a Uint8Array \(or Buffer\), got "x"$/);
  });
});

// Files written by NumPy 2.4.6 with src/fixtures/make-npy-fixtures.py (the commands are there).
const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name));

describe('parseNpy on files written by numpy', () => {
  it.each([
    ['f4-2x3.npy', '<f4', [2, 3], [1.5, -2, Math.fround(0.1), 3, Math.fround(4e-3), -0]],
    ['f8-3.npy', '<f8', [3], [0.1, -1e300, 2.5]],
    ['u1-2x2x2.npy', '|u1', [2, 2, 2], [0, 30, 60, 90, 120, 150, 180, 210]],
    ['i4-2x2.npy', '<i4', [2, 2], [-2147483648, 2147483647, 0, -1]],
    ['f4-scalar.npy', '<f4', [], [7.5]],
    ['f4-0x3.npy', '<f4', [0, 3], []],
    ['f4-15-axes.npy', '<f4', [0, ...Array<number>(14).fill(1)], []],
    ['f4-big-endian.npy', '<f4', [3], [1.5, -2.25, Math.fround(0.1)]],
    ['i4-big-endian.npy', '<i4', [3], [1, -2, 65536]],
    ['f8-2x2-v2.npy', '<f8', [2, 2], [1.25, -3, 0.5, 8]],
    ['f8-2x2-v3.npy', '<f8', [2, 2], [1.25, -3, 0.5, 8]],
  ])('%s: %s %p', (name, dtype, shape, values) => {
    const a = parseNpy(fixture(name), name);
    expect([a.dtype, a.shape]).toEqual([dtype, shape]);
    expectArraysClose(a.data, values as number[], {atol: 0, rtol: 0}); // the exact stored values
  });
  it('refuses numpy\'s Fortran-ordered and float16 files', () => {
    expect(() => parseNpy(fixture('f4-fortran.npy'), 'f4-fortran.npy')).toThrow(/header fortran_order is True, expected False/);
    expect(() => parseNpy(fixture('f2.npy'), 'f2.npy')).toThrow(/header descr is '<f2', an item type this reader does not support/);
  });
  it.each(['f4-2x3.npy', 'f8-3.npy', 'u1-2x2x2.npy', 'i4-2x2.npy', 'f4-scalar.npy', 'f4-0x3.npy', 'f4-15-axes.npy'])(
    'encodeNpy writes %s byte for byte as np.save did', (name) => {
      const bytes = fixture(name);
      expect(Buffer.from(encodeNpy(parseNpy(bytes, name))).equals(bytes)).toBe(true);
    });
});

describe('encodeNpy', () => {
  it('round trip through parseNpy for each type, 1-d by default', () => {
    for (const data of [Float32Array.of(1.5, -2), Float64Array.of(0.1, 1e-300), Uint8Array.of(0, 255), Int32Array.of(-5, 7)]) {
      const a = parseNpy(encodeNpy({data}));
      expect([a.shape, a.data.constructor, Array.from(a.data)]).toEqual([[2], data.constructor, Array.from(data)]);
    }
  });
  it('a header over 65,535 bytes (shape of 30,000 axes of size 1) is written as version 2.0', () => {
    const shape = Array<number>(30_000).fill(1);
    const bytes = encodeNpy({data: Float32Array.of(3), shape});
    expect(bytes[6]).toBe(2);
    expect(parseNpy(bytes).shape.length).toBe(30_000);
  });
  it('throws when the shape does not hold the data, or the data is not a supported typed array', () => {
    expect(() => encodeNpy({data: new Float32Array(6), shape: [4, 2]})).toThrow(BadConfigError);
    expect(() => encodeNpy({data: new Float32Array(6), shape: [4, 2]})).toThrow(/^encodeNpy: shape \[4, 2\] holds 8 items, but data has 6$/);
    expect(() => encodeNpy({data: new Int16Array(2) as never})).toThrow(/^encodeNpy: data must be a Float32Array, Float64Array, Uint8Array or Int32Array/);
  });
});

describe('readNpy and writeNpy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'encoderless-npy-'));
  afterAll(() => rmSync(dir, {recursive: true, force: true}));
  it('writeNpy then readNpy gives the array back; the folder is created', async () => {
    const path = join(dir, 'sub', 'reps.npy');
    await writeNpy(path, {data: Float32Array.of(1, 2, 3, 4, 5, 6), shape: [3, 2]});
    const a = await readNpy(path);
    expect([a.shape, Array.from(a.data)]).toEqual([[3, 2], [1, 2, 3, 4, 5, 6]]);
  });
  it('refuses a file over maxBytes, naming file, size and limit', async () => {
    const path = join(dir, 'f.npy');
    writeFileSync(path, fixture('f4-2x3.npy'));
    await expect(readNpy(path, {maxBytes: 100})).rejects.toThrow(BadDataFileError);
    await expect(readNpy(path, {maxBytes: 100})).rejects.toThrow(
      new RegExp(`^readNpy: ${path} is 152 bytes, more than the limit of 100 bytes \\(option maxBytes`));
  });
  it('names the file in format errors and when it is missing', async () => {
    const path = join(dir, 'cut.npy');
    writeFileSync(path, fixture('f4-2x3.npy').subarray(0, 140));
    await expect(readNpy(path)).rejects.toThrow(new RegExp(`^parseNpy: ${path}: data is 12 bytes, expected 24`));
    await expect(readNpy(join(dir, 'none.npy'))).rejects.toThrow(/none\.npy does not exist$/);
    await expect(readNpy(path, {maxbytes: 1} as never)).rejects.toThrow(/^readNpy: unknown option "maxbytes"; expected maxBytes$/);
  });
});
