import * as tf from '@tensorflow/tfjs-core';
import {
  createLatentTable, encodeAll, fitRepresentations, reconstructionError, trainAutoencoder, trainDecoder,
  type EpochReport, type Module,
} from '@encoderless/latent';
import {takeImages} from '@encoderless/datasets';
import type {LabelledImages} from '@encoderless/datasets/node';
import {decoderLoad, encoderLoad} from '@encoderless/load';
import {createCifarDecoder, createCifarEncoder} from '@encoderless/models';
import {splitModelName, type CifarConfig, type CifarModelName, type CifarScenario} from './cifar-config';
import type {Tick} from './simulated';

export const CIFAR_PIXELS = 32 * 32 * 3;

/** The test loss after one epoch (learning curves). */
export interface CifarCurvePoint {
  readonly epoch: number;
  /** The epoch's running training loss (MSE per entry, over its batches, training-mode batch norm). */
  readonly runningTrainLoss: number;
  /** MSE per entry on the test images (decoder: rows fitted against it frozen). */
  readonly testLoss: number;
}

/** One trained model: a (scenario, model, images per class, seed) point. */
export interface CifarRecord {
  readonly scenario: CifarScenario;
  readonly model: CifarModelName;
  readonly perClass: number;
  readonly samples: number;
  /** 0-based repeat; the run's seed is `config.seed + seedIndex`. */
  readonly seedIndex: number;
  readonly decoderLoad: number;
  readonly encoderLoad: number;
  /** Trainable weights of the whole model (decoder, plus the encoder for an autoencoder). */
  readonly weights: number;
  /** MSE per entry on the training images after the last epoch (evaluation-mode batch norm). */
  readonly trainLoss: number;
  /** MSE per entry on the test images after the last epoch. */
  readonly testLoss: number;
  readonly testImages: number;
  readonly epochs: number;
  readonly curve: readonly CifarCurvePoint[];
  /** Reconstructions of the grid's test images after the given epochs, pixel bytes 0–255, [images][3072]. */
  readonly grids: readonly {readonly epoch: number; readonly pixels: number[][]}[];
  readonly seconds: number;
}

/** Arguments of a CIFAR job: the settings, which model, and its images (cut in the main thread). */
export interface CifarJobArgs {
  readonly config: CifarConfig;
  readonly scenario: CifarScenario;
  readonly model: CifarModelName;
  readonly perClass: number;
  readonly seedIndex: number;
  readonly epochs: number;
  /** Epochs (1-based) after which the test loss is measured; the last epoch always is. */
  readonly evalEpochs: readonly number[];
  /** Epochs after which the grid images are reconstructed. */
  readonly gridEpochs: readonly number[];
  /**
   * A learning-curve run that is also a subset point (the same images, seed and settings,
   * trained longer) reports that point too: a 'subsets' record measured after this epoch, so
   * the full preset does not train the whole set for 100 epochs twice.
   */
  readonly subsetEpoch?: number;
  /**
   * Both splits, whole. Their pixels sit in SharedArrayBuffers (`shareImages`), so handing a
   * job to a worker thread passes a reference, not a copy of 600 MB. The job then copies its
   * own rows out (`takeImages`) and into a tensor: about 2 × 4 bytes × 3,072 per training image.
   */
  readonly data: {readonly train: LabelledImages; readonly test: LabelledImages};
  /** Rows of `data.train` this model trains on. */
  readonly trainRows: Int32Array;
  /** Rows of `data.test` it is tested on. */
  readonly testRows: Int32Array;
  /** Rows of `data.test` drawn in the reconstruction grids. */
  readonly gridRows: Int32Array;
}

/** A copy of a split whose pixels live in a SharedArrayBuffer (see `CifarJobArgs.data`). */
export function shareImages(set: LabelledImages): LabelledImages {
  const images = new Float32Array(new SharedArrayBuffer(set.images.byteLength));
  images.set(set.images);
  return {images, labels: set.labels, count: set.count, shape: set.shape};
}

/** Progress units of one epoch per image (the benchmark's samples/s: autoencoder ≈ 1.7×, 4x4 ≈ 1/6 of 1x1). */
export function cifarEpochCost(model: CifarModelName): number {
  const {kind, variant} = splitModelName(model);
  return (kind === 'autoencoder' ? 1.7 : 1) * (variant === '4x4' ? 0.17 : 1);
}

function images(set: LabelledImages, rows: Int32Array): tf.Tensor4D {
  return tf.tensor4d(takeImages(set, rows).images, [rows.length, 32, 32, 3]);
}

function toBytes(values: Float32Array, count: number): number[][] {
  return Array.from({length: count}, (_, i) =>
    Array.from(values.subarray(i * CIFAR_PIXELS, (i + 1) * CIFAR_PIXELS), (v) => Math.round(Math.min(1, Math.max(0, v)) * 255)));
}

function decodeRows(decoder: Module, rows: Float32Array, m: number): number[][] {
  const n = rows.length / m;
  return tf.tidy(() => toBytes(decoder.apply(tf.tensor2d(rows, [n, m])).dataSync() as Float32Array, n));
}

/**
 * Train one CIFAR-10 model (the decoder alone with a latent table, or an autoencoder), measure
 * the test loss after the chosen epochs and reconstruct the grid images after others.
 *
 * Seeds: run seed s = config.seed + seedIndex; decoder init 1000·s + 1, encoder 1000·s + 2,
 * rows 1000·s + 3, batch order 1000·s + 4, test rows 1000·s + 5. A decoder and an autoencoder
 * of one seed start from the same decoder weights.
 */
