import type {AutoDecoder} from '@encoderless/autodecoder';

/** One frame of the descent, for the page to draw. */
export interface FitFrame {
  /** Steps taken (of at most `maxSteps`; the fit ends sooner when every row has stopped improving). */
  readonly step: number;
  readonly maxSteps: number;
  /** The best representation so far [latentDim]. */
  readonly row: readonly number[];
  /** Its loss: binary cross-entropy per pixel. */
  readonly loss: number;
  /** Its decoded image [784] in [0, 1]. */
  readonly reconstruction: readonly number[];
  /** Wall time since the start. */
  readonly seconds: number;
  /** The part of it spent in the fit (the rest went to `onFrame`). */
  readonly computeSeconds: number;
}

/** Options of `fitDrawing`. */
export interface FitDrawingOptions {
  /** Rows started side by side, each sample keeping its best. Default the model's `transform.restarts`. */
  readonly restarts?: number;
  /**
   * Where the first row starts: at random (default; every row then does), or at the training
   * representation whose decoding is nearest to the drawing. The search for that one decodes
   * 4,096 training representations: 3.5 s of the 4.2 s a fit took in Chromium on one thread,
   * for the same loss on a drawn 7, so the page starts at random unless `?start=nearest`.
   */
  readonly start?: 'nearest' | 'random';
  /**
   * Called with the best row so far after every `frameMs` milliseconds of fitting, and once at
   * the end, awaited; the time it takes is not counted, so drawing never starves the fit.
   */
  readonly onFrame?: (frame: FitFrame) => void | Promise<void>;
  /** Default 50. */
  readonly frameMs?: number;
}

/**
 * A drawing's representation by gradient descent against the frozen decoder: the model's own
 * `transform` (its row optimizer, steps, per-row stop), with the best row so far handed to
 * `onFrame` as the fit converges so the page can draw it.
 *
 * `digit` is [784] in [0, 1] (`toMnistDigit`). Resolves to the last frame.
 */
export async function fitDrawing(model: AutoDecoder, digit: Float32Array, options: FitDrawingOptions = {}): Promise<FitFrame> {
  const {restarts = model.settings.transform.restarts, start = 'random', onFrame, frameMs = 50} = options;
  const maxSteps = model.settings.transform.maxSteps;
  const started = performance.now();
  let lastFrame = started, framing = 0;
  const frame = async (step: number, row: readonly number[], loss: number): Promise<FitFrame> => ({
    step, maxSteps, row, loss, reconstruction: (await model.decode([row]))[0],
    seconds: (performance.now() - started) / 1000, computeSeconds: (performance.now() - started - framing) / 1000,
  });
  let steps = 0;
  const {representations, loss} = await model.transform({data: digit, shape: [1, ...model.featureShape]}, {
    restarts, start,
    onProgress: async (p) => {
      steps = p.step;
      if (!onFrame || performance.now() - lastFrame < frameMs) return;
      const t = performance.now();
      await onFrame(await frame(p.step, p.representations()[0], p.loss));
      lastFrame = performance.now();
      framing += lastFrame - t;
    },
  });
  const last = await frame(steps, representations[0], loss);
  await onFrame?.(last);
  return last;
}
