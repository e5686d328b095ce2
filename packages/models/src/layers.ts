import * as tf from '@tensorflow/tfjs-core';
import type {Random} from '@encoderless/random';
import {BadModelConfigError} from './model-errors';
import {uniformInit, variableFrom, type ApplyOptions} from './model';

/** A building block: a function of a tensor, the variables it trains, its parameter count. */
export interface Layer {
  /** What the layer is, in weight names: 'linear', 'conv2d', 'convTranspose2d', 'batchnorm', 'sequential'. */
  readonly kind: string;
  apply(x: tf.Tensor, options?: ApplyOptions): tf.Tensor;
  /** Trainable variables. */
  readonly variables: readonly tf.Variable[];
  /** Non-trainable state (batch norm's running statistics). */
  readonly state: readonly tf.Variable[];
  /**
   * Names of `variables` then `state`, in that order: `['kernel', 'bias']` for a linear layer,
   * `['gamma', 'beta', 'runningMean', 'runningVar']` for batch norm.
   */
  readonly weightNames: readonly string[];
  countParameters(): number;
}

function positive(where: string, values: Record<string, number>): void {
  for (const [name, v] of Object.entries(values)) {
    if (!(Number.isInteger(v) && v > 0)) throw new BadModelConfigError(`${where}: ${name} must be a positive integer, got ${v}`);
  }
}

/** y = x·W + b; PyTorch's `nn.Linear` init. x: [batch, inDim] → [batch, outDim]. */
export function createLinear(rng: Random, inDim: number, outDim: number): Layer {
  positive('createLinear', {inDim, outDim});
  const w = variableFrom(uniformInit(rng, [inDim, outDim], inDim));
  const b = variableFrom(uniformInit(rng, [outDim], inDim));
  return {
    kind: 'linear',
    apply: (x) => tf.add(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D), b),
    variables: [w, b],
    state: [],
    weightNames: ['kernel', 'bias'],
    countParameters: () => inDim * outDim + outDim,
  };
}

/** Options of a 2-d (transposed) convolution, in PyTorch's terms. */
export interface ConvOptions {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernel: number;
  /** Default 1. */
  readonly stride?: number;
  /** Zero padding on every side, PyTorch's `padding`. Default 0. */
  readonly padding?: number;
  /** Default true. */
  readonly bias?: boolean;
}

function checkConv(where: string, o: ConvOptions): Required<ConvOptions> {
  const c = {stride: 1, padding: 0, bias: true, ...o};
  positive(where, {inChannels: c.inChannels, outChannels: c.outChannels, kernel: c.kernel, stride: c.stride});
  if (!(Number.isInteger(c.padding) && c.padding >= 0)) throw new BadModelConfigError(`${where}: padding must be a whole number, got ${c.padding}`);
  return c;
}

/**
 * PyTorch's `nn.Conv2d` in NHWC: [batch, h, w, inC] → [batch, (h + 2p − k)/s + 1, …, outC].
 * Filter [k, k, inC, outC]; init bound 1/√(inC·k²).
 */
export function createConv2d(rng: Random, options: ConvOptions): Layer {
  const {inChannels: ci, outChannels: co, kernel: k, stride: s, padding: p, bias} = checkConv('createConv2d', options);
  const fanIn = ci * k * k;
  const w = variableFrom(uniformInit(rng, [k, k, ci, co], fanIn));
  const b = bias ? variableFrom(uniformInit(rng, [co], fanIn)) : null;
  const pad = p === 0 ? 'valid' : p;
  return {
    kind: 'conv2d',
    apply: (x) => tf.tidy(() => {
      const y = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, s, pad);
      return b ? tf.add(y, b) : y;
    }),
    variables: b ? [w, b] : [w],
    state: [],
    weightNames: b ? ['kernel', 'bias'] : ['kernel'],
    countParameters: () => k * k * ci * co + (bias ? co : 0),
  };
}

/**
 * PyTorch's `nn.ConvTranspose2d` in NHWC: [batch, h, w, inC] → [batch, (h − 1)·s − 2p + k, …, outC].
 * tfjs' filter is [k, k, outC, inC]. PyTorch computes the init's fan-in from its weight
 * [inC, outC, k, k] as outC·k², so the bound is 1/√(outC·k²).
 */
