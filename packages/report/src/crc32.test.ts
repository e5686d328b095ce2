import * as zlib from 'zlib';

import {crc32} from './crc32';

describe('crc32', () => {
  it('the standard check value: crc32("123456789") = 0xCBF43926', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('empty input is 0, and continuing a CRC equals one pass', () => {
    const bytes = new TextEncoder().encode('IHDR and more bytes');
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32(bytes.subarray(4), crc32(bytes.subarray(0, 4)))).toBe(crc32(bytes));
  });

  const nodeCrc = (zlib as unknown as {crc32?: (data: Uint8Array) => number}).crc32;
  (nodeCrc ? it : it.skip)('agrees with zlib.crc32 where Node has it (≥ 20.15)', () => {
    const bytes = Uint8Array.from({length: 1000}, (_, i) => (i * 37 + 11) & 0xff);
    expect(crc32(bytes)).toBe(nodeCrc!(bytes));
  });
});
