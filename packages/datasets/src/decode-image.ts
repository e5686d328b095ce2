import * as jpeg from 'jpeg-js';
import {PNG} from 'pngjs';
import {BadDataFileError} from './bad-data-file-error';

/** An 8-bit RGB image: `data[(h·width + w)·3 + c]`, [height, width, 3]. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  /** [height, width, 3] bytes, row-major, channels interleaved (HWC). */
  readonly data: Uint8Array;
}

/** Largest image `decodeImage` accepts, in pixels: far above any data set's, far below a decompression bomb's. */
const MAX_PIXELS = 64 * 1024 * 1024;

/**
 * Decode a PNG or JPEG file (told apart by their magic bytes, not the file name) to 8-bit
 * RGB [height, width, 3]. Grayscale becomes R = G = B; RGBA and gray + alpha drop the alpha
 * channel (no compositing, so a transparent pixel keeps whatever colour it stores); 16-bit
 * PNG is scaled to 8 bits. JPEG is decoded by jpeg-js strictly (`tolerantDecoding: false`),
 * so a truncated file is an error rather than a grey block.
 *
 * Pure; `source` only names the bytes in errors. Bytes that are neither format, or that fail
 * to decode, throw `BadDataFileError` naming `source` and the reason.
 *
 * ```ts
 * const {width, height, data} = decodeImage(await readFile('cat/0001.png'), 'cat/0001.png');
 * data[(0 * width + 1) * 3 + 2]; // blue byte of the pixel at row 0, column 1
 * ```
 */
export function decodeImage(bytes: Uint8Array, source: string): RgbImage {
  const fn = 'decodeImage';
  const format = imageFormat(bytes);
  if (format === undefined) {
    const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new BadDataFileError(
      `${fn}: ${source} starts with bytes [${head}] (${bytes.length} bytes), expected a PNG (89 50 4e 47) or ` +
      'JPEG (ff d8 ff) file', source);
  }
  try {
    return format === 'png' ? decodePng(bytes) : decodeJpeg(bytes);
  } catch (err) {
    throw new BadDataFileError(
      `${fn}: ${source} is not a valid ${format.toUpperCase()} file (${(err as Error).message ?? String(err)}); ` +
      'the file is truncated or corrupt', source);
  }
}

function imageFormat(bytes: Uint8Array): 'png' | 'jpeg' | undefined {
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= 8 && png.every((b, i) => bytes[i] === b)) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return undefined;
}

function decodePng(bytes: Uint8Array): RgbImage {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  // pngjs always hands back 8-bit RGBA (palette, gray and 16-bit are normalised).
  const {width, height, data: rgba} = PNG.sync.read(buffer);
  const data = new Uint8Array(width * height * 3);
  for (let p = 0, q = 0; q < data.length; p += 4, q += 3) {
    data[q] = rgba[p];
    data[q + 1] = rgba[p + 1];
    data[q + 2] = rgba[p + 2];
  }
  return {width, height, data};
}

function decodeJpeg(bytes: Uint8Array): RgbImage {
  // formatAsRGBA false gives 3 channels for every JPEG; grayscale ones are replicated.
  const {width, height, data} = jpeg.decode(bytes, {
    useTArray: true, formatAsRGBA: false, tolerantDecoding: false, maxResolutionInMP: MAX_PIXELS / 1e6,
  });
  if (data.length !== width * height * 3) throw new Error(`decoder returned ${data.length} bytes for ${width}×${height}×3`);
  return {width, height, data};
}
