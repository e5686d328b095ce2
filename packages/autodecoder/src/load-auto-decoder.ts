import * as tf from '@tensorflow/tfjs-core';
import {BadConfigError, BadDataFileError, describe, isUserError} from '@encoderless/errors';
import {modelKinds, type ModelKinds} from '@encoderless/models';
import {AutoDecoder} from './auto-decoder';
import {checkArtifact, DISPERSION_WEIGHT, ROWS_WEIGHT, SCALE_WEIGHT, SHIFT_WEIGHT, toArtifacts} from './auto-decoder-artifacts';
import type {Normalization} from './normalization';
import {resolveDecoder, type DecoderFactory, type LayersModelDecoder, type ResolvedDecoder} from './resolve-decoder';

/** Options of `loadAutoDecoder`. */
export interface LoadAutoDecoderOptions {
  /**
   * For a model whose decoder was custom (a factory's module or a tf.LayersModel): the same
   * factory, or a fresh LayersModel of the same architecture. Its weights are then set from the
   * artifact. Zoo decoders (MLP, MNIST, CIFAR, sparse, …) are rebuilt from their spec without it.
   */
  readonly decoder?: DecoderFactory | LayersModelDecoder;
  /** Extra zoo kinds, for a spec of your own kind. */
  readonly kinds?: ModelKinds;
}

/** Where a model goes or comes from: a URL tfjs has a handler for, or a handler. */
export type ModelLocation = string | tf.io.IOHandler;

function describeLocation(location: ModelLocation): string {
  return typeof location === 'string' ? location : 'the given IO handler';
}

function handlerFor(fn: string, location: ModelLocation, kind: 'save' | 'load'): tf.io.IOHandler {
  if (typeof location === 'object' && location !== null && typeof location[kind] === 'function') return location;
  if (typeof location !== 'string') {
    throw new BadConfigError(`${fn}: expected a URL string or a tf.io.IOHandler with a ${kind}() method, got ${describe(location)}`, {option: 'location'});
  }
  const handlers = kind === 'save' ? tf.io.getSaveHandlers(location) : tf.io.getLoadHandlers(location);
  if (handlers.length === 0) {
    throw new BadConfigError(`${fn}: TensorFlow.js has no ${kind} handler for "${location}". Use indexeddb://, localstorage://, ` +
      `${kind === 'save' ? 'downloads://, ' : ''}http(s):// or an IOHandler; in Node, for files: ` +
      `import {fileHandler} from '@encoderless/autodecoder/node' and pass fileHandler('${location.replace(/^file:\/\//, '')}')`,
    {option: 'location'});
  }
  if (handlers.length > 1) throw new BadConfigError(`${fn}: several ${kind} handlers match "${location}"; pass one as an IOHandler`, {option: 'location'});
  return handlers[0];
}

/**
 * Saves the model as one tfjs artifact (see the README for its contents) through a tfjs IO
 * handler: a URL (`indexeddb://name`, `localstorage://name`, `downloads://name`, `http(s)://…`)
 * or any `tf.io.IOHandler` — `fileHandler(path)` from `@encoderless/autodecoder/node` in Node,
 * `tf.io.withSaveHandler(fn)` to get the artifact in memory.
 */
export async function saveAutoDecoder(model: AutoDecoder, location: ModelLocation): Promise<tf.io.SaveResult> {
  const fn = 'AutoDecoder.save';
  if (model.isDisposed) throw new BadConfigError(`${fn}: this AutoDecoder was disposed`);
  const handler = handlerFor(fn, location, 'save');
  return handler.save!(await toArtifacts(model));
}

/**
 * Loads a model saved with `model.save(…)`, from a URL tfjs has a handler for or an IOHandler
 * (`fileHandler(path)` in Node, `tf.io.fromMemory(artifacts)`). The artifact is checked whole
 * first (format, version, SHA-256 of topology and weights, sizes); then the decoder is rebuilt
 * from its spec (or `options.decoder` for a custom one) and given the saved weights and state.
 * A loaded model decodes and transforms bit-identically to the saved one on the same backend.
 *
 * ```ts
 * const model = await loadAutoDecoder(fileHandler('models/penguins'));
 * ```
 */
