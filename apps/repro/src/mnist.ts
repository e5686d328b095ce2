import * as tf from '@tensorflow/tfjs-core';
import {
  createLatentTable, encodeAll, fitRepresentations, reconstructionError, trainAutoencoder, trainDecoder,
  type Module,
} from '@encoderless/latent';
import {decoderLoad, encoderLoad} from '@encoderless/load';
import {createMnistDecoder, createMnistEncoder, type Model} from '@encoderless/models';
import type {MnistConfig} from './mnist-config';
import {mnistSplits, type MnistSplits} from './mnist-data';
import type {Tick} from './simulated';

export type MnistModel = 'decoder' | 'autoencoder' | 'autoencoder-frozen-decoder';

/** One measured (scenario, N, model) point. */
export interface MnistRecord {
  readonly scenario: 'sweep' | 'ood';
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

const PIXELS = 28 * 28;

function toImages(images: Float32Array, count: number): tf.Tensor4D {
  return tf.tensor4d(images, [count, 28, 28, 1]);
}

function rounded(values: Float32Array | Int32Array | Uint8Array, images: number): number[][] {
  return Array.from({length: images}, (_, i) =>
    Array.from(values.subarray(i * PIXELS, (i + 1) * PIXELS), (v) => Math.round(v * 1000) / 1000));
}

function decodeRows(decoder: Module, rows: Float32Array, m: number, count: number): number[][] {
  const n = Math.min(count, rows.length / m);
  return tf.tidy(() => rounded(decoder.apply(tf.tensor2d(rows.subarray(0, n * m), [n, m])).dataSync() as Float32Array, n));
}

interface PointContext {
  readonly config: MnistConfig;
  readonly samples: number;
  readonly xTrain: tf.Tensor4D;
  readonly xTest: tf.Tensor4D;
  readonly tick: Tick;
  readonly label: string;
}

function commonFields(ctx: PointContext, decoder: Module & {countParameters(): number}, encoderWeights: number) {
  const {config, samples} = ctx;
  return {
    samples,
    decoderLoad: decoderLoad({samples, dataDim: PIXELS, latentDim: config.latentDim, weights: decoder.countParameters()}),
    encoderLoad: encoderLoad({samples, latentDim: config.latentDim, weights: encoderWeights}),
    epochs: config.epochs,
  };
}

/** Train the decoder alone, fit the test rows against it frozen, measure. Returns the decoder too. */
async function decoderAlone(ctx: PointContext, scenario: 'sweep' | 'ood', testSet: 'all' | 'in') {
  const {config, samples, xTrain, xTest} = ctx;
  const m = config.latentDim;
  const started = performance.now();
  const decoder = createMnistDecoder({latentDim: m, seed: config.seed + 1});
  const rows = {kind: 'sgd' as const, learningRate: config.rowLearningRate, momentum: config.rowMomentum};
  const table = createLatentTable({size: samples, dim: m, seed: config.seed + 3, optimizer: rows});
  const {optimizer} = await trainDecoder({
    decoder, data: xTrain, table, epochs: config.epochs, batchSize: config.batchSize, loss: 'bce', seed: config.seed + 4,
    weights: {learningRate: config.learningRate, weightDecay: config.weightDecay},
    onEpoch: () => ctx.tick(samples, `${ctx.label} decoder`),
  });
  optimizer?.dispose(); // Adam's moment slots
  const fitted = await fitRepresentations({
    decoder, data: xTest, dim: m, epochs: config.testEpochs, batchSize: config.batchSize, loss: 'bce',
    optimizer: rows, seed: config.seed + 5, plateau: {patience: 10, minRelativeImprovement: 1e-4},
  });
  const record: MnistRecord = {
    scenario, model: 'decoder', testSet, ...commonFields(ctx, decoder, 257_748),
    trainLoss: reconstructionError(decoder, table.snapshot(), m, xTrain, 'bce'),
    testLoss: fitted.loss,
    testMse: reconstructionError(decoder, fitted.rows, m, xTest, 'mse'),
    seconds: (performance.now() - started) / 1000,
    reconstructions: decodeRows(decoder, fitted.rows, m, config.gridImages),
    originals: rounded(xTest.dataSync() as Float32Array, Math.min(config.gridImages, xTest.shape[0])),
  };
  return {record, decoder, testRows: fitted.rows};
}

/** An autoencoder: from scratch, or an encoder trained through a given frozen decoder. */
async function autoencoder(ctx: PointContext, scenario: 'sweep' | 'ood', testSet: 'all' | 'in',
  frozenDecoder?: Model) {
  const {config, samples, xTrain, xTest} = ctx;
  const m = config.latentDim;
  const started = performance.now();
  const decoder = frozenDecoder ?? createMnistDecoder({latentDim: m, seed: config.seed + 1});
  const encoder = createMnistEncoder({latentDim: m, seed: config.seed + 2});
  const model: MnistModel = frozenDecoder ? 'autoencoder-frozen-decoder' : 'autoencoder';
  const trained = await trainAutoencoder({
    encoder, decoder, data: xTrain, freezeDecoder: Boolean(frozenDecoder), epochs: config.epochs,
    batchSize: config.batchSize, loss: 'bce', seed: config.seed + 6,
    weights: {learningRate: config.learningRate, weightDecay: config.weightDecay},
    onEpoch: () => ctx.tick(samples, `${ctx.label} ${model}`),
  });
  trained.optimizer.dispose();
  const testRows = encodeAll(encoder, xTest);
  const record: MnistRecord = {
    scenario, model, testSet, ...commonFields(ctx, decoder, encoder.countParameters()),
    trainLoss: reconstructionError(decoder, encodeAll(encoder, xTrain), m, xTrain, 'bce'),
    testLoss: reconstructionError(decoder, testRows, m, xTest, 'bce'),
    testMse: reconstructionError(decoder, testRows, m, xTest, 'mse'),
    seconds: (performance.now() - started) / 1000,
    reconstructions: decodeRows(decoder, testRows, m, config.gridImages),
  };
  return {record, decoder, encoder};
}

/** Arguments of an MNIST job: the settings, N, and where the data comes from. */
export interface MnistJobArgs {
  readonly config: MnistConfig;
  readonly samples: number;
  readonly dataDir?: string;
}

async function withData<T>(args: MnistJobArgs, scenario: 'sweep' | 'ood',
  run: (splits: MnistSplits, xTrain: tf.Tensor4D, xTest: tf.Tensor4D) => Promise<T>): Promise<T> {
  const splits = await mnistSplits(args.config, args.samples, scenario, args.dataDir);
  const xTrain = toImages(splits.train, args.samples);
  const xTest = toImages(splits.test, splits.testCount);
  try {
    return await run(splits, xTrain, xTest);
  } finally {
    tf.dispose([xTrain, xTest]);
  }
}

/** Sweep job 1: the decoder alone, then an autoencoder around it frozen. */
export function runMnistDecoderJob(args: MnistJobArgs, tick: Tick): Promise<MnistRecord[]> {
  return withData(args, 'sweep', async (_, xTrain, xTest) => {
    const ctx = {config: args.config, samples: args.samples, xTrain, xTest, tick, label: `N=${args.samples}`};
    const d = await decoderAlone(ctx, 'sweep', 'all');
    try {
      const frozen = await autoencoder(ctx, 'sweep', 'all', d.decoder);
      frozen.encoder.dispose();
      return [d.record, frozen.record];
    } finally {
      d.decoder.dispose();
    }
  });
}

/** Sweep job 2: the autoencoder from scratch. */
export function runMnistAutoencoderJob(args: MnistJobArgs, tick: Tick): Promise<MnistRecord[]> {
  return withData(args, 'sweep', async (_, xTrain, xTest) => {
    const ctx = {config: args.config, samples: args.samples, xTrain, xTest, tick, label: `N=${args.samples}`};
    const ae = await autoencoder(ctx, 'sweep', 'all');
    ae.encoder.dispose();
    ae.decoder.dispose();
    return [ae.record];
  });
}

/**
 * Out of distribution (the paper predicts it, never tests it): both models learn digits 0–4;
 * each is then asked to reconstruct held-out 0–4 ('in') and unseen 5–9 ('out').
 */
export function runMnistOodJob(args: MnistJobArgs, tick: Tick): Promise<MnistRecord[]> {
  return withData(args, 'ood', async (splits, xTrain, xTestIn) => {
    const xOut = toImages(splits.outOfDistribution!, splits.testCount);
    const label = `ood N=${args.samples}`;
    const ctx = {config: args.config, samples: args.samples, xTrain, xTest: xTestIn, tick, label};
    try {
      const dIn = await decoderAlone(ctx, 'ood', 'in');
      // The same trained decoder, its rows for 5–9 fitted against it frozen.
      const m = args.config.latentDim;
      const started = performance.now();
      const fittedOut = await fitRepresentations({
        decoder: dIn.decoder, data: xOut, dim: m, epochs: args.config.testEpochs, batchSize: args.config.batchSize,
        loss: 'bce', seed: args.config.seed + 5, plateau: {patience: 10, minRelativeImprovement: 1e-4},
        optimizer: {kind: 'sgd', learningRate: args.config.rowLearningRate, momentum: args.config.rowMomentum},
      });
      const dOut: MnistRecord = {
        ...dIn.record, testSet: 'out', testLoss: fittedOut.loss,
        testMse: reconstructionError(dIn.decoder, fittedOut.rows, m, xOut, 'mse'),
        seconds: (performance.now() - started) / 1000,
        reconstructions: decodeRows(dIn.decoder, fittedOut.rows, m, args.config.gridImages),
        originals: rounded(xOut.dataSync() as Float32Array, Math.min(args.config.gridImages, xOut.shape[0])),
      };
      dIn.decoder.dispose();
      const ae = await autoencoder(ctx, 'ood', 'in');
      const outRows = encodeAll(ae.encoder, xOut);
      const aeOut: MnistRecord = {
        ...ae.record, testSet: 'out',
        testLoss: reconstructionError(ae.decoder, outRows, m, xOut, 'bce'),
        testMse: reconstructionError(ae.decoder, outRows, m, xOut, 'mse'),
        reconstructions: decodeRows(ae.decoder, outRows, m, args.config.gridImages),
      };
      ae.encoder.dispose();
      ae.decoder.dispose();
      return [dIn.record, dOut, ae.record, aeOut];
    } finally {
      xOut.dispose();
    }
  });
}
