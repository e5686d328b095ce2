import {
  createCifarDecoder, createCifarEncoder, createMnistDecoder, createMnistEncoder, type CifarModelOptions, type MnistModelOptions,
} from './image-models';
import {createMlpDecoder, createMlpEncoder, type MlpDecoderOptions, type MlpEncoderOptions} from './mlp-models';
import {BadModelConfigError} from './model-errors';
import type {JsonValue, Model, ModelSpec} from './model';
import {
  composeAutoencoder, createLinearEncoder, createSparseDecoder, type LinearEncoderOptions, type SparseDecoderOptions,
} from './simulated-models';

/**
 * Builds a model of one kind from its spec's options; `kinds` is the registry in use, for kinds
 * made of other specs (an autoencoder).
 */
export type ModelFactory = (options: {readonly [key: string]: JsonValue}, kinds: ModelKinds) => Model;

/** A registry of model kinds: `spec.kind` → the factory that builds it. */
export type ModelKinds = Readonly<Record<string, ModelFactory>>;

// The factories validate their options; the casts only tell TypeScript which options they take.
/** The zoo's kinds, as `Model.spec.kind` names them. */
export const modelKinds: ModelKinds = Object.freeze({
  'sparse-decoder': (o) => createSparseDecoder(o as unknown as SparseDecoderOptions),
  'linear-encoder': (o) => createLinearEncoder(o as unknown as LinearEncoderOptions),
  'mnist-decoder': (o) => createMnistDecoder(o as MnistModelOptions),
  'mnist-encoder': (o) => createMnistEncoder(o as MnistModelOptions),
  'cifar-decoder': (o) => createCifarDecoder(o as unknown as CifarModelOptions),
  'cifar-encoder': (o) => createCifarEncoder(o as unknown as CifarModelOptions),
  'mlp-decoder': (o) => createMlpDecoder(o as unknown as MlpDecoderOptions),
  'mlp-encoder': (o) => createMlpEncoder(o as unknown as MlpEncoderOptions),
  'autoencoder': (o, kinds) => {
    const encoder = createModel(o.encoder as ModelSpec, kinds);
    try {
      return composeAutoencoder(encoder, createModel(o.decoder as ModelSpec, kinds));
    } catch (err) {
      encoder.dispose();
      throw err;
    }
  },
});

/**
 * Builds the model a spec describes: the same architecture and, since the spec holds the seed,
 * the same initial weights as the model whose `spec` it is. With `setModelWeights` this restores
 * a saved model. `kinds` defaults to the zoo (`modelKinds`); pass `{...modelKinds, mine: factory}`
 * to add your own.
 *
 * A spec that is not `{kind, options}`, an unknown kind (the message lists the known ones) or an
 * option the kind does not take is a `BadModelConfigError`; the factory checks the values.
 *
 * ```ts
 * const decoder = createMlpDecoder({latentDim: 8, outputDim: 100, hidden: [64], seed: 1});
 * const json = JSON.stringify(decoder.spec);
 * const again = createModel(JSON.parse(json)); // same architecture, same initial weights
 * ```
 */
export function createModel(spec: ModelSpec, kinds: ModelKinds = modelKinds): Model {
  const fn = 'createModel';
  if (typeof spec !== 'object' || spec === null || typeof spec.kind !== 'string' ||
      typeof spec.options !== 'object' || spec.options === null || Array.isArray(spec.options)) {
    throw new BadModelConfigError(`${fn}: spec must be {kind: string, options: object} (a model's .spec), got ${JSON.stringify(spec) ?? String(spec)}`);
  }
  const factory = Object.hasOwn(kinds, spec.kind) ? kinds[spec.kind] : undefined;
  if (factory === undefined) {
    throw new BadModelConfigError(`${fn}: unknown model kind ${JSON.stringify(spec.kind)}; known kinds: ${Object.keys(kinds).sort().join(', ')}`);
  }
  const model = factory(spec.options, kinds);
  // The model's own spec lists every option its kind takes, defaults filled in: anything else in
  // the given spec (a typo, an option from a later version) would be silently ignored otherwise.
  const unknown = Object.keys(spec.options).filter((k) => !Object.hasOwn(model.spec.options, k));
  if (unknown.length > 0) {
    model.dispose();
    throw new BadModelConfigError(
      `${fn}: a ${JSON.stringify(spec.kind)} spec has unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => JSON.stringify(k)).join(', ')}; ` +
      `it takes ${Object.keys(model.spec.options).join(', ')}`);
  }
  return model;
}
