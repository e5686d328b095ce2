import * as tf from '@tensorflow/tfjs-core';
import {generateSimulated, type Matrix} from '@encoderless/datasets';
import {flattenedCorrelation, meanAbsUnitCorrelation, reconstructionError} from '@encoderless/latent';
import {createLinearEncoder, createSparseDecoder} from '@encoderless/models';
import {createTrainingRows, encodeAndMeasure, fitTestRows, loadsOf, secondsSince, trainAutoencoderModel, trainDecoderAlone} from '../../protocol/protocol';
import type {JobPlan, Tick} from '../../sweep/experiment';
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

/** A job: the decoder alone then the encoder on it frozen ('decoder'), or the autoencoder from scratch. */
export interface SimulatedJob {
  readonly samples: number;
  readonly kind: 'decoder' | 'autoencoder';
}

/** Two jobs per N: the decoder alone (then an encoder on it frozen), and the autoencoder from scratch. */
export function simulatedJobs(config: SimulatedConfig): JobPlan<SimulatedJob>[] {
  return config.sizes.flatMap((n) => [
    {key: `N${n}-decoder-encoder`, params: {samples: n, kind: 'decoder' as const}, work: 2 * n * config.epochs},
    {key: `N${n}-autoencoder`, params: {samples: n, kind: 'autoencoder' as const}, work: n * config.autoencoderEpochs},
  ]);
}

function toTensor(m: Matrix): tf.Tensor2D {
  return tf.tensor2d(m.data, [m.rows, m.cols]);
}

/**
 * Data, tensors and fresh models of one N. The data is generated from the seed (it is cheap,
 * so each job makes its own); the network is shared by all N, the samples are not. Both jobs
 * of an N build the same decoder and encoder from the same seeds (the sparse decoder masked by
 * the true network).
 */
function setUpPoint(config: SimulatedConfig, samples: number) {
  const data = generateSimulated({
    samples, testSamples: config.testSamples, latentDim: config.latentDim, dataDim: config.dataDim,
    connectivity: config.connectivity, noiseStd: config.noiseStd, seed: config.seed * 1_000_003 + samples,
  });
  const {latentDim: m, seed} = config;
  return {
    data, m, seed,
    xTrain: toTensor(data.train.x), xTest: toTensor(data.test.x),
    decoder: createSparseDecoder({latentDim: m, outputDim: config.dataDim, mask: data.network.adjacency.data, seed: seed + 1}),
    encoder: createLinearEncoder({inputDim: config.dataDim, latentDim: m, seed: seed + 2}),
  };
}

/**
 * Seeds: seed + 1 decoder init, + 2 encoder init, + 3 training rows, + 4 decoder batch order,
 * + 5 test rows, + 6 encoder-on-frozen-decoder order, + 7 autoencoder order.
 */
export async function runSimulatedJob(config: SimulatedConfig, job: JobPlan<SimulatedJob>, tick: Tick): Promise<SimulatedRecord[]> {
  const {samples, kind} = job.params;
  const {data, m, seed, xTrain, xTest, decoder, encoder} = setUpPoint(config, samples);
  const zTest = data.test.z.data;
  const common = {samples, ...loadsOf({samples, dataDim: config.dataDim, latentDim: m, decoder, encoder})};
  const encoderRecord = async (model: 'encoder' | 'autoencoder', epochs: number, started: number): Promise<SimulatedRecord> => {
    const test = await encodeAndMeasure(encoder, decoder, xTest, m, 'mse');
    return {
      model, ...common, trainLoss: (await encodeAndMeasure(encoder, decoder, xTrain, m, 'mse')).loss, testLoss: test.loss,
      pcc: meanAbsUnitCorrelation(zTest, test.rows, m), pccFlattened: flattenedCorrelation(zTest, test.rows),
      epochs, seconds: secondsSince(started),
    };
  };
  try {
    if (kind === 'autoencoder') {
      const started = performance.now();
      await trainAutoencoderModel({
        encoder, decoder, freezeDecoder: false, data: xTrain, epochs: config.autoencoderEpochs, loss: 'mse', settings: config,
        seed: seed + 7, onEpoch: () => tick(samples, `autoencoder N=${samples}`),
      });
      return [await encoderRecord('autoencoder', config.autoencoderEpochs, started)];
    }
    const started = performance.now();
    const table = createTrainingRows({size: samples, dim: m, seed: seed + 3, settings: config});
    await trainDecoderAlone({
      decoder, data: xTrain, table, epochs: config.epochs, loss: 'mse', settings: config, seed: seed + 4,
      onEpoch: () => tick(samples, `decoder N=${samples}`),
    });
    const trainLoss = await reconstructionError(decoder, table.snapshot(), m, xTrain);
    const fitted = await fitTestRows({decoder, data: xTest, dim: m, loss: 'mse', seed: seed + 5, inference: config.inference});
    const decoderRecord: SimulatedRecord = {
      model: 'decoder', ...common, trainLoss, testLoss: fitted.loss,
      pcc: meanAbsUnitCorrelation(zTest, fitted.rows, m), pccFlattened: flattenedCorrelation(zTest, fitted.rows),
      epochs: config.epochs, seconds: secondsSince(started),
    };
    const encStarted = performance.now();
    await trainAutoencoderModel({
      encoder, decoder, freezeDecoder: true, data: xTrain, epochs: config.epochs, loss: 'mse', settings: config,
      seed: seed + 6, onEpoch: () => tick(samples, `encoder N=${samples}`),
    });
    return [decoderRecord, await encoderRecord('encoder', config.epochs, encStarted)];
  } finally {
    tf.dispose([xTrain, xTest]);
    decoder.dispose();
    encoder.dispose();
  }
}
