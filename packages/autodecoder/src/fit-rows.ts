import type * as tf from '@tensorflow/tfjs-core';
import {BadConfigError, describe} from '@encoderless/errors';
import {FIT_DEFAULTS, fitRepresentations, type Module, type ReconstructionLoss, type RowOptimizerConfig} from '@encoderless/latent';

/**
 * How new samples' representations are found against the frozen decoder (`transform`, and the
 * validation samples during `fit`). Plain data: it is saved with the model.
 */
export interface TransformSettings {
  /** Most optimizer steps per row. */
  readonly maxSteps: number;
  /** Independent random starts per sample; each keeps its lowest-loss row. */
  readonly restarts: number;
  /** Seed of the initial rows: the same seed gives the same representations. */
  readonly seed: number;
  /** Rows per forward/backward pass (memory and speed). */
  readonly batchSize: number;
  /** The rows' optimizer; null: `fitRepresentations`' default. */
  readonly optimizer: RowOptimizerConfig | null;
  /**
   * When a fit stops early: after `patience` steps whose loss fell by less than `tolerance`
   * (relative); `false` runs every step; null: `fitRepresentations`' default.
   */
  readonly convergence: {readonly patience: number; readonly tolerance: number} | false | null;
  /**
   * Where each sample's first start is: `'nearest'`, the training representation whose decoding
   * is nearest to the sample (at most `NEAREST_CANDIDATES` of them, evenly spaced); `'random'`, a
   * normal draw as in the paper. With a few latent dimensions a random start often stops in the
   * wrong basin; the nearest training row starts in the right one. Further restarts are random.
   */
  readonly start: 'nearest' | 'random';
}

/** What `transform` (and `fit`'s `transform` option) may set; the rest keeps the model's settings. */
export interface TransformOptions extends Partial<TransformSettings> {
  /** Called as the fit goes; `step` counts optimizer steps, `loss` is the mean loss per entry so far. */
  readonly onProgress?: (report: TransformProgress) => void | Promise<void>;
}

/** What `onProgress` receives: steps taken so far (of at most `maxSteps` per pass) and the mean loss per entry. */
export interface TransformProgress {
  readonly step: number;
  readonly maxSteps: number;
  readonly loss: number;
}

/** `fitRepresentations`' own defaults (per-row descent, each row stopping when its own loss stops falling). */
export const TRANSFORM_DEFAULTS: TransformSettings = {
  maxSteps: FIT_DEFAULTS.maxSteps, restarts: FIT_DEFAULTS.restarts, seed: 0, batchSize: FIT_DEFAULTS.batchSize, optimizer: null, convergence: null,
  start: 'nearest',
};

/** The most training representations `start: 'nearest'` compares a sample with (each costs one decoder pass per call). */
export const NEAREST_CANDIDATES = 4096;

const keys = ['maxSteps', 'restarts', 'seed', 'batchSize', 'optimizer', 'convergence', 'start', 'onProgress'];

/** `options` over `base`, every value checked; a wrong one is a `BadConfigError` naming it. */
export function resolveTransformSettings(fn: string, options: TransformOptions | undefined, saved: TransformSettings,
  optionName = 'options'): TransformSettings {
  // Models saved before `start` existed fitted from random starts.
  const base: TransformSettings = (saved as {start?: string}).start === undefined ? {...saved, start: 'random'} : saved;
  if (options === undefined) return base;
  if (typeof options !== 'object' || options === null) {
    throw new BadConfigError(`${fn}: ${optionName} must be an object, got ${describe(options)}`, {option: optionName});
  }
  const unknown = Object.keys(options).filter((k) => !keys.includes(k));
  if (unknown.length > 0) {
    throw new BadConfigError(`${fn}: unknown ${optionName} ${unknown.map((k) => `"${k}"`).join(', ')}; it takes ${keys.join(', ')}`,
      {option: unknown[0]});
  }
  const s = {...base, ...Object.fromEntries(Object.entries(options).filter(([k, v]) => k !== 'onProgress' && v !== undefined))} as TransformSettings;
  const whole = (name: keyof TransformSettings, min: number) => {
    const v = s[name];
    if (!(Number.isInteger(v) && (v as number) >= min)) {
      throw new BadConfigError(`${fn}: ${name} must be an integer ≥ ${min}, got ${describe(v)}`, {option: name});
    }
  };
  whole('maxSteps', 1);
  whole('restarts', 1);
  whole('batchSize', 1);
  if (!Number.isInteger(s.seed)) throw new BadConfigError(`${fn}: seed must be an integer, got ${describe(s.seed)}`, {option: 'seed'});
  if (s.start !== 'nearest' && s.start !== 'random') {
    throw new BadConfigError(`${fn}: start must be 'nearest' or 'random', got ${describe(s.start)}`, {option: 'start'});
  }
  const c = s.convergence;
  if (c !== null && c !== false && !(typeof c === 'object' && Number.isInteger(c.patience) && c.patience > 0 &&
      typeof c.tolerance === 'number' && c.tolerance >= 0 && c.tolerance < 1)) {
    throw new BadConfigError(`${fn}: convergence must be {patience: integer ≥ 1, tolerance in [0, 1)} or false, got ${JSON.stringify(c)}`,
      {option: 'convergence'});
  }
  return s;
}

/**
 * Rows [count, m] and each sample's loss per entry, fitted against the frozen `decoder`;
 * `trainingRows` [N, m] are the candidates of `start: 'nearest'`.
 */
export async function fitRows(decoder: Module, data: tf.Tensor, latentDim: number, loss: ReconstructionLoss,
  settings: TransformSettings, trainingRows: Float32Array, onProgress?: TransformOptions['onProgress'],
): Promise<{rows: Float32Array; losses: Float32Array; loss: number}> {
  const result = await fitRepresentations({
    ...(settings.start === 'nearest' ? {startFrom: spread(trainingRows, latentDim, NEAREST_CANDIDATES)} : {}),
    decoder, data, dim: latentDim, loss, maxSteps: settings.maxSteps, restarts: settings.restarts, seed: settings.seed,
    batchSize: settings.batchSize, ...(settings.optimizer ? {optimizer: settings.optimizer} : {}),
    ...(settings.convergence === null ? {} : {convergence: settings.convergence}),
    ...(onProgress ? {onStep: (r) => onProgress({step: r.step + 1, maxSteps: settings.maxSteps, loss: r.loss})} : {}),
  });
  return {rows: result.rows, losses: result.sampleLosses, loss: result.loss};
}

/** At most `limit` rows [·, m] of `rows`, evenly spaced (all of them when there are fewer). */
function spread(rows: Float32Array, m: number, limit: number): Float32Array {
  const count = rows.length / m;
  if (count <= limit) return rows;
  const out = new Float32Array(limit * m);
  for (let k = 0; k < limit; k++) {
    const i = Math.floor((k * count) / limit);
    out.set(rows.subarray(i * m, (i + 1) * m), k * m);
  }
  return out;
}
