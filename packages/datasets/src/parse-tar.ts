import {BadDataFileError} from './bad-data-file-error';

/** One regular file of a tar archive. */
export interface TarEntry {
  /** Path inside the archive, as stored ("train/cat/0001.jpg"), with "/" separators. */
  readonly path: string;
  /** The file's bytes: a view into the archive's bytes, not a copy. */
  readonly data: Uint8Array;
}

const BLOCK = 512;

/**
 * The regular files of an uncompressed tar archive (POSIX ustar, GNU and old v7 headers), in
 * archive order. Pure: bytes in, entries out; gunzip first for a .tar.gz (`unpackTarGz` does).
 *
 * Directories, links and devices are skipped. Long names are read from the ustar prefix
 * field, GNU "././@LongLink" entries (type L) and pax extended headers (type x, key "path").
 * Every header's checksum is checked, and an archive that ends inside a header, inside a
 * file's data or before the end-of-archive zero block throws `BadDataFileError` naming
 * `source`, the entry and the byte offset.
 *
 * ```ts
 * const files = parseTar(gunzipSync(readFileSync('cifar-10-binary.tar.gz')), 'cifar-10-binary.tar.gz');
 * files[0].path; // 'cifar-10-batches-bin/data_batch_1.bin'
 * ```
 */
export function parseTar(bytes: Uint8Array, source: string): TarEntry[] {
  return Array.from(iterateTar(bytes, source));
}

/**
 * `parseTar` one entry at a time: a reader that stops early (the first few files of a large
 * archive, or a prefix of one) never looks at the rest, and a truncation is reported only
 * when the iteration reaches it.
 *
 * ```ts
 * for (const {path, data} of iterateTar(bytes, 'images.tar')) { if (path.endsWith('.jpg')) break; }
 * ```
 */
export function* iterateTar(bytes: Uint8Array, source: string): Generator<TarEntry> {
  const fn = 'parseTar';
  let offset = 0;
  let longName: string | undefined; // from a GNU "L" entry or a pax "path" key, for the next entry
  let last = '(none: the archive has no entries)';
  for (;;) {
    if (offset === bytes.length) {
      throw new BadDataFileError(
        `${fn}: ${source}: ends at byte ${offset} without the end-of-archive zero block (after entry ${last}), ` +
        'expected two 512-byte zero blocks: the archive is truncated; download or copy it again', source);
    }
    if (bytes.length - offset < BLOCK) {
      throw new BadDataFileError(
        `${fn}: ${source}: ends inside a header at byte ${bytes.length} (header at byte ${offset}, after entry ${last}), ` +
        `expected ${BLOCK} header bytes, got ${bytes.length - offset}: the archive is truncated`, source);
    }
    const header = bytes.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) return; // end of archive (a second zero block may follow)
    checkChecksum(fn, source, header, offset);
    const type = String.fromCharCode(header[156]);
    const size = readNumber(fn, source, header, 124, 12, offset, 'size');
    const magic = readString(header, 257, 6);
    const version = readString(header, 263, 2);
    // POSIX ustar ("ustar\0" + "00") splits long paths into prefix + name; GNU ("ustar  \0")
    // keeps other fields there, so its bytes 345… are not a prefix.
    const prefix = magic === 'ustar' && version === '00' ? readString(header, 345, 155) : '';
    const name = longName ?? (prefix ? `${prefix}/${readString(header, 0, 100)}` : readString(header, 0, 100));
    const dataStart = offset + BLOCK;
    const dataEnd = dataStart + size;
    if (dataEnd > bytes.length) {
      throw new BadDataFileError(
        `${fn}: ${source}: entry ${JSON.stringify(name)} (header at byte ${offset}) has size ${size}, ` +
        `but only ${bytes.length - dataStart} bytes follow: the archive is truncated`, source);
    }
    const data = bytes.subarray(dataStart, dataEnd);
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'L') {
      longName = readString(data, 0, data.length);
      continue;
    }
    if (type === 'x') {
      longName = paxPath(data) ?? longName;
      continue;
    }
    longName = undefined;
    last = JSON.stringify(name);
    // "0" and NUL are regular files, "7" contiguous files (regular for every reader); old v7
    // archives mark a folder only by a trailing "/".
    if ((type === '0' || type === '\0' || type === '7') && !name.endsWith('/')) yield {path: name, data};
  }
}

function checkChecksum(fn: string, source: string, header: Uint8Array, offset: number): void {
  const stored = readNumber(fn, source, header, 148, 8, offset, 'checksum');
  // The checksum field itself counts as eight spaces. Some old writers summed signed bytes.
  let unsigned = 8 * 0x20, signed = 8 * 0x20;
  for (let i = 0; i < BLOCK; i++) {
    if (i >= 148 && i < 156) continue;
    unsigned += header[i];
    signed += header[i] > 127 ? header[i] - 256 : header[i];
  }
  if (stored !== unsigned && stored !== signed) {
    throw new BadDataFileError(
      `${fn}: ${source}: header at byte ${offset} (name ${JSON.stringify(readString(header, 0, 100))}) has checksum ${stored}, ` +
      `expected ${unsigned} (the sum of its bytes): the archive is corrupt or not a tar file`, source);
  }
}

/** An octal field (NUL- or space-terminated), or GNU base-256 when the high bit is set. */
function readNumber(
  fn: string, source: string, header: Uint8Array, start: number, length: number, offset: number, field: string,
): number {
  if (header[start] & 0x80) {
    let value = header[start] & 0x7f;
    for (let i = start + 1; i < start + length; i++) value = value * 256 + header[i];
    return value;
  }
  const text = readString(header, start, length).trim();
  if (!/^[0-7]*$/.test(text)) {
    throw new BadDataFileError(
      `${fn}: ${source}: header at byte ${offset} has ${field} field ${JSON.stringify(text)}, expected octal digits: ` +
      'the archive is corrupt or not a tar file', source);
  }
  return text === '' ? 0 : parseInt(text, 8);
}

function readString(bytes: Uint8Array, start: number, length: number): string {
  let end = start;
  while (end < start + length && bytes[end] !== 0) end++;
  // ignoreBOM keeps a leading byte-order mark in the name, as the bytes say (no Buffer: browser-safe).
  return new TextDecoder('utf-8', {ignoreBOM: true}).decode(bytes.subarray(start, end));
}

/** The "path" key of a pax extended header: records "<length> <key>=<value>\n", length in bytes. */
function paxPath(data: Uint8Array): string | undefined {
  let path: string | undefined;
  let i = 0;
  while (i < data.length) {
    const space = data.indexOf(0x20, i);
    const length = space < 0 ? NaN : parseInt(readString(data, i, space - i), 10);
    if (!(length > 0) || i + length > data.length) break;
    const record = readString(data, space + 1, i + length - 1 - (space + 1));
    const eq = record.indexOf('=');
    if (record.slice(0, eq) === 'path') path = record.slice(eq + 1);
    i += length;
  }
  return path;
}
