import * as tf from '@tensorflow/tfjs-core';
import {BadModelConfigError} from './model-errors';
import type {Model} from './model';

/** A tensor with a name: tfjs's `NamedTensor`, what `tf.io.encodeWeights` takes. */
export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

/** Every variable of a model with its name, trainable ones first, then the state. */
function namedVariables(fn: string, model: Model): {name: string; variable: tf.Variable}[] {
  const all = [...model.variables, ...model.state];
  if (model.weightNames.length !== all.length || new Set(model.weightNames).size !== all.length) {
    throw new BadModelConfigError(
      `${fn}: model "${model.name}" has ${all.length} variables but ${model.weightNames.length} weight names ` +
      `(${new Set(model.weightNames).size} distinct), expected one distinct name per variable`);
  }
  return all.map((variable, i) => ({name: model.weightNames[i], variable}));
}

/**
 * A snapshot of every weight of a model, trainable variables then non-trainable state (batch
 * norm's running statistics), each under its deterministic name (`model.weightNames`:
 * `layer0/linear/kernel`, `layer1/batchnorm/runningMean`, …). The tensors are copies that later
 * training does not change: dispose them when done. The list is what `tf.io.encodeWeights` takes.
 *
 * ```ts
 * const weights = getModelWeights(decoder);
 * const {data, specs} = await tf.io.encodeWeights(weights);
 * tf.dispose(weights.map((w) => w.tensor));
 * ```
 */
export function getModelWeights(model: Model): NamedTensor[] {
  return namedVariables('getModelWeights', model).map(({name, variable}) => ({name, tensor: tf.clone(variable)}));
}

/**
 * Sets every weight of `model` (trainable and state) from named tensors, as `getModelWeights`
 * returns them or `tf.io.decodeWeights` gives them back (a list or a name → tensor map). Every
 * weight must be given, with its shape and dtype, and nothing else: a missing, extra, misshapen
 * or mistyped weight is a `BadModelConfigError` naming it (with the expected and actual shape),
 * raised before any weight is changed. The model keeps its own copies: the given tensors may be
 * disposed afterwards.
 *
 * A model rebuilt with `createModel(spec)` and given the weights of the model the spec came from
 * computes bit-identical outputs, in training and in inference mode.
 *
 * ```ts
 * const copy = createModel(JSON.parse(JSON.stringify(decoder.spec)));
 * setModelWeights(copy, getModelWeights(decoder));
 * ```
 */
export function setModelWeights(model: Model, weights: readonly NamedTensor[] | tf.NamedTensorMap): void {
  const fn = 'setModelWeights';
  const given = new Map<string, tf.Tensor>();
  if (Array.isArray(weights)) {
    for (const w of weights as readonly NamedTensor[]) {
      if (typeof w !== 'object' || w === null || typeof w.name !== 'string' || !(w.tensor instanceof tf.Tensor)) {
        throw new BadModelConfigError(`${fn}: weights must be {name, tensor} entries, got ${describeEntry(w)}`);
      }
      if (given.has(w.name)) throw new BadModelConfigError(`${fn}: weight "${w.name}" is given twice`);
      given.set(w.name, w.tensor);
    }
  } else if (typeof weights === 'object' && weights !== null) {
    for (const [name, tensor] of Object.entries(weights)) {
      if (!(tensor instanceof tf.Tensor)) throw new BadModelConfigError(`${fn}: weight "${name}" is not a tensor, got ${describeEntry(tensor)}`);
      given.set(name, tensor);
    }
  } else {
    throw new BadModelConfigError(`${fn}: weights must be a list of {name, tensor} or a name → tensor map, got ${String(weights)}`);
  }
  const expected = namedVariables(fn, model);
  const known = new Set(expected.map((e) => e.name));
  const extra = [...given.keys()].filter((name) => !known.has(name));
  if (extra.length > 0) {
    throw new BadModelConfigError(
      `${fn}: model "${model.name}" has no weight named ${extra.map((n) => JSON.stringify(n)).join(', ')}; its weights are ${listNames(expected)}`);
  }
  for (const {name, variable} of expected) {
    const tensor = given.get(name);
    if (tensor === undefined) {
      throw new BadModelConfigError(`${fn}: weight "${name}" [${variable.shape.join(', ')}] of model "${model.name}" is missing; expected every one of ${listNames(expected)}`);
    }
    if (tensor.isDisposed) throw new BadModelConfigError(`${fn}: weight "${name}" is a disposed tensor`);
    if (!sameShape(tensor.shape, variable.shape)) {
      throw new BadModelConfigError(
        `${fn}: weight "${name}" of model "${model.name}" has shape [${tensor.shape.join(', ')}], expected [${variable.shape.join(', ')}]`);
    }
    if (tensor.dtype !== variable.dtype) {
      throw new BadModelConfigError(`${fn}: weight "${name}" of model "${model.name}" has dtype ${tensor.dtype}, expected ${variable.dtype}`);
    }
  }
  // Everything checked: now change the model, all weights or none.
  for (const {name, variable} of expected) variable.assign(given.get(name)!);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** "a [2, 3], b [3]" for messages, the first 8 then a count. */
function listNames(expected: readonly {name: string; variable: tf.Variable}[]): string {
  const shown = expected.slice(0, 8).map((e) => `${e.name} [${e.variable.shape.join(', ')}]`);
  return shown.join(', ') + (expected.length > 8 ? ` and ${expected.length - 8} more` : '');
}

function describeEntry(value: unknown): string {
  if (typeof value !== 'object' || value === null) return String(value);
  return `an object with keys [${Object.keys(value).join(', ')}]`;
}
