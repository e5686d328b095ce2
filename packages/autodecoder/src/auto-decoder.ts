import * as tf from '@tensorflow/tfjs-core';
import {BadConfigError, BadDataError} from '@encoderless/errors';
import {negativeBinomialLoss, type Module, type ReconstructionLoss, type RowOptimizerConfig} from '@encoderless/latent';
import {decoderLoad} from '@encoderless/load';
import {samplesFrom, sizeOf, toRows, toSamples, type DataInput} from './data-input';
import {fitRows, resolveTransformSettings, type TransformOptions, type TransformSettings} from './fit-rows';
import {denormalize, normalize, type Normalization, type NormalizationKind} from './normalization';
import type {ResolvedDecoder} from './resolve-decoder';
import type * as io from './load-auto-decoder';

/**
 * The reconstruction loss: `'mse'`; `'bce'` for values in [0, 1]; `'poisson'` for counts;
 * `'negative-binomial'` for over-dispersed counts, with one dispersion per feature learned
 * with the decoder.
 */
export type AutoDecoderLoss = 'mse' | 'bce' | 'poisson' | 'negative-binomial';

export const LOSSES: readonly AutoDecoderLoss[] = ['mse', 'bce', 'poisson', 'negative-binomial'];

/** Early stopping on held-out samples. */
export interface ValidationSettings {
  /** Share of the samples held out of training, in (0, 1). */
  readonly fraction: number;
  /** Fit the held-out samples against the frozen decoder every this many epochs (and after the last). */
  readonly every: number;
  /** Stop after this many checks without a lower validation loss. */
  readonly patience: number;
}

/** Every setting of a fit, resolved: plain JSON, saved with the model. */
export interface AutoDecoderSettings {
  readonly latentDim: number;
  readonly loss: AutoDecoderLoss;
  readonly normalize: NormalizationKind;
  readonly epochs: number;
  readonly batchSize: number;
  /** Adam's learning rate for the decoder weights. */
  readonly learningRate: number;
  readonly weightDecay: number;
  /** The training rows' optimizer. */
  readonly rowOptimizer: RowOptimizerConfig;
  readonly validation: ValidationSettings | null;
  /** The defaults of `transform` (and of the validation fits). */
  readonly transform: TransformSettings;
  readonly seed: number;
}

/** One epoch of the fit, as `history` keeps it. */
export interface EpochRecord {
  readonly epoch: number;
  /** Training loss per entry, in the normalised space the decoder fits. */
  readonly loss: number;
  /** The held-out samples' loss per entry, on the epochs where it was measured. */
  readonly validationLoss?: number;
}

/** Why the fit ended. */
export type StopReason = 'epochs' | 'early-stopping' | 'aborted';

/** What `transform` returns. */
export interface TransformResult {
  /** One representation per sample, [samples][latentDim]. */
  readonly representations: number[][];
  /** Each sample's reconstruction loss per entry at its representation (normalised space). */
  readonly losses: number[];
  /** The mean of `losses`. */
  readonly loss: number;
  /** The input's label columns (a CsvTable's ids), carried through for writing the results. */
  readonly labels?: Readonly<Record<string, readonly string[]>>;
}

/** What a fit leaves besides numbers: plain JSON, kept in the model and in its saved topology. */
export interface FitRecord {
  readonly settings: AutoDecoderSettings;
  readonly featureShape: readonly number[];
  readonly featureNames: readonly string[] | null;
  /** The training data's label columns, in training order. */
  readonly labels: Readonly<Record<string, readonly string[]>> | null;
  readonly validationIndices: readonly number[];
  readonly history: readonly EpochRecord[];
  readonly stopReason: StopReason;
  readonly bestEpoch: number | null;
}

/** Everything an `AutoDecoder` is made of; `fitAutoDecoder` and `loadAutoDecoder` build it. */
export interface AutoDecoderParts extends FitRecord {
  readonly decoder: ResolvedDecoder;
  /** Per-feature log dispersion [featureShape] for the negative binomial, else null. */
  readonly logDispersion: tf.Variable | null;
  readonly normalization: Normalization;
  /** [count, latentDim] in the order of the training samples. */
  readonly rows: Float32Array;
}

/** The loss object latent's trainers take for a setting. */
export function reconstructionLoss(loss: AutoDecoderLoss, logDispersion: tf.Variable | null): ReconstructionLoss {
  return loss === 'negative-binomial' ? negativeBinomialLoss(logDispersion!) : loss;
}

