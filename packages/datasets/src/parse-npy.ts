/**
 * NumPy's `.npy` format (numpy.lib.format, versions 1.0, 2.0 and 3.0):
 *
 *   bytes 0–5   the magic string \x93NUMPY
 *   bytes 6–7   version major, minor (1.0, 2.0 or 3.0)
 *   then        the header length: uint16 little-endian (1.0) or uint32 (2.0, 3.0)
 *   then        the header, a Python dict literal (latin-1; UTF-8 in 3.0) such as
 *               {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
 *               padded with spaces and a newline so the data starts at a multiple of 64
 *   then        product(shape) items of `descr`, C order (last index fastest)
 *
 * Pure: bytes in, arrays out (`parseNpy`), and back (`encodeNpy`), byte for byte as `np.save`.
 */
import {maxArrayLength} from './runtime-limits';
import {BadConfigError, describe} from './bad-config-error';
import {BadDataFileError} from './bad-data-file-error';

/** The item types read and written, in NumPy's notation for the arrays JavaScript holds. */
export type NpyDtype = '<f4' | '<f8' | '|u1' | '<i4';

/** The typed array of each `NpyDtype`. */
export type NpyData = Float32Array | Float64Array | Uint8Array | Int32Array;

/** A decoded `.npy` array: items in C order (row-major), its shape, its item type. */
export interface NpyArray {
  readonly data: NpyData;
  /** Sizes, outermost first; `[]` for a 0-d array (one item). */
  readonly shape: readonly number[];
  /** The item type of `data` (a big-endian file's items are converted: `>f4` reads as `<f4`). */
  readonly dtype: NpyDtype;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
/** NumPy aligns the data to 64 bytes (numpy.lib.format.ARRAY_ALIGN). */
const ALIGN = 64;
/** Spare header room numpy leaves so the first axis can grow in place (GROWTH_AXIS_MAX_DIGITS). */
const GROWTH_DIGITS = 21;

interface ItemType {
  readonly dtype: NpyDtype;
  readonly size: number;
  readonly alloc: (length: number) => NpyData;
  readonly wrap: (buffer: ArrayBuffer) => NpyData;
  readonly get: (view: DataView, offset: number, littleEndian: boolean) => number;
}

const itemTypes: Readonly<Record<string, ItemType>> = {
  f4: {dtype: '<f4', size: 4, alloc: (n) => new Float32Array(n), wrap: (b) => new Float32Array(b), get: (v, o, le) => v.getFloat32(o, le)},
  f8: {dtype: '<f8', size: 8, alloc: (n) => new Float64Array(n), wrap: (b) => new Float64Array(b), get: (v, o, le) => v.getFloat64(o, le)},
  u1: {dtype: '|u1', size: 1, alloc: (n) => new Uint8Array(n), wrap: (b) => new Uint8Array(b), get: (v, o) => v.getUint8(o)},
  i4: {dtype: '<i4', size: 4, alloc: (n) => new Int32Array(n), wrap: (b) => new Int32Array(b), get: (v, o, le) => v.getInt32(o, le)},
};
const supported = "'<f4', '<f8', '|u1', '<i4' (or big-endian '>f4', '>f8', '>i4', converted when read)";

/** Whether this machine stores numbers little-endian (every platform Node runs on today). */
const littleEndianMachine = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/**
 * Decodes the bytes of a `.npy` file: checks the magic string, the version, the header's keys
 * and values, and that the data is exactly product(shape) items long, then copies the items out
 * (so the result shares no memory with `bytes`). Big-endian items are converted to this
 * machine's order; Fortran order, other item types and structured arrays are refused.
 *
 * `source` names the bytes in messages (a path); default "npy bytes". Every problem is a
 * `BadDataFileError` naming the source, the field, what was expected and what came.
 *
 * ```ts
 * const {data, shape, dtype} = parseNpy(readFileSync('x.npy'), 'x.npy');
 * shape; // [1000, 20]; dtype: '<f4'; data: Float32Array of 20,000 items
 * ```
 */
export function parseNpy(bytes: Uint8Array, source = 'npy bytes'): NpyArray {
  const fail = (detail: string) => new BadDataFileError(`parseNpy: ${source}: ${detail}`, source);
  if (!(bytes instanceof Uint8Array)) {
    throw fail(`bytes must be a Uint8Array (or Buffer), got ${describe(bytes)}`);
  }
  if (bytes.length === 0) throw fail('file is empty, expected a .npy file starting with the magic string \\x93NUMPY');
  const head = Array.from(bytes.subarray(0, MAGIC.length));
  if (head.length < MAGIC.length || head.some((b, i) => b !== MAGIC[i])) {
    throw fail(`magic string is ${hexBytes(head)}, expected 93 4e 55 4d 50 59 (\\x93NUMPY): not a .npy file` +
      (bytes[0] === 0x50 && bytes[1] === 0x4b ? ' (it starts with PK: a .npz zip archive? unzip it first)' : ''));
  }
  if (bytes.length < 8) throw fail(`file is ${bytes.length} bytes long, expected at least the 8 bytes of magic string and version: the file is truncated`);
  const [major, minor] = [bytes[6], bytes[7]];
  if (![1, 2, 3].includes(major) || minor !== 0) {
    throw fail(`version is ${major}.${minor}, expected 1.0, 2.0 or 3.0`);
  }
  const lengthBytes = major === 1 ? 2 : 4;
  const start = 8 + lengthBytes;
  if (bytes.length < start) {
    throw fail(`file is ${bytes.length} bytes long, expected at least the ${start}-byte prefix of a version ${major}.0 file: the file is truncated`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = start + headerLength;
  if (bytes.length < dataStart) {
    throw fail(`header length is ${headerLength} bytes, but the file ends after ${bytes.length - start} of them: the file is truncated`);
  }
  const headerText = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, dataStart));
  const header = readHeader(headerText, fail);

  const descr = header.descr;
  if (typeof descr !== 'string') {
    throw fail(`header descr is ${pythonRepr(descr)}, a structured dtype; expected one of ${supported}`);
  }
  // '<' little-endian, '>' big-endian, '|' byte order not applicable (one-byte items only).
  const match = /^([<>|])([a-z]\d+)$/.exec(descr);
  const item = match ? itemTypes[match[2]] : undefined;
  if (match === null || item === undefined || (match[1] === '|' && item.size > 1)) {
    throw fail(`header descr is '${descr}', an item type this reader does not support; expected one of ${supported}`);
  }
  const fileLittleEndian = match[1] !== '>';
  if (header.fortran_order !== false) {
    throw fail(
      `header fortran_order is ${pythonRepr(header.fortran_order)}, expected False: Fortran-ordered (column-major) arrays ` +
      'are not supported; save a C-ordered copy with np.save(path, np.ascontiguousarray(x))');
  }
  const shape = header.shape;
  if (!Array.isArray(shape) || shape.some((d) => typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0)) {
    throw fail(`header shape is ${pythonRepr(shape)}, expected a tuple of whole numbers such as (1000, 20)`);
  }
  const count = (shape as number[]).reduce((a, b) => a * b, 1);
  if (count > maxArrayLength) {
    throw fail(`header shape (${shape.join(', ')}) holds ${count} items, more than the ${maxArrayLength} one array can hold`);
  }
  const expected = count * item.size;
  const actual = bytes.length - dataStart;
  if (actual !== expected) {
    const why = actual < expected ? 'the file is truncated' : `${actual - expected} trailing bytes`;
    throw fail(
      `data is ${actual} bytes, expected ${expected} (shape (${shape.join(', ')}) = ${count} items × ${item.size} ` +
      `byte${item.size > 1 ? 's' : ''} of '${descr}'): ${why}`);
  }
  return {data: readItems(bytes, dataStart, count, item, fileLittleEndian), shape: shape as number[], dtype: item.dtype};
}

function readItems(bytes: Uint8Array, offset: number, count: number, item: ItemType, littleEndian: boolean): NpyData {
  if (item.size === 1 || littleEndian === littleEndianMachine) {
    // Same byte order: one copy into fresh, aligned memory.
    // A copy (`new Uint8Array(view)`), not `slice`: a Buffer's slice shares memory.
    return item.wrap(new Uint8Array(bytes.subarray(offset, offset + count * item.size)).buffer);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, count * item.size);
  const out = item.alloc(count);
  for (let i = 0; i < count; i++) out[i] = item.get(view, i * item.size, littleEndian);
  return out;
}

/** The header dict of an `.npy` file, which holds exactly these three keys. */
interface NpyHeader {
  readonly descr: unknown;
  readonly fortran_order: unknown;
  readonly shape: unknown;
}

/**
 * Reads the header: a Python dict literal of strings, True/False, integers, tuples and lists
 * (the only values numpy writes there). A small parser rather than eval, so a hostile file can
 * only fail to parse.
 */
function readHeader(text: string, fail: (detail: string) => Error): NpyHeader {
  let i = 0;
  const shown = JSON.stringify(text.trimEnd().slice(0, 200));
  const bad = (what: string) => fail(`header ${shown} is not a Python dict literal: ${what} at character ${i}`);
  const space = () => { while (i < text.length && /\s/.test(text[i])) i++; };
  const value = (): unknown => {
    space();
    const c = text[i];
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) throw bad('an unterminated string');
      const s = text.slice(i + 1, end);
      i = end + 1;
      return s;
    }
    if (c === '(' || c === '[') {
      const close = c === '(' ? ')' : ']';
      i++;
      const items: unknown[] = [];
      for (;;) {
        space();
        if (text[i] === close) { i++; return items; }
        items.push(value());
        space();
        if (text[i] === ',') i++;
        else if (text[i] !== close) throw bad(`expected "," or "${close}"`);
      }
    }
    if (c === '{') {
      i++;
      const dict: Record<string, unknown> = {};
      for (;;) {
        space();
        if (text[i] === '}') { i++; return dict; }
        const key = value();
        if (typeof key !== 'string') throw bad('a key that is not a string');
        space();
        if (text[i] !== ':') throw bad('expected ":"');
        i++;
        dict[key] = value();
        space();
        if (text[i] === ',') i++;
        else if (text[i] !== '}') throw bad('expected "," or "}"');
      }
    }
    const word = /^(True|False|-?\d+)L?/.exec(text.slice(i)); // "3L": Python 2's long integers
    if (word === null) throw bad('an unexpected value');
    i += word[0].length;
    return word[1] === 'True' ? true : word[1] === 'False' ? false : Number(word[1]);
  };
  const dict = value();
  space();
  if (i !== text.length) throw bad('text after the dict');
  if (typeof dict !== 'object' || dict === null || Array.isArray(dict)) {
    throw fail(`header ${shown} is not a dict, expected {'descr': …, 'fortran_order': …, 'shape': …}`);
  }
  const keys = Object.keys(dict).sort();
  if (keys.join() !== 'descr,fortran_order,shape') {
    throw fail(`header has keys ${keys.map((k) => `'${k}'`).join(', ') || 'none'}, expected exactly 'descr', 'fortran_order' and 'shape'`);
  }
  return dict as NpyHeader;
}

