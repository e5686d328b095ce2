import {BadConfigError, checkPositiveInteger, describe} from './bad-config-error';

/** An image as plain numbers, [height, width, channels], channels interleaved. */
export interface ImageArray {
  readonly width: number;
  readonly height: number;
  /** Default 3. */
  readonly channels?: number;
  readonly data: ArrayLike<number>;
}

/**
 * Resize an image [height, width, channels] to [size[0], size[1], channels], axis by axis:
 *
 * - shrinking an axis averages areas: output pixel j covers input [j·s, (j+1)·s), s = in/out,
 *   and each input pixel counts by the length it overlaps (OpenCV's INTER_AREA), so no input
 *   pixel is dropped and a 2× shrink is the mean of 2×2 blocks;
 * - enlarging an axis interpolates bilinearly between pixel centres (half-pixel centres, edge
 *   pixels repeated: tf.image.resizeBilinear with halfPixelCenters);
 * - an axis of unchanged size is copied exactly.
 *
 * Pure; values keep their scale (bytes stay 0…255, as float32). Sums run in float64.
 *
 * ```ts
 * resizeImage({width: 2, height: 1, channels: 1, data: [0, 10]}, [1, 1]).data; // Float32Array [5]
 * ```
 */
export function resizeImage(image: ImageArray, size: readonly [number, number]): {width: number; height: number; data: Float32Array} {
  const fn = 'resizeImage';
  const {width, height, channels = 3, data} = image;
  checkPositiveInteger(fn, 'image.width', width);
  checkPositiveInteger(fn, 'image.height', height);
  checkPositiveInteger(fn, 'image.channels', channels);
  if (!Array.isArray(size) || size.length !== 2) {
    throw new BadConfigError(`${fn}: size must be [height, width], got ${describe(size)}`);
  }
  const outH = checkPositiveInteger(fn, 'size[0] (height)', size[0]);
  const outW = checkPositiveInteger(fn, 'size[1] (width)', size[1]);
  if (data.length !== width * height * channels) {
    throw new BadConfigError(
      `${fn}: image.data has ${data.length} values, expected height·width·channels = ${height}·${width}·${channels} = ${width * height * channels}`);
  }
  const rows = axisWeights(height, outH);
  const cols = axisWeights(width, outW);
  // Height first: [height, width, c] → [outH, width, c] → [outH, outW, c].
  const mid = new Float64Array(outH * width * channels);
  const rowStride = width * channels;
  for (let j = 0; j < outH; j++) {
    for (const [i, wt] of rows[j]) {
      for (let k = 0; k < rowStride; k++) mid[j * rowStride + k] += wt * data[i * rowStride + k];
    }
  }
  const out = new Float32Array(outH * outW * channels);
  for (let r = 0; r < outH; r++) {
    for (let j = 0; j < outW; j++) {
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (const [i, wt] of cols[j]) sum += wt * mid[(r * width + i) * channels + c];
        out[(r * outW + j) * channels + c] = sum;
      }
    }
  }
  return {width: outW, height: outH, data: out};
}

/** For each output index along one axis, the (input index, weight) pairs it sums; weights sum to 1. */
export function axisWeights(inSize: number, outSize: number): [number, number][][] {
  const result: [number, number][][] = [];
  if (outSize <= inSize) {
    const s = inSize / outSize;
    for (let j = 0; j < outSize; j++) {
      const lo = j * s, hi = (j + 1) * s;
      const pairs: [number, number][] = [];
      for (let i = Math.floor(lo); i < Math.min(inSize, Math.ceil(hi)); i++) {
        const overlap = Math.min(hi, i + 1) - Math.max(lo, i);
        if (overlap > 1e-12) pairs.push([i, overlap / s]);
      }
      result.push(pairs);
    }
  } else {
    for (let j = 0; j < outSize; j++) {
      const x = Math.min(Math.max((j + 0.5) * (inSize / outSize) - 0.5, 0), inSize - 1);
      const i0 = Math.floor(x), i1 = Math.min(i0 + 1, inSize - 1), t = x - i0;
      result.push(t === 0 || i1 === i0 ? [[i0, 1]] : [[i0, 1 - t], [i1, t]]);
    }
  }
  return result;
}
