import * as tf from '@tensorflow/tfjs-core';
import {mnistSubset} from '@encoderless/datasets';
import {reconstructionError, type Module} from '@encoderless/latent';
import {createMnistDecoder, createMnistEncoder, type Model} from '@encoderless/models';
import {createTrainingRows, encodeAndMeasure, fitTestRows, loadsOf, secondsSince, trainAutoencoderModel, trainDecoderAlone} from '../../protocol/protocol';
import type {JobPlan, Tick} from '../../sweep/experiment';
import type {MnistConfig, MnistScenario} from './mnist-config';
import type {MnistShared} from './mnist-data';

export type MnistModel = 'decoder' | 'autoencoder' | 'autoencoder-frozen-decoder';

/** One measured (scenario, N, model) point. */
export interface MnistRecord {
  readonly scenario: MnistScenario;
  readonly model: MnistModel;
  /** ood only: 'in' (held-out digits 0–4) or 'out' (digits 5–9). */
  readonly testSet: 'all' | 'in' | 'out';
  readonly samples: number;
  readonly decoderLoad: number;
  readonly encoderLoad: number;
  /** Binary cross-entropy per pixel on the training images. */
  readonly trainLoss: number;
  /** Binary cross-entropy per pixel on the test images. */
  readonly testLoss: number;
  /** Squared error per pixel on the test images. */
  readonly testMse: number;
  readonly epochs: number;
  readonly seconds: number;
  /** The first `gridImages` test reconstructions, [images][784], 3 decimals. */
  readonly reconstructions: number[][];
  /** The same test images as given (decoder records only), for the grids. */
  readonly originals?: number[][];
}

/** A job: the sweep's decoder (and the autoencoder on it frozen) or autoencoder at N, or the ood scenario. */
export interface MnistJob {
  readonly scenario: MnistScenario;
  readonly kind: 'decoder' | 'autoencoder' | 'ood';
  readonly samples: number;
}

/** Sweep: two jobs per N; ood: one job (both models, both test sets). */
export function mnistJobs(config: MnistConfig): JobPlan<MnistJob>[] {
  const jobs: JobPlan<MnistJob>[] = [];
  if (config.scenario.includes('sweep')) {
    for (const n of config.sizes) {
      jobs.push({key: `sweep-N${n}-decoder`, params: {scenario: 'sweep', kind: 'decoder', samples: n}, work: 2 * n * config.epochs});
      jobs.push({key: `sweep-N${n}-autoencoder`, params: {scenario: 'sweep', kind: 'autoencoder', samples: n}, work: n * config.epochs});
    }
  }
  if (config.scenario.includes('ood')) {
    jobs.push({key: `ood-N${config.oodSamples}`, params: {scenario: 'ood', kind: 'ood', samples: config.oodSamples},
      work: 2 * config.oodSamples * config.epochs});
  }
  return jobs;
}

/** Bytes a worker holds at most beyond the shared data: the subset and its tensor, the tables, models and Adam (an estimate). */
export function mnistWorkerBytes(config: MnistConfig): number {
  const n = Math.max(...(config.scenario.includes('sweep') ? config.sizes : []), config.scenario.includes('ood') ? config.oodSamples : 0);
  return 150e6 + 4 * 784 * (3 * n + 4 * config.testSamples);
}

const PIXELS = 28 * 28;

function toImages(images: Float32Array, count: number): tf.Tensor4D {
  return tf.tensor4d(images, [count, 28, 28, 1]);
}

function rounded(values: Float32Array, images: number): number[][] {
  return Array.from({length: images}, (_, i) =>
    Array.from(values.subarray(i * PIXELS, (i + 1) * PIXELS), (v) => Math.round(v * 1000) / 1000));
}

