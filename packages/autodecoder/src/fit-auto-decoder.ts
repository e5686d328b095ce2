import * as tf from '@tensorflow/tfjs-core';
import {BadConfigError, BadDataError, describe} from '@encoderless/errors';
import {
  createLatentTable, PAPER_ROW_OPTIMIZER, resolveRowOptimizer, trainDecoder, type Module, type RowOptimizerConfig, type ThreadsOptions,
} from '@encoderless/latent';
import {modelKinds, type ModelKinds, type ModelSpec} from '@encoderless/models';
import {decoderLoad} from '@encoderless/load';
import {createRandom} from '@encoderless/random';
import {
  AutoDecoder, LOSSES, reconstructionLoss, type AutoDecoderLoss, type AutoDecoderSettings, type EpochRecord, type StopReason,
  type ValidationSettings,
} from './auto-decoder';
import {sizeOf, toSamples, type DataInput} from './data-input';
import {loadWarning} from './fit-report';
import {fitRows, resolveTransformSettings, TRANSFORM_DEFAULTS, type TransformOptions} from './fit-rows';
import {checkNormalizationKind, fitNormalization, normalize, type NormalizationKind} from './normalization';
import {replicaModulePath} from './replica-module-path';
import {DEFAULT_MLP, resolveDecoder, type DecoderOption} from './resolve-decoder';

/** Options of `fitAutoDecoder`. Only `latentDim` is required. */
export interface FitAutoDecoderOptions {
  /** m, the size of each representation. */
  readonly latentDim: number;
  /** Default `{kind: 'mlp'}`: two hidden layers of max(64, 2·latentDim) (see `DecoderOption`, `defaultHidden`). */
  readonly decoder?: DecoderOption;
  /** Default `'mse'`. */
  readonly loss?: AutoDecoderLoss;
  /** Default `'standardize'` for mse, `'none'` for the other losses (they need the data as it is). */
  readonly normalize?: NormalizationKind;
  /** Passes over the training samples. Default 100. */
  readonly epochs?: number;
  /** Default 32. */
  readonly batchSize?: number;
  /** Adam's learning rate for the decoder weights. Default 1e-3. */
  readonly learningRate?: number;
  /** Adam's (L2) weight decay on the decoder weights. Default 0. */
  readonly weightDecay?: number;
  /** The training rows' optimizer. Default the paper's: SGD, lr 0.01, momentum 0.9. */
  readonly rowOptimizer?: RowOptimizerConfig;
  /**
   * Hold out samples for early stopping: a fraction in (0, 1), or `{fraction, every = 5,
   * patience = 3}`. Every `every` epochs the held-out samples are fitted against the frozen
   * decoder; the fit stops after `patience` checks without a lower validation loss and keeps
   * the state (weights, batch-norm statistics and rows) of the best check. Default: none.
   */
  readonly validation?: number | (Partial<ValidationSettings> & {readonly fraction: number});
  /** The defaults of `transform` and of the validation fits. Default `TRANSFORM_DEFAULTS`. */
  readonly transform?: Omit<TransformOptions, 'onProgress'>;
  /** Seeds the split, the decoder's init, the rows and the batches. Default 0. */
  readonly seed?: number;
  /** Extra zoo kinds for a spec given as `decoder` (as `createModel` takes them). */
  readonly kinds?: ModelKinds;
  /**
   * Called once the decoder is built, before the first epoch (awaited): its parameter count and
   * the decoder load (eq. 3) of this fit, with a warning below 1 — worth printing before a long run.
   */
  readonly onStart?: (plan: FitPlan) => void | Promise<void>;
  /** Called after every epoch, awaited. */
  readonly onEpoch?: (report: FitProgress) => void | Promise<void>;
  /**
   * Stops the fit after the batch it is in. The fit then resolves normally with a usable model
   * (`stopReason: 'aborted'`): the best checked state with validation, else the state reached.
   */
  readonly signal?: AbortSignal;
  /**
   * Threads that compute each training batch (Node.js; the latent package's data parallelism):
   * each thread builds its own copy of the decoder from its spec and computes a share of every
   * batch, so one fit uses several cores. Results equal one thread's up to float rounding, except
   * with batch norm (the CIFAR decoders): each thread normalises its share with its own
   * statistics, and the running statistics kept are the calling thread's. On tfjs-node(-gpu) the
   * workers run tfjs-node, on the CPU.
   * Needs a zoo decoder (`'mlp'` or a spec; a factory or LayersModel cannot be rebuilt in a
   * worker), a loss other than negative-binomial (its dispersions are a closure), and
   * @encoderless/backends installed (each worker selects the backend with it). Validation
   * fits and `transform` run on one thread. At most the cores. Default 1.
   */
  readonly threads?: number;
}

