/**
 * The IDX format of the MNIST files (LeCun et al., http://yann.lecun.com/exdb/mnist/):
 *
 *   bytes 0–1   0x00 0x00
 *   byte  2     type code: 0x08 ubyte, 0x09 sbyte, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64
 *   byte  3     number of dimensions d
 *   then        d sizes, each a big-endian uint32
 *   then        the items, big-endian, row-major (last index fastest)
 *
 * Pure: bytes in, arrays out. Gzip-compressed files go through `decodeIdxFile`.
 */
import {BadDataFileError} from './bad-data-file-error';

/** The item type of an IDX file, from its type code. */
export type IdxType = 'ubyte' | 'sbyte' | 'int16' | 'int32' | 'float32' | 'float64';

/** The typed array each IDX type decodes to. */
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** A decoded IDX file: its item type, its sizes and its items in row-major order. */
export interface IdxArray {
  readonly type: IdxType;
  /** Sizes, outermost first: [60000, 28, 28] for the MNIST training images. */
  readonly dims: readonly number[];
  /** product(dims) items; entry (i, j, k) of a 3-d file is `data[(i * dims[1] + j) * dims[2] + k]`. */
  readonly data: IdxData;
}

const types: Readonly<Record<number, {type: IdxType; size: number}>> = {
  0x08: {type: 'ubyte', size: 1},
  0x09: {type: 'sbyte', size: 1},
  0x0b: {type: 'int16', size: 2},
  0x0c: {type: 'int32', size: 4},
  0x0d: {type: 'float32', size: 4},
  0x0e: {type: 'float64', size: 8},
};

/** The type codes, for messages: "0x08 (ubyte), 0x09 (sbyte), …". */
const typeList = Object.entries(types).map(([code, t]) => `${hex(Number(code), 2)} (${t.type})`).join(', ');

/**
 * Decodes the bytes of an uncompressed IDX file: checks the magic number, the number of
 * dimensions and that the length is exactly header + product(dims) · item size, then copies
 * the items out (big-endian to the platform's order), so the result shares no memory with
 * `bytes`.
 *
 * `source` names the bytes in error messages (a path or URL); default "IDX bytes". A short,
 * corrupt or over-long file throws `BadDataFileError` naming the source, the field, what was
 * expected and what came.
 *
 * ```ts
 * const labels = parseIdx(readFileSync('train-labels-idx1-ubyte'), 'train-labels-idx1-ubyte');
 * labels.dims;    // [60000]
 * labels.data[0]; // 5
 * ```
 */
export function parseIdx(bytes: Uint8Array, source = 'IDX bytes'): IdxArray {
  const fail = (detail: string) => new BadDataFileError(`parseIdx: ${source}: ${detail}`, source);
  if (!(bytes instanceof Uint8Array)) {
    throw fail(`bytes must be a Uint8Array (or Buffer), got ${typeof bytes === 'object' ? String(bytes) : typeof bytes}`);
  }
  if (bytes.length < 4) {
    throw fail(`file is ${bytes.length} bytes long, expected at least the 4-byte magic number: the file is truncated or empty`);
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    throw fail('starts with the gzip magic 0x1f 0x8b, expected a raw IDX file: gunzip it first (decodeIdxFile does)');
  }
  const magic = (bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]) >>> 0;
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw fail(`magic number is ${hex(magic, 8)}, expected 0x0000TTDD (two zero bytes, type code, dimension count): not an IDX file`);
  }
  const itemType = types[bytes[2]];
  if (itemType === undefined) {
    throw fail(`magic number ${hex(magic, 8)} has type code ${hex(bytes[2], 2)}, expected one of ${typeList}`);
  }
  const d = bytes[3];
  if (d === 0) {
    throw fail(`magic number ${hex(magic, 8)} says 0 dimensions, expected at least 1`);
  }
  const headerLength = 4 + 4 * d;
  if (bytes.length < headerLength) {
    throw fail(`file is ${bytes.length} bytes long, expected at least the ${headerLength}-byte header of a ${d}-d file: the file is truncated`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let i = 0; i < d; i++) {
    dims.push(view.getUint32(4 + 4 * i, false));
    count *= dims[i];
  }
  const expected = headerLength + count * itemType.size;
  if (bytes.length !== expected) {
    const why = bytes.length < expected ? 'the file is truncated' : `${bytes.length - expected} trailing bytes`;
    throw fail(
      `file is ${bytes.length} bytes long, expected ${expected} (${headerLength}-byte header + ` +
      `${dims.join(' × ')} items × ${itemType.size} byte${itemType.size > 1 ? 's' : ''}): ${why}`);
  }
  return {type: itemType.type, dims, data: readItems(view, headerLength, count, itemType.type)};
}

function readItems(view: DataView, offset: number, count: number, type: IdxType): IdxData {
  const bytes = () => new Uint8Array(view.buffer, view.byteOffset + offset, count).slice();
  switch (type) {
    case 'ubyte': return bytes();
    case 'sbyte': return new Int8Array(bytes().buffer);
    case 'int16': return fill(new Int16Array(count), (i) => view.getInt16(offset + 2 * i, false));
    case 'int32': return fill(new Int32Array(count), (i) => view.getInt32(offset + 4 * i, false));
    case 'float32': return fill(new Float32Array(count), (i) => view.getFloat32(offset + 4 * i, false));
    case 'float64': return fill(new Float64Array(count), (i) => view.getFloat64(offset + 8 * i, false));
  }
}

function fill<T extends Int16Array | Int32Array | Float32Array | Float64Array>(out: T, get: (i: number) => number): T {
  for (let i = 0; i < out.length; i++) out[i] = get(i);
  return out;
}

function hex(value: number, digits: number): string {
  return `0x${value.toString(16).padStart(digits, '0')}`;
}
