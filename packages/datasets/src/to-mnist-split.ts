import {BadDataFileError} from './bad-data-file-error';
import type {IdxArray} from './parse-idx';

/**
 * One split of MNIST (or any 28 × 28 digit set in the same format) as plain arrays, ready for
 * `tf.tensor4d(split.images, split.shape)`.
 */
export interface MnistSplit {
  /** [count, height, width, 1] pixel intensities byte / 255 in [0, 1], row-major. */
  readonly images: Float32Array;
  /** [count] digit labels 0–9. */
  readonly labels: Uint8Array;
  /** The number of images N. */
  readonly count: number;
  /** [count, height, width, 1]: [N, 28, 28, 1] for MNIST. */
  readonly shape: [number, number, number, number];
  /**
   * [count]: row i is row `indices[i]` of the files the split was read from, so subsets of
   * one pool can be checked for overlap (`checkDisjointSubsets`). 0 … N-1 for whole files.
   */
  readonly indices: Int32Array;
}

/** The files an images/labels pair came from, for error messages. */
export interface MnistFiles {
  readonly images: string;
  readonly labels: string;
}

/** Options of `toMnistSplit`: the files' names and the image size the caller expects. */
export interface MnistSplitOptions extends Partial<MnistFiles> {
  /**
   * [height, width] the images file's header must give, e.g. [28, 28] for MNIST (`loadMnist`
   * asks for it). Default: any size.
   */
  readonly imageSize?: readonly [number, number];
}

// byte / 255 for every byte: one table lookup per pixel instead of a division.
const scale = Float32Array.from({length: 256}, (_, b) => b / 255);

/**
 * Pairs a decoded images file ([N, height, width] ubyte) with its labels file ([N] ubyte,
 * values 0–9) into an `MnistSplit`: images as float32 byte / 255 in [N, height, width, 1]
 * layout, labels as a Uint8Array. `options.images` and `options.labels` name the two files in
 * error messages; a wrong type, rank, count or label throws `BadDataFileError` naming both, and
 * so does an image size other than `options.imageSize` when it is given.
 *
 * ```ts
 * const train = toMnistSplit(
 *   decodeIdxFile(readFileSync(imagesPath), imagesPath),
 *   decodeIdxFile(readFileSync(labelsPath), labelsPath),
 *   {images: imagesPath, labels: labelsPath, imageSize: [28, 28]});
 * train.shape; // [60000, 28, 28, 1]
 * ```
 */
export function toMnistSplit(images: IdxArray, labels: IdxArray, options: MnistSplitOptions = {}): MnistSplit {
  const fn = 'toMnistSplit';
  const files: MnistFiles = {images: options.images ?? 'images', labels: options.labels ?? 'labels'};
  if (images.type !== 'ubyte' || images.dims.length !== 3) {
    throw new BadDataFileError(
      `${fn}: ${files.images}: images are ${images.type} [${images.dims.join(', ')}], expected ubyte [N, height, width] ` +
      '(an idx3-ubyte file): is this the images file?', files.images);
  }
  if (labels.type !== 'ubyte' || labels.dims.length !== 1) {
    throw new BadDataFileError(
      `${fn}: ${files.labels}: labels are ${labels.type} [${labels.dims.join(', ')}], expected ubyte [N] ` +
      '(an idx1-ubyte file): is this the labels file?', files.labels);
  }
  const [n, height, width] = images.dims;
  const expected = options.imageSize;
  if (expected !== undefined && (height !== expected[0] || width !== expected[1])) {
    throw new BadDataFileError(
      `${fn}: ${files.images}: header says ${n} images of ${height} × ${width} pixels, expected ` +
      `${expected[0]} × ${expected[1]}: is this file from the data set you meant?`, files.images);
  }
  if (images.data.length !== n * height * width || labels.data.length !== labels.dims[0]) {
    throw new BadDataFileError(
      `${fn}: ${files.images}: data holds ${images.data.length} pixels and ${labels.data.length} labels, expected ` +
      `${n * height * width} and ${labels.dims[0]} from dims [${images.dims.join(', ')}] and [${labels.dims[0]}]`, files.images);
  }
  if (labels.dims[0] !== n) {
    throw new BadDataFileError(
      `${fn}: ${files.labels} has ${labels.dims[0]} labels but ${files.images} has ${n} images, expected one label per image: ` +
      'are the two files from the same split?', files.labels);
  }
  const labelData = labels.data as Uint8Array;
  for (let i = 0; i < n; i++) {
    if (labelData[i] > 9) {
      throw new BadDataFileError(`${fn}: ${files.labels}: label ${i} is ${labelData[i]}, expected a digit 0–9`, files.labels);
    }
  }
  const pixels = images.data as Uint8Array;
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = scale[pixels[i]];
  return {
    images: out,
    labels: labelData.slice(),
    count: n,
    shape: [n, height, width, 1],
    indices: Int32Array.from({length: n}, (_, i) => i),
  };
}

/**
 * The rows `rows` (positions in `split`, in that order) of a split, as a new split whose
 * `indices` still point into the original files.
 */
export function takeRows(split: MnistSplit, rows: ArrayLike<number>): MnistSplit {
  const [, height, width] = split.shape;
  const size = height * width;
  const images = new Float32Array(rows.length * size);
  const labels = new Uint8Array(rows.length);
  const indices = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    images.set(split.images.subarray(r * size, (r + 1) * size), i * size);
    labels[i] = split.labels[r];
    indices[i] = split.indices[r];
  }
  return {images, labels, count: rows.length, shape: [rows.length, height, width, 1], indices};
}
