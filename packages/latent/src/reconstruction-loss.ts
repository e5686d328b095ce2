import * as tf from '@tensorflow/tfjs-core';
import {BadConfigError} from './latent-errors';

/** `'mse'`: squared error. `'bce'`: binary cross-entropy of outputs in (0, 1) (sigmoid decoders). */
export type ReconstructionLoss = 'mse' | 'bce';

/**
 * How a batch's entry losses become the scalar that is differentiated.
 * - `'sum'` (default): summed over the batch and the features, so each row of the latent table
 *   receives the gradient of its own sample's loss, whatever the batch size. The paper's row
 *   learning rates (SGD 0.01–0.02) only move the rows under this scale.
 * - `'mean'`: PyTorch's default, averaged over batch and features; row gradients shrink by
 *   batch·features and the rows barely move at the paper's rates.
 * Reported losses are per entry either way.
 */
export type LossReduction = 'sum' | 'mean';

export function checkLossOptions(where: string, loss: string, reduction: string): void {
  if (loss !== 'mse' && loss !== 'bce') {
    throw new BadConfigError(`${where}: loss must be 'mse' or 'bce', got '${loss}'`);
  }
  if (reduction !== 'sum' && reduction !== 'mean') {
    throw new BadConfigError(`${where}: reduction must be 'sum' or 'mean', got '${reduction}'`);
  }
}

/** BCE's outputs are kept within [ε, 1 − ε] (Keras' ε). */
const BCE_EPSILON = 1e-7;

/**
 * Loss per entry, same shape as `target`. BCE clips the output into [1e-7, 1 − 1e-7] before
 * the logs: a float32 sigmoid saturates to exactly 0 or 1, and clamping log(0) = −∞ afterwards
 * (PyTorch's way) still sends ∞·0 = NaN through the gradient; the clip's gradient is 0 instead.
 */
export function entryLosses(output: tf.Tensor, target: tf.Tensor, loss: ReconstructionLoss): tf.Tensor {
  return tf.tidy(() => {
    if (loss === 'mse') return tf.squaredDifference(output, target);
    const p = tf.clipByValue(output, BCE_EPSILON, 1 - BCE_EPSILON);
    const logP = tf.log(p);
    const log1mP = tf.log(tf.sub(1, p));
    return tf.neg(tf.add(tf.mul(target, logP), tf.mul(tf.sub(1, target), log1mP)));
  });
}

/** Each sample's loss summed over its features: [batch]. */
export function sampleLosses(output: tf.Tensor, target: tf.Tensor, loss: ReconstructionLoss): tf.Tensor1D {
  return tf.tidy(() => {
    const e = entryLosses(output, target, loss);
    return tf.sum(tf.reshape(e, [e.shape[0], -1]), 1) as tf.Tensor1D;
  });
}

/** The scalar to differentiate for a batch. */
export function reduceLoss(output: tf.Tensor, target: tf.Tensor, loss: ReconstructionLoss, reduction: LossReduction): tf.Scalar {
  return tf.tidy(() => {
    const e = entryLosses(output, target, loss);
    return reduction === 'sum' ? tf.sum(e) : tf.mean(e);
  });
}

/** A batch's loss as the trainers report it, summed over samples and entries, from the scalar `reduceLoss` gave. */
export function summedLoss(batchLoss: number, reduction: LossReduction, samples: number, entriesPerSample: number): number {
  return reduction === 'sum' ? batchLoss : batchLoss * samples * entriesPerSample;
}
