import * as zlib from 'zlib';

import {BadReportArgumentError, checkInteger, describe} from './bad-report-argument-error';
import {crc32} from './crc32';

/** Raw 8-bit pixels, row-major, channels interleaved: `[height, width, channels]`. */
export interface RawImage {
  width: number;
  height: number;
  /** 1 grey, 3 RGB, 4 RGBA. */
  channels: 1 | 3 | 4;
  data: Uint8Array | Uint8ClampedArray;
}

/** PNG colour types by channel count (PNG spec, 11.2.2 IHDR). */
const COLOR_TYPE: Record<number, number> = {1: 0, 3: 2, 4: 6};
const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Raw pixels as the bytes of a PNG file: 8 bits per channel, no interlacing, one IDAT chunk.
 * Every row uses filter 0 ("None"): reconstruction grids are small, and deflate alone does
 * well on their flat backgrounds, so the better filters would buy little for more code.
 *
 * ```ts
 * const png = encodePng({width: 2, height: 1, channels: 1, data: new Uint8Array([0, 255])});
 * await writeFileAtomic('out/pixels.png', png);
 * ```
 */
export function encodePng(image: RawImage): Uint8Array {
  const fn = 'encodePng';
  if (typeof image !== 'object' || image === null) {
    throw new BadReportArgumentError(`${fn}: image must be {width, height, channels, data}, got ${describe(image)}`);
  }
  const width = checkInteger(fn, 'width', image.width);
  const height = checkInteger(fn, 'height', image.height);
  const {channels, data} = image;
  if (!(channels in COLOR_TYPE)) {
    throw new BadReportArgumentError(`${fn}: channels must be 1, 3 or 4, got ${describe(channels)}`);
  }
  if (!(data instanceof Uint8Array || data instanceof Uint8ClampedArray)) {
    throw new BadReportArgumentError(`${fn}: data must be a Uint8Array, got ${describe(data)}`);
  }
  const rowBytes = width * channels;
  if (data.length !== rowBytes * height) {
    throw new BadReportArgumentError(`${fn}: data has ${data.length} bytes, expected width·height·channels = ` +
      `${width}·${height}·${channels} = ${rowBytes * height}`);
  }

  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, COLOR_TYPE[channels], 0, 0, 0], 8); // bit depth, colour type, compression, filter, interlace

  // Each scanline is a filter-type byte (0) followed by the row's bytes.
  const scanlines = new Uint8Array((rowBytes + 1) * height);
  for (let y = 0; y < height; y++) {
    scanlines.set(data.subarray(y * rowBytes, (y + 1) * rowBytes), y * (rowBytes + 1) + 1);
  }
  const compressed = zlib.deflateSync(scanlines, {level: 9});

  const chunks = [
    chunk('IHDR', header),
    chunk('IDAT', new Uint8Array(compressed.buffer, compressed.byteOffset, compressed.byteLength)),
    chunk('IEND', new Uint8Array(0)),
  ];
  const out = new Uint8Array(SIGNATURE.length + chunks.reduce((s, c) => s + c.length, 0));
  out.set(SIGNATURE, 0);
  let offset = SIGNATURE.length;
  for (const c of chunks) { out.set(c, offset); offset += c.length; }
  return out;
}

/** A PNG chunk: length, type, data, CRC-32 of type and data (PNG spec, 5.3). */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}
