import {join} from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import {backendNameOf} from '@encoderless/backends';
import {
  createLatentTable, encodeAll, FIT_DEFAULTS, fitRepresentations, reconstructionError, trainAutoencoder, trainDecoder,
  type EpochReport, type FitRepresentationsResult, type LatentTable, type Module, type ReconstructionLoss,
  type ReplicaRecipe, type SgdRowOptimizerConfig, type ThreadsOptions,
} from '@encoderless/latent';
import type {ModelSpec} from '@encoderless/models';
import {countParameters, decoderLoad, encoderLoad} from '@encoderless/load';
import type {InferenceSettings, ProtocolSettings} from './protocol-knobs';

/**
 * The paper's protocol, once for every experiment:
 *
 * - **decoder alone**: train the decoder with a latent table (weights Adam, rows SGD with
 *   momentum), then fit the test samples' rows against it frozen, then measure;
 * - **autoencoder**: train an encoder and decoder end to end, from scratch or through a frozen
 *   decoder, then encode the test samples, then measure.
 *
 * Every setting comes from the experiment's config (`ProtocolSettings`); seeds come from the
 * experiment, which owns its seeding scheme.
 */

/** A model the trainers take that can count its weights (our model zoo). */
export type CountedModule = Module & {countParameters(): number};

/** The training rows' optimizer: SGD with momentum (the paper), PyTorch's dense semantics. */
export function rowOptimizer(s: Pick<ProtocolSettings, 'rowLearningRate' | 'rowMomentum'>): SgdRowOptimizerConfig {
  return {kind: 'sgd', learningRate: s.rowLearningRate, momentum: s.rowMomentum};
}

/** The training rows: one per sample, a seeded normal start, the rows' SGD with momentum. */
export function createTrainingRows(o: {size: number; dim: number; seed: number; settings: ProtocolSettings}): LatentTable {
  return createLatentTable({size: o.size, dim: o.dim, seed: o.seed, optimizer: rowOptimizer(o.settings)});
}

export interface TrainDecoderAloneOptions {
  readonly decoder: Module;
  /** Training samples [N, …features]. */
  readonly data: tf.Tensor;
  /** Their rows (`createTrainingRows`), trained in place. */
  readonly table: LatentTable;
  readonly epochs: number;
  readonly loss: ReconstructionLoss;
  readonly settings: ProtocolSettings;
  /** Seed of the batch order. */
  readonly seed: number;
  readonly onEpoch?: (report: EpochReport) => void | Promise<void>;
}

/**
 * `threads` > 1 (`--threads`): each batch split over that many threads, each with its own copy
 * of the zoo models built from their specs by `replica.ts`. Modules without a spec train on one thread.
 */
export function spreadOver(threads: number, decoder: Module, encoder?: Module): ThreadsOptions {
  if (threads <= 1) return {};
  const specOf = (m: Module | undefined) => (m as {spec?: ModelSpec} | undefined)?.spec;
  const decoderSpec = specOf(decoder), encoderSpec = specOf(encoder);
  if (!decoderSpec || (encoder && !encoderSpec)) return {};
  // The worker requires compiled JavaScript: from the TypeScript sources (under jest) the build.
  const module = __filename.endsWith('.ts') ? join(__dirname, '..', '..', 'dist', 'protocol', 'replica.js') : join(__dirname, 'replica.js');
  const replica: ReplicaRecipe = {module, export: 'createReplica', args: [backendNameOf(tf.getBackend()) ?? tf.getBackend(), decoderSpec, ...(encoderSpec ? [encoderSpec] : [])]};
  return {threads, replica};
}

/** The decoder alone: weights (Adam) and one row per training sample (SGD), trained together. */
export async function trainDecoderAlone(o: TrainDecoderAloneOptions): Promise<void> {
  const {optimizer} = await trainDecoder({
    decoder: o.decoder, data: o.data, table: o.table, epochs: o.epochs, batchSize: o.settings.batchSize, loss: o.loss, seed: o.seed,
    weights: {learningRate: o.settings.learningRate, weightDecay: o.settings.weightDecay}, onEpoch: o.onEpoch,
    ...spreadOver(o.settings.threads, o.decoder),
  });
  optimizer?.dispose(); // Adam's moment slots
}

/**
 * Rows for new samples, fitted against a frozen decoder: the one place every inference setting
 * reaches `fitRepresentations`. A new inference API is swapped in here, and only here.
 */
export function fitTestRows(o: {
  readonly decoder: Module; readonly data: tf.Tensor; readonly dim: number; readonly loss: ReconstructionLoss;
  readonly seed: number; readonly inference: InferenceSettings;
}): Promise<FitRepresentationsResult> {
  const i = o.inference;
  return fitRepresentations({
    decoder: o.decoder, data: o.data, dim: o.dim, loss: o.loss, seed: o.seed,
    maxSteps: i.maxSteps, batchSize: i.batchSize, restarts: i.restarts, init: 'normal', initStd: i.initStd,
    optimizer: {kind: 'sgd', learningRate: i.learningRate, momentum: i.momentum},
    adaptiveRate: i.adaptiveRate ? FIT_DEFAULTS.adaptiveRate : false,
    convergence: {patience: i.patience, tolerance: i.tolerance},
  });
}

export interface TrainAutoencoderModelOptions {
  readonly encoder: Module;
  readonly decoder: Module;
  /** True: only the encoder learns, through the decoder as it is. */
  readonly freezeDecoder: boolean;
  readonly data: tf.Tensor;
  readonly epochs: number;
  readonly loss: ReconstructionLoss;
  readonly settings: ProtocolSettings;
  /** Seed of the batch order. */
  readonly seed: number;
  readonly onEpoch?: (report: EpochReport) => void | Promise<void>;
}

/** An autoencoder end to end (Adam at `autoencoderLearningRate`), from scratch or on a frozen decoder. */
export async function trainAutoencoderModel(o: TrainAutoencoderModelOptions): Promise<void> {
  const {optimizer} = await trainAutoencoder({
    encoder: o.encoder, decoder: o.decoder, data: o.data, freezeDecoder: o.freezeDecoder, epochs: o.epochs,
    batchSize: o.settings.batchSize, loss: o.loss, seed: o.seed,
    weights: {learningRate: o.settings.autoencoderLearningRate, weightDecay: o.settings.weightDecay}, onEpoch: o.onEpoch,
    ...spreadOver(o.settings.threads, o.decoder, o.encoder),
  });
  optimizer.dispose();
}

/** An autoencoder's rows for some samples and its reconstruction loss per entry on them. */
export async function encodeAndMeasure(encoder: Module, decoder: Module, data: tf.Tensor, dim: number, loss: ReconstructionLoss) {
  const rows = await encodeAll(encoder, data);
  return {rows, loss: await reconstructionError(decoder, rows, dim, data, loss)};
}

/**
 * Both loads of a point (eq. 3, N·n / (W + N·m), and the encoder's, N·m / W_enc), with W and
 * W_enc counted from the models themselves (`countParameters`), never typed in.
 */
export function loadsOf(o: {samples: number; dataDim: number; latentDim: number; decoder: CountedModule; encoder: CountedModule}) {
  return {
    decoderLoad: decoderLoad({samples: o.samples, dataDim: o.dataDim, latentDim: o.latentDim, weights: countParameters(o.decoder)}),
    encoderLoad: encoderLoad({samples: o.samples, latentDim: o.latentDim, weights: countParameters(o.encoder)}),
  };
}

/** Seconds since `started` (a `performance.now()`). */
export function secondsSince(started: number): number {
  return (performance.now() - started) / 1000;
}
