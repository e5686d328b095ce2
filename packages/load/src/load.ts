/**
 * Load: constraints per free parameter (paper eq. 3–5). A model whose load is above 1 is
 * determined by its data; below 1 it has more knobs than the data has numbers.
 *
 * - decoder, fitted together with one m-dim representation per sample (eq. 3):
 *   L_dec = N·n / (W + N·m), which tends to n/m as N → ∞ (eq. 4);
 * - encoder mapping to m-dim representations (eq. 5): L_enc = N·m / W_enc.
 *
 * Pure arithmetic on plain numbers; nothing here touches TensorFlow.js.
 */
import {BadLoadArgumentError, checkCount, checkLatentWithinData, checkPositive} from './bad-load-argument-error';

/** N samples of dimension n, an m-dim representation per sample, W decoder weights. */
export interface DecoderLoadOptions {
  /** N, the number of training samples. */
  readonly samples: number;
  /** n, the dimension of one sample (784 for MNIST). */
  readonly dataDim: number;
  /** m, the dimension of one representation; at most n. */
  readonly latentDim: number;
  /** W, the decoder's free parameters (weights and biases; unmasked weights only when sparse). */
  readonly weights: number;
}

/** N samples, m-dim representations, W_enc encoder weights. */
export interface EncoderLoadOptions {
  /** N, the number of training samples. */
  readonly samples: number;
  /** m, the dimension of one representation. */
  readonly latentDim: number;
  /** W_enc, the encoder's free parameters. */
  readonly weights: number;
}

/** n and m, all the decoder's load limit depends on. */
export interface DecoderLoadLimitOptions {
  readonly dataDim: number;
  readonly latentDim: number;
}

/** Options for `samplesForDecoderLoad`: the decoder without N. */
export type SamplesForDecoderLoadOptions = Omit<DecoderLoadOptions, 'samples'>;
/** Options for `samplesForEncoderLoad`: the encoder without N. */
export type SamplesForEncoderLoadOptions = Omit<EncoderLoadOptions, 'samples'>;

/**
 * Decoder load (eq. 3): the N·n numbers of the data set per free parameter, where the free
 * parameters are the W decoder weights plus the N·m representations fitted with them.
 *
 * ```ts
 * decoderLoad({samples: 4000, dataDim: 784, latentDim: 20, weights: 263_873}); // ≈ 9.12
 * ```
 */
export function decoderLoad(options: DecoderLoadOptions): number {
  const fn = 'decoderLoad';
  const {samples, dataDim, latentDim, weights} = checkDecoder(fn, options);
  checkCount(fn, 'samples', samples);
  return (samples * dataDim) / (weights + samples * latentDim);
}

/**
 * Encoder load (eq. 5): the N·m representation numbers an encoder must produce per encoder
 * weight. It grows without bound in N, unlike the decoder's.
 *
 * ```ts
 * encoderLoad({samples: 15_000, latentDim: 20, weights: 257_748}); // ≈ 1.16
 * ```
 */
export function encoderLoad(options: EncoderLoadOptions): number {
  const fn = 'encoderLoad';
  const {samples, latentDim, weights} = checkEncoder(fn, options);
  checkCount(fn, 'samples', samples);
  return (samples * latentDim) / weights;
}

/**
 * The decoder load as N → ∞ (eq. 4): n/m. However much data there is, each sample brings n
 * numbers and m new unknowns, so no decoder load reaches this value.
 *
 * ```ts
 * decoderLoadLimit({dataDim: 1000, latentDim: 100}); // 10
 * ```
 */
export function decoderLoadLimit(options: DecoderLoadLimitOptions): number {
  const fn = 'decoderLoadLimit';
  const {dataDim, latentDim} = checkOptionsObject(fn, options);
  checkCount(fn, 'dataDim', dataDim);
  checkCount(fn, 'latentDim', latentDim);
  checkLatentWithinData(fn, dataDim, latentDim);
  return dataDim / latentDim;
}

/**
 * The smallest N whose decoder load is at least `target`: eq. 3 solved for N,
 * N ≥ L·W / (n − L·m), rounded up. Throws when target ≥ n/m, which no N reaches.
 *
 * ```ts
 * samplesForDecoderLoad(1, {dataDim: 784, latentDim: 20, weights: 263_873}); // 346
 * ```
 */
export function samplesForDecoderLoad(target: number, options: SamplesForDecoderLoadOptions): number {
  const fn = 'samplesForDecoderLoad';
  checkPositive(fn, 'target', target);
  const {dataDim, latentDim, weights} = checkDecoder(fn, options);
  const limit = dataDim / latentDim;
  if (target >= limit) {
    throw new BadLoadArgumentError(
      `${fn}: target must be below the limit n/m = ${dataDim}/${latentDim} = ${limit}, which no N ` +
      `reaches, got ${target}; lower the target or the latent dimension`);
  }
  const load = (n: number) => (n * dataDim) / (weights + n * latentDim);
  const estimate = (target * weights) / (dataDim - target * latentDim);
  return smallestReaching(fn, target, estimate, load);
}

