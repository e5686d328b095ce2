import * as tf from '@tensorflow/tfjs-core';
import type {Random} from '@encoderless/random';
import type {Layer} from './layers';

/** How a model is being run: batch norm behaves differently in training. */
export interface ApplyOptions {
  readonly training?: boolean;
}

/** A value JSON can hold: what a `ModelSpec`'s options are made of. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | {readonly [key: string]: JsonValue};

/**
 * A plain-JSON description that recreates a model's architecture and initial weights:
 * `createModel(spec)` builds it again. `kind` names the factory (`'mnist-decoder'`,
 * `'mlp-decoder'`, …; see `modelKinds`), `options` are that factory's options with every default
 * filled in, seed included.
 *
 * ```ts
 * createMnistDecoder({seed: 3}).spec; // {kind: 'mnist-decoder', options: {latentDim: 20, seed: 3}}
 * ```
 */
// A type alias, not an interface, so that a spec is itself a JsonValue (an autoencoder's holds two).
export type ModelSpec = {
  readonly kind: string;
  readonly options: {readonly [key: string]: JsonValue};
};

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
  /**
   * Non-trainable variables `apply` reads, and updates in training mode: batch norm's running
   * mean and variance. Empty for models without batch norm. Part of what a saved model must keep.
   */
  readonly state: readonly tf.Variable[];
  /**
   * A deterministic name for each of `variables` then `state`, in that order:
   * `layer0/linear/kernel`, `layer1/batchnorm/runningMean`, … (see `getModelWeights`).
   */
  readonly weightNames: readonly string[];
  /** The JSON description that recreates this architecture: `createModel(model.spec)`. */
  readonly spec: ModelSpec;
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

/** A model whose weights are `body`'s, named as `createSequential` names them. */
export function toModel(name: string, inputShape: number[], outputShape: number[], body: Layer, spec: ModelSpec): Model {
  return {
    name, inputShape, outputShape, spec,
    variables: body.variables,
    state: body.state,
    weightNames: body.weightNames,
    apply: (x, options) => body.apply(x, options),
    countParameters: () => body.countParameters(),
    dispose: () => tf.dispose([...body.variables, ...body.state]),
  };
}