async function decodeRows(decoder: Module, rows: Float32Array, m: number, count: number): Promise<number[][]> {
  const n = Math.min(count, rows.length / m);
  const images = tf.tidy(() => decoder.apply(tf.tensor2d(rows.subarray(0, n * m), [n, m])));
  try {
    return rounded(await images.data() as Float32Array, n);
  } finally {
    images.dispose();
  }
}

interface PointContext {
  readonly config: MnistConfig;
  readonly scenario: MnistScenario;
  readonly testSet: 'all' | 'in';
  readonly samples: number;
  readonly xTrain: tf.Tensor4D;
  readonly xTest: tf.Tensor4D;
  readonly tick: Tick;
  readonly label: string;
}

/** The loads of a point, and the measured losses' common fields. */
function commonFields(ctx: PointContext, decoder: Model, encoder: Model) {
  const {config, samples} = ctx;
  return {
    scenario: ctx.scenario, samples, epochs: config.epochs,
    ...loadsOf({samples, dataDim: PIXELS, latentDim: config.latentDim, decoder, encoder}),
  };
}

/**
 * The decoder alone: trained with its table, test rows fitted against it frozen, measured.
 * Returns the decoder too. Seeds: decoder seed + 1, rows + 3, order + 4, test rows + 5.
 */
async function decoderAlone(ctx: PointContext) {
  const {config, xTrain, xTest} = ctx;
  const m = config.latentDim;
  const started = performance.now();
  const decoder = createMnistDecoder({latentDim: m, seed: config.seed + 1});
  const table = createTrainingRows({size: ctx.samples, dim: m, seed: config.seed + 3, settings: config});
  await trainDecoderAlone({
    decoder, data: xTrain, table, epochs: config.epochs, loss: 'bce', settings: config, seed: config.seed + 4,
    onEpoch: () => ctx.tick(ctx.samples, `${ctx.label} decoder`),
  });
  const fitted = await fitTestRows({decoder, data: xTest, dim: m, loss: 'bce', seed: config.seed + 5, inference: config.inference});
  // The decoder record's encoder load is that of the encoder it is compared with (same m, same architecture).
  const encoder = createMnistEncoder({latentDim: m, seed: config.seed + 2});
  const common = commonFields(ctx, decoder, encoder);
  encoder.dispose();
  const record: MnistRecord = {
    ...common, model: 'decoder', testSet: ctx.testSet,
    trainLoss: await reconstructionError(decoder, table.snapshot(), m, xTrain, 'bce'),
    testLoss: fitted.loss,
    testMse: await reconstructionError(decoder, fitted.rows, m, xTest, 'mse'),
    seconds: secondsSince(started),
    reconstructions: await decodeRows(decoder, fitted.rows, m, config.gridImages),
    originals: rounded(await xTest.data() as Float32Array, Math.min(config.gridImages, xTest.shape[0])),
  };
  return {record, decoder};
}

/** An autoencoder: from scratch, or an encoder trained through a given frozen decoder. Seeds: encoder + 2, order + 6. */
async function autoencoder(ctx: PointContext, frozenDecoder?: Model) {
  const {config, xTrain, xTest} = ctx;
  const m = config.latentDim;
  const started = performance.now();
  const decoder = frozenDecoder ?? createMnistDecoder({latentDim: m, seed: config.seed + 1});
  const encoder = createMnistEncoder({latentDim: m, seed: config.seed + 2});
  const model: MnistModel = frozenDecoder ? 'autoencoder-frozen-decoder' : 'autoencoder';
  await trainAutoencoderModel({
    encoder, decoder, freezeDecoder: Boolean(frozenDecoder), data: xTrain, epochs: config.epochs, loss: 'bce', settings: config,
    seed: config.seed + 6, onEpoch: () => ctx.tick(ctx.samples, `${ctx.label} ${model}`),
  });
  const test = await encodeAndMeasure(encoder, decoder, xTest, m, 'bce');
  const record: MnistRecord = {
    ...commonFields(ctx, decoder, encoder), model, testSet: ctx.testSet,
    trainLoss: (await encodeAndMeasure(encoder, decoder, xTrain, m, 'bce')).loss,
    testLoss: test.loss,
    testMse: await reconstructionError(decoder, test.rows, m, xTest, 'mse'),
    seconds: secondsSince(started),
    reconstructions: await decodeRows(decoder, test.rows, m, config.gridImages),
  };
  return {record, decoder, encoder};
}

