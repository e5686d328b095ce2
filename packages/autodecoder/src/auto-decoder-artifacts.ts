import * as tf from '@tensorflow/tfjs-core';
import {BadDataFileError} from '@encoderless/errors';
import type {ModelSpec} from '@encoderless/models';
import type {AutoDecoder, FitRecord} from './auto-decoder';
import type {NormalizationKind} from './normalization';
import {sha256Hex} from '@encoderless/latent';

/** `format` of every artifact, and `modelTopology.format`. */
export const ARTIFACT_FORMAT = 'encoderless-autodecoder';
/** The version written; a reader refuses any later one. */
export const ARTIFACT_VERSION = 1;

/**
 * The `modelTopology` of a saved auto-decoder: plain JSON. The numbers (weights, batch-norm
 * statistics, dispersions, normalisation statistics, training representations) are the weights
 * of the artifact, named as in `weights`.
 */
export interface AutoDecoderTopology extends FitRecord {
  readonly format: typeof ARTIFACT_FORMAT;
  readonly formatVersion: number;
  readonly latentDim: number;
  /** How to rebuild the decoder: a zoo spec, or a custom decoder the loader must be given a factory for. */
  readonly decoder: {readonly spec: ModelSpec} | {readonly custom: string};
  /** The decoder's weight names, trainable ones then state, as saved under `decoder/<name>`. */
  readonly decoderWeights: readonly string[];
  /** How many of `decoderWeights` are trainable (the rest is state such as batch-norm statistics). */
  readonly trainableWeights: number;
  readonly normalization: NormalizationKind;
  readonly samples: number;
  /** SHA-256 of the weight data and of this topology's JSON without `checksums`. */
  readonly checksums: {readonly algorithm: 'SHA-256'; readonly weightData: string; readonly topology: string};
}

/** Weight names inside the artifact besides `decoder/<name>`. */
export const ROWS_WEIGHT = 'representations';
export const DISPERSION_WEIGHT = 'loss/logDispersion';
export const SHIFT_WEIGHT = 'normalization/shift';
export const SCALE_WEIGHT = 'normalization/scale';

const encoder = new TextEncoder();

function topologyDigest(topology: Omit<AutoDecoderTopology, 'checksums'>): string {
  return sha256Hex(encoder.encode(JSON.stringify(topology)));
}

/** The model as one `tf.io.ModelArtifacts`: what every tfjs IO handler saves. */
export async function toArtifacts(model: AutoDecoder): Promise<tf.io.ModelArtifacts> {
  const {decoder} = model;
  const named: {name: string; tensor: tf.Tensor}[] = [];
  try {
    [...decoder.variables, ...decoder.state].forEach((v, i) => named.push({name: `decoder/${decoder.weightNames[i]}`, tensor: tf.clone(v)}));
    if (model.logDispersion) named.push({name: DISPERSION_WEIGHT, tensor: tf.clone(model.logDispersion)});
    const norm = model.normalization;
    if (norm.shift && norm.scale) {
      named.push({name: SHIFT_WEIGHT, tensor: tf.tensor1d(norm.shift)}, {name: SCALE_WEIGHT, tensor: tf.tensor1d(norm.scale)});
    }
    named.push({name: ROWS_WEIGHT, tensor: tf.tensor2d(model.representationsArray(), [model.size, model.latentDim])});
    const {data, specs} = await tf.io.encodeWeights(named);
    const body: Omit<AutoDecoderTopology, 'checksums'> = {
      format: ARTIFACT_FORMAT, formatVersion: ARTIFACT_VERSION, latentDim: model.latentDim, featureShape: [...model.featureShape],
      featureNames: model.featureNames ? [...model.featureNames] : null,
      decoder: decoder.spec ? {spec: decoder.spec} : {custom: decoder.description},
      decoderWeights: [...decoder.weightNames], trainableWeights: decoder.variables.length,
      normalization: norm.kind, settings: model.settings, samples: model.size, labels: model.labels,
      validationIndices: [...model.validationIndices], history: model.history, stopReason: model.stopReason, bestEpoch: model.bestEpoch,
    };
    // JSON round trip: what is hashed is exactly what a handler writes and a loader reads back.
    const plain = JSON.parse(JSON.stringify(body)) as Omit<AutoDecoderTopology, 'checksums'>;
    const topology: AutoDecoderTopology = {
      ...plain, checksums: {algorithm: 'SHA-256', weightData: sha256Hex(new Uint8Array(data)), topology: topologyDigest(plain)},
    };
    return {
      modelTopology: topology as unknown as object, format: ARTIFACT_FORMAT, generatedBy: '@encoderless/autodecoder', convertedBy: null,
      weightSpecs: specs, weightData: data,
    };
  } finally {
    tf.dispose(named.map((n) => n.tensor));
  }
}

