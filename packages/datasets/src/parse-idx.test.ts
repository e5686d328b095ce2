import {BadDataFileError, parseIdx} from './index';

/** An IDX file written byte by byte: 0, 0, type code, d, d big-endian uint32 sizes, then `items` as given. */
function idx(typeCode: number, dims: number[], items: number[]): Uint8Array {
  const header = [0, 0, typeCode, dims.length];
  for (const n of dims) header.push(n >>> 24 & 255, n >>> 16 & 255, n >>> 8 & 255, n & 255);
  return Uint8Array.from([...header, ...items]);
}

describe('parseIdx decodes every IDX type', () => {
  it('ubyte [2, 3]: items in row-major order', () => {
    const out = parseIdx(idx(0x08, [2, 3], [0, 1, 2, 253, 254, 255]));
    expect(out.type).toBe('ubyte');
    expect(out.dims).toEqual([2, 3]);
    expect(out.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(out.data)).toEqual([0, 1, 2, 253, 254, 255]);
  });
  it('sbyte [2]: 0xff is -1, 0x7f is 127', () => {
    const out = parseIdx(idx(0x09, [2], [0xff, 0x7f]));
    expect(out.data).toBeInstanceOf(Int8Array);
    expect(Array.from(out.data)).toEqual([-1, 127]);
  });
  it('int16 [3] big-endian: ff fe = -2, 01 02 = 258, 00 00 = 0', () => {
    const out = parseIdx(idx(0x0b, [3], [0xff, 0xfe, 0x01, 0x02, 0, 0]));
    expect(out.data).toBeInstanceOf(Int16Array);
    expect(Array.from(out.data)).toEqual([-2, 258, 0]);
  });
  it('int32 [2] big-endian: 00 00 01 02 = 258, ff ff ff ff = -1', () => {
    const out = parseIdx(idx(0x0c, [2], [0, 0, 1, 2, 0xff, 0xff, 0xff, 0xff]));
    expect(out.data).toBeInstanceOf(Int32Array);
    expect(Array.from(out.data)).toEqual([258, -1]);
  });
  it('float32 [2] big-endian: 3f c0 00 00 = 1.5, c0 00 00 00 = -2 (exact in binary)', () => {
    const out = parseIdx(idx(0x0d, [2], [0x3f, 0xc0, 0, 0, 0xc0, 0, 0, 0]));
    expect(out.data).toBeInstanceOf(Float32Array);
    expect(Array.from(out.data)).toEqual([1.5, -2]);
  });
  it('float64 [1, 2] big-endian: 3ff0… = 1, bfe0… = -0.5 (exact in binary)', () => {
    const out = parseIdx(idx(0x0e, [1, 2], [0x3f, 0xf0, 0, 0, 0, 0, 0, 0, 0xbf, 0xe0, 0, 0, 0, 0, 0, 0]));
    expect(out.data).toBeInstanceOf(Float64Array);
    expect(out.dims).toEqual([1, 2]);
    expect(Array.from(out.data)).toEqual([1, -0.5]);
  });
  it('ubyte [0]: an empty file body is a valid zero-length array', () => {
    expect(parseIdx(idx(0x08, [0], [])).data.length).toBe(0);
  });
  it('reads a view at an odd byteOffset of a larger buffer, and copies the items out', () => {
    const file = idx(0x0b, [2], [0x01, 0x00, 0xff, 0xff]); // 256, -1
    const big = new Uint8Array(file.length + 7);
    big.set(file, 3);
    const view = big.subarray(3, 3 + file.length);
    const out = parseIdx(view);
    expect(Array.from(out.data)).toEqual([256, -1]);
    view.fill(0);
    expect(Array.from(out.data)).toEqual([256, -1]);
  });
  it('copies ubyte items out too: changing the input leaves the result as it was', () => {
    const bytes = idx(0x08, [2], [7, 9]);
    const out = parseIdx(bytes);
    bytes[8] = 0;
    expect(Array.from(out.data)).toEqual([7, 9]);
  });
});

describe('parseIdx rejects bad files, naming the source, field, expected and actual', () => {
  const bad = (bytes: Uint8Array) => () => parseIdx(bytes, 'data/x-idx1-ubyte');
  it('throws BadDataFileError with the file on the error', () => {
    try {
      parseIdx(new Uint8Array(0), 'data/x-idx1-ubyte');
      throw new Error('parseIdx did not throw');
    } catch (err) {
      expect(err).toBeInstanceOf(BadDataFileError);
      expect((err as BadDataFileError).file).toBe('data/x-idx1-ubyte');
    }
  });
  it('throws when the file is empty', () => {
    expect(bad(new Uint8Array(0))).toThrow(/^parseIdx: data\/x-idx1-ubyte: file is 0 bytes long, expected at least the 4-byte magic/);
  });
  it('throws when the bytes are gzip-compressed', () => {
    expect(bad(Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0]))).toThrow(/data\/x-idx1-ubyte: starts with the gzip magic 0x1f 0x8b.*decodeIdxFile/);
  });
  it('throws when the first two bytes are not zero', () => {
    expect(bad(Uint8Array.from([0x01, 0x00, 0x08, 0x01, 0, 0, 0, 0]))).toThrow(/magic number is 0x01000801, expected 0x0000TTDD/);
  });
  it('throws on an unknown type code 0x0a', () => {
    expect(bad(idx(0x0a, [1], [0]))).toThrow(/magic number 0x00000a01 has type code 0x0a, expected one of 0x08 \(ubyte\), 0x09 \(sbyte\), 0x0b \(int16\)/);
  });
  it('throws on 0 dimensions', () => {
    expect(bad(idx(0x08, [], []))).toThrow(/says 0 dimensions, expected at least 1/);
  });
  it('throws when the header is cut inside the sizes (3-d, 10 bytes)', () => {
    expect(bad(idx(0x08, [1, 2, 3], []).subarray(0, 10))).toThrow(/file is 10 bytes long, expected at least the 16-byte header of a 3-d file: the file is truncated/);
  });
  it('throws when the items are truncated: [2, 3] ubyte with 5 of 6 items', () => {
    expect(bad(idx(0x08, [2, 3], [1, 2, 3, 4, 5]))).toThrow(
      /file is 17 bytes long, expected 18 \(12-byte header \+ 2 × 3 items × 1 byte\): the file is truncated/);
  });
  it('throws when int32 items are truncated by one byte: [2] needs 8 bytes of items', () => {
    expect(bad(idx(0x0c, [2], [0, 0, 0, 1, 0, 0, 0]))).toThrow(/file is 15 bytes long, expected 16 \(8-byte header \+ 2 items × 4 bytes\)/);
  });
  it('throws on trailing bytes after the items', () => {
    expect(bad(idx(0x08, [2], [1, 2, 3, 4, 5]))).toThrow(/file is 13 bytes long, expected 10 .*: 3 trailing bytes/);
  });
  it('throws when bytes is not a Uint8Array, naming the default source', () => {
    expect(() => parseIdx([0, 0, 8, 1] as unknown as Uint8Array)).toThrow(/^parseIdx: IDX bytes: bytes must be a Uint8Array/);
  });
});
