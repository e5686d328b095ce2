import {expectArraysClose} from '@encoderless/test-utils';
import {BadDataFileError, toMnistSplit} from './index';
import type {IdxArray} from './index';

const ubyte = (dims: number[], items: number[]): IdxArray => ({type: 'ubyte', dims, data: Uint8Array.from(items)});
const files = {images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte'};

describe('toMnistSplit', () => {
  // Two 2 × 3 images; pixels chosen to cover 0, 255 and values that are inexact in binary.
  const pixels = [0, 1, 51, 127, 128, 255, 17, 34, 85, 170, 204, 254];
  const split = toMnistSplit(ubyte([2, 2, 3], pixels), ubyte([2], [7, 0]), files);

  it('images [2, 2, 3] → shape [2, 2, 3, 1], count 2', () => {
    expect(split.shape).toEqual([2, 2, 3, 1]);
    expect(split.count).toBe(2);
    expect(split.images).toBeInstanceOf(Float32Array);
    expect(split.images.length).toBe(12);
  });
  it('pixels are byte / 255, within float32 rounding of the float64 quotient (atol 1e-7)', () => {
    // |fround(x) - x| <= 2^-24·|x| <= 6e-8 for x in [0, 1].
    expectArraysClose(split.images, pixels.map((b) => b / 255), {atol: 1e-7, rtol: 0});
    expect([split.images[0], split.images[5]]).toEqual([0, 1]);
  });
  it('labels are a Uint8Array copy; indices are 0 … N-1', () => {
    expect(split.labels).toBeInstanceOf(Uint8Array);
    expect(Array.from(split.labels)).toEqual([7, 0]);
    expect(Array.from(split.indices)).toEqual([0, 1]);
  });
  it('throws naming both files when 3 labels come with 2 images', () => {
    const f = () => toMnistSplit(ubyte([2, 1, 1], [0, 0]), ubyte([3], [1, 2, 3]), files);
    expect(f).toThrow(BadDataFileError);
    expect(f).toThrow(/^toMnistSplit: train-labels-idx1-ubyte has 3 labels but train-images-idx3-ubyte has 2 images, expected one label per image/);
  });
  it('throws when the images are 1-d (the labels file passed as images)', () => {
    expect(() => toMnistSplit(ubyte([2], [1, 2]), ubyte([2], [1, 2]), files)).toThrow(
      /^toMnistSplit: train-images-idx3-ubyte: images are ubyte \[2\], expected ubyte \[N, height, width\]/);
  });
  it('throws when the images are int32', () => {
    const images: IdxArray = {type: 'int32', dims: [1, 1, 1], data: Int32Array.from([3])};
    expect(() => toMnistSplit(images, ubyte([1], [1]), files)).toThrow(/images are int32 \[1, 1, 1\], expected ubyte/);
  });
  it('throws when the labels are 2-d', () => {
    expect(() => toMnistSplit(ubyte([1, 1, 1], [0]), ubyte([1, 1], [0]), files)).toThrow(
      /^toMnistSplit: train-labels-idx1-ubyte: labels are ubyte \[1, 1\], expected ubyte \[N\]/);
  });
  it('throws on a label that is not a digit, naming its row', () => {
    expect(() => toMnistSplit(ubyte([2, 1, 1], [0, 0]), ubyte([2], [3, 10]), files)).toThrow(
      /train-labels-idx1-ubyte: label 1 is 10, expected a digit 0–9/);
  });
});

describe('toMnistSplit on hand-built arrays', () => {
  it('throws when data does not hold product(dims) items', () => {
    expect(() => toMnistSplit(ubyte([2, 1, 1], [0]), ubyte([2], [1, 2]), files)).toThrow(
      /^toMnistSplit: train-images-idx3-ubyte: data holds 1 pixels and 2 labels, expected 2 and 2/);
  });
});

describe('toMnistSplit imageSize', () => {
  const two = ubyte([2], [1, 2]);
  it('accepts images of the expected size', () => {
    expect(toMnistSplit(ubyte([2, 2, 3], Array<number>(12).fill(0)), two, {...files, imageSize: [2, 3]}).shape).toEqual([2, 2, 3, 1]);
  });
  it.each([[[3, 2]], [[2, 4]]])('throws when the header says 2 × 3 and the caller expects %p', (size) => {
    const run = () => toMnistSplit(ubyte([2, 2, 3], Array<number>(12).fill(0)), two, {...files, imageSize: size as [number, number]});
    expect(run).toThrow(BadDataFileError);
    expect(run).toThrow(`toMnistSplit: train-images-idx3-ubyte: header says 2 images of 2 × 3 pixels, expected ${size[0]} × ${size[1]}`);
  });
});