/** A copy of everything that moves in training, taken at the best validation check. */
interface BestState {
  readonly epoch: number;
  readonly loss: number;
  /** Decoder variables, state and dispersions, in the order of `weights`. */
  readonly weights: tf.Tensor[];
  readonly rows: Float32Array;
  readonly validationRows: Float32Array;
}

/** What `onStart` receives: the fit about to run. */
export interface FitPlan {
  readonly trainingSamples: number;
  readonly validationSamples: number;
  readonly featureShape: readonly number[];
  readonly latentDim: number;
  /** 'mlp-decoder', 'cifar-decoder', 'custom module', … */
  readonly decoder: string;
  /** Trainable parameters (decoder weights, and the dispersions of the negative binomial). */
  readonly parameters: number;
  /** N·n / (W + N·m), eq. 3, with N the training samples. */
  readonly decoderLoad: number;
  /** A sentence when the load is below 1, else null. */
  readonly loadWarning: string | null;
}

/** What `onEpoch` receives. */
export interface FitProgress extends EpochRecord {
  readonly epochs: number;
  /** Wall time of this epoch (and its validation check). */
  readonly seconds: number;
  readonly elapsedSeconds: number;
  /** Estimated time to the last epoch at the mean pace so far. */
  readonly remainingSeconds: number;
}

const optionKeys = ['latentDim', 'decoder', 'loss', 'normalize', 'epochs', 'batchSize', 'learningRate', 'weightDecay',
  'rowOptimizer', 'validation', 'transform', 'seed', 'kinds', 'onStart', 'onEpoch', 'signal', 'threads'];

/**
 * Fits an auto-decoder: a decoder trained together with one free representation per sample
 * (no encoder), scikit-learn style. Returns the fitted `AutoDecoder`: `representations` of the
 * training samples, `transform(newData)`, `decode(rows)`, `save(…)`.
 *
 * ```ts
 * const model = await fitAutoDecoder(table, {latentDim: 8, epochs: 200, validation: 0.1});
 * model.representations;                 // number[][], one row per sample of `table`
 * const {representations} = await model.transform(newTable);
 * ```
 */