/**
 * A fitted auto-decoder: a decoder trained together with one free representation per training
 * sample, plus everything needed to use it on new data (the normalisation, the loss, the
 * inference settings). Made by `fitAutoDecoder` or `loadAutoDecoder`.
 *
 * Arrays out are plain `number[][]`; methods whose name ends in `Tensor` return tensors that
 * the caller disposes. `dispose()` releases the decoder's variables.
 */
export class AutoDecoder {
  readonly latentDim: number;
  /** Shape of one sample, without the batch axis: `[features]` for tables, `[28, 28, 1]` for MNIST. */
  readonly featureShape: readonly number[];
  /** The feature (column) names of the training data, when it was a CSV table. */
  readonly featureNames: readonly string[] | null;
  /** The training data's label columns (ids, classes), in training order. */
  readonly labels: Readonly<Record<string, readonly string[]>> | null;
  readonly settings: AutoDecoderSettings;
  readonly normalization: Normalization;
  /** Training loss per epoch, and validation loss where measured. */
  readonly history: readonly EpochRecord[];
  readonly stopReason: StopReason;
  /** The epoch whose state was kept (lowest validation loss), or null without validation. */
  readonly bestEpoch: number | null;
  /** Which training samples were held out for validation (their rows were fitted against the kept decoder). */
  readonly validationIndices: readonly number[];
  /** The decoder (weights frozen by convention: train it further only if you know why). */
  readonly decoder: ResolvedDecoder;
  /** Per-feature log dispersion of the negative binomial, else null. */
  readonly logDispersion: tf.Variable | null;
  private readonly rows: Float32Array;
  private disposed = false;

  constructor(parts: AutoDecoderParts) {
    this.decoder = parts.decoder;
    this.logDispersion = parts.logDispersion;
    this.settings = parts.settings;
    this.latentDim = parts.settings.latentDim;
    this.normalization = parts.normalization;
    this.featureShape = parts.featureShape;
    this.featureNames = parts.featureNames;
    this.rows = parts.rows;
    this.labels = parts.labels;
    this.validationIndices = parts.validationIndices;
    this.history = parts.history;
    this.stopReason = parts.stopReason;
    this.bestEpoch = parts.bestEpoch;
  }

  /** Number of training samples. */
  get size(): number {
    return this.rows.length / this.latentDim;
  }

  /** The training samples' representations, [samples][latentDim], in input order (a fresh copy). */
  get representations(): number[][] {
    return toRows(this.rows, this.size, this.latentDim);
  }

  /** The rows of the samples the decoder trained on (held-out validation samples left out): `start: 'nearest'`'s candidates. */
  private trainingRows(): Float32Array {
    if (this.validationIndices.length === 0) return this.rows;
    const held = new Set(this.validationIndices);
    const m = this.latentDim;
    const out = new Float32Array((this.size - held.size) * m);
    let k = 0;
    for (let i = 0; i < this.size; i++) if (!held.has(i)) out.set(this.rows.subarray(i * m, (i + 1) * m), m * k++);
    return out;
  }

  /** The training representations as a tensor [samples, latentDim]; the caller disposes it. */
  representationsTensor(): tf.Tensor2D {
    this.checkAlive('representationsTensor');
    return tf.tensor2d(this.rows, [this.size, this.latentDim]);
  }

  /** The training representations as a flat float32 copy [samples · latentDim]. */
  representationsArray(): Float32Array {
    return this.rows.slice();
  }

  /**
   * Representations of new samples: each sample's row found by gradient descent against the
   * frozen decoder (the model's `settings.transform`, overridden by `options`), with each
   * sample's loss. The same seed gives the same rows. Samples go through the model's
   * normalisation first; losses are in that normalised space.
   *
   * ```ts
   * const {representations, losses} = await model.transform(newRows, {restarts: 3});
   * ```
   */
  async transform(data: DataInput, options?: TransformOptions): Promise<TransformResult> {
    const fn = 'AutoDecoder.transform';
    this.checkAlive(fn);
    const settings = resolveTransformSettings(fn, options, this.settings.transform);
    const samples = await this.checkSamples(fn, data);
    const x = tf.tensor(normalize(fn, this.normalization, samples.data, sizeOf(this.featureShape)), [samples.count, ...this.featureShape]);
    try {
      const fitted = await fitRows(this.frozenModule(), x, this.latentDim, this.loss(), settings, this.trainingRows(), options?.onProgress);
      const losses = Array.from(fitted.losses);
      return {
        representations: toRows(fitted.rows, samples.count, this.latentDim), losses, loss: fitted.loss,
        ...(samples.labels ? {labels: samples.labels} : {}),
      };
    } finally {
      x.dispose();
    }
  }

