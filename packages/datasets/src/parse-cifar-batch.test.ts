import {expectArraysClose} from '@encoderless/test-utils';
import {BadDataFileError} from './bad-data-file-error';
import {CIFAR10_RECORD_BYTES, parseCifarBatch, parseCifarBatches} from './parse-cifar-batch';

/** A record by hand: label, then the R, G, B planes, each 32×32 row-major, pixel(c, h, w) = f(c, h, w). */
function record(label: number, f: (c: number, h: number, w: number) => number): Uint8Array {
  const bytes = new Uint8Array(CIFAR10_RECORD_BYTES);
  bytes[0] = label;
  for (let c = 0; c < 3; c++) for (let h = 0; h < 32; h++) for (let w = 0; w < 32; w++) bytes[1 + c * 1024 + h * 32 + w] = f(c, h, w);
  return bytes;
}

describe('parseCifarBatch', () => {
  it('2 records: labels, shape, and a known pixel lands at [n, h, w, c]', () => {
    // Record 1 is black except the green byte at row 5, column 7: file offset 3073 + 1 + 1024 + 5·32 + 7.
    const r0 = record(3, (c, h, w) => (c * 31 + h * 5 + w) % 256);
    const r1 = record(9, (c, h, w) => (c === 1 && h === 5 && w === 7 ? 255 : 0));
    const batch = parseCifarBatch(Buffer.concat([r0, r1]), 'two.bin');
    expect(batch.count).toBe(2);
    expect(batch.shape).toEqual([2, 32, 32, 3]);
    expect(Array.from(batch.labels)).toEqual([3, 9]);
    expect(batch.images.length).toBe(2 * 32 * 32 * 3);
    // [1, 5, 7, 1] in HWC is flat index ((1·32 + 5)·32 + 7)·3 + 1 = 3574.
    expect(batch.images[3574]).toBe(1);
    let sum1 = 0;
    for (let i = 3072; i < 6144; i++) sum1 += batch.images[i];
    expect(sum1).toBe(1); // and nothing else of record 1 is lit
    // Record 0 against the formula, entry by entry; byte / 255 in float32, so within 1 ulp of [0, 1].
    const expected = new Float64Array(3072);
    for (let h = 0; h < 32; h++) for (let w = 0; w < 32; w++) for (let c = 0; c < 3; c++) {
      expected[(h * 32 + w) * 3 + c] = ((c * 31 + h * 5 + w) % 256) / 255;
    }
    expectArraysClose(batch.images.subarray(0, 3072), expected, {atol: 1e-7, rtol: 0});
  });

  it('byte 0 → 0 and byte 255 → 1 exactly', () => {
    const batch = parseCifarBatch(record(0, (c) => (c === 0 ? 255 : 0)), 'r.bin');
    expect(batch.images[0]).toBe(1);
    expect(batch.images[1]).toBe(0);
  });

  it('parseCifarBatches concatenates files in order', () => {
    const a = record(1, () => 10), b = record(2, () => 20);
    const split = parseCifarBatches([{bytes: a, source: 'a.bin'}, {bytes: Buffer.concat([b, b]), source: 'b.bin'}]);
    expect(Array.from(split.labels)).toEqual([1, 2, 2]);
    expect(split.shape).toEqual([3, 32, 32, 3]);
  });

  it('throws when the length is not a multiple of 3073, naming the file and the cut record', () => {
    const bytes = Buffer.concat([record(0, () => 0), record(0, () => 0)]).subarray(0, 2 * 3073 - 5);
    expect(() => parseCifarBatch(bytes, 'data_batch_1.bin')).toThrow(BadDataFileError);
    expect(() => parseCifarBatch(bytes, 'data_batch_1.bin'))
      .toThrow(/parseCifarBatch: data_batch_1\.bin has 6141 bytes, expected a positive multiple of 3073 .*record 1 is cut short after 3068 bytes/);
  });

  it('throws on an empty file', () => {
    expect(() => parseCifarBatch(new Uint8Array(0), 'empty.bin')).toThrow(/empty\.bin has 0 bytes/);
  });

  it('throws when a label is above 9, naming the file, the record and the label', () => {
    const bytes = Buffer.concat([record(0, () => 0), record(10, () => 0)]);
    expect(() => parseCifarBatch(bytes, 'test_batch.bin')).toThrow(/test_batch\.bin: record 1 \(byte 3073\) has label 10, expected 0…9/);
  });
});
