import {createRandom} from '@encoderless/random';
import {BadConfigError} from './latent-errors';

/** What a trainer reports after each epoch. */
export interface EpochReport {
  /** 0-based epoch just finished. */
  readonly epoch: number;
  /** Training loss per entry (mean over samples and features), whatever the reduction. */
  readonly loss: number;
  /** Wall time of the epoch in seconds. */
  readonly seconds: number;
}

/** Options every trainer shares. */
export interface EpochLoopOptions {
  readonly epochs: number;
  /** Default 32. */
  readonly batchSize?: number;
  /** Seed of the per-epoch shuffles. Default 0. */
  readonly seed?: number;
  /** Resume: the first epoch to run (its shuffle is the one a full run would use). Default 0. */
  readonly startEpoch?: number;
  /** Called after every epoch; may be async (e.g. to write a checkpoint). */
  readonly onEpoch?: (report: EpochReport) => void | Promise<void>;
  /** Return true to stop after this epoch (plateau, time budget …). */
  readonly shouldStop?: (report: EpochReport) => boolean;
}

/** Validate the shared options and the sample count. */
export function checkEpochOptions(where: string, options: EpochLoopOptions, samples: number): void {
  const {epochs, batchSize = 32, startEpoch = 0, seed = 0} = options;
  if (!(Number.isInteger(epochs) && epochs >= 0)) throw new BadConfigError(`${where}: epochs must be a whole number, got ${epochs}`);
  if (!(Number.isInteger(batchSize) && batchSize > 0)) throw new BadConfigError(`${where}: batchSize must be a positive integer, got ${batchSize}`);
  if (!(Number.isInteger(startEpoch) && startEpoch >= 0)) throw new BadConfigError(`${where}: startEpoch must be a whole number, got ${startEpoch}`);
  if (!Number.isInteger(seed)) throw new BadConfigError(`${where}: seed must be an integer, got ${seed}`);
  if (!(Number.isInteger(samples) && samples > 0)) throw new BadConfigError(`${where}: need at least one sample, got ${samples}`);
}

/**
 * The shuffled mini-batch loop shared by every trainer. Each epoch's order comes from its own
 * seeded stream, so a run resumed at epoch e sees the same batches as one that never stopped.
 * `step` trains on one batch of sample indices and returns the batch's summed entry loss.
 */
export async function runEpochs(
  options: EpochLoopOptions, samples: number, entriesPerSample: number,
  step: (indices: Int32Array) => number,
  endEpoch: () => void = () => {},
): Promise<EpochReport[]> {
  const {epochs, batchSize = 32, seed = 0, startEpoch = 0, onEpoch, shouldStop} = options;
  const history: EpochReport[] = [];
  for (let epoch = startEpoch; epoch < epochs; epoch++) {
    const started = performance.now();
    const order = createRandom(seed * 100_003 + epoch).permutation(samples);
    let total = 0;
    for (let b = 0; b < samples; b += batchSize) total += step(order.subarray(b, Math.min(b + batchSize, samples)));
    endEpoch();
    const report: EpochReport = {epoch, loss: total / (samples * entriesPerSample), seconds: (performance.now() - started) / 1000};
    history.push(report);
    await onEpoch?.(report);
    if (shouldStop?.(report)) break;
  }
  return history;
}
