import * as tf from '@tensorflow/tfjs-core';
import {createRandom} from '@encoderless/random';
import {checkData} from './check-data';
import type {EpochReport} from './epoch-loop';
import {BadConfigError} from './latent-errors';
import {createLatentTable} from './latent-table';
import type {Module} from './module';
import type {LossReduction, ReconstructionLoss} from './reconstruction-loss';
import {sampleLosses} from './reconstruction-loss';
import {PAPER_ROW_OPTIMIZER, type RowOptimizerConfig} from './row-optimizer';
import {trainDecoder} from './train-decoder';

/** Stop when the epoch loss has not improved by `minRelativeImprovement` for `patience` epochs. */
export interface PlateauOptions {
  /** Default 10. */
  readonly patience?: number;
  /** Default 1e-4. */
  readonly minRelativeImprovement?: number;
}

/** Options for `fitRepresentations`. */
export interface FitRepresentationsOptions {
  /** A trained decoder; it stays frozen. */
  readonly decoder: Module;
  /** New samples [N, …features]. */
  readonly data: tf.Tensor;
  /** m, the decoder's input dimension. */
  readonly dim: number;
  /** Passes over the data at most. Default 100. */
  readonly epochs?: number;
  /** Default 32. */
  readonly batchSize?: number;
  /** Default: the paper's SGD lr 0.01, momentum 0.9, dense semantics. */
  readonly optimizer?: RowOptimizerConfig;
  /** Default `'normal'` with std `initStd` (default 1). */
  readonly init?: 'normal' | 'zeros';
  readonly initStd?: number;
  readonly loss?: ReconstructionLoss;
  readonly reduction?: LossReduction;
  /** Plateau stop; `false` runs every epoch. Default {patience 10, minRelativeImprovement 1e-4}. */
  readonly plateau?: PlateauOptions | false;
  /** Independent random starts; each sample keeps the row with its lowest loss. Default 1. */
  readonly restarts?: number;
  /** Run the decoder in training mode (batch statistics). Default false. */
  readonly training?: boolean;
  readonly seed?: number;
  readonly onEpoch?: (report: EpochReport & {readonly restart: number}) => void | Promise<void>;
}

/** What `fitRepresentations` returns. */
export interface FitRepresentationsResult {
  /** The best row per sample [N, m], row-major. */
  readonly rows: Float32Array;
  /** Each sample's reconstruction loss per entry at its best row [N]. */
  readonly sampleLosses: Float32Array;
  /** Mean loss per entry over the samples. */
  readonly loss: number;
  /** Epochs run in each restart. */
  readonly epochsRun: number[];
}

/**
 * Representations for new samples: rows fitted by the same descent against a frozen decoder.
 *
 * ```ts
 * const {rows, loss} = await fitRepresentations({decoder, data: xTest, dim: 20, epochs: 100});
 * ```
 */
export async function fitRepresentations(options: FitRepresentationsOptions): Promise<FitRepresentationsResult> {
  const where = 'fitRepresentations';
  const {
    decoder, data, dim, epochs = 100, batchSize = 32, optimizer = PAPER_ROW_OPTIMIZER,
    init = 'normal', initStd = 1, loss = 'mse', reduction = 'sum', restarts = 1, training = false, seed = 0,
  } = options;
  const plateau = options.plateau === undefined ? {} : options.plateau;
  checkData(where, 'data', data);
  if (!(Number.isInteger(restarts) && restarts >= 1)) {
    throw new BadConfigError(`${where}: restarts must be a positive integer, got ${restarts}`);
  }
  const n = data.shape[0];
  const perEntry = data.size / n;
  const rng = createRandom(seed);
  const best = new Float32Array(n * dim);
  const bestLoss = new Float32Array(n).fill(Infinity);
  const epochsRun: number[] = [];

  for (let restart = 0; restart < restarts; restart++) {
    const table = createLatentTable({size: n, dim, init, initStd, seed: rng.seed(), optimizer});
    const stop = plateau === false ? undefined : plateauStopper(plateau);
    const {history} = await trainDecoder({
      decoder, data, table, epochs, batchSize, loss, reduction, training, weights: false, seed: rng.seed(),
      shouldStop: stop, onEpoch: options.onEpoch && ((r) => options.onEpoch!({...r, restart})),
    });
    epochsRun.push(history.length);
    const rows = table.snapshot();
    const losses = samplewiseLoss(decoder, rows, dim, data, loss, batchSize, training);
    for (let i = 0; i < n; i++) {
      const l = losses[i] / perEntry;
      if (l < bestLoss[i]) {
        bestLoss[i] = l;
        best.set(rows.subarray(i * dim, (i + 1) * dim), i * dim);
      }
    }
  }
  let total = 0;
  for (let i = 0; i < n; i++) total += bestLoss[i];
  return {rows: best, sampleLosses: bestLoss, loss: total / n, epochsRun};
}

function plateauStopper({patience = 10, minRelativeImprovement = 1e-4}: PlateauOptions): (r: EpochReport) => boolean {
  let best = Infinity, waited = 0;
  return (r) => {
    if (r.loss < best * (1 - minRelativeImprovement)) {
      best = r.loss;
      waited = 0;
      return false;
    }
    return ++waited >= patience;
  };
}

/** Each sample's summed loss at the given rows, in batches, without gradients. */
export function samplewiseLoss(decoder: Module, rows: Float32Array, dim: number, data: tf.Tensor,
  loss: ReconstructionLoss = 'mse', batchSize = 256, training = false): Float32Array {
  const n = data.shape[0];
  const out = new Float32Array(n);
  for (let b = 0; b < n; b += batchSize) {
    const e = Math.min(b + batchSize, n);
    const values = tf.tidy(() => {
      const z = tf.tensor2d(rows.subarray(b * dim, e * dim), [e - b, dim]);
      const x = tf.slice(data, b, e - b);
      return sampleLosses(decoder.apply(z, {training}), x, loss).dataSync();
    });
    out.set(values, b);
  }
  return out;
}

/** Mean reconstruction loss per entry of `data` decoded from `rows` [N, m]. */
export function reconstructionError(decoder: Module, rows: Float32Array, dim: number, data: tf.Tensor,
  loss: ReconstructionLoss = 'mse', training = false): number {
  const losses = samplewiseLoss(decoder, rows, dim, data, loss, 256, training);
  let total = 0;
  for (const l of losses) total += l;
  return total / data.size;
}