/** How Python would print a header value, for messages. */
function pythonRepr(value: unknown): string {
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return `(${value.map(pythonRepr).join(', ')}${value.length === 1 ? ',' : ''})`;
  return String(value);
}

function hexBytes(bytes: readonly number[]): string {
  return bytes.length === 0 ? 'empty' : bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** An array to write: a typed array of a supported type and its shape (default: 1-d). */
export interface NpyInput {
  readonly data: NpyData;
  /** Default `[data.length]`. */
  readonly shape?: readonly number[];
}

/**
 * The bytes of a `.npy` file holding `array`, exactly as `np.save` writes them (version 1.0, or
 * 2.0 for a header over 65,535 bytes; the header padded to 64 bytes with numpy's spare room for
 * the first axis). Float32Array is written as '<f4', Float64Array '<f8', Uint8Array '|u1',
 * Int32Array '<i4'. A shape that does not hold `data.length` items is a `BadConfigError`.
 *
 * ```ts
 * writeFileSync('reps.npy', encodeNpy({data: table.data, shape: [table.rows, table.cols]}));
 * // python: np.load('reps.npy').shape == (rows, cols)
 * ```
 */
export function encodeNpy(array: NpyInput): Uint8Array {
  const fn = 'encodeNpy';
  if (typeof array !== 'object' || array === null) throw new BadConfigError(`${fn}: array must be {data, shape?}, got ${describe(array)}`);
  const {data} = array;
  const descr = data instanceof Float32Array ? '<f4' : data instanceof Float64Array ? '<f8'
    : data instanceof Uint8Array ? '|u1' : data instanceof Int32Array ? '<i4' : undefined;
  if (descr === undefined) {
    throw new BadConfigError(`${fn}: data must be a Float32Array, Float64Array, Uint8Array or Int32Array, got ${describe(data)}`);
  }
  const shape = array.shape ?? [data.length];
  if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw new BadConfigError(`${fn}: shape must be an array of whole numbers, got ${describe(shape)}`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) {
    throw new BadConfigError(`${fn}: shape [${shape.join(', ')}] holds ${count} items, but data has ${data.length}`);
  }
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${pythonRepr(shape)}, }`;
  if (shape.length > 0) dict += ' '.repeat(GROWTH_DIGITS - String(shape[0]).length);
  const text = new TextEncoder().encode(dict);
  // numpy's _wrap_header: header, spaces, '\n', so that magic + version + length field + header
  // is a multiple of 64 (pad is 1…64); version 2.0's 4-byte length field when 2 bytes cannot hold it.
  const hlen = text.length + 1;
  const padFor = (lengthBytes: number) => ALIGN - ((MAGIC.length + 2 + lengthBytes + hlen) % ALIGN);
  const lengthBytes = hlen + padFor(2) <= 0xffff ? 2 : 4;
  const pad = padFor(lengthBytes);
  const dataStart = MAGIC.length + 2 + lengthBytes + hlen + pad;
  const out = new Uint8Array(dataStart + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = lengthBytes === 2 ? 1 : 2;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (lengthBytes === 2) view.setUint16(8, hlen + pad, true);
  else view.setUint32(8, hlen + pad, true);
  out.set(text, 8 + lengthBytes);
  out.fill(0x20, 8 + lengthBytes + text.length, dataStart - 1);
  out[dataStart - 1] = 0x0a;
  if (littleEndianMachine || data.BYTES_PER_ELEMENT === 1) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), dataStart);
  } else {
    const setters = {'<f4': 'setFloat32', '<f8': 'setFloat64', '<i4': 'setInt32'} as const;
    const set = setters[descr as keyof typeof setters];
    for (let k = 0; k < data.length; k++) view[set](dataStart + k * data.BYTES_PER_ELEMENT, data[k], true);
  }
  return out;
}
