import * as tf from '@tensorflow/tfjs-core';
import {BadConfigError, BadDataError} from './latent-errors';
import type {Module} from './module';

/** Reject data a trainer cannot use: not a tensor, rank < 2, no samples, NaN or ±Infinity. */
export async function checkData(where: string, name: string, data: tf.Tensor): Promise<void> {
  if (!(data instanceof tf.Tensor)) {
    throw new BadDataError(`${where}: ${name} must be a tf.Tensor [samples, …features], got ${typeof data}`);
  }
  if (data.rank < 2 || data.shape[0] === 0) {
    throw new BadDataError(`${where}: ${name} must have shape [samples, …features] with samples > 0, got [${data.shape}]`);
  }
  const counted = tf.tidy(() => tf.sum(tf.cast(tf.logicalNot(tf.isFinite(data)), 'int32')));
  const count = (await counted.data())[0];
  counted.dispose();
  if (count > 0) {
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

/**
 * A decoder that declares its input shape (`Module.inputShape`) must take rows of `dim`
 * values. Caught here, the mismatch names both numbers instead of surfacing as a raw tfjs
 * matMul or reshape error deep inside the first step.
 */
export function checkDecoderInput(where: string, decoder: Module, dim: number, dimName: string): void {
  if (!decoder || typeof decoder.apply !== 'function') {
    throw new BadConfigError(`${where}: decoder must have an apply(z) function and variables`);
  }
  const shape = decoder.inputShape;
  if (!shape) return;
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== dim) {
    throw new BadDataError(`${where}: ${dimName} is ${dim} but the decoder takes ${size}-d input (inputShape [${shape}])`);
  }
}

/**
 * Run a decoder's first forward pass; a decoder without `inputShape` that fails on rows of the
 * wrong size gets its error wrapped with the rows' shape, so the message says which number to check.
 */
export function firstForward(where: string, decoder: Module, z: tf.Tensor, dimName: string, training: boolean): tf.Tensor {
  try {
    return decoder.apply(z, {training});
  } catch (err) {
    if (decoder.inputShape || !(err instanceof Error)) throw err;
    throw new BadDataError(
      `${where}: the decoder failed on rows of shape [${z.shape}] (${dimName} ${z.shape[1]}); ` +
      `does it take ${z.shape[1]}-d input? tfjs said: ${err.message}`);
  }
}
