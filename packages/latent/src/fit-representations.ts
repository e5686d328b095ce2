import * as tf from '@tensorflow/tfjs-core';
import {checkData, checkDecoderInput, checkOutputShape, entriesPerSample, firstForward} from './check-data';
import {BadConfigError, BadDataError} from './latent-errors';
import {createLatentTable} from './latent-table';
import type {Module} from './module';
import {checkLossOptions, sampleLosses, type LossReduction, type ReconstructionLoss} from './reconstruction-loss';
import {readTensors} from './read-tensors';
import {resolveRowOptimizer, type AdamRowOptimizerConfig, type RowOptimizerConfig, type SgdRowOptimizerConfig} from './row-optimizer';

/**
 * When a row is done: for `patience` steps in a row its own loss has not fallen below
 * `(1 − tolerance)` × its loss at its last such improvement (the first evaluation counts as
 * one). A done row leaves the active set and stops moving.
 */
export interface ConvergenceOptions {
  /** Steps without a relative improvement before the row is done. Default `FIT_DEFAULTS.convergence.patience`. */
  readonly patience?: number;
  /** The relative improvement that counts. Default `FIT_DEFAULTS.convergence.tolerance`. */
  readonly tolerance?: number;
}

/**
 * Each row's own learning rate, adapted from its own loss (SGD only). After a step that raised
 * the row's loss, its factor is multiplied by `shrink` and its momentum cleared (the
 * function-value restart of O'Donoghue & Candès, 2015); after one that did not, by `grow`, up
 * to `maxFactor`. The factor starts at 1 and scales the row's gradient before it enters the
 * momentum buffer: buf ← μ·buf + factor·g, z ← z − lr·buf.
 */
export interface AdaptiveRateOptions {
  /** Default 1.2. */
  readonly grow?: number;
  /** Default 0.5. */
  readonly shrink?: number;
  /** Default 30. */
  readonly maxFactor?: number;
}

/** @deprecated The epoch plateau of the dense fit; read as `convergence: {patience, tolerance: minRelativeImprovement}`. */
export interface PlateauOptions {
  readonly patience?: number;
  readonly minRelativeImprovement?: number;
}

/** The settings of a fit, everything but the decoder and the data: what `resolveFitSettings` reads. */
export interface FitSettingsOptions {
  /** Optimizer steps per row at most (one step = one gradient of the row's own loss). Default `FIT_DEFAULTS.maxSteps`. */
  readonly maxSteps?: number;
  /**
   * Rows per forward/backward pass. Memory and speed only: a row's trajectory does not depend
   * on which rows share its pass. Default 256 (on wasm about 10% less CPU per row than 32).
   */
  readonly batchSize?: number;
  /**
   * The rows' optimizer, one independent copy per row. Default `FIT_DEFAULTS.optimizer`. An SGD
   * config's `semantics` must be left out or `'sparse'`: dense semantics is a training rule.
   */
  readonly optimizer?: RowOptimizerConfig;
  /**
   * Per-row rate adaptation for an SGD optimizer; `false` keeps every row at `learningRate`.
   * Default `FIT_DEFAULTS.adaptiveRate` with SGD; always `false` with Adam (it adapts already).
   */
  readonly adaptiveRate?: AdaptiveRateOptions | false;
  /** `'normal'` (default): N(0, initStd²) from the seed; `'zeros'`: every row starts at the origin. */
  readonly init?: 'normal' | 'zeros';
  /** Default 1, PyTorch's `nn.Embedding` init, as the training table's. */
  readonly initStd?: number;
  /** Default `'mse'`. */
  readonly loss?: ReconstructionLoss;
  /**
   * The row's objective: its sample's loss summed over the features (`'sum'`, default) or their
   * mean (`'mean'`, gradients scaled by 1/features). Never averaged over the pass, so the
   * objective of a row does not depend on `batchSize`.
   */
  readonly reduction?: LossReduction;
  /** The per-row stop; `false` runs every row for `maxSteps` steps. Default `FIT_DEFAULTS.convergence`. */
  readonly convergence?: ConvergenceOptions | false;
  /**
   * Independent random starts per sample; each sample keeps the row with its lowest loss.
   * Restart r's initial rows are the rows a single start would draw next, so restart 0 is
   * exactly the one-start fit. Default 1.
   */
  readonly restarts?: number;
  /** Run the decoder in training mode. Default false. True couples the rows of a pass (batch norm's batch statistics). */
  readonly training?: boolean;
  /** Seed of the initial rows. Default 0. */
  readonly seed?: number;
  /** @deprecated Read as `maxSteps`: under per-row semantics an epoch is one step per row. */
  readonly epochs?: number;
  /** @deprecated Read as `convergence` (see `PlateauOptions`). */
  readonly plateau?: PlateauOptions | false;
}

