import * as tf from '@tensorflow/tfjs-core';
import {createRandom, type Random} from '@encoderless/random';
import {BadModelConfigError} from './model-errors';
import {createLinear, createSequential, type Layer} from './layers';
import {toModel, type Model} from './model';

/** The nonlinearity between hidden layers. */
export type MlpActivation = 'relu' | 'tanh' | 'elu' | 'softplus';

/**
 * The decoder's output link, chosen by the data: `'identity'` for real values, `'sigmoid'` for
 * values in (0, 1) (pixels, with a BCE loss), `'softplus'` or `'exp'` for positive means
 * (counts, with a Poisson or negative-binomial loss).
 */
export type MlpOutputLink = 'identity' | 'sigmoid' | 'softplus' | 'exp';

const activations: Readonly<Record<MlpActivation, (x: tf.Tensor) => tf.Tensor>> = {
  relu: (x) => tf.relu(x),
  tanh: (x) => tf.tanh(x),
  elu: (x) => tf.elu(x),
  softplus: (x) => tf.softplus(x),
};
const links: Readonly<Record<MlpOutputLink, ((x: tf.Tensor) => tf.Tensor) | null>> = {
  identity: null,
  sigmoid: (x) => tf.sigmoid(x),
  softplus: (x) => tf.softplus(x),
  exp: (x) => tf.exp(x),
};

/** Options of `createMlpDecoder`. */
export interface MlpDecoderOptions {
  /** m, the representation dimension. */
  readonly latentDim: number;
  /** n, the data dimension (genes, features). */
  readonly outputDim: number;
  /** Widths of the hidden layers, in order; `[]` makes a linear decoder. Default `[]`. */
  readonly hidden?: readonly number[];
  /** Between hidden layers. Default `'relu'`. */
  readonly activation?: MlpActivation;
  /** On the output. Default `'identity'`. */
  readonly outputLink?: MlpOutputLink;
  readonly seed?: number;
}

/** Options of `createMlpEncoder`: the decoder's mirror, linear output. */
export interface MlpEncoderOptions {
  /** n, the data dimension. */
  readonly inputDim: number;
  /** m, the representation dimension. */
  readonly latentDim: number;
  /** Widths of the hidden layers, in order. Default `[]`. */
  readonly hidden?: readonly number[];
  /** Between hidden layers. Default `'relu'`. */
  readonly activation?: MlpActivation;
  readonly seed?: number;
}

/**
 * A fully connected decoder for tabular data: z [batch, m] → Linear → activation → … → Linear →
 * output link → [batch, n], with hidden widths `hidden` = [h1, …, hk]. Parameters:
 * Σ over consecutive widths (a, b) of (m, h1, …, hk, n) of a·b + b. Weights start from PyTorch's
 * default init, drawn from `seed`.
 *
 * ```ts
 * const decoder = createMlpDecoder({latentDim: 10, outputDim: 2000, hidden: [256, 512], outputLink: 'softplus', seed: 1});
 * decoder.countParameters(); // 10·256+256 + 256·512+512 + 512·2000+2000 = 1,160,400
 * ```
 */
export function createMlpDecoder(options: MlpDecoderOptions): Model {
  const fn = 'createMlpDecoder';
  const {latentDim, outputDim, hidden = [], activation = 'relu', outputLink = 'identity', seed = 0} = options;
  checkWidths(fn, {latentDim, outputDim}, hidden);
  checkChoice(fn, 'activation', activation, activations);
  checkChoice(fn, 'outputLink', outputLink, links);
  const body = mlp(createRandom(seed), [latentDim, ...hidden, outputDim], activation, links[outputLink]);
  return toModel('mlp-decoder', [latentDim], [outputDim], body, {
    kind: 'mlp-decoder', options: {latentDim, outputDim, hidden: [...hidden], activation, outputLink, seed},
  });
}

/**
 * The MLP decoder's mirror: x [batch, n] → Linear → activation → … → Linear → [batch, m], linear
 * output. Parameters: Σ a·b + b over consecutive widths of (n, h1, …, hk, m).
 */
export function createMlpEncoder(options: MlpEncoderOptions): Model {
  const fn = 'createMlpEncoder';
  const {inputDim, latentDim, hidden = [], activation = 'relu', seed = 0} = options;
  checkWidths(fn, {inputDim, latentDim}, hidden);
  checkChoice(fn, 'activation', activation, activations);
  const body = mlp(createRandom(seed), [inputDim, ...hidden, latentDim], activation, null);
  return toModel('mlp-encoder', [inputDim], [latentDim], body, {
    kind: 'mlp-encoder', options: {inputDim, latentDim, hidden: [...hidden], activation, seed},
  });
}

/** Linear layers between consecutive `widths`, `activation` between them, `link` (if any) last. */
function mlp(rng: Random, widths: readonly number[], activation: MlpActivation, link: ((x: tf.Tensor) => tf.Tensor) | null): Layer {
  const steps: (Layer | ((x: tf.Tensor) => tf.Tensor))[] = [];
  for (let i = 0; i + 1 < widths.length; i++) {
    steps.push(createLinear(rng, widths[i], widths[i + 1]));
    if (i + 2 < widths.length) steps.push(activations[activation]);
  }
  if (link) steps.push(link);
  return createSequential(steps);
}

function checkWidths(fn: string, dims: Record<string, unknown>, hidden: unknown): void {
  for (const [name, v] of Object.entries(dims)) {
    if (!(typeof v === 'number' && Number.isInteger(v) && v > 0)) {
      throw new BadModelConfigError(`${fn}: ${name} must be a positive integer, got ${JSON.stringify(v) ?? String(v)}`);
    }
  }
  if (!Array.isArray(hidden)) {
    throw new BadModelConfigError(`${fn}: hidden must be an array of layer widths (may be empty), got ${JSON.stringify(hidden) ?? String(hidden)}`);
  }
  hidden.forEach((h: unknown, i) => {
    if (!(typeof h === 'number' && Number.isInteger(h) && h > 0)) {
      throw new BadModelConfigError(`${fn}: hidden[${i}] must be a positive integer width, got ${JSON.stringify(h) ?? String(h)}`);
    }
  });
}

function checkChoice(fn: string, name: string, value: unknown, choices: Readonly<Record<string, unknown>>): void {
  if (typeof value !== 'string' || !Object.hasOwn(choices, value)) {
    throw new BadModelConfigError(`${fn}: ${name} must be one of ${Object.keys(choices).map((c) => `'${c}'`).join(', ')}, got ${JSON.stringify(value) ?? String(value)}`);
  }
}
