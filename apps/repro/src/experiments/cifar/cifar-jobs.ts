import * as tf from '@tensorflow/tfjs-core';
import {reconstructionError, type EpochReport, type Module} from '@encoderless/latent';
import {takeImages} from '@encoderless/datasets';
import type {LabelledImages} from '@encoderless/datasets/node';
import {countParameters} from '@encoderless/load';
import {createCifarDecoder, createCifarEncoder} from '@encoderless/models';
import {
  createTrainingRows, encodeAndMeasure, fitTestRows, loadsOf, secondsSince, trainAutoencoderModel, trainDecoderAlone,
} from '../../protocol/protocol';
import type {JobPlan, Tick} from '../../sweep/experiment';
import {splitModelName, type CifarConfig, type CifarModelName, type CifarScenario} from './cifar-config';
import {cifarTrainRows, type CifarShared} from './cifar-data';

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
  /** With grids: the grid's test images as given, pixel bytes 0–255, [images][3072]. */
  readonly originals?: number[][];
  readonly seconds: number;
}

/** One CIFAR job: which model, on which subset, for how long, measured when. */
export interface CifarJob {
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

async function decodeRows(decoder: Module, rows: Float32Array, m: number): Promise<number[][]> {
  const n = rows.length / m;
  const images = tf.tidy(() => decoder.apply(tf.tensor2d(rows, [n, m])));
  try {
    return toBytes(await images.data() as Float32Array, n);
  } finally {
    images.dispose();
  }
}

/**
 * Every job of the chosen scenarios: one per (model, size, seed) and one per model for the
 * curves, which also stands for the subset point it repeats (see `CifarJob.subsetEpoch`). Work
 * is in image-epochs of ten classes (the job list cannot depend on the data).
 */
export function cifarJobs(config: CifarConfig): JobPlan<CifarJob>[] {
  const jobs: JobPlan<CifarJob>[] = [];
  // The curve run trains on the same images with the same seed as the subset point
  // (curveSize, first seed), only longer: it reports that point too instead of a second run.
  const shared = config.scenario.includes('subsets') && config.scenario.includes('curves') &&
    config.sizes.includes(config.curveSize) && config.curveEpochs >= config.epochs;
  if (config.scenario.includes('subsets')) {
    for (const perClass of config.sizes) {
      for (let seedIndex = 0; seedIndex < config.seeds; seedIndex++) {
        if (shared && perClass === config.curveSize && seedIndex === 0) continue;
        for (const model of config.models) {
          jobs.push({
            key: `subsets-${model}-${perClass}pc-seed${config.seed + seedIndex}`, work: config.epochs * epochUnits(model, perClass),
            params: {scenario: 'subsets', model, perClass, seedIndex, epochs: config.epochs, evalEpochs: [],
              gridEpochs: seedIndex === 0 ? [config.epochs] : []},
          });
        }
      }
    }
  }
  if (config.scenario.includes('curves')) {
    for (const model of config.models) {
      jobs.push({
        key: `curves-${model}-${config.curveSize}pc`, work: config.curveEpochs * epochUnits(model, config.curveSize),
        params: {scenario: 'curves', model, perClass: config.curveSize, seedIndex: 0, epochs: config.curveEpochs,
          evalEpochs: config.curveEvalEpochs, gridEpochs: config.gridEpochs, ...(shared ? {subsetEpoch: config.epochs} : {})},
      });
    }
  }
  return jobs;
}

/** Progress units of one epoch: images of ten classes, weighted by `cifarEpochCost`. */
function epochUnits(model: CifarModelName, perClass: number): number {
  return Math.max(1, Math.round(10 * perClass * cifarEpochCost(model)));
}

/** Bytes a worker holds at most beyond the shared data: its images copied and as tensors, rows, models and Adam (an estimate). */
export function cifarWorkerBytes(config: CifarConfig): number {
  const perClass = Math.max(...(config.scenario.includes('subsets') ? config.sizes : []), config.scenario.includes('curves') ? config.curveSize : 0);
  return 200e6 + 4 * CIFAR_PIXELS * (3 * 10 * perClass + 2 * 10_000 * config.testFraction);
}

/**
 * Train one CIFAR-10 model (the decoder alone with a latent table, or an autoencoder), measure
 * the test loss after the chosen epochs and reconstruct the grid images after others.
 *
 * Seeds: run seed s = config.seed + seedIndex; decoder init 1000·s + 1, encoder 1000·s + 2,
 * rows 1000·s + 3, batch order 1000·s + 4, test rows 1000·s + 5. A decoder and an autoencoder
 * of one seed start from the same decoder weights.
 */
export async function runCifarJob(config: CifarConfig, job: JobPlan<CifarJob>, data: CifarShared, tick: Tick): Promise<CifarRecord[]> {
  const args = job.params;
  const {model, epochs} = args;
  const {kind, variant} = splitModelName(model);
  const s = config.seed + args.seedIndex;
  const started = performance.now();
  const trainRows = cifarTrainRows(data.train.labels, data.classes, args.perClass, s, args.scenario === 'curves' ? '--curve-size' : '--sizes');
  const xTrain = images(data.train, trainRows);
  const xTest = images(data.test, data.testRows), xGrid = images(data.test, data.gridRows);
  const samples = xTrain.shape[0];
  const decoder = createCifarDecoder({variant, seed: 1000 * s + 1});
  const encoder = createCifarEncoder({variant, seed: 1000 * s + 2});
  const m = decoder.inputShape[0];
  const label = `${args.scenario} ${model} ${args.perClass}/class seed ${s}`;
  const evalAt = new Set([...args.evalEpochs, epochs]);
  const gridAt = new Set(args.gridEpochs);
  const curve: CifarCurvePoint[] = [];
  const grids: {epoch: number; pixels: number[][]}[] = [];
  // The record's end state, and the subset point's when this run is also one (`subsetEpoch`).
  const ends = new Map<number, {point: CifarCurvePoint; trainLoss: number; seconds: number; grid?: number[][]}>();
  try {
    // Test rows of a frozen decoder: fitted with evaluation-mode batch norm.
    const fitRows = (x: tf.Tensor) => fitTestRows({decoder, data: x, dim: m, loss: 'mse', seed: 1000 * s + 5, inference: config.inference});
    const table = kind === 'decoder' ? createTrainingRows({size: samples, dim: m, seed: 1000 * s + 3, settings: config}) : undefined;
    // What is measured, per kind: a decoder's test images get rows fitted against it frozen; an
    // autoencoder's are encoded. Both in evaluation-mode batch norm.
    const measure = table ? {
      test: async () => (await fitRows(xTest)).loss,
      train: () => reconstructionError(decoder, table.snapshot(), m, xTrain, 'mse'),
      grid: async () => decodeRows(decoder, (await fitRows(xGrid)).rows, m),
    } : {
      test: async () => (await encodeAndMeasure(encoder, decoder, xTest, m, 'mse')).loss,
      train: async () => (await encodeAndMeasure(encoder, decoder, xTrain, m, 'mse')).loss,
      grid: async () => decodeRows(decoder, (await encodeAndMeasure(encoder, decoder, xGrid, m, 'mse')).rows, m),
    };
    const onEpoch = async (r: EpochReport) => {
      tick(epochUnits(model, args.perClass), label);
      const epoch = r.epoch + 1;
      const end = epoch === epochs || epoch === args.subsetEpoch;
      if (evalAt.has(epoch) || end) {
        const point = {epoch, runningTrainLoss: r.loss, testLoss: await measure.test()};
        if (evalAt.has(epoch)) curve.push(point);
        if (end) ends.set(epoch, {point, trainLoss: await measure.train(), seconds: secondsSince(started)});
      }
      if (gridAt.has(epoch) || epoch === args.subsetEpoch) {
        const pixels = await measure.grid();
        if (gridAt.has(epoch)) grids.push({epoch, pixels});
        if (epoch === args.subsetEpoch) ends.get(epoch)!.grid = pixels;
      }
    };
    const common = {data: xTrain, epochs, loss: 'mse' as const, settings: config, seed: 1000 * s + 4, onEpoch};
    if (table) await trainDecoderAlone({decoder, table, ...common});
    else await trainAutoencoderModel({encoder, decoder, freezeDecoder: false, ...common});

    const decoderWeights = countParameters(decoder), encoderWeights = countParameters(encoder);
    const fields = {
      model, perClass: args.perClass, samples, seedIndex: args.seedIndex,
      ...loadsOf({samples, dataDim: CIFAR_PIXELS, latentDim: m, decoder, encoder}),
      weights: kind === 'decoder' ? decoderWeights : decoderWeights + encoderWeights,
      testImages: xTest.shape[0],
    };
    // The grid's originals travel with the records that have grids, so a report needs no data.
    const gridValues = await xGrid.data() as Float32Array;
    const originals = () => toBytes(gridValues, xGrid.shape[0]);
    const last = ends.get(epochs)!;
    const records: CifarRecord[] = [{
      ...fields, scenario: args.scenario, trainLoss: last.trainLoss, testLoss: last.point.testLoss, epochs, curve, grids,
      seconds: last.seconds, ...(grids.length ? {originals: originals()} : {}),
    }];
    const sub = args.subsetEpoch === undefined ? undefined : ends.get(args.subsetEpoch);
    if (sub) {
      records.push({
        ...fields, scenario: 'subsets', trainLoss: sub.trainLoss, testLoss: sub.point.testLoss, epochs: args.subsetEpoch!,
        curve: [sub.point], grids: sub.grid ? [{epoch: args.subsetEpoch!, pixels: sub.grid}] : [], seconds: sub.seconds,
        ...(sub.grid ? {originals: originals()} : {}),
      });
    }
    return records;
  } finally {
    decoder.dispose();
    encoder.dispose();
    tf.dispose([xTrain, xTest, xGrid]);
  }
}