/**
 * The smallest N whose encoder load is at least `target`: eq. 5 solved for N,
 * N ≥ L·W_enc / m, rounded up.
 *
 * ```ts
 * samplesForEncoderLoad(1, {latentDim: 20, weights: 257_748}); // 12_888
 * ```
 */
export function samplesForEncoderLoad(target: number, options: SamplesForEncoderLoadOptions): number {
  const fn = 'samplesForEncoderLoad';
  checkPositive(fn, 'target', target);
  const {latentDim, weights} = checkEncoder(fn, options);
  const load = (n: number) => (n * latentDim) / weights;
  return smallestReaching(fn, target, (target * weights) / latentDim, load);
}

/** One line of a load table: N with the decoder's load and, when an encoder is given, its load. */
export interface LoadRow {
  readonly samples: number;
  readonly decoderLoad: number;
  readonly encoderLoad?: number;
}

/** A list of N and the models to compare on them. */
export interface TabulateLoadsOptions {
  /** The sample counts N, one row each, in the order given. */
  readonly samples: readonly number[];
  /** n, the dimension of one sample. */
  readonly dataDim: number;
  /** m, the representation dimension, shared by decoder and encoder. */
  readonly latentDim: number;
  /** W, the decoder's free parameters. */
  readonly decoderWeights: number;
  /** W_enc, the encoder's free parameters; leave out for a decoder-only table. */
  readonly encoderWeights?: number;
}

/**
 * Decoder (and encoder) loads for a list of N: the relation the paper plots, as rows for
 * `formatLoadTable`.
 *
 * ```ts
 * tabulateLoads({samples: [1000, 4000], dataDim: 784, latentDim: 20,
 *                decoderWeights: 263_873, encoderWeights: 257_748});
 * // [{samples: 1000, decoderLoad: 2.76…, encoderLoad: 0.0776…}, {samples: 4000, decoderLoad: 9.12…, …}]
 * ```
 */
export function tabulateLoads(options: TabulateLoadsOptions): LoadRow[] {
  const fn = 'tabulateLoads';
  const {samples, dataDim, latentDim, decoderWeights, encoderWeights} = checkOptionsObject(fn, options);
  if (!Array.isArray(samples)) {
    throw new BadLoadArgumentError(`${fn}: samples must be an array of positive integers, got ${typeof samples}`);
  }
  checkDecoder(fn, {dataDim, latentDim, weights: decoderWeights}, 'decoderWeights');
  if (encoderWeights !== undefined) checkCount(fn, 'encoderWeights', encoderWeights);
  return samples.map((n, i) => {
    checkCount(fn, `samples[${i}]`, n);
    const row = {samples: n, decoderLoad: (n * dataDim) / (decoderWeights + n * latentDim)};
    return encoderWeights === undefined ? row : {...row, encoderLoad: (n * latentDim) / encoderWeights};
  });
}

function checkOptionsObject<T extends object>(fn: string, options: T): T {
  if (typeof options !== 'object' || options === null) {
    throw new BadLoadArgumentError(`${fn}: options must be an object, got ${options === null ? 'null' : typeof options}`);
  }
  return options;
}

function checkDecoder<T extends SamplesForDecoderLoadOptions>(fn: string, options: T, weightsName = 'weights'): T {
  checkOptionsObject(fn, options);
  checkCount(fn, 'dataDim', options.dataDim);
  checkCount(fn, 'latentDim', options.latentDim);
  checkLatentWithinData(fn, options.dataDim, options.latentDim);
  checkCount(fn, weightsName, options.weights);
  return options;
}

function checkEncoder<T extends SamplesForEncoderLoadOptions>(fn: string, options: T): T {
  checkOptionsObject(fn, options);
  checkCount(fn, 'latentDim', options.latentDim);
  checkCount(fn, 'weights', options.weights);
  return options;
}

/**
 * Round the closed-form N up, then step by one where floating point put it on the wrong side of
 * the target: both loads increase in N, so this finds the exact smallest N.
 */
function smallestReaching(fn: string, target: number, estimate: number, load: (n: number) => number): number {
  let n = Math.max(1, Math.ceil(estimate));
  if (!Number.isSafeInteger(n + 1)) {
    throw new BadLoadArgumentError(
      `${fn}: target ${target} needs about ${estimate.toExponential(3)} samples, more than a safe integer; ` +
      'lower the target');
  }
  while (load(n) < target) n++;
  while (n > 1 && load(n - 1) >= target) n--;
  return n;
}