export async function fitAutoDecoder(data: DataInput, options: FitAutoDecoderOptions): Promise<AutoDecoder> {
  const fn = 'fitAutoDecoder';
  const settings = resolveSettings(fn, options);
  const samples = await toSamples(fn, 'data', data);
  const size = sizeOf(samples.featureShape);
  const {latentDim: m, loss, seed} = settings;
  const rng = createRandom(seed);

  const split = splitValidation(fn, samples.count, settings.validation, rng.seed());
  const take = (indices: readonly number[]) => {
    const out = new Float32Array(indices.length * size);
    indices.forEach((i, k) => out.set(samples.data.subarray(i * size, (i + 1) * size), k * size));
    return out;
  };
  // Without validation every sample trains, in order: samples.data is already this function's own copy.
  const trainValues = split.validation.length === 0 ? samples.data : take(split.train);
  checkValues(fn, loss, trainValues, size);
  const normalization = fitNormalization(settings.normalize, trainValues, split.train.length, size);
  const shape = samples.featureShape;
  const xTrain = tf.tensor(normalize(fn, normalization, trainValues, size), [split.train.length, ...shape]);
  const xVal = split.validation.length > 0
    ? tf.tensor(normalize(fn, normalization, take(split.validation), size), [split.validation.length, ...shape]) : null;
  const decoder = resolveDecoder(fn, options.decoder ?? DEFAULT_MLP, m, shape, loss, rng.seed(), {...modelKinds, ...options.kinds});
  const logDispersion = loss === 'negative-binomial' ? tf.variable(initialLogDispersion(trainValues, split.train.length, size, shape)) : null;
  const lossFn = reconstructionLoss(loss, logDispersion);
  const weights: tf.Variable[] = [...decoder.variables, ...decoder.state, ...(logDispersion ? [logDispersion] : [])];
  // The dispersions train with the weights: the loss reads them, so they get gradients.
  const trained: Module = {
    apply: (z, o) => decoder.module.apply(z, o), variables: [...decoder.variables, ...(logDispersion ? [logDispersion] : [])], state: [...decoder.state],
  };
  const frozen: Module = {apply: (z, o) => decoder.module.apply(z, o), variables: []};

  const table = createLatentTable({size: split.train.length, dim: m, seed: rng.seed(), optimizer: settings.rowOptimizer});
  const history: EpochRecord[] = [];
  // The state of the best validation check: written inside onEpoch, so held in an object.
  const kept: {best: BestState | null} = {best: null};
  let waited = 0, stopReason: StopReason = 'epochs';
  const started = performance.now();
  const checkEvery = settings.validation?.every ?? 0;
  const trainSeed = rng.seed();

  try {
    const spread = spreadOver(fn, options, decoder.spec, m, shape, loss);
    if (options.onStart) {
      const parameters = decoder.countParameters() + (logDispersion?.size ?? 0);
      const load = decoderLoad({samples: split.train.length, dataDim: size, latentDim: m, weights: parameters});
      await options.onStart({
        trainingSamples: split.train.length, validationSamples: split.validation.length, featureShape: shape, latentDim: m,
        decoder: decoder.description, parameters, decoderLoad: load,
        loadWarning: loadWarning({load, parameters, samples: split.train.length, latentDim: m, entries: size}),
      });
    }
    const {optimizer} = await trainDecoder({
      decoder: trained, data: xTrain, table, loss: lossFn, epochs: settings.epochs, batchSize: settings.batchSize, seed: trainSeed,
      weights: {learningRate: settings.learningRate, weightDecay: settings.weightDecay},
      ...(options.signal ? {signal: options.signal} : {}),
      ...spread,
      onEpoch: async (report) => {
        let validationLoss: number | undefined;
        if (xVal && ((report.epoch + 1) % checkEvery === 0 || report.epoch + 1 === settings.epochs)) {
          const rows = table.snapshot(); // read-only below: the start candidates, and the best rows kept
          const fitted = await fitRows(frozen, xVal, m, lossFn, settings.transform, rows);
          validationLoss = fitted.loss;
          if (!kept.best || fitted.loss < kept.best.loss) {
            tf.dispose(kept.best?.weights ?? []);
            kept.best = {epoch: report.epoch, loss: fitted.loss, weights: weights.map((w) => tf.clone(w)), rows, validationRows: fitted.rows};
            waited = 0;
          } else if (++waited >= settings.validation!.patience) {
            stopReason = 'early-stopping';
          }
        }
        const record: EpochRecord = {epoch: report.epoch, loss: report.loss, ...(validationLoss !== undefined ? {validationLoss} : {})};
        history.push(record);
        const elapsedSeconds = (performance.now() - started) / 1000;
        await options.onEpoch?.({
          ...record, epochs: settings.epochs, seconds: report.seconds, elapsedSeconds,
          remainingSeconds: elapsedSeconds / (report.epoch + 1) * (settings.epochs - report.epoch - 1),
        });
      },
      shouldStop: () => stopReason === 'early-stopping',
    });
    optimizer?.dispose();
    if (options.signal?.aborted) stopReason = 'aborted';

    const best = kept.best;
    let trainRows: Float32Array, validationRows: Float32Array | null = null;
    if (best) {
      weights.forEach((w, i) => w.assign(best.weights[i]));
      trainRows = best.rows;
      validationRows = best.validationRows;
    } else {
      trainRows = table.snapshot();
      if (xVal) validationRows = (await fitRows(frozen, xVal, m, lossFn, settings.transform, trainRows)).rows;
    }
    const rows = new Float32Array(samples.count * m);
    split.train.forEach((i, k) => rows.set(trainRows.subarray(k * m, (k + 1) * m), i * m));
    split.validation.forEach((i, k) => rows.set(validationRows!.subarray(k * m, (k + 1) * m), i * m));
    return new AutoDecoder({
      decoder, logDispersion, settings, normalization, featureShape: shape, featureNames: samples.columns ?? null, rows,
      labels: samples.labels ?? null, validationIndices: split.validation, history, stopReason, bestEpoch: best ? best.epoch : null,
    });
  } catch (err) {
    decoder.dispose();
    logDispersion?.dispose();
    throw err;
  } finally {
    tf.dispose([xTrain, ...(xVal ? [xVal] : []), ...(kept.best?.weights ?? [])]);
  }
}

/**
 * The trainer's threads options for `options.threads`: a replica recipe that rebuilds the
 * decoder from its spec in each worker, or a clear refusal of what a worker cannot rebuild.
 */
