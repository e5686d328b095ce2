/**
 * Writes small tar archives for the tests of `parseTar`, `readTarGz` and `loadCifar10Binary`
 * (not exported from the package). Written from the POSIX ustar layout, field by field, not
 * from `parseTar`, so the two check each other; the tests also read archives made by the
 * system `tar` and the shared CIFAR-10 tarball (GNU format).
 */
export interface TarFixtureEntry {
  readonly path: string;
  /** Default '0' (regular file); '5' directory, 'L' GNU long name, 'x' pax header. */
  readonly type?: string;
  readonly data?: Uint8Array | string;
  /** Put in the ustar prefix field (POSIX magic "ustar\0" + "00"). */
  readonly prefix?: string;
}

/** The archive's bytes, ending with two zero blocks unless `end` is false. */
export function makeTar(entries: readonly TarFixtureEntry[], end = true): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const entry of entries) {
    const data = typeof entry.data === 'string' ? Buffer.from(entry.data, 'utf8') : entry.data ?? new Uint8Array(0);
    const header = new Uint8Array(512);
    const put = (text: string, at: number) => header.set(Buffer.from(text, 'utf8'), at);
    put(entry.path, 0);
    put('0000644\0', 100); // mode
    put('0000000\0', 108); // uid
    put('0000000\0', 116); // gid
    put(data.length.toString(8).padStart(11, '0') + '\0', 124);
    put('00000000000\0', 136); // mtime
    put(entry.type ?? '0', 156);
    put('ustar\0' + '00', 257);
    if (entry.prefix) put(entry.prefix, 345);
    put('        ', 148);
    const sum = header.reduce((a, b) => a + b, 0);
    put(sum.toString(8).padStart(6, '0') + '\0 ', 148);
    blocks.push(header);
    const padded = new Uint8Array(Math.ceil(data.length / 512) * 512);
    padded.set(data);
    blocks.push(padded);
  }
  if (end) blocks.push(new Uint8Array(1024));
  return Buffer.concat(blocks);
}
