import * as tf from '@tensorflow/tfjs-core';
import {createRandom} from '@encoderless/random';
import {BadModelConfigError} from './model-errors';
import {
  createBatchNorm, createConv2d, createConvTranspose2d, createLinear, createSequential,
} from './layers';
import {toModel, type Model} from './model';

const relu = (x: tf.Tensor) => tf.relu(x);
const sigmoid = (x: tf.Tensor) => tf.sigmoid(x);

/** Options for the MNIST models. */
export interface MnistModelOptions {
  /** Representation dimension m. Default 20 (the paper). */
  readonly latentDim?: number;
  readonly seed?: number;
}

/**
 * The paper's MNIST decoder (Appendix A): Linear(m → 128·7·7) + ReLU, reshape to
 * [7, 7, 128], ConvTranspose(128 → 64, k4 s2 p1) + ReLU → [14, 14, 64],
 * ConvTranspose(64 → 1, k4 s2 p1) + Sigmoid → [28, 28, 1]. 263,873 parameters at m = 20.
 * (PyTorch reshapes to [128, 7, 7]; in NHWC the same linear map is reshaped to [7, 7, 128],
 * which only permutes the linear layer's outputs.)
 */
export function createMnistDecoder(options: MnistModelOptions = {}): Model {
  const {latentDim: m = 20, seed = 0} = options;
  const rng = createRandom(seed);
  const body = createSequential([
    createLinear(rng, m, 128 * 7 * 7), relu,
    (x) => tf.reshape(x, [x.shape[0], 7, 7, 128]),
    createConvTranspose2d(rng, {inChannels: 128, outChannels: 64, kernel: 4, stride: 2, padding: 1}), relu,
    createConvTranspose2d(rng, {inChannels: 64, outChannels: 1, kernel: 4, stride: 2, padding: 1}), sigmoid,
  ]);
  return toModel('mnist-decoder', [m], [28, 28, 1], body, {kind: 'mnist-decoder', options: {latentDim: m, seed}});
}

/**
 * The paper's MNIST encoder, the decoder's mirror: Conv(1 → 64, k4 s2 p1) + ReLU,
 * Conv(64 → 128, k4 s2 p1) + ReLU, flatten, Linear(6272 → m), linear output.
 * 257,748 parameters at m = 20.
 */
export function createMnistEncoder(options: MnistModelOptions = {}): Model {
  const {latentDim: m = 20, seed = 0} = options;
  const rng = createRandom(seed);
  const body = createSequential([
    createConv2d(rng, {inChannels: 1, outChannels: 64, kernel: 4, stride: 2, padding: 1}), relu,
    createConv2d(rng, {inChannels: 64, outChannels: 128, kernel: 4, stride: 2, padding: 1}), relu,
    (x) => tf.reshape(x, [x.shape[0], 7 * 7 * 128]),
    createLinear(rng, 7 * 7 * 128, m),
  ]);
  return toModel('mnist-encoder', [28, 28, 1], [m], body, {kind: 'mnist-encoder', options: {latentDim: m, seed}});
}

/** `'1x1'`: representation 256 as [1, 1, 256]. `'4x4'`: representation 1024 as [4, 4, 64]. */
export type CifarVariant = '1x1' | '4x4';

export interface CifarModelOptions {
  readonly variant: CifarVariant;
  /** Channel width c. Default 64 for '1x1', 16 for '4x4' (the paper). */
  readonly capacity?: number;
  readonly seed?: number;
}

/** The representation's grid and channels, the width c (default: the paper's) and the init stream. */
function cifarSetUp(options: CifarModelOptions) {
  const {variant, seed = 0} = options;
  if (variant !== '1x1' && variant !== '4x4') {
    throw new BadModelConfigError(`CIFAR model: variant must be '1x1' or '4x4', got '${String(variant)}'`);
  }
  const [grid, channels] = variant === '1x1' ? [1, 256] : [4, 64];
  const c = options.capacity ?? (variant === '1x1' ? 64 : 16);
  if (!(Number.isInteger(c) && c > 0)) throw new BadModelConfigError(`CIFAR model: capacity must be a positive integer, got ${c}`);
  return {variant, grid, channels, c, rng: createRandom(seed), options: {variant, capacity: c, seed}};
}

/**
 * The paper's CIFAR-10 decoders (Appendix A), batch norm + ReLU between layers, sigmoid out.
 * decoder_1x1 (c = 64): the representation [1, 1, 256] → ConvT k4 s2 p0 → [4, 4, 2c] →
 * ConvT k4 s2 p1 → [8, 8, 2c] → [16, 16, c] → [32, 32, c] → ConvT 1×1 → [32, 32, 3].
 * decoder_4x4 (c = 16): the first layer removed, the representation [4, 4, 64] enters the
 * k4 s2 p1 stack directly. Channel widths follow the paper's table (2c, 2c, c, c), which is
 * the one we follow where its text and table disagree.
 */
export function createCifarDecoder(options: CifarModelOptions): Model {
  const {variant, grid, channels, c, rng, options: resolved} = cifarSetUp(options);
  const block = (ci: number, co: number, k: number, s: number, p: number) => [
    createConvTranspose2d(rng, {inChannels: ci, outChannels: co, kernel: k, stride: s, padding: p}),
    createBatchNorm(co), relu,
  ];
  const steps = [
    (x: tf.Tensor) => tf.reshape(x, [x.shape[0], grid, grid, channels]),
    ...(variant === '1x1' ? block(channels, 2 * c, 4, 2, 0) : []),
    ...block(variant === '1x1' ? 2 * c : channels, 2 * c, 4, 2, 1),
    ...block(2 * c, c, 4, 2, 1),
    ...block(c, c, 4, 2, 1),
    createConvTranspose2d(rng, {inChannels: c, outChannels: 3, kernel: 1}), sigmoid,
  ];
  return toModel(`cifar-decoder-${variant}`, [grid * grid * channels], [32, 32, 3], createSequential(steps),
    {kind: 'cifar-decoder', options: resolved});
}

/** The mirror of `createCifarDecoder`: [32, 32, 3] → the flat representation (linear output). */
export function createCifarEncoder(options: CifarModelOptions): Model {
  const {variant, grid, channels, c, rng, options: resolved} = cifarSetUp(options);
  const block = (ci: number, co: number, k: number, s: number, p: number) => [
    createConv2d(rng, {inChannels: ci, outChannels: co, kernel: k, stride: s, padding: p}), createBatchNorm(co), relu,
  ];
  const steps = [
    ...block(3, c, 1, 1, 0),
    ...block(c, c, 4, 2, 1),
    ...block(c, 2 * c, 4, 2, 1),
    ...(variant === '1x1'
      ? [...block(2 * c, 2 * c, 4, 2, 1), createConv2d(rng, {inChannels: 2 * c, outChannels: channels, kernel: 4, stride: 2, padding: 0})]
      : [createConv2d(rng, {inChannels: 2 * c, outChannels: channels, kernel: 4, stride: 2, padding: 1})]),
    (x: tf.Tensor) => tf.reshape(x, [x.shape[0], grid * grid * channels]),
  ];
  return toModel(`cifar-encoder-${variant}`, [32, 32, 3], [grid * grid * channels], createSequential(steps),
    {kind: 'cifar-encoder', options: resolved});
}
