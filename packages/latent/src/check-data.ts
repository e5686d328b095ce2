import * as tf from '@tensorflow/tfjs-core';
import {BadDataError} from './latent-errors';

/** Reject data a trainer cannot use: not a tensor, rank < 2, no samples, NaN or ±Infinity. */
export function checkData(where: string, name: string, data: tf.Tensor): void {
  if (!(data instanceof tf.Tensor)) {
    throw new BadDataError(`${where}: ${name} must be a tf.Tensor [samples, …features], got ${typeof data}`);
  }
  if (data.rank < 2 || data.shape[0] === 0) {
    throw new BadDataError(`${where}: ${name} must have shape [samples, …features] with samples > 0, got [${data.shape}]`);
  }
  const bad = tf.tidy(() => tf.logicalNot(tf.all(tf.isFinite(data))).dataSync()[0]);
  if (bad) {
    const count = tf.tidy(() => tf.sum(tf.cast(tf.logicalNot(tf.isFinite(data)), 'int32')).dataSync()[0]);
    throw new BadDataError(`${where}: ${name} holds ${count} NaN or infinite value(s); clean or impute them first`);
  }
}

/** The decoder's output must have the data's per-sample shape. */
export function checkOutputShape(where: string, output: tf.Tensor, target: tf.Tensor): void {
  const a = output.shape, b = target.shape;
  if (a.length !== b.length || a.some((d, i) => d !== b[i])) {
    throw new BadDataError(`${where}: model output has shape [${a}], the data batch has [${b}]`);
  }
}

/** A check of the output's shape against the target's that runs on the first call only (trainers call it every step). */
export function checkOutputShapeOnce(where: string): (output: tf.Tensor, target: tf.Tensor) => void {
  let checked = false;
  return (output, target) => {
    if (checked) return;
    checkOutputShape(where, output, target);
    checked = true;
  };
}

/** Number of features per sample. */
export function entriesPerSample(data: tf.Tensor): number {
  return data.size / data.shape[0];
}