/** Options for `fitRepresentations`. */
export interface FitRepresentationsOptions extends FitSettingsOptions {
  /** A trained decoder; it stays frozen. */
  readonly decoder: Module;
  /** New samples [N, …features]. */
  readonly data: tf.Tensor;
  /** m, the decoder's input dimension. */
  readonly dim: number;
  /**
   * Candidate starting rows [K, m] (e.g. the training rows, or some of them): each sample's
   * first start is the candidate whose decoding is nearest to it in squared error, instead of a
   * random draw (further restarts stay random). With a low-dimensional representation a random
   * start often lands in the wrong basin; the nearest training row starts in the right one.
   * Costs K decoder passes and N·K distances. Default none.
   */
  readonly startFrom?: Float32Array;
  /** Called after every step with the progress so far. */
  readonly onStep?: (report: FitStepReport) => void | Promise<void>;
}

/** What `onStep` receives. */
export interface FitStepReport {
  /** 0-based step just taken. */
  readonly step: number;
  /** Rows (samples × restarts) evaluated in this step, forward and backward: its cost. */
  readonly activeRows: number;
  /** Rows still active after it. */
  readonly remainingRows: number;
  /** Mean over samples of each sample's best loss per entry so far. */
  readonly loss: number;
  /** Wall time of the step in seconds. */
  readonly seconds: number;
  /**
   * Each sample's lowest-loss row so far, over its restarts [N, m] (the rows the result would
   * hold if the fit ended here): a fresh copy, made when called, so a caller that draws the
   * fit now and then pays only then.
   */
  bestRows(): Float32Array;
}

/** Every setting of a fit, resolved: plain data, for a run's config.json. */
export interface FitSettings {
  /** Always `'per-row'`: each row steps on its own sample's gradient, whatever shares its pass. */
  readonly semantics: 'per-row';
  readonly optimizer: Required<SgdRowOptimizerConfig> | Required<AdamRowOptimizerConfig>;
  readonly adaptiveRate: Required<AdaptiveRateOptions> | false;
  readonly maxSteps: number;
  readonly batchSize: number;
  readonly convergence: Required<ConvergenceOptions> | false;
  readonly restarts: number;
  readonly init: 'normal' | 'zeros';
  readonly initStd: number;
  readonly loss: ReconstructionLoss;
  readonly reduction: LossReduction;
  readonly training: boolean;
  readonly seed: number;
}

/**
 * The defaults of `fitRepresentations`, chosen by measurement (see the README): per-row Adam
 * converges in far fewer gradient evaluations than the paper's SGD at its training rate.
 */
export const FIT_DEFAULTS: FitSettings = {
  semantics: 'per-row',
  optimizer: {kind: 'sgd', learningRate: 0.01, momentum: 0.9, weightDecay: 0, semantics: 'sparse'},
  adaptiveRate: {grow: 1.2, shrink: 0.5, maxFactor: 30},
  maxSteps: 100,
  batchSize: 256,
  convergence: {patience: 5, tolerance: 1e-3},
  restarts: 1,
  init: 'normal',
  initStd: 1,
  loss: 'mse',
  reduction: 'sum',
  training: false,
  seed: 0,
};

/**
 * The settings a fit with these options runs with, every default filled in and checked.
 *
 * ```ts
 * resolveFitSettings({loss: 'bce'}); // {semantics: 'per-row', optimizer: {kind: 'sgd', …}, adaptiveRate: {…}, maxSteps: 100, …}
 * ```
 */