export function createConvTranspose2d(rng: Random, options: ConvOptions): Layer {
  const {inChannels: ci, outChannels: co, kernel: k, stride: s, padding: p, bias} = checkConv('createConvTranspose2d', options);
  const fanIn = co * k * k;
  const w = variableFrom(uniformInit(rng, [k, k, co, ci], fanIn));
  const b = bias ? variableFrom(uniformInit(rng, [co], fanIn)) : null;
  const pad = p === 0 ? 'valid' : p;
  return {
    kind: 'convTranspose2d',
    apply: (x) => tf.tidy(() => {
      const [n, h, wd] = x.shape;
      const out: [number, number, number, number] = [n, (h - 1) * s - 2 * p + k, (wd - 1) * s - 2 * p + k, co];
      const y = tf.conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, out, s, pad);
      return b ? tf.add(y, b) : y;
    }),
    variables: b ? [w, b] : [w],
    state: [],
    weightNames: b ? ['kernel', 'bias'] : ['kernel'],
    countParameters: () => k * k * ci * co + (bias ? co : 0),
  };
}

/**
 * PyTorch's `nn.BatchNorm2d` over the channels of [batch, h, w, C]: in training mode it
 * normalises with the batch's statistics (biased variance) and moves the running mean and
 * unbiased variance by `momentum` (0.1); otherwise it uses the running statistics. γ and β
 * are the 2·C parameters.
 */
export function createBatchNorm(channels: number, options: {momentum?: number; epsilon?: number} = {}): Layer {
  positive('createBatchNorm', {channels});
  const {momentum = 0.1, epsilon = 1e-5} = options;
  const gamma = variableFrom(tf.ones([channels]));
  const beta = variableFrom(tf.zeros([channels]));
  const runningMean = variableFrom(tf.zeros([channels]), false);
  const runningVar = variableFrom(tf.ones([channels]), false);
  return {
    kind: 'batchnorm',
    apply: (x, opts) => tf.tidy(() => {
      if (!(opts?.training ?? false)) {
        return tf.batchNorm(x, runningMean, runningVar, beta, gamma, epsilon);
      }
      const {mean, variance} = tf.moments(x, [0, 1, 2]);
      const count = x.size / channels;
      // The running statistics are bookkeeping: they do not feed the output, so no gradient
      // reaches them even when this runs inside a gradient computation.
      const m = tf.keep(tf.add(tf.mul(runningMean, 1 - momentum), tf.mul(mean, momentum)));
      const unbiased = tf.mul(variance, count / Math.max(count - 1, 1));
      const v = tf.keep(tf.add(tf.mul(runningVar, 1 - momentum), tf.mul(unbiased, momentum)));
      runningMean.assign(m);
      runningVar.assign(v);
      tf.dispose([m, v]);
      return tf.batchNorm(x, mean, variance, beta, gamma, epsilon);
    }),
    variables: [gamma, beta],
    state: [runningMean, runningVar],
    weightNames: ['gamma', 'beta', 'runningMean', 'runningVar'],
    countParameters: () => 2 * channels,
  };
}

/**
 * Layers and functions applied in order; only layers hold variables. Weights are named
 * `layer<i>/<kind>/<name>`, i counting layers only (functions are not numbered), so
 * `layer1/batchnorm/runningMean` is the second layer's.
 */
export function createSequential(steps: readonly (Layer | ((x: tf.Tensor) => tf.Tensor))[]): Layer {
  const layers = steps.filter((s): s is Layer => typeof s !== 'function');
  const prefixed = (l: Layer, i: number, names: readonly string[]) => names.map((n) => `layer${i}/${l.kind}/${n}`);
  return {
    kind: 'sequential',
    apply: (x, options) => tf.tidy(() => steps.reduce<tf.Tensor>(
      (h, s) => (typeof s === 'function' ? s(h) : s.apply(h, options)), x)),
    variables: layers.flatMap((l) => l.variables),
    state: layers.flatMap((l) => l.state),
    weightNames: [
      ...layers.flatMap((l, i) => prefixed(l, i, l.weightNames.slice(0, l.variables.length))),
      ...layers.flatMap((l, i) => prefixed(l, i, l.weightNames.slice(l.variables.length))),
    ],
    countParameters: () => layers.reduce((sum, l) => sum + l.countParameters(), 0),
  };
}