export async function runCifarJob(args: CifarJobArgs, tick: Tick): Promise<CifarRecord[]> {
  const {config, model, epochs} = args;
  const {kind, variant} = splitModelName(model);
  const s = config.seed + args.seedIndex;
  const started = performance.now();
  const xTrain = images(args.data.train, args.trainRows);
  const xTest = images(args.data.test, args.testRows), xGrid = images(args.data.test, args.gridRows);
  const samples = xTrain.shape[0];
  const decoder = createCifarDecoder({variant, seed: 1000 * s + 1});
  const encoder = createCifarEncoder({variant, seed: 1000 * s + 2});
  const m = decoder.inputShape[0];
  const rows = {kind: 'sgd' as const, learningRate: config.rowLearningRate, momentum: config.rowMomentum};
  const weights = {learningRate: config.learningRate, weightDecay: config.weightDecay};
  const label = `${args.scenario} ${model} ${args.perClass}/class seed ${s}`;
  const evalAt = new Set([...args.evalEpochs, epochs]);
  const gridAt = new Set(args.gridEpochs);
  const curve: CifarCurvePoint[] = [];
  const grids: {epoch: number; pixels: number[][]}[] = [];
  // The record's end state, and the subset point's when this run is also one (`subsetEpoch`).
  const ends = new Map<number, {point: CifarCurvePoint; trainLoss: number; seconds: number; grid?: number[][]}>();
  try {
    // Test rows of a frozen decoder: the same descent as training, with evaluation-mode batch norm.
    const fitRows = (data: tf.Tensor) => fitRepresentations({
      decoder, data, dim: m, epochs: config.testEpochs, batchSize: config.batchSize, loss: 'mse', optimizer: rows,
      seed: 1000 * s + 5, plateau: {patience: 10, minRelativeImprovement: 1e-4},
    });
    const table = kind === 'decoder' ? createLatentTable({size: samples, dim: m, seed: 1000 * s + 3, optimizer: rows}) : undefined;
    // What is measured, per kind: a decoder's test images get rows fitted against it frozen; an
    // autoencoder's are encoded. Both in evaluation-mode batch norm.
    const measure = table ? {
      test: async () => (await fitRows(xTest)).loss,
      train: () => reconstructionError(decoder, table.snapshot(), m, xTrain, 'mse'),
      grid: async () => decodeRows(decoder, (await fitRows(xGrid)).rows, m),
    } : {
      test: async () => reconstructionError(decoder, encodeAll(encoder, xTest), m, xTest, 'mse'),
      train: () => reconstructionError(decoder, encodeAll(encoder, xTrain), m, xTrain, 'mse'),
      grid: async () => decodeRows(decoder, encodeAll(encoder, xGrid), m),
    };
    const onEpoch = async (r: EpochReport) => {
      tick(Math.round(samples * cifarEpochCost(model)), label);
      const epoch = r.epoch + 1;
      const end = epoch === epochs || epoch === args.subsetEpoch;
      if (evalAt.has(epoch) || end) {
        const point = {epoch, runningTrainLoss: r.loss, testLoss: await measure.test()};
        if (evalAt.has(epoch)) curve.push(point);
        if (end) ends.set(epoch, {point, trainLoss: measure.train(), seconds: (performance.now() - started) / 1000});
      }
      if (gridAt.has(epoch) || epoch === args.subsetEpoch) {
        const pixels = await measure.grid();
        if (gridAt.has(epoch)) grids.push({epoch, pixels});
        if (epoch === args.subsetEpoch) ends.get(epoch)!.grid = pixels;
      }
    };
    const {optimizer} = table
      ? await trainDecoder({decoder, data: xTrain, table, epochs, batchSize: config.batchSize, loss: 'mse', seed: 1000 * s + 4, weights, onEpoch})
      : await trainAutoencoder({encoder, decoder, data: xTrain, epochs, batchSize: config.batchSize, loss: 'mse', seed: 1000 * s + 4, weights, onEpoch});
    optimizer?.dispose(); // Adam's moment slots

    const decoderWeights = decoder.countParameters(), encoderWeights = encoder.countParameters();
    const common = {
      model, perClass: args.perClass, samples, seedIndex: args.seedIndex,
      decoderLoad: decoderLoad({samples, dataDim: CIFAR_PIXELS, latentDim: m, weights: decoderWeights}),
      encoderLoad: encoderLoad({samples, latentDim: m, weights: encoderWeights}),
      weights: kind === 'decoder' ? decoderWeights : decoderWeights + encoderWeights,
      testImages: xTest.shape[0],
    };
    const last = ends.get(epochs)!;
    const records: CifarRecord[] = [{
      ...common, scenario: args.scenario, trainLoss: last.trainLoss, testLoss: last.point.testLoss, epochs, curve, grids,
      seconds: last.seconds,
    }];
    const sub = args.subsetEpoch === undefined ? undefined : ends.get(args.subsetEpoch);
    if (sub) {
      records.push({
        ...common, scenario: 'subsets', trainLoss: sub.trainLoss, testLoss: sub.point.testLoss, epochs: args.subsetEpoch!,
        curve: [sub.point], grids: sub.grid ? [{epoch: args.subsetEpoch!, pixels: sub.grid}] : [], seconds: sub.seconds,
      });
    }
    return records;
  } finally {
    decoder.dispose();
    encoder.dispose();
    tf.dispose([xTrain, xTest, xGrid]);
  }
}