export function resolveFitSettings(options: FitSettingsOptions = {}): FitSettings {
  const where = 'fitRepresentations';
  const d = FIT_DEFAULTS;
  const maxSteps = options.maxSteps ?? options.epochs ?? d.maxSteps;
  const {batchSize = d.batchSize, restarts = d.restarts, init = d.init, initStd = d.initStd, loss = d.loss,
    reduction = d.reduction, training = d.training, seed = d.seed} = options;
  const wholeNumber = (name: string, v: number, min: number) => {
    if (!(Number.isInteger(v) && v >= min)) throw new BadConfigError(`${where}: ${name} must be an integer ≥ ${min}, got ${v}`);
  };
  wholeNumber('maxSteps', maxSteps, 0);
  wholeNumber('batchSize', batchSize, 1);
  wholeNumber('restarts', restarts, 1);
  if (!Number.isInteger(seed)) throw new BadConfigError(`${where}: seed must be an integer, got ${seed}`);
  if (init !== 'normal' && init !== 'zeros') throw new BadConfigError(`${where}: init must be 'normal' or 'zeros', got '${String(init)}'`);
  if (!(Number.isFinite(initStd) && initStd >= 0)) throw new BadConfigError(`${where}: initStd must be a number ≥ 0, got ${initStd}`);
  if (init === 'zeros' && restarts > 1) {
    throw new BadConfigError(`${where}: restarts ${restarts} with init 'zeros' would start every restart at the origin; use init 'normal'`);
  }
  checkLossOptions(where, loss, reduction);
  const given = options.optimizer;
  if (given?.kind === 'sgd' && given.semantics === 'dense') {
    throw new BadConfigError(`${where}: optimizer.semantics 'dense' is a training rule; fitting is per-row ` +
      "(leave semantics out), or fit with trainDecoder({weights: false}) on a dense table to reproduce the old behaviour");
  }
  const resolved = given ? resolveRowOptimizer(given, `${where}: optimizer`) : d.optimizer;
  const optimizer = resolved.kind === 'sgd' ? {...resolved, semantics: 'sparse' as const} : resolved;
  const adapt = options.adaptiveRate;
  if (adapt && optimizer.kind !== 'sgd') {
    throw new BadConfigError(`${where}: adaptiveRate needs an SGD optimizer, got '${optimizer.kind}' (Adam adapts its steps already)`);
  }
  let adaptiveRate: FitSettings['adaptiveRate'] = false;
  if (optimizer.kind === 'sgd' && adapt !== false) {
    const defaults = d.adaptiveRate as Required<AdaptiveRateOptions>;
    const {grow = defaults.grow, shrink = defaults.shrink, maxFactor = defaults.maxFactor} = adapt ?? {};
    if (!(Number.isFinite(grow) && grow >= 1)) throw new BadConfigError(`${where}: adaptiveRate.grow must be ≥ 1, got ${grow}`);
    if (!(shrink > 0 && shrink <= 1)) throw new BadConfigError(`${where}: adaptiveRate.shrink must lie in (0, 1], got ${shrink}`);
    if (!(Number.isFinite(maxFactor) && maxFactor >= 1)) throw new BadConfigError(`${where}: adaptiveRate.maxFactor must be ≥ 1, got ${maxFactor}`);
    adaptiveRate = {grow, shrink, maxFactor};
  }
  const rule = options.convergence ?? (options.plateau === false ? false
    : options.plateau && {patience: options.plateau.patience, tolerance: options.plateau.minRelativeImprovement});
  let convergence: FitSettings['convergence'] = false;
  if (rule !== false) {
    const defaults = d.convergence as Required<ConvergenceOptions>;
    const patience = rule?.patience ?? defaults.patience, tolerance = rule?.tolerance ?? defaults.tolerance;
    wholeNumber('convergence.patience', patience, 1);
    if (!(Number.isFinite(tolerance) && tolerance >= 0 && tolerance < 1)) {
      throw new BadConfigError(`${where}: convergence.tolerance must lie in [0, 1), got ${tolerance}`);
    }
    convergence = {patience, tolerance};
  }
  return {semantics: 'per-row', optimizer, adaptiveRate, maxSteps, batchSize, convergence, restarts, init, initStd, loss, reduction, training, seed};
}

/** What `fitRepresentations` returns. */
export interface FitRepresentationsResult {
  /** The best row per sample [N, m], row-major: the lowest-loss iterate over its steps and restarts. */
  readonly rows: Float32Array;
  /** Each sample's reconstruction loss per entry at its best row [N]. */
  readonly sampleLosses: Float32Array;
  /** Mean loss per entry over the samples. */
  readonly loss: number;
  /** Steps the call ran: the cap, or fewer when every row was done sooner. */
  readonly stepsRun: number;
  /** Rows (samples × restarts) still improving at the cap; 0 when every row converged. */
  readonly unconverged: number;
  /** The settings it ran with. */
  readonly settings: FitSettings;
}

