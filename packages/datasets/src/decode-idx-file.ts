import {gunzipSync} from 'node:zlib';
import {BadDataFileError} from './bad-data-file-error';
import {parseIdx, type IdxArray} from './parse-idx';

/**
 * Decodes the contents of an IDX file as found on disk or on a mirror: gunzips it first if it
 * starts with the gzip magic 0x1f 0x8b, then `parseIdx`. `source` (a path or URL) names the
 * file in error messages; corrupt gzip data throws `BadDataFileError`.
 *
 * ```ts
 * const images = decodeIdxFile(readFileSync('t10k-images-idx3-ubyte.gz'), 't10k-images-idx3-ubyte.gz');
 * images.dims; // [10000, 28, 28]
 * ```
 */
export function decodeIdxFile(bytes: Uint8Array, source: string): IdxArray {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    let raw: Uint8Array;
    try {
      raw = gunzipSync(bytes);
    } catch (err) {
      throw new BadDataFileError(
        `decodeIdxFile: ${source}: gzip data is corrupt or truncated (zlib: ${(err as Error).message}); ` +
        'expected a complete gzip-compressed IDX file: delete it and fetch it again', source);
    }
    return parseIdx(raw, source);
  }
  return parseIdx(bytes, source);
}
