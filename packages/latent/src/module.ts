import type * as tf from '@tensorflow/tfjs-core';
import {BadConfigError} from './latent-errors';

/** How a module is being run: batch norm and dropout behave differently in training. */
export interface ApplyOptions {
  readonly training?: boolean;
}

/**
 * Anything the trainers can train: a function of a tensor plus the variables it reads. The
 * model zoo's decoders and encoders have this shape; so does `moduleFromFunction(fn, vars)`
 * and `moduleFromLayersModel(model)`.
 */
export interface Module {
  /** Decoder: [batch, m] → [batch, ...sample shape]. Encoder: the reverse. */
  apply(input: tf.Tensor, options?: ApplyOptions): tf.Tensor;
  /** The trainable variables `apply` reads. */
  readonly variables: readonly tf.Variable[];
  /**
   * Non-trainable variables `apply` reads (batch norm's running statistics), if any. Training
   * on several threads (`threads` > 1) copies them, with the variables, into each thread's
   * replica; a module that reads state it does not list here gives other results there.
   */
  readonly state?: readonly tf.Variable[];
  /**
   * Shape of one input sample, without the batch axis (the zoo's models have it). When present,
   * the trainers check a decoder's input size against the rows' dimension before any step.
   */
  readonly inputShape?: readonly number[];
}

/**
 * Wrap a plain function and its variables as a Module.
 *
 * ```ts
 * const w = tf.variable(tf.randomNormal([20, 784]));
 * const decoder = moduleFromFunction((z) => tf.sigmoid(tf.matMul(z, w)), [w]);
 * ```
 */
export function moduleFromFunction(fn: (input: tf.Tensor, options?: ApplyOptions) => tf.Tensor,
  variables: readonly tf.Variable[]): Module {
  if (typeof fn !== 'function') throw new BadConfigError(`moduleFromFunction: expected a function, got ${typeof fn}`);
  return {apply: fn, variables};
}

/** The parts of a tf.LayersModel we use (structural, so latent needs no tfjs-layers dependency). */
export interface LayersModelLike {
  apply(inputs: tf.Tensor, kwargs?: {training?: boolean}): tf.Tensor | tf.Tensor[] | unknown;
  readonly trainableWeights: readonly {read(): tf.Tensor}[];
  /** The symbolic inputs, [null, …shape] each; the first one's shape becomes `inputShape`. */
  readonly inputs?: readonly {readonly shape: readonly (number | null)[]}[];
}

/** Wrap a tf.LayersModel (or tf.Sequential) as a Module: its trainable weights are the variables. */
export function moduleFromLayersModel(model: LayersModelLike): Module {
  const shape = model.inputs?.[0]?.shape.slice(1);
  const inputShape = shape && shape.every((d): d is number => typeof d === 'number') ? shape : undefined;
  return {
    ...(inputShape ? {inputShape} : {}),
    apply: (input, options) => model.apply(input, {training: options?.training ?? false}) as tf.Tensor,
    get variables() {
      return model.trainableWeights.map((w) => w.read() as tf.Variable);
    },
  };
}