function spreadOver(fn: string, options: FitAutoDecoderOptions, spec: ModelSpec | null, latentDim: number,
  featureShape: readonly number[], loss: AutoDecoderLoss): ThreadsOptions {
  const {threads = 1} = options;
  if (!(Number.isInteger(threads) && threads >= 1)) {
    throw new BadConfigError(`${fn}: threads must be a positive integer, got ${describe(threads)}`, {option: 'threads'});
  }
  if (threads === 1) return {};
  const refuse = (why: string) => new BadConfigError(`${fn}: threads ${threads} ${why}; use threads: 1`, {option: 'threads'});
  if (spec === null) throw refuse('needs a decoder given as \'mlp\' or a zoo spec: a factory or a tf.LayersModel cannot be rebuilt in a worker thread');
  if (options.kinds && spec.kind in options.kinds) throw refuse(`cannot rebuild the decoder kind '${spec.kind}' of options.kinds in a worker thread`);
  if (loss === 'negative-binomial') throw refuse('does not train the negative-binomial loss (its dispersions live in the calling thread)');
  const module = replicaModulePath();
  if (module === null) throw refuse('needs Node.js worker threads');
  // tfjs's name of the backend: the replica, which has @encoderless/backends, turns it into ours.
  return {threads, replica: {module, export: 'createAutoDecoderReplica', args: [tf.getBackend(), spec, latentDim, [...featureShape], loss]}};
}

/** Every option checked and every default filled in: the settings saved with the model. */
function resolveSettings(fn: string, options: FitAutoDecoderOptions): AutoDecoderSettings {
  if (typeof options !== 'object' || options === null) {
    throw new BadConfigError(`${fn}: options must be an object with at least latentDim, got ${describe(options)}`, {option: 'options'});
  }
  const unknown = Object.keys(options).filter((k) => !optionKeys.includes(k));
  if (unknown.length > 0) {
    throw new BadConfigError(`${fn}: unknown option ${unknown.map((k) => `"${k}"`).join(', ')}; it takes ${optionKeys.join(', ')}`,
      {option: unknown[0]});
  }
  const positiveInteger = (name: string, v: unknown) => {
    if (!(Number.isInteger(v) && (v as number) > 0)) throw new BadConfigError(`${fn}: ${name} must be a positive integer, got ${describe(v)}`, {option: name});
    return v as number;
  };
  const nonNegative = (name: string, v: unknown) => {
    if (!(typeof v === 'number' && Number.isFinite(v) && v >= 0)) throw new BadConfigError(`${fn}: ${name} must be a number ≥ 0, got ${describe(v)}`, {option: name});
    return v;
  };
  const latentDim = positiveInteger('latentDim', options.latentDim);
  const loss = options.loss ?? 'mse';
  if (!LOSSES.includes(loss)) {
    throw new BadConfigError(`${fn}: loss must be ${LOSSES.map((l) => `'${l}'`).join(', ')}, got ${describe(loss)}`, {option: 'loss'});
  }
  const normalizeKind = checkNormalizationKind(fn, options.normalize ?? (loss === 'mse' ? 'standardize' : 'none'));
  if ((loss === 'poisson' || loss === 'negative-binomial') && normalizeKind !== 'none') {
    throw new BadConfigError(`${fn}: loss '${loss}' is a likelihood of counts, so normalize must be 'none', got '${normalizeKind}'`, {option: 'normalize'});
  }
  if (loss === 'bce' && normalizeKind !== 'none' && normalizeKind !== 'min-max') {
    throw new BadConfigError(`${fn}: loss 'bce' needs values in [0, 1]: normalize must be 'none' or 'min-max', got '${normalizeKind}'`, {option: 'normalize'});
  }
  const epochs = positiveInteger('epochs', options.epochs ?? 100);
  const batchSize = positiveInteger('batchSize', options.batchSize ?? 32);
  const learningRate = options.learningRate ?? 1e-3;
  if (!(typeof learningRate === 'number' && learningRate > 0 && Number.isFinite(learningRate))) {
    throw new BadConfigError(`${fn}: learningRate must be a positive number, got ${describe(learningRate)}`, {option: 'learningRate'});
  }
  const weightDecay = nonNegative('weightDecay', options.weightDecay ?? 0);
  const rowOptimizer = options.rowOptimizer ?? PAPER_ROW_OPTIMIZER;
  resolveRowOptimizer(rowOptimizer, `${fn}: rowOptimizer`);
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw new BadConfigError(`${fn}: seed must be an integer, got ${describe(seed)}`, {option: 'seed'});
  for (const name of ['onStart', 'onEpoch'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw new BadConfigError(`${fn}: ${name} must be a function, got ${describe(options[name])}`, {option: name});
    }
  }
  const signal = options.signal as unknown;
  if (signal !== undefined && typeof (signal as AbortSignal)?.aborted !== 'boolean') {
    throw new BadConfigError(`${fn}: signal must be an AbortSignal, got ${describe(signal)}`, {option: 'signal'});
  }
  return {
    latentDim, loss, normalize: normalizeKind, epochs, batchSize, learningRate, weightDecay, rowOptimizer,
    validation: resolveValidation(fn, options.validation), seed,
    transform: resolveTransformSettings(fn, options.transform, TRANSFORM_DEFAULTS, 'transform'),
  };
}