  /**
   * Reconstructions of representations, in data space (the normalisation inverted), one flat
   * row per sample: [samples][features] (row-major within a sample for images).
   *
   * ```ts
   * const recon = await model.decode(model.representations.slice(0, 5));
   * ```
   */
  async decode(representations: readonly (readonly number[])[] | tf.Tensor2D): Promise<number[][]> {
    const out = this.decodeTensor(representations);
    try {
      return toRows(await out.data(), out.shape[0], sizeOf(this.featureShape));
    } finally {
      out.dispose();
    }
  }

  /** `decode` as a tensor [samples, …featureShape] in data space; the caller disposes it. */
  decodeTensor(representations: readonly (readonly number[])[] | tf.Tensor2D): tf.Tensor {
    const fn = 'AutoDecoder.decode';
    this.checkAlive(fn);
    const z = representations instanceof tf.Tensor ? representations : samplesFrom(fn, 'representations', representations as number[][]);
    const count = z instanceof tf.Tensor ? z.shape[0] : z.count;
    const width = z instanceof tf.Tensor ? z.shape.slice(1) : z.featureShape;
    if (width.length !== 1 || width[0] !== this.latentDim) {
      throw new BadDataError(`${fn}: representations must be [samples, ${this.latentDim}], got [${count}, ${width}]`, {option: 'representations'});
    }
    if (z instanceof tf.Tensor && z.isDisposed) throw new BadDataError(`${fn}: representations is a disposed tensor`, {option: 'representations'});
    // A tensor stays where it is (on a GPU: no read back); rows are uploaded 256 at a time.
    const batch = (b: number, e: number): tf.Tensor2D => z instanceof tf.Tensor
      ? tf.cast(tf.slice(z, [b, 0], [e - b, this.latentDim]), 'float32')
      : tf.tensor2d(z.data.subarray(b * this.latentDim, e * this.latentDim), [e - b, this.latentDim]);
    const parts: tf.Tensor[] = [];
    for (let b = 0; b < count; b += 256) {
      const e = Math.min(b + 256, count);
      parts.push(tf.tidy(() => denormalize(this.normalization, this.decoder.module.apply(batch(b, e), {training: false}))));
    }
    if (parts.length === 1) return parts[0];
    const all = tf.concat(parts, 0);
    tf.dispose(parts);
    return all;
  }

  /**
   * Saves the model through a tfjs IO handler or URL (`saveAutoDecoder`): in Node
   * `model.save(fileHandler('models/mine'))`, in a browser `model.save('indexeddb://mine')`.
   */
  async save(location: io.ModelLocation): Promise<tf.io.SaveResult> {
    // Required lazily: the loader builds AutoDecoders, so a static import would be circular.
    const {saveAutoDecoder} = await import('./load-auto-decoder');
    return saveAutoDecoder(this, location);
  }

  /** Trainable parameters of the decoder (and the dispersions, for the negative binomial). */
  countParameters(): number {
    return this.decoder.countParameters() + (this.logDispersion?.size ?? 0);
  }

  /**
   * The decoder load of this fit (eq. 3): constraints per parameter, N·n / (W + N·m) with N the
   * training samples (validation ones excluded), n the features, m the latent dimension and W
   * `countParameters()`. Below 1 the decoder can memorise the data.
   */
  decoderLoad(): number {
    return decoderLoad({
      samples: this.size - this.validationIndices.length, dataDim: sizeOf(this.featureShape), latentDim: this.latentDim,
      weights: this.countParameters(),
    });
  }

  /** Releases the decoder's variables. The model cannot be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.decoder.dispose();
    this.logDispersion?.dispose();
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** The loss latent's functions take. */
  loss(): ReconstructionLoss {
    return reconstructionLoss(this.settings.loss, this.logDispersion);
  }

  /** The decoder as a module with no variables: nothing can train it by accident. */
  private frozenModule(): Module {
    return {apply: (z, options) => this.decoder.module.apply(z, options), variables: []};
  }

  private async checkSamples(fn: string, data: DataInput) {
    const samples = await toSamples(fn, 'data', data);
    const same = samples.featureShape.length === this.featureShape.length && samples.featureShape.every((d, i) => d === this.featureShape[i]);
    if (!same) {
      throw new BadDataError(`${fn}: data has samples of shape [${samples.featureShape}], the model was fitted on [${this.featureShape}]`,
        {option: 'data'});
    }
    return samples;
  }

  private checkAlive(fn: string): void {
    if (this.disposed) throw new BadConfigError(`${fn}: this AutoDecoder was disposed`);
  }
}