/**
 * Representations for new samples: every sample's row descends its own loss against the frozen
 * decoder. Per-row semantics: each step, every active row takes one optimizer step on the
 * gradient of its own sample's loss, with its own optimizer state, so its trajectory does not
 * depend on which rows share its pass (`batchSize` only trades memory for speed). A row is done
 * when `convergence` says so, and leaves the active set; the call ends when all are done or at
 * `maxSteps`. Only the gradient with respect to the rows is computed, never the weights'.
 *
 * ```ts
 * const {rows, loss, settings} = await fitRepresentations({decoder, data: xTest, dim: 20, loss: 'bce'});
 * ```
 */
export async function fitRepresentations(options: FitRepresentationsOptions): Promise<FitRepresentationsResult> {
  const where = 'fitRepresentations';
  const settings = resolveFitSettings(options);
  const {decoder, data, dim, onStep} = options;
  await checkData(where, 'data', data);
  if (!(Number.isInteger(dim) && dim > 0)) throw new BadConfigError(`${where}: dim must be a positive integer, got ${dim}`);
  checkDecoderInput(where, decoder, dim, 'dim');
  const {maxSteps, batchSize, restarts, loss, reduction, training} = settings;
  const n = data.shape[0];
  const perEntry = entriesPerSample(data);
  const objectiveScale = reduction === 'sum' ? 1 : 1 / perEntry;
  const total = n * restarts;
  // One table for every (restart, sample) row, restart-major: row r·N + i fits sample i.
  // Schedule 'epoch' sums a step's gradients and applies them once, so each row takes one
  // optimizer step per step (Adam's bias correction counts the row's own steps), and sparse
  // semantics leaves done rows where they are.
  const table = createLatentTable({size: total, dim, init: settings.init, initStd: settings.initStd, seed: settings.seed,
    optimizer: settings.optimizer, schedule: 'epoch'});
  if (options.startFrom !== undefined) {
    table.setRows(Int32Array.from({length: n}, (_, i) => i), await nearestRows(where, decoder, options.startFrom, dim, data));
  }
  const best = new Float32Array(total * dim);
  const bestLoss = new Float64Array(total).fill(Infinity);
  const reference = new Float64Array(total).fill(Infinity);
  const waited = new Int32Array(total);
  const rule = settings.convergence;
  const adapt = settings.adaptiveRate;
  const factor = new Float64Array(adapt ? total : 0).fill(1);
  const previous = new Float64Array(adapt ? total : 0).fill(NaN);
  let checked = false;

  /**
   * Each row's summed loss at its current value and, when asked, the gradient of its objective:
   * one read from the backend for both.
   */
  const evaluate = async (rows: Int32Array, z: Float32Array, withGradient: boolean): Promise<{losses: Float32Array; grads?: Float32Array}> => {
    const samples = rows.map((r) => r % n);
    const [lossesT, gradT] = tf.tidy(() => {
      const zt = tf.tensor2d(z, [rows.length, dim]);
      const x = tf.gather(data, tf.tensor1d(samples, 'int32'));
      const forward = () => {
        const out = checked ? decoder.apply(zt, {training}) : firstForward(where, decoder, zt, 'dim', training);
        if (!checked) checkOutputShape(where, out, x);
        checked = true;
        return sampleLosses(out, x, loss);
      };
      if (!withGradient) return [forward()];
      let perSample: tf.Tensor | undefined;
      // Gradients with respect to the rows only: tfjs prunes the tape to the ops between z and
      // the loss, so no weight gradient (Conv2DBackpropFilter …) is ever computed.
      const {grads} = tf.engine().gradients(() => {
        perSample = tf.keep(forward());
        return tf.mul(tf.sum(perSample), objectiveScale);
      }, [zt]);
      return [perSample!, grads[0]];
    });
    try {
      const [losses, grads] = await readTensors(gradT ? [lossesT, gradT] : [lossesT]);
      return {losses, ...(grads ? {grads} : {})};
    } finally {
      tf.dispose([lossesT, gradT]);
    }
  };

  /** Keep each row's best iterate, apply the convergence rule; returns which rows are done. */
  const record = (rows: Int32Array, losses: Float32Array, z: Float32Array, step: number): boolean[] => {
    const done: boolean[] = [];
    for (let k = 0; k < rows.length; k++) {
      const r = rows[k], l = losses[k];
      if (!Number.isFinite(l)) {
        throw new BadDataError(`${where}: the loss of sample ${r % n} (restart ${Math.floor(r / n)}) became ${l} ` +
          `at step ${step}; lower the optimizer's learningRate (now ${settings.optimizer.learningRate}), ` +
          'or check that the decoder outputs finite values');
      }
      if (l < bestLoss[r]) {
        bestLoss[r] = l;
        best.set(z.subarray(k * dim, (k + 1) * dim), r * dim);
      }
      if (l < reference[r] * (1 - (rule ? rule.tolerance : 0))) {
        reference[r] = l;
        waited[r] = 0;
      } else {
        waited[r]++;
      }
      done.push(rule !== false && waited[r] >= rule.patience);
    }
    return done;
  };

  /** Update each row's rate factor from its loss change, clear momentum after a rise, scale its gradient in place. */
  const adaptRates = (a: Required<AdaptiveRateOptions>, rows: Int32Array, losses: Float32Array, z: Float32Array,
    grads: Float32Array, d: number) => {
    for (let k = 0; k < rows.length; k++) {
      const r = rows[k];
      if (losses[k] > previous[r]) {
        factor[r] *= a.shrink;
        table.setRows([r], z.subarray(k * d, (k + 1) * d)); // same values, momentum cleared
      } else if (!Number.isNaN(previous[r])) {
        factor[r] = Math.min(factor[r] * a.grow, a.maxFactor);
      }
      previous[r] = losses[k];
      for (let j = k * d; j < (k + 1) * d; j++) grads[j] *= factor[r];
    }
  };

  /** Each sample's lowest-loss row over its restarts [N, m], and that loss per entry [N]. */
  const bestPerSample = (): {rows: Float32Array; losses: Float32Array} => {
    const rows = new Float32Array(n * dim);
    const losses = new Float32Array(n).fill(Infinity);
    for (let r = 0; r < total; r++) {
      const i = r % n, l = bestLoss[r] / perEntry;
      if (l < losses[i]) {
        losses[i] = l;
        rows.set(best.subarray(r * dim, (r + 1) * dim), i * dim);
      }
    }
    return {rows, losses};
  };

  let active = Int32Array.from({length: total}, (_, i) => i);
  let stepsRun = 0;
  for (let step = 0; step < maxSteps && active.length > 0; step++) {
    const started = performance.now();
    const still: number[] = [];
    for (let b = 0; b < active.length; b += batchSize) {
      const rows = active.subarray(b, Math.min(b + batchSize, active.length));
      const z = table.gather(rows);
      const {losses, grads} = await evaluate(rows, z, true);
      const done = record(rows, losses, z, step);
      if (adapt) adaptRates(adapt, rows, losses, z, grads!, dim);
      const keep = rows.filter((_, k) => !done[k]);
      const g = keep.length === rows.length ? grads! : new Float32Array(keep.length * dim);
      if (keep.length !== rows.length) {
        let j = 0;
        for (let k = 0; k < rows.length; k++) if (!done[k]) g.set(grads!.subarray(k * dim, (k + 1) * dim), dim * j++);
      }
      checkGradients(where, keep, g, dim, n, step);
      table.applyGradients(keep, g);
      still.push(...keep);
    }
    table.endEpoch();
    stepsRun = step + 1;
    const seconds = (performance.now() - started) / 1000;
    await onStep?.({
      step, activeRows: active.length, remainingRows: still.length, loss: meanBest(bestLoss, n, restarts, perEntry), seconds,
      bestRows: () => bestPerSample().rows,
    });
    active = Int32Array.from(still);
  }
  // Rows still active at the cap took a last step that no pass has evaluated: evaluate it.
  for (let b = 0; b < active.length; b += batchSize) {
    const rows = active.subarray(b, Math.min(b + batchSize, active.length));
    const z = table.gather(rows);
    record(rows, (await evaluate(rows, z, false)).losses, z, maxSteps);
  }
  const {rows, losses} = bestPerSample();
  let sum = 0;
  for (const l of losses) sum += l;
  return {rows, sampleLosses: losses, loss: sum / n, stepsRun, unconverged: active.length, settings};
}