function resolveValidation(fn: string, option: FitAutoDecoderOptions['validation']): ValidationSettings | null {
  if (option === undefined || option === 0) return null;
  const given = typeof option === 'number' ? {fraction: option} : option;
  if (typeof given !== 'object' || given === null) {
    throw new BadConfigError(`${fn}: validation must be a fraction in (0, 1) or {fraction, every, patience}, got ${describe(option)}`,
      {option: 'validation'});
  }
  const unknown = Object.keys(given).filter((k) => !['fraction', 'every', 'patience'].includes(k));
  if (unknown.length > 0) {
    throw new BadConfigError(`${fn}: validation takes fraction, every and patience, got "${unknown[0]}"`, {option: 'validation'});
  }
  const {fraction, every = 5, patience = 3} = given;
  if (!(typeof fraction === 'number' && fraction > 0 && fraction < 1)) {
    throw new BadConfigError(`${fn}: validation.fraction must be in (0, 1), got ${describe(fraction)}`, {option: 'validation'});
  }
  for (const [name, v] of [['every', every], ['patience', patience]] as const) {
    if (!(Number.isInteger(v) && v > 0)) {
      throw new BadConfigError(`${fn}: validation.${name} must be a positive integer, got ${describe(v)}`, {option: 'validation'});
    }
  }
  return {fraction, every, patience};
}

/** A seeded split: round(fraction·N) held-out samples (at least one, leaving one), indices sorted. */
function splitValidation(fn: string, count: number, validation: ValidationSettings | null, seed: number): {train: number[]; validation: number[]} {
  if (!validation) return {train: Array.from({length: count}, (_, i) => i), validation: []};
  const held = Math.max(1, Math.round(validation.fraction * count));
  if (held >= count) {
    throw new BadDataError(`${fn}: validation.fraction ${validation.fraction} of ${count} samples leaves none to train on`, {option: 'validation'});
  }
  const order = createRandom(seed).permutation(count);
  const isHeld = new Uint8Array(count);
  for (let k = 0; k < held; k++) isHeld[order[k]] = 1;
  const train: number[] = [], validationIndices: number[] = [];
  for (let i = 0; i < count; i++) (isHeld[i] ? validationIndices : train).push(i);
  return {train, validation: validationIndices};
}

/** The loss's domain: counts are ≥ 0, BCE targets in [0, 1]. */
function checkValues(fn: string, loss: AutoDecoderLoss, values: Float32Array, size: number): void {
  const bad = loss === 'bce' ? values.findIndex((v) => v < 0 || v > 1)
    : loss === 'poisson' || loss === 'negative-binomial' ? values.findIndex((v) => v < 0) : -1;
  if (bad >= 0) {
    const range = loss === 'bce' ? 'in [0, 1] (or normalize: \'min-max\')' : '≥ 0 (counts)';
    throw new BadDataError(`${fn}: loss '${loss}' needs values ${range}; training sample ${Math.floor(bad / size)}, feature ${bad % size} is ${values[bad]}`,
      {option: 'loss'});
  }
}

/**
 * The negative binomial's per-feature log r from the moments: var = μ + μ²/r gives
 * r = μ² / (var − μ); features without over-dispersion start near Poisson (r = 1e4).
 */
function initialLogDispersion(values: Float32Array, count: number, size: number, shape: readonly number[]): tf.Tensor {
  const logR = new Float32Array(size);
  for (let j = 0; j < size; j++) {
    let sum = 0, ss = 0;
    for (let i = 0; i < count; i++) sum += values[i * size + j];
    const mean = sum / count;
    for (let i = 0; i < count; i++) ss += (values[i * size + j] - mean) ** 2;
    const excess = ss / count - mean;
    const r = excess > 0 && mean > 0 ? (mean * mean) / excess : 1e4;
    logR[j] = Math.log(Math.min(1e4, Math.max(1e-2, r)));
  }
  return tf.tensor(logR, [...shape]);
}
