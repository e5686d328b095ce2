import {BadDataError} from './latent-errors';
import {sha256Hex} from './sha256';
import type {LatentTableState} from './latent-table';

/**
 * File layout: the 8 bytes `ELTABLE2`, a uint32 (little-endian) header length, the JSON
 * header (sizes, optimizer, schedule, step, which arrays follow, the SHA-256 of the array
 * bytes), zero padding to a multiple of 8 bytes, then the arrays' raw little-endian bytes in
 * header order. Binary because a 1,000,000 × 64 table is 256 MB of floats: far too big for a
 * JSON string. Version 1 (`ELTABLE1`) had no checksum; such files are still read, their
 * values checked for finiteness only.
 */
const MAGIC = 'ELTABLE2';
const MAGIC_V1 = 'ELTABLE1';

interface Header {
  size: number;
  dim: number;
  optimizer: LatentTableState['optimizer'];
  schedule: LatentTableState['schedule'];
  step: number;
  arrays: {name: 'values' | 'slot1' | 'slot2' | 'rowStep'; type: 'f32' | 'f64'; length: number}[];
  /** Hex SHA-256 of every byte after the padding (version 2 on). */
  sha256?: string;
}

/** The first non-finite entry of a table's arrays, as a sentence, or undefined. */
function firstNonFinite(state: Pick<LatentTableState, 'values' | 'slot1' | 'slot2' | 'dim'>): string | undefined {
  for (const name of ['values', 'slot1', 'slot2'] as const) {
    const a = state[name];
    if (a === undefined) continue;
    for (let i = 0; i < a.length; i++) {
      if (!Number.isFinite(a[i])) return `${name} of row ${Math.floor(i / state.dim)} (column ${i % state.dim}) is ${a[i]}`;
    }
  }
  return undefined;
}

/**
 * A table's state as bytes (pure). A state holding NaN or Infinity throws `BadDataError`: a
 * checkpoint of diverged rows would only fail later, far from the cause.
 */
export function encodeLatentTable(state: LatentTableState): Uint8Array {
  const bad = firstNonFinite(state);
  if (bad !== undefined) throw new BadDataError(`encodeLatentTable: ${bad}, expected finite values; the table diverged, not saved`);
  const arrays = (['values', 'slot1', 'slot2', 'rowStep'] as const)
    .filter((name) => state[name] !== undefined)
    .map((name) => ({name, type: name === 'rowStep' ? 'f64' as const : 'f32' as const, length: state[name]!.length}));
  const body = new Uint8Array(arrays.reduce((n, a) => n + a.length * (a.type === 'f64' ? 8 : 4), 0));
  let off = 0;
  for (const a of arrays) {
    const src = state[a.name]!;
    body.set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength), off);
    off += src.byteLength;
  }
  const header: Header = {
    size: state.size, dim: state.dim, optimizer: state.optimizer, schedule: state.schedule, step: state.step, arrays,
    sha256: sha256Hex(body),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const start = align8(MAGIC.length + 4 + json.length);
  const bytes = new Uint8Array(start + body.length);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(bytes.buffer).setUint32(MAGIC.length, json.length, true);
  bytes.set(json, MAGIC.length + 4);
  bytes.set(body, start);
  return bytes;
}

/**
 * Bytes back to a table's state; `source` (a file name) is named in every error. Throws
 * `BadDataError` for a file that is truncated, foreign, fails its checksum (a flipped bit, a
 * partial copy) or holds a non-finite value.
 */
export function decodeLatentTable(bytes: Uint8Array, source = 'latent table'): LatentTableState {
  const fail = (what: string) => new BadDataError(`${source}: ${what}`);
  const magic = bytes.length < MAGIC.length + 4 ? '' : new TextDecoder().decode(bytes.subarray(0, MAGIC.length));
  if (magic !== MAGIC && magic !== MAGIC_V1) {
    throw fail(`not a latent-table file (expected it to start with ${MAGIC}, or ${MAGIC_V1} for the old format)`);
  }
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(MAGIC.length, true);
  if (MAGIC.length + 4 + headerLength > bytes.length) throw fail(`truncated: header of ${headerLength} bytes, file has ${bytes.length}`);
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(MAGIC.length + 4, MAGIC.length + 4 + headerLength)));
  } catch (err) {
    throw fail(`corrupt header (${(err as Error).message})`);
  }
  const start = align8(MAGIC.length + 4 + headerLength);
  let off = start;
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
  if (magic === MAGIC) {
    const digest = sha256Hex(bytes.subarray(start));
    if (digest !== header.sha256) {
      throw fail(`checksum mismatch (SHA-256 of the arrays is ${digest}, the header says ${header.sha256}): ` +
        'the file is corrupt; restore it from a copy or recompute it');
    }
  }
  if (!arrays.values) throw fail('has no values array');
  const bad = firstNonFinite({values: arrays.values as Float32Array, slot1: arrays.slot1 as Float32Array | undefined,
    slot2: arrays.slot2 as Float32Array | undefined, dim: header.dim});
  if (bad !== undefined) throw fail(`${bad}, expected finite values: the table is corrupt or diverged`);
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
