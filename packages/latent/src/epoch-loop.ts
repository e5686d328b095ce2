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
  /**
   * Stops the loop after the batch it is in when aborted: the interrupted epoch's rows and
   * weights keep the batches done (a table with schedule 'epoch' takes their summed step), it is
   * not reported, and the call returns the history of the full epochs normally (it does not
   * throw; check `signal.aborted`). With a signal the loop yields to the event loop after every
   * batch, so a timer or a Ctrl-C handler can abort it mid-epoch.
   */
  readonly signal?: AbortSignal;
}

/** Validate the shared options and the sample count. */
export function checkEpochOptions(where: string, options: EpochLoopOptions, samples: number): void {
  const {epochs, batchSize = 32, startEpoch = 0, seed = 0} = options;
  if (!(Number.isInteger(epochs) && epochs >= 0)) throw new BadConfigError(`${where}: epochs must be a whole number, got ${epochs}`);
  if (!(Number.isInteger(batchSize) && batchSize > 0)) throw new BadConfigError(`${where}: batchSize must be a positive integer, got ${batchSize}`);
  if (!(Number.isInteger(startEpoch) && startEpoch >= 0)) throw new BadConfigError(`${where}: startEpoch must be a whole number, got ${startEpoch}`);
  if (!Number.isInteger(seed)) throw new BadConfigError(`${where}: seed must be an integer, got ${seed}`);
  if (!(Number.isInteger(samples) && samples > 0)) throw new BadConfigError(`${where}: need at least one sample, got ${samples}`);
  const signal = options.signal as unknown;
  if (signal !== undefined && (typeof signal !== 'object' || signal === null || typeof (signal as AbortSignal).aborted !== 'boolean')) {
    throw new BadConfigError(`${where}: signal must be an AbortSignal (new AbortController().signal), got ${String(signal)}`, {option: 'signal'});
  }
}

/** Resolves on the next macrotask, so timers and I/O callbacks (an abort) run in between. */
function nextTask(): Promise<void> {
  const immediate = (globalThis as {setImmediate?: (callback: () => void) => unknown}).setImmediate;
  return new Promise((resolve) => (immediate ? immediate(resolve) : setTimeout(resolve, 0)));
}

/**
 * The shuffled mini-batch loop shared by every trainer. Each epoch's order comes from its own
 * seeded stream, so a run resumed at epoch e sees the same batches as one that never stopped.
 * `step` trains on one batch of sample indices and returns (or resolves to) the batch's summed
 * entry loss.
 */
export async function runEpochs(
  options: EpochLoopOptions, samples: number, entriesPerSample: number,
  step: (indices: Int32Array) => number | Promise<number>,
  endEpoch: () => void = () => {},
): Promise<EpochReport[]> {
  const {epochs, batchSize = 32, seed = 0, startEpoch = 0, onEpoch, shouldStop, signal} = options;
  const history: EpochReport[] = [];
  for (let epoch = startEpoch; epoch < epochs && !signal?.aborted; epoch++) {
    const started = performance.now();
    const order = createRandom(seed * 100_003 + epoch).permutation(samples);
    let total = 0;
    for (let b = 0; b < samples; b += batchSize) {
      total += await step(order.subarray(b, Math.min(b + batchSize, samples)));
      if (signal) {
        await nextTask();
        if (signal.aborted) break;
      }
    }
    endEpoch();
    if (signal?.aborted) break;
    const report: EpochReport = {epoch, loss: total / (samples * entriesPerSample), seconds: (performance.now() - started) / 1000};
    history.push(report);
    await onEpoch?.(report);
    if (shouldStop?.(report)) break;
  }
  return history;
}