/** An artifact checked whole: its topology and its weights by name (the caller disposes them). */
export interface CheckedArtifact {
  readonly topology: AutoDecoderTopology;
  readonly weights: tf.NamedTensorMap;
}

/**
 * Checks an artifact before anything is built from it, each failure a `BadDataFileError` naming
 * `source` and what is wrong: no artifact, not an auto-decoder (another format), a format
 * version from the future, a topology or weight data whose SHA-256 does not match (corrupted),
 * weight data shorter or longer than its specs (truncated), a missing or misshapen weight.
 */
export function checkArtifact(artifacts: tf.io.ModelArtifacts | undefined | null, source: string): CheckedArtifact {
  const fail = (what: string): never => {
    throw new BadDataFileError(`loadAutoDecoder: ${source}: ${what}`, source);
  };
  if (!artifacts || typeof artifacts !== 'object') fail('no model artifacts were found there');
  const topology = artifacts!.modelTopology as Partial<AutoDecoderTopology> | undefined;
  if (!topology || typeof topology !== 'object' || Array.isArray(topology) || topology.format !== ARTIFACT_FORMAT) {
    const what = artifacts!.format ? `format "${artifacts!.format}"` : topology && (topology as {class_name?: string}).class_name
      ? `a Keras/tfjs-layers topology ("${(topology as {class_name?: string}).class_name}")` : 'no encoderless topology';
    fail(`is not an encoderless auto-decoder (${what}); expected format "${ARTIFACT_FORMAT}". ` +
      'A tf.LayersModel loads with tf.loadLayersModel');
  }
  const t = topology as AutoDecoderTopology;
  if (!Number.isInteger(t.formatVersion) || t.formatVersion < 1) fail(`formatVersion is ${JSON.stringify(t.formatVersion)}, expected a positive integer: the file is corrupted`);
  if (t.formatVersion > ARTIFACT_VERSION) {
    fail(`was written in format version ${t.formatVersion} by a newer @encoderless/autodecoder; this one reads versions up to ` +
      `${ARTIFACT_VERSION}: upgrade @encoderless/autodecoder`);
  }
  const {checksums, ...body} = t;
  if (!checksums || checksums.algorithm !== 'SHA-256') fail('has no SHA-256 checksums: the topology is corrupted or was not written by saveAutoDecoder');
  if (topologyDigest(body) !== checksums.topology) fail('the topology does not match its SHA-256 checksum: the file was changed or corrupted');
  const specs = artifacts!.weightSpecs;
  if (!Array.isArray(specs)) fail('has no weight specs (weightsManifest): the file is incomplete');
  if (artifacts!.weightData === undefined) fail('has no weight data: the weights file is missing');
  const data = new Uint8Array(tf.io.concatenateArrayBuffers(artifacts!.weightData as ArrayBuffer | ArrayBuffer[]));
  const expected = weightSpecBytes(specs!);
  if (data.byteLength < expected) fail(`the weight data is ${data.byteLength} bytes, the weight specs need ${expected}: the weights are truncated`);
  if (data.byteLength > expected) fail(`the weight data is ${data.byteLength} bytes, the weight specs need ${expected}: there are extra bytes`);
  if (sha256Hex(data) !== checksums.weightData) fail('the weight data does not match its SHA-256 checksum: the weights were changed or corrupted');

  const required = new Map<string, readonly number[]>([
    ...t.decoderWeights.map((n) => [`decoder/${n}`, []] as [string, number[]]),
    [ROWS_WEIGHT, [t.samples, t.latentDim]],
  ]);
  const byName = new Map(specs!.map((s) => [s.name, s]));
  for (const [name, shape] of required) {
    const spec = byName.get(name);
    if (!spec) fail(`weight "${name}" is missing`);
    if (shape.length > 0 && (spec!.shape.length !== shape.length || spec!.shape.some((d, i) => d !== shape[i]))) {
      fail(`weight "${name}" has shape [${spec!.shape}], expected [${shape}]`);
    }
  }
  return {topology: t, weights: tf.io.decodeWeights(data.buffer, specs!)};
}

/** The bytes the weights of `specs` take, by their shapes and dtypes (tfjs's packing). */
export function weightSpecBytes(specs: readonly tf.io.WeightsManifestEntry[]): number {
  return specs.reduce((sum, s) => sum + s.shape.reduce((a, b) => a * b, 1) * bytesPer(s.dtype), 0);
}

function bytesPer(dtype: string): number {
  return dtype === 'bool' || dtype === 'uint8' ? 1 : dtype === 'float16' || dtype === 'int16' ? 2 : 4;
}
