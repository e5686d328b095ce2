import * as tf from '@tensorflow/tfjs-core';
import {createRandom} from '@encoderless/random';
import {BadModelConfigError} from './model-errors';
import {uniformInit, variableFrom, type Model} from './model';

function checkDims(where: string, dims: Record<string, number>): void {
  for (const [name, v] of Object.entries(dims)) {
    if (!(Number.isInteger(v) && v > 0)) {
      throw new BadModelConfigError(`${where}: ${name} must be a positive integer, got ${v}`);
    }
  }
}

/** Options for `createSparseDecoder`. */
export interface SparseDecoderOptions {
  /** m: representation dimension. */
  readonly latentDim: number;
  /** n: output dimension. */
  readonly outputDim: number;
  /** Binary mask [m, n], row-major: weight (i, j) exists where mask is 1. Default: dense. */
  readonly mask?: ArrayLike<number>;
  /** Default true. */
  readonly bias?: boolean;
  /** Default true: the simulated data is ReLU(z·(A∘W)), so the decoder ends in a ReLU too. */
  readonly relu?: boolean;
  readonly seed?: number;
}

/**
 * The simulated experiment's decoder (paper Section 3.3): x̂ = ReLU(z·(A∘W) + b), a linear map
 * whose weights exist only where the regulatory network's adjacency A has an edge. Only the
 * unmasked weights count as parameters.
 *
 * ```ts
 * const decoder = createSparseDecoder({latentDim: 100, outputDim: 1000, mask: net.adjacency.data, seed: 1});
 * decoder.apply(tf.ones([2, 100])); // [2, 1000]
 * ```
 */
export function createSparseDecoder(options: SparseDecoderOptions): Model {
  const where = 'createSparseDecoder';
  const {latentDim: m, outputDim: n, bias = true, relu = true, seed = 0} = options;
  checkDims(where, {latentDim: m, outputDim: n});
  let maskValues: Float32Array | null = null;
  let edges = m * n;
  if (options.mask !== undefined) {
    if (options.mask.length !== m * n) {
      throw new BadModelConfigError(`${where}: mask has ${options.mask.length} entries, expected latentDim ${m} × outputDim ${n} = ${m * n}`);
    }
    maskValues = Float32Array.from(options.mask);
    edges = 0;
    for (const v of maskValues) {
      if (v !== 0 && v !== 1) throw new BadModelConfigError(`${where}: mask must hold only 0 and 1, found ${v}`);
      edges += v;
    }
  }
  const rng = createRandom(seed);
  // PyTorch's init uses fan_in = m for a dense layer; a masked layer has on average
  // edges/n inputs per output, so the bound follows the real fan-in.
  const fanIn = Math.max(1, edges / n);
  const mask = maskValues ? tf.tensor2d(maskValues, [m, n]) : null;
  const w = variableFrom(tf.tidy(() => {
    const init = uniformInit(rng, [m, n], fanIn);
    return mask ? tf.mul(init, mask) : init;
  }));
  const b = bias ? variableFrom(uniformInit(rng, [n], fanIn)) : null;
  const variables = b ? [w, b] : [w];
  return {
    name: 'sparse-decoder',
    inputShape: [m],
    outputShape: [n],
    variables,
    state: [],
    weightNames: b ? ['kernel', 'bias'] : ['kernel'],
    spec: {
      kind: 'sparse-decoder',
      options: {latentDim: m, outputDim: n, ...(maskValues ? {mask: Array.from(maskValues)} : {}), bias, relu, seed},
    },
    apply: (z) => tf.tidy(() => {
      // The mask is applied in the forward pass, so masked weights get zero gradient and stay 0.
      const weight = mask ? tf.mul(w, mask) : w;
      let out = tf.matMul(z as tf.Tensor2D, weight as tf.Tensor2D);
      if (b) out = tf.add(out, b);
      return relu ? tf.relu(out) : out;
    }),
    countParameters: () => edges + (bias ? n : 0),
    dispose: () => tf.dispose([...variables, ...(mask ? [mask] : [])]),
  };
}

/** Options for `createLinearEncoder`. */
export interface LinearEncoderOptions {
  /** n: input dimension. */
  readonly inputDim: number;
  /** m: representation dimension. */
  readonly latentDim: number;
  /** Slope of the LeakyReLU on the output. Default 0.1. */
  readonly leakySlope?: number;
  readonly seed?: number;
}

/**
 * The simulated experiment's encoder: ẑ = LeakyReLU(x·V + c, 0.1), dense, n·m + m parameters.
 */
export function createLinearEncoder(options: LinearEncoderOptions): Model {
  const where = 'createLinearEncoder';
  const {inputDim: n, latentDim: m, leakySlope = 0.1, seed = 0} = options;
  checkDims(where, {inputDim: n, latentDim: m});
  if (!(Number.isFinite(leakySlope) && leakySlope >= 0)) {
    throw new BadModelConfigError(`${where}: leakySlope must be a number ≥ 0, got ${leakySlope}`);
  }
  const rng = createRandom(seed);
  const v = variableFrom(uniformInit(rng, [n, m], n));
  const c = variableFrom(uniformInit(rng, [m], n));
  return {
    name: 'linear-encoder',
    inputShape: [n],
    outputShape: [m],
    variables: [v, c],
    state: [],
    weightNames: ['kernel', 'bias'],
    spec: {kind: 'linear-encoder', options: {inputDim: n, latentDim: m, leakySlope, seed}},
    apply: (x) => tf.tidy(() => tf.leakyRelu(tf.add(tf.matMul(x as tf.Tensor2D, v), c), leakySlope)),
    countParameters: () => n * m + m,
    dispose: () => tf.dispose([v, c]),
  };
}

/**
 * decoder ∘ encoder as one model; its variables and state are both parts' (encoder first), their
 * weights named `encoder/…` and `decoder/…`; its spec holds both parts' specs.
 */
export function composeAutoencoder(encoder: Model, decoder: Model): Model {
  const parts = [['encoder', encoder], ['decoder', decoder]] as const;
  const names = (which: 'variables' | 'state') => parts.flatMap(([prefix, part]) => {
    const own = which === 'variables' ? part.weightNames.slice(0, part.variables.length) : part.weightNames.slice(part.variables.length);
    return own.map((name) => `${prefix}/${name}`);
  });
  return {
    name: `autoencoder(${encoder.name}, ${decoder.name})`,
    inputShape: encoder.inputShape,
    outputShape: decoder.outputShape,
    variables: [...encoder.variables, ...decoder.variables],
    state: [...encoder.state, ...decoder.state],
    weightNames: [...names('variables'), ...names('state')],
    spec: {kind: 'autoencoder', options: {encoder: encoder.spec, decoder: decoder.spec}},
    apply: (x, options) => tf.tidy(() => decoder.apply(encoder.apply(x, options), options)),
    countParameters: () => encoder.countParameters() + decoder.countParameters(),
    dispose: () => { encoder.dispose(); decoder.dispose(); },
  };
}