/**
 * For every sample of `data`, the candidate row [K, dim] whose decoding is nearest in squared
 * error: ‖x‖² − 2·x·y + ‖y‖² over the flattened features, one matMul per block of candidates.
 */
async function nearestRows(where: string, decoder: Module, candidates: Float32Array, dim: number, data: tf.Tensor): Promise<Float32Array> {
  if (!(candidates instanceof Float32Array) || candidates.length === 0 || candidates.length % dim !== 0) {
    throw new BadConfigError(`${where}: startFrom must be a non-empty Float32Array of rows [K, ${dim}], got ` +
      `${candidates instanceof Float32Array ? `${candidates.length} values` : typeof candidates}`);
  }
  for (let i = 0; i < candidates.length; i++) {
    if (!Number.isFinite(candidates[i])) throw new BadDataError(`${where}: startFrom row ${Math.floor(i / dim)} holds ${candidates[i]}`);
  }
  const n = data.shape[0], k = candidates.length / dim;
  const bestDistance = new Float64Array(n).fill(Infinity);
  const choice = new Int32Array(n);
  const block = 512;
  // The data side, [n, features] and ‖x‖² [n, 1], once for all blocks of candidates.
  const [x, xx] = tf.tidy(() => {
    const flat = tf.reshape(data, [n, -1]);
    return [flat, tf.sum(tf.square(flat), 1, true)];
  });
  try {
    for (let c = 0; c < k; c += block) {
      const e = Math.min(c + block, k);
      const distancesT = tf.tidy(() => {
        const y = tf.reshape(decoder.apply(tf.tensor2d(candidates.subarray(c * dim, e * dim), [e - c, dim]), {training: false}), [e - c, -1]);
        const cross = tf.matMul(x, y, false, true);
        return tf.add(tf.sub(xx, tf.mul(cross, 2)), tf.sum(tf.square(y), 1));
      });
      let distances: Float32Array;
      try {
        [distances] = await readTensors([distancesT]);
      } finally {
        distancesT.dispose();
      }
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < e - c; j++) {
          const d = distances[i * (e - c) + j];
          if (d < bestDistance[i]) {
            bestDistance[i] = d;
            choice[i] = c + j;
          }
        }
      }
    }
  } finally {
    tf.dispose([x, xx]);
  }
  const rows = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) rows.set(candidates.subarray(choice[i] * dim, (choice[i] + 1) * dim), i * dim);
  return rows;
}

