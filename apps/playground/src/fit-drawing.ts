import * as tf from '@tensorflow/tfjs-core';
import type {AutoDecoder} from '@encoderless/autodecoder';
import {createLatentTable, PAPER_ROW_OPTIMIZER, samplewiseLoss, trainDecoder, type Module} from '@encoderless/latent';

/** One frame of the descent, for the page to draw. */
export interface FitFrame {
  /** Steps taken (of `steps`). */
  readonly step: number;
  readonly steps: number;
  /** The row with the lowest loss so far among the rows started side by side [latentDim]. */
  readonly row: Float32Array;
  /** Its loss: binary cross-entropy per pixel. */
  readonly loss: number;
  /** Its decoded image [784] in [0, 1]. */
  readonly reconstruction: Float32Array;
  /** Wall time since the start. */
  readonly seconds: number;
  /** The part of it spent in descent steps (the rest went to `onFrame`). */
  readonly computeSeconds: number;
}

/** Options of `fitDrawing`. */
export interface FitDrawingOptions {
  /** Rows started side by side from random points; the best one is shown. Default the model's `transform.restarts`. */
  readonly restarts?: number;
  /** Descent steps. Default the model's `transform.maxSteps`. */
  readonly steps?: number;
  readonly seed?: number;
  /**
   * Called with the current best after every `frameMs` milliseconds of descent (and after the
   * last step), awaited; the time it takes is not counted, so drawing never starves the descent.
   */
  readonly onFrame?: (frame: FitFrame) => void | Promise<void>;
  /** Default 50. */
  readonly frameMs?: number;
}

/**
 * A drawing's representation by gradient descent against the frozen decoder, as the model's
 * `transform` finds it (the same row optimizer, steps and restarts), but frame by frame: the
 * restarts are rows of one latent table trained with the decoder's weights frozen, so the page
 * can show the best row's reconstruction while it converges.
 *
 * `digit` is [784] in [0, 1] (`toMnistDigit`). Resolves to the last frame.
 */
export async function fitDrawing(model: AutoDecoder, digit: Float32Array, options: FitDrawingOptions = {}): Promise<FitFrame> {
  const {restarts = model.settings.transform.restarts, steps = model.settings.transform.maxSteps, seed = 0, onFrame, frameMs = 50} = options;
  const m = model.latentDim, loss = model.loss();
  // Nothing in this module has variables: the decoder cannot move.
  const decoder: Module = {apply: (z, o) => model.decoder.module.apply(z, o), variables: []};
  const data = tf.tidy(() => tf.tile(tf.reshape(digit, [1, ...model.featureShape]), [restarts, ...model.featureShape.map(() => 1)]));
  const table = createLatentTable({size: restarts, dim: m, seed, optimizer: model.settings.transform.optimizer ?? PAPER_ROW_OPTIMIZER});
  const started = performance.now();
  let lastFrame = started, framing = 0;
  const frame = (step: number): FitFrame => {
    const rows = table.snapshot();
    const losses = samplewiseLoss(decoder, rows, m, data, loss, restarts);
    let best = 0;
    for (let i = 1; i < restarts; i++) if (losses[i] < losses[best]) best = i;
    const row = rows.slice(best * m, (best + 1) * m);
    return {
      step, steps, row, loss: losses[best] / digit.length,
      reconstruction: Float32Array.from(model.decode([Array.from(row)])[0]),
      seconds: (performance.now() - started) / 1000, computeSeconds: (performance.now() - started - framing) / 1000,
    };
  };
  try {
    await trainDecoder({
      decoder, data, table, epochs: steps, batchSize: restarts, loss, weights: false, training: false, seed,
      onEpoch: async ({epoch}) => {
        if (onFrame && performance.now() - lastFrame >= frameMs && epoch + 1 < steps) {
          const t = performance.now();
          await onFrame(frame(epoch + 1));
          lastFrame = performance.now();
          framing += lastFrame - t;
        }
      },
    });
    const last = frame(steps);
    await onFrame?.(last);
    return last;
  } finally {
    data.dispose();
  }
}