/**
 * One MNIST job on the shared data. Sweep: a seeded random N of the 60,000 training images
 * (the seed mixes the run's seed and N), tested on the fixed test subset. OOD (the paper
 * predicts it, never tests it): both models learn digits 0–4; each is then asked to
 * reconstruct held-out 0–4 ('in') and unseen 5–9 ('out').
 */
export async function runMnistJob(config: MnistConfig, job: JobPlan<MnistJob>, data: MnistShared, tick: Tick): Promise<MnistRecord[]> {
  const {samples, scenario, kind} = job.params;
  const pool = scenario === 'ood' ? data.ood!.train : data.train;
  const testSplit = scenario === 'ood' ? data.ood!.testIn : data.test;
  const xTrain = toImages(mnistSubset(pool, samples, config.seed * 1_000_003 + samples).images, samples);
  const xTest = toImages(testSplit.images, testSplit.count);
  const label = scenario === 'ood' ? `ood N=${samples}` : `N=${samples}`;
  const ctx: PointContext = {config, scenario, testSet: scenario === 'ood' ? 'in' : 'all', samples, xTrain, xTest, tick, label};
  try {
    if (kind === 'autoencoder') {
      const ae = await autoencoder(ctx);
      ae.encoder.dispose();
      ae.decoder.dispose();
      return [ae.record];
    }
    const d = await decoderAlone(ctx);
    if (kind === 'decoder') {
      try {
        const frozen = await autoencoder(ctx, d.decoder);
        frozen.encoder.dispose();
        return [d.record, frozen.record];
      } finally {
        d.decoder.dispose();
      }
    }
    return await oodOut(ctx, d, data.ood!.testOut);
  } finally {
    tf.dispose([xTrain, xTest]);
  }
}

/** ood: the trained decoder's rows for 5–9 fitted against it frozen, then the autoencoder on 0–4 and 5–9. */
async function oodOut(ctx: PointContext, dIn: {record: MnistRecord; decoder: Model}, outSplit: MnistShared['test']): Promise<MnistRecord[]> {
  const {config} = ctx;
  const m = config.latentDim;
  const xOut = toImages(outSplit.images, outSplit.count);
  try {
    const started = performance.now();
    const fittedOut = await fitTestRows({decoder: dIn.decoder, data: xOut, dim: m, loss: 'bce', seed: config.seed + 5, inference: config.inference});
    const dOut: MnistRecord = {
      ...dIn.record, testSet: 'out', testLoss: fittedOut.loss,
      testMse: await reconstructionError(dIn.decoder, fittedOut.rows, m, xOut, 'mse'),
      seconds: secondsSince(started),
      reconstructions: await decodeRows(dIn.decoder, fittedOut.rows, m, config.gridImages),
      originals: rounded(await xOut.data() as Float32Array, Math.min(config.gridImages, xOut.shape[0])),
    };
    dIn.decoder.dispose();
    const ae = await autoencoder(ctx);
    const out = await encodeAndMeasure(ae.encoder, ae.decoder, xOut, m, 'bce');
    const aeOut: MnistRecord = {
      ...ae.record, testSet: 'out', testLoss: out.loss,
      testMse: await reconstructionError(ae.decoder, out.rows, m, xOut, 'mse'),
      reconstructions: await decodeRows(ae.decoder, out.rows, m, config.gridImages),
    };
    ae.encoder.dispose();
    ae.decoder.dispose();
    return [dIn.record, dOut, ae.record, aeOut];
  } finally {
    xOut.dispose();
  }
}
