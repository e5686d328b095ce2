import {BadDataError} from './latent-errors';
import type {LatentTableState} from './latent-table';

/**
 * File layout: the 8 bytes `ELTABLE1`, a uint32 (little-endian) header length, the JSON
 * header (sizes, optimizer, schedule, step, which arrays follow), zero padding to a multiple of
 * 8 bytes, then the arrays' raw little-endian bytes in header order. Binary because a
 * 1,000,000 × 64 table is 256 MB of floats: far too big for a JSON string.
 */
const MAGIC = 'ELTABLE1';

interface Header {
  size: number;
  dim: number;
  optimizer: LatentTableState['optimizer'];
  schedule: LatentTableState['schedule'];
  step: number;
  arrays: {name: 'values' | 'slot1' | 'slot2' | 'rowStep'; type: 'f32' | 'f64'; length: number}[];
}

/** A table's state as bytes (pure). */
export function encodeLatentTable(state: LatentTableState): Uint8Array {
  const arrays = (['values', 'slot1', 'slot2', 'rowStep'] as const)
    .filter((name) => state[name] !== undefined)
    .map((name) => ({name, type: name === 'rowStep' ? 'f64' as const : 'f32' as const, length: state[name]!.length}));
  const header: Header = {size: state.size, dim: state.dim, optimizer: state.optimizer, schedule: state.schedule, step: state.step, arrays};
  const json = new TextEncoder().encode(JSON.stringify(header));
  const start = align8(MAGIC.length + 4 + json.length);
  const total = arrays.reduce((off, a) => off + a.length * (a.type === 'f64' ? 8 : 4), start);
  const bytes = new Uint8Array(total);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(bytes.buffer).setUint32(MAGIC.length, json.length, true);
  bytes.set(json, MAGIC.length + 4);
  let off = start;
  for (const a of arrays) {
    const src = state[a.name]!;
    bytes.set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength), off);
    off += src.byteLength;
  }
  return bytes;
}

/** Bytes back to a table's state; `source` (a file name) is named in every error. */
export function decodeLatentTable(bytes: Uint8Array, source = 'latent table'): LatentTableState {
  const fail = (what: string) => new BadDataError(`${source}: ${what}`);
  if (bytes.length < MAGIC.length + 4 || new TextDecoder().decode(bytes.subarray(0, MAGIC.length)) !== MAGIC) {
    throw fail(`not a latent-table file (expected it to start with ${MAGIC})`);
  }
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(MAGIC.length, true);
  if (MAGIC.length + 4 + headerLength > bytes.length) throw fail(`truncated: header of ${headerLength} bytes, file has ${bytes.length}`);
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(MAGIC.length + 4, MAGIC.length + 4 + headerLength)));
  } catch (err) {
    throw fail(`corrupt header (${(err as Error).message})`);
  }
  let off = align8(MAGIC.length + 4 + headerLength);
  const arrays: Partial<Record<Header['arrays'][number]['name'], Float32Array | Float64Array>> = {};
  for (const a of header.arrays ?? []) {
    const width = a.type === 'f64' ? 8 : 4;
    const end = off + a.length * width;
    if (end > bytes.length) throw fail(`truncated: array ${a.name} needs bytes ${off}…${end}, file has ${bytes.length}`);
    // A copy, aligned: Node's Buffer.slice would share (and misalign) the file's memory.
    const copy = new Uint8Array(end - off);
    copy.set(bytes.subarray(off, end));
    arrays[a.name] = a.type === 'f64' ? new Float64Array(copy.buffer) : new Float32Array(copy.buffer);
    off = end;
  }
  if (off !== bytes.length) throw fail(`${bytes.length - off} unexpected trailing bytes`);
  if (!arrays.values) throw fail('has no values array');
  return {
    size: header.size, dim: header.dim, optimizer: header.optimizer, schedule: header.schedule, step: header.step,
    values: arrays.values as Float32Array,
    ...(arrays.slot1 ? {slot1: arrays.slot1 as Float32Array} : {}),
    ...(arrays.slot2 ? {slot2: arrays.slot2 as Float32Array} : {}),
    ...(arrays.rowStep ? {rowStep: arrays.rowStep as Float64Array} : {}),
  };
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}