export async function loadAutoDecoder(location: ModelLocation, options: LoadAutoDecoderOptions = {}): Promise<AutoDecoder> {
  const fn = 'loadAutoDecoder';
  const source = describeLocation(location);
  const handler = handlerFor(fn, location, 'load');
  let artifacts: tf.io.ModelArtifacts;
  try {
    artifacts = await handler.load!();
  } catch (err) {
    if (isUserError(err)) throw err;
    throw new BadDataFileError(`${fn}: cannot load ${source}: ${err instanceof Error ? err.message : String(err)}`, source, {cause: err});
  }
  const {topology: t, weights} = checkArtifact(artifacts, source);
  let decoder: ResolvedDecoder | null = null;
  try {
    if ('custom' in t.decoder && !options.decoder) {
      throw new BadConfigError(`${fn}: ${source} has a custom decoder (${t.decoder.custom}), which cannot be rebuilt from the file; ` +
        'pass the factory that built it (or a fresh tf.LayersModel of the same architecture): loadAutoDecoder(location, {decoder})',
      {option: 'decoder'});
    }
    const option = 'spec' in t.decoder ? t.decoder.spec : options.decoder!;
    decoder = resolveDecoder(fn, option, t.latentDim, t.featureShape, t.settings.loss, t.settings.seed, {...modelKinds, ...options.kinds});
    setDecoderWeights(fn, source, decoder, weights, t.decoderWeights, t.trainableWeights, 'spec' in t.decoder);
    const copy = async (name: string) => Float32Array.from(await weights[name].data() as Float32Array);
    const normalization: Normalization = weights[SHIFT_WEIGHT] && weights[SCALE_WEIGHT]
      ? {kind: t.normalization, shift: await copy(SHIFT_WEIGHT), scale: await copy(SCALE_WEIGHT)} : {kind: t.normalization};
    if ((t.normalization === 'min-max' || t.normalization === 'standardize') && !normalization.shift) {
      throw new BadDataFileError(`${fn}: ${source}: normalization '${t.normalization}' needs weights "${SHIFT_WEIGHT}" and "${SCALE_WEIGHT}", which are missing`, source);
    }
    if (t.settings.loss === 'negative-binomial' && !weights[DISPERSION_WEIGHT]) {
      throw new BadDataFileError(`${fn}: ${source}: loss 'negative-binomial' needs weight "${DISPERSION_WEIGHT}", which is missing`, source);
    }
    const logDispersion = t.settings.loss === 'negative-binomial' ? tf.variable(weights[DISPERSION_WEIGHT]) : null;
    return new AutoDecoder({
      decoder, logDispersion, settings: t.settings, normalization, featureShape: t.featureShape, featureNames: t.featureNames,
      rows: await copy(ROWS_WEIGHT), labels: t.labels, validationIndices: t.validationIndices, history: t.history,
      stopReason: t.stopReason, bestEpoch: t.bestEpoch,
    });
  } catch (err) {
    decoder?.dispose();
    throw err;
  } finally {
    tf.dispose(Object.values(weights));
  }
}

/**
 * Every decoder weight from the artifact, checked before any is assigned. A zoo decoder's weights
 * are matched by name; a custom one's by position (tfjs-layers numbers its layer names per
 * process, so a fresh LayersModel of the same architecture has other names), shapes checked.
 */
function setDecoderWeights(fn: string, source: string, decoder: ResolvedDecoder, weights: tf.NamedTensorMap,
  saved: readonly string[], trainable: number, byName: boolean): void {
  const all = [...decoder.variables, ...decoder.state];
  const names = decoder.weightNames;
  const same = names.length === saved.length && decoder.variables.length === trainable && (!byName || names.every((n, i) => n === saved[i]));
  if (!same) {
    throw new BadConfigError(`${fn}: the decoder built for ${source} has weights [${names.join(', ')}] ` +
      `(${decoder.variables.length} trainable), the file has [${saved.join(', ')}] (${trainable} trainable): ` +
      'is it the same architecture?', {option: 'decoder'});
  }
  all.forEach((v, i) => {
    const w = weights[`decoder/${saved[i]}`];
    if (w.shape.length !== v.shape.length || w.shape.some((d, k) => d !== v.shape[k]) || w.dtype !== v.dtype) {
      throw new BadConfigError(`${fn}: weight "${saved[i]}" of ${source} is ${w.dtype} [${w.shape}], the decoder built for it has ` +
        `${v.dtype} [${v.shape}] there: is it the same architecture?`, {option: 'decoder'});
    }
  });
  all.forEach((v, i) => v.assign(weights[`decoder/${saved[i]}`]));
}

