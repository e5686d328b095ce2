import * as tf from '@tensorflow/tfjs-core';
import {BadConfigError, BadDataError, describe} from '@encoderless/errors';

/**
 * How data are scaled before the decoder sees them, per feature, with statistics of the
 * training samples:
 * - `'none'`: as given (pixels in [0, 1] for BCE, counts for Poisson and negative binomial);
 * - `'min-max'`: (x − min) / (max − min), the training range onto [0, 1];
 * - `'standardize'`: (x − mean) / std (population std), each feature with mean 0 and std 1;
 * - `'log1p'`: log(1 + x), for skewed non-negative values (x must be > −1).
 * A feature that is constant in the training data keeps scale 1 (no division by zero).
 */
export type NormalizationKind = 'none' | 'min-max' | 'standardize' | 'log1p';

export const NORMALIZATION_KINDS: readonly NormalizationKind[] = ['none', 'min-max', 'standardize', 'log1p'];

/** A fitted normalisation: y = (x − shift) / scale, or y = log1p(x); shift and scale per feature. */
export interface Normalization {
  readonly kind: NormalizationKind;
  /** [features], for 'min-max' and 'standardize'. */
  readonly shift?: Float32Array;
  /** [features], for 'min-max' and 'standardize'. */
  readonly scale?: Float32Array;
}

export function checkNormalizationKind(fn: string, kind: unknown): NormalizationKind {
  if (!NORMALIZATION_KINDS.includes(kind as NormalizationKind)) {
    throw new BadConfigError(`${fn}: normalize must be ${NORMALIZATION_KINDS.map((k) => `'${k}'`).join(', ')}, got ${describe(kind)}`,
      {option: 'normalize'});
  }
  return kind as NormalizationKind;
}

/** The statistics of `kind` on `data` [count, size], in float64, stored as float32. */
export function fitNormalization(kind: NormalizationKind, data: Float32Array, count: number, size: number): Normalization {
  if (kind === 'none' || kind === 'log1p') return {kind};
  const shift = new Float32Array(size), scale = new Float32Array(size);
  for (let j = 0; j < size; j++) {
    let a = Infinity, b = -Infinity, sum = 0;
    for (let i = 0; i < count; i++) {
      const v = data[i * size + j];
      if (v < a) a = v;
      if (v > b) b = v;
      sum += v;
    }
    if (kind === 'min-max') {
      shift[j] = a;
      scale[j] = b > a ? b - a : 1;
    } else {
      const mean = sum / count;
      let ss = 0;
      for (let i = 0; i < count; i++) ss += (data[i * size + j] - mean) ** 2;
      const std = Math.sqrt(ss / count);
      shift[j] = mean;
      scale[j] = std > 0 ? std : 1;
    }
  }
  return {kind, shift, scale};
}

/** `data` [count, size] in the decoder's space: a new array. log1p refuses x ≤ −1, naming the entry. */
export function normalize(fn: string, norm: Normalization, data: Float32Array, size: number): Float32Array {
  const out = new Float32Array(data.length);
  if (norm.kind === 'none') {
    out.set(data);
  } else if (norm.kind === 'log1p') {
    for (let k = 0; k < data.length; k++) {
      if (!(data[k] > -1)) {
        throw new BadDataError(`${fn}: normalize 'log1p' needs values > −1, sample ${Math.floor(k / size)}, feature ${k % size} is ${data[k]}`,
          {option: 'normalize'});
      }
      out[k] = Math.log1p(data[k]);
    }
  } else {
    const {shift, scale} = norm as Required<Normalization>;
    for (let k = 0; k < data.length; k++) out[k] = (data[k] - shift[k % size]) / scale[k % size];
  }
  return out;
}

/** The inverse on a tensor [batch, …features] of the decoder's outputs: back to data space. */
export function denormalize(norm: Normalization, y: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    if (norm.kind === 'none') return tf.clone(y);
    if (norm.kind === 'log1p') return tf.expm1(y);
    const shape = y.shape.slice(1);
    const scale = tf.tensor(norm.scale!, shape), shift = tf.tensor(norm.shift!, shape);
    return tf.add(tf.mul(y, scale), shift);
  });
}
