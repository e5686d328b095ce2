import * as tf from '@tensorflow/tfjs-core';
import type {Random} from '@encoderless/random';

/** How a model is being run: batch norm behaves differently in training. */
export interface ApplyOptions {
  readonly training?: boolean;
}

/**
 * A model of the zoo: a function of a tensor plus the variables it reads. It has the shape
 * `@encoderless/latent`'s trainers take, and `countParameters()` for `@encoderless/load`.
 */
export interface Model {
  readonly name: string;
  /** Input shape of one sample (without the batch axis). */
  readonly inputShape: readonly number[];
  /** Output shape of one sample (without the batch axis). */
  readonly outputShape: readonly number[];
  apply(input: tf.Tensor, options?: ApplyOptions): tf.Tensor;
  /** Trainable variables. */
  readonly variables: readonly tf.Variable[];
  /** Free parameters: masked-out weights do not count. */
  countParameters(): number;
  dispose(): void;
}

/**
 * PyTorch's default init for Linear and Conv layers, U(−1/√fan_in, 1/√fan_in) for weights and
 * biases, drawn from a seeded JS stream so the same seed gives the same model on every backend.
 */
export function uniformInit(rng: Random, shape: number[], fanIn: number): tf.Tensor {
  const bound = 1 / Math.sqrt(fanIn);
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = rng.uniform(-bound, bound);
  return tf.tensor(values, shape);
}

/**
 * A variable holding `initial` (trainable unless told otherwise, e.g. batch norm's running
 * statistics); the initial tensor itself is released, as `tf.variable` keeps its own copy.
 */
export function variableFrom(initial: tf.Tensor, trainable = true): tf.Variable {
  const v = tf.variable(initial, trainable);
  initial.dispose();
  return v;
}