function checkGradients(where: string, rows: ArrayLike<number>, grads: Float32Array, dim: number, n: number, step: number): void {
  for (let i = 0; i < grads.length; i++) {
    if (!Number.isFinite(grads[i])) {
      const r = rows[Math.floor(i / dim)];
      throw new BadDataError(`${where}: the gradient of sample ${r % n} (restart ${Math.floor(r / n)}) became ` +
        `${grads[i]} at step ${step}; lower the optimizer's learningRate`);
    }
  }
}

/** Mean over samples of the best loss per entry among a sample's restarts. */
function meanBest(bestLoss: Float64Array, n: number, restarts: number, perEntry: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    let l = Infinity;
    for (let r = 0; r < restarts; r++) l = Math.min(l, bestLoss[r * n + i]);
    sum += l;
  }
  return sum / (n * perEntry);
}

/** Each sample's summed loss at the given rows, in batches, without gradients (async reads: works on every backend). */
export async function samplewiseLoss(decoder: Module, rows: Float32Array, dim: number, data: tf.Tensor,
  loss: ReconstructionLoss = 'mse', batchSize = 256, training = false): Promise<Float32Array> {
  const n = data.shape[0];
  const out = new Float32Array(n);
  for (let b = 0; b < n; b += batchSize) {
    const e = Math.min(b + batchSize, n);
    const values = tf.tidy(() => {
      const z = tf.tensor2d(rows.subarray(b * dim, e * dim), [e - b, dim]);
      const x = tf.slice(data, b, e - b);
      return sampleLosses(decoder.apply(z, {training}), x, loss);
    });
    try {
      out.set(await values.data(), b);
    } finally {
      values.dispose();
    }
  }
  return out;
}

/** Mean reconstruction loss per entry of `data` decoded from `rows` [N, m]. */
export async function reconstructionError(decoder: Module, rows: Float32Array, dim: number, data: tf.Tensor,
  loss: ReconstructionLoss = 'mse', training = false): Promise<number> {
  const losses = await samplewiseLoss(decoder, rows, dim, data, loss, 256, training);
  let total = 0;
  for (const l of losses) total += l;
  return total / data.size;
}
