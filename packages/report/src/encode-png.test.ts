import * as zlib from 'zlib';

import {encodePng} from './encode-png';

/** Bit-by-bit CRC-32, the textbook form, independent of the table version in crc32.ts. */
function naiveCrc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (crc & 1 ? 0xedb88320 : 0);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

interface DecodedPng {
  types: string[];
  width: number; height: number; bitDepth: number; colorType: number;
  compression: number; filter: number; interlace: number;
  filterBytes: number[];
  pixels: Uint8Array;
}

/** Reads a PNG as the spec lays it out, checking the signature and every chunk's CRC. */
function decodePng(png: Uint8Array, bytesPerPixel: number): DecodedPng {
  expect([...png.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const types: string[] = [];
  const idat: Uint8Array[] = [];
  let ihdr: Uint8Array | undefined;
  for (let offset = 8; offset < png.length;) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...png.subarray(offset + 4, offset + 8));
    const data = png.subarray(offset + 8, offset + 8 + length);
    expect(view.getUint32(offset + 8 + length)).toBe(naiveCrc32(png.subarray(offset + 4, offset + 8 + length)));
    types.push(type);
    if (type === 'IHDR') ihdr = data;
    if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  const h = new DataView(ihdr!.buffer, ihdr!.byteOffset, 13);
  const width = h.getUint32(0), height = h.getUint32(4);
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const rowBytes = width * bytesPerPixel;
  expect(raw.length).toBe(height * (rowBytes + 1));
  const pixels = new Uint8Array(height * rowBytes);
  const filterBytes: number[] = [];
  for (let y = 0; y < height; y++) {
    filterBytes.push(raw[y * (rowBytes + 1)]);
    pixels.set(raw.subarray(y * (rowBytes + 1) + 1, (y + 1) * (rowBytes + 1)), y * rowBytes);
  }
  return {types, width, height, bitDepth: ihdr![8], colorType: ihdr![9], compression: ihdr![10],
    filter: ihdr![11], interlace: ihdr![12], filterBytes, pixels};
}

describe('encodePng', () => {
  it.each([[1, 0], [3, 2], [4, 6]] as const)('%p channel(s): colour type %p, pixels and CRCs read back', (channels, colorType) => {
    const width = 5, height = 3;
    const data = Uint8Array.from({length: width * height * channels}, (_, i) => (i * 29 + 3) & 0xff);
    const png = decodePng(encodePng({width, height, channels, data}), channels);
    expect(png.types).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect(png).toMatchObject({width, height, bitDepth: 8, colorType, compression: 0, filter: 0, interlace: 0});
    expect(png.filterBytes).toEqual([0, 0, 0]);
    expect([...png.pixels]).toEqual([...data]);
  });

  it('a 1×1 image', () => {
    const png = decodePng(encodePng({width: 1, height: 1, channels: 1, data: new Uint8Array([200])}), 1);
    expect([...png.pixels]).toEqual([200]);
  });

  it('accepts a Uint8ClampedArray (canvas-style pixels)', () => {
    const png = decodePng(encodePng({width: 2, height: 1, channels: 1, data: new Uint8ClampedArray([1, 2])}), 1);
    expect([...png.pixels]).toEqual([1, 2]);
  });

  it('throws when the data length does not match width·height·channels', () => {
    expect(() => encodePng({width: 2, height: 2, channels: 3, data: new Uint8Array(10)}))
      .toThrow(/^encodePng: data has 10 bytes, expected width·height·channels = 2·2·3 = 12$/);
  });

  it('throws when width is NaN or channels is 2', () => {
    expect(() => encodePng({width: NaN, height: 1, channels: 1, data: new Uint8Array(1)}))
      .toThrow(/encodePng: width must be a positive integer, got NaN/);
    expect(() => encodePng({width: 1, height: 1, channels: 2 as 1, data: new Uint8Array(2)}))
      .toThrow(/encodePng: channels must be 1, 3 or 4, got 2/);
  });

  it('throws when data is floats', () => {
    expect(() => encodePng({width: 1, height: 1, channels: 1, data: new Float32Array(1) as unknown as Uint8Array}))
      .toThrow(/encodePng: data must be a Uint8Array, got a Float32Array of length 1/);
  });
});
