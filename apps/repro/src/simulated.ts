import * as tf from '@tensorflow/tfjs-core';
import {generateSimulated, type Matrix} from '@encoderless/datasets';
import {
  createLatentTable, encodeAll, fitRepresentations, flattenedCorrelation, meanAbsUnitCorrelation,
  reconstructionError, trainAutoencoder, trainDecoder, type Module,
} from '@encoderless/latent';
import {decoderLoad, encoderLoad} from '@encoderless/load';
import {createLinearEncoder, createSparseDecoder} from '@encoderless/models';
import type {SimulatedConfig} from './simulated-config';

/** One measured (N, model) point: what the results table and the figure show. */
export interface SimulatedRecord {
  readonly model: 'decoder' | 'encoder' | 'autoencoder';
  readonly samples: number;
  readonly decoderLoad: number;
  readonly encoderLoad: number;
  /** Training reconstruction MSE per entry. */
  readonly trainLoss: number;
  /** Test reconstruction MSE per entry (the decoder: of rows fitted against it frozen). */
  readonly testLoss: number;
  /** Mean over regulators of |PCC(true, learned)| across test samples. */
  readonly pcc: number;
  /** PCC of all entries flattened: shown beside, not a measure of success. */
  readonly pccFlattened: number;
  readonly epochs: number;
  readonly seconds: number;
}

/** Progress callback: `samples` sample-epochs done, with a label for the display. */
export type Tick = (samples: number, label: string) => void;

function toTensor(m: Matrix): tf.Tensor2D {
  return tf.tensor2d(m.data, [m.rows, m.cols]);
}

/** The data of one training-set size: the network is shared by all N, the samples are not. */
function simulatedData(config: SimulatedConfig, samples: number) {
  return generateSimulated({
    samples, testSamples: config.testSamples, latentDim: config.latentDim, dataDim: config.dataDim,
    connectivity: config.connectivity, noiseStd: config.noiseStd, seed: config.seed * 1_000_003 + samples,
  });
}

/**
 * Data, tensors and fresh models of one N. Both jobs of an N build the same decoder and
 * encoder from the same seeds (the sparse decoder masked by the true network).
 */
function setUpPoint(config: SimulatedConfig, samples: number) {
  const data = simulatedData(config, samples);
  const {latentDim: m, seed} = config;
  return {
    data, m, seed,
    xTrain: toTensor(data.train.x), xTest: toTensor(data.test.x),
    decoder: createSparseDecoder({latentDim: m, outputDim: config.dataDim, mask: data.network.adjacency.data, seed: seed + 1}),
    encoder: createLinearEncoder({inputDim: config.dataDim, latentDim: m, seed: seed + 2}),
  };
}

function loads(config: SimulatedConfig, samples: number, decoder: Module & {countParameters(): number},
  encoderWeights: number) {
  return {
    decoderLoad: decoderLoad({samples, dataDim: config.dataDim, latentDim: config.latentDim, weights: decoder.countParameters()}),
    encoderLoad: encoderLoad({samples, latentDim: config.latentDim, weights: encoderWeights}),
  };
}

/**
 * Decoder alone, then an encoder trained through it frozen. The decoder's test rows are
 * fitted by the same descent against the frozen decoder.
 */
export async function runDecoderPoint(config: SimulatedConfig, samples: number, tick: Tick): Promise<SimulatedRecord[]> {
  const {data, m, seed, xTrain, xTest, decoder, encoder} = setUpPoint(config, samples);
  const rowOptimizer = {kind: 'sgd' as const, learningRate: config.rowLearningRate, momentum: config.rowMomentum};
  try {
    const started = performance.now();
    const table = createLatentTable({size: samples, dim: m, seed: seed + 3, optimizer: rowOptimizer});
    await trainDecoder({
      decoder, data: xTrain, table, epochs: config.epochs, batchSize: config.batchSize, seed: seed + 4,
      weights: {learningRate: config.decoderLearningRate, weightDecay: config.weightDecay},
      onEpoch: () => tick(samples, `decoder N=${samples}`),
    });
    const trainLoss = reconstructionError(decoder, table.snapshot(), m, xTrain);
    const fitted = await fitRepresentations({
      decoder, data: xTest, dim: m, epochs: config.testEpochs, batchSize: config.batchSize, optimizer: rowOptimizer,
      seed: seed + 5, plateau: {patience: 20, minRelativeImprovement: 1e-4},
    });
    const common = {samples, ...loads(config, samples, decoder, encoder.countParameters())};
    const decoderRecord: SimulatedRecord = {
      model: 'decoder', ...common, trainLoss, testLoss: fitted.loss,
      pcc: meanAbsUnitCorrelation(data.test.z.data, fitted.rows, m),
      pccFlattened: flattenedCorrelation(data.test.z.data, fitted.rows),
      epochs: config.epochs, seconds: (performance.now() - started) / 1000,
    };

    const encStarted = performance.now();
    await trainAutoencoder({
      encoder, decoder, data: xTrain, freezeDecoder: true, epochs: config.epochs, batchSize: config.batchSize,
      seed: seed + 6, weights: {learningRate: config.encoderLearningRate, weightDecay: config.weightDecay},
      onEpoch: () => tick(samples, `encoder N=${samples}`),
    });
    const encoderRecord = evaluateEncoder('encoder', encoder, decoder, xTrain, xTest, data.test.z.data, m, common,
      config.epochs, encStarted);
    return [decoderRecord, encoderRecord];
  } finally {
    tf.dispose([xTrain, xTest]);
    decoder.dispose();
    encoder.dispose();
  }
}

/** The autoencoder from scratch: a fresh sparse decoder (same mask) and linear encoder, end to end. */
export async function runAutoencoderPoint(config: SimulatedConfig, samples: number, tick: Tick): Promise<SimulatedRecord[]> {
  const {data, m, seed, xTrain, xTest, decoder, encoder} = setUpPoint(config, samples);
  try {
    const started = performance.now();
    await trainAutoencoder({
      encoder, decoder, data: xTrain, epochs: config.autoencoderEpochs, batchSize: config.batchSize, seed: seed + 7,
      weights: {learningRate: config.encoderLearningRate, weightDecay: config.weightDecay},
      onEpoch: () => tick(samples, `autoencoder N=${samples}`),
    });
    const common = {samples, ...loads(config, samples, decoder, encoder.countParameters())};
    return [evaluateEncoder('autoencoder', encoder, decoder, xTrain, xTest, data.test.z.data, m, common,
      config.autoencoderEpochs, started)];
  } finally {
    tf.dispose([xTrain, xTest]);
    decoder.dispose();
    encoder.dispose();
  }
}

function evaluateEncoder(model: 'encoder' | 'autoencoder', encoder: Module, decoder: Module,
  xTrain: tf.Tensor, xTest: tf.Tensor, zTest: Float32Array, m: number,
  common: {samples: number; decoderLoad: number; encoderLoad: number}, epochs: number, started: number): SimulatedRecord {
  const trainRows = encodeAll(encoder, xTrain);
  const testRows = encodeAll(encoder, xTest);
  return {
    model, ...common,
    trainLoss: reconstructionError(decoder, trainRows, m, xTrain),
    testLoss: reconstructionError(decoder, testRows, m, xTest),
    pcc: meanAbsUnitCorrelation(zTest, testRows, m),
    pccFlattened: flattenedCorrelation(zTest, testRows),
    epochs, seconds: (performance.now() - started) / 1000,
  };
}
