/**
 * Parameter counts from real model objects, typed by structure so this package needs no
 * TensorFlow.js: anything that looks like one of our models or a tfjs model will do.
 */
import {BadLoadArgumentError, describe} from './bad-load-argument-error';

/** A model that counts its own free parameters (our model zoo; a sparse layer counts unmasked weights only). */
export interface ParameterCountingModel {
  countParameters(): number;
}

/** A `tf.LayersModel` or `tf.layers.Layer`: `countParams()` sums its weights. */
export interface ParamsCountingModel {
  countParams(): number;
}

/** A tensor or variable: `size` when known, otherwise the product of `shape`. */
export interface WeightLike {
  readonly size?: number;
  readonly shape?: readonly (number | null)[];
}

/** An object that holds its weights in `variables` or `trainableWeights`. */
export interface WeightHoldingModel {
  readonly variables?: readonly WeightLike[];
  readonly trainableWeights?: readonly WeightLike[];
}

/** Anything `countParameters` knows how to count. */
export type CountableModel = ParameterCountingModel | ParamsCountingModel | WeightHoldingModel;

/**
 * The number of free parameters W of a model, for `decoderLoad` and `encoderLoad`. Tried in
 * this order, first match wins:
 * 1. `model.countParameters()` — our models, which know that masked weights are not free;
 * 2. `model.countParams()` — a `tf.LayersModel` or layer;
 * 3. `model.variables`, else `model.trainableWeights` — summed sizes (`size`, or the product
 *    of `shape`); a sparse layer counted this way counts its masked weights too.
 *
 * ```ts
 * countParameters({variables: [{shape: [20, 6272]}, {shape: [6272]}]}); // 131_712
 * ```
 */
export function countParameters(model: CountableModel): number {
  const fn = 'countParameters';
  if (typeof model !== 'object' || model === null) {
    throw new BadLoadArgumentError(`${fn}: model must be an object, got ${describe(model)}`);
  }
  const m = model as Record<string, unknown>;
  if (typeof m.countParameters === 'function') {
    return checkTotal(fn, 'model.countParameters()', (model as ParameterCountingModel).countParameters());
  }
  if (typeof m.countParams === 'function') {
    return checkTotal(fn, 'model.countParams()', (model as ParamsCountingModel).countParams());
  }
  for (const key of ['variables', 'trainableWeights'] as const) {
    const weights = m[key];
    if (weights === undefined) continue;
    if (!Array.isArray(weights)) {
      throw new BadLoadArgumentError(`${fn}: model.${key} must be an array of weights, got ${describe(weights)}`);
    }
    return weights.reduce((sum: number, w: unknown, i: number) => sum + weightSize(fn, `model.${key}[${i}]`, w), 0);
  }
  throw new BadLoadArgumentError(
    `${fn}: model must have countParameters(), countParams(), or a variables or trainableWeights ` +
    `array, got ${describe(model)}`);
}

function weightSize(fn: string, where: string, w: unknown): number {
  if (typeof w !== 'object' || w === null) {
    throw new BadLoadArgumentError(`${fn}: ${where} must be an object with size or shape, got ${describe(w)}`);
  }
  const {size, shape} = w as WeightLike;
  if (typeof size === 'number') return checkTotal(fn, `${where}.size`, size);
  if (Array.isArray(shape)) {
    return shape.reduce((product: number, d: unknown, i: number) => {
      if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
        throw new BadLoadArgumentError(
          `${fn}: ${where}.shape[${i}] must be a whole number, got ${describe(d)} ` +
          '(a weight with an unknown dimension has no size)');
      }
      return product * d;
    }, 1);
  }
  throw new BadLoadArgumentError(`${fn}: ${where} must have a numeric size or a shape array, got ${describe(w)}`);
}

function checkTotal(fn: string, where: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new BadLoadArgumentError(`${fn}: ${where} must return a whole number, got ${describe(value)}`);
  }
  return value;
}
