import * as tf from '@tensorflow/tfjs-core';
import type {MnistSplit} from '@encoderless/datasets';
import {createLatentTable, trainDecoder} from '@encoderless/latent';
import {countParameters, decoderLoad, encoderLoad} from '@encoderless/load';
import {createMnistDecoder, createMnistEncoder} from '@encoderless/models';

/** The representation size of everything on the page (the shipped decoder's). */
export const LATENT_DIM = 10;
const PIXELS = 28 * 28;

/** What the page shows after each epoch. */
export interface TrainEpoch {
  readonly epoch: number;
  readonly epochs: number;
  /** Training loss: binary cross-entropy per pixel. */
  readonly loss: number;
  readonly seconds: number;
  readonly samplesPerSecond: number;
  /** The first `shown` training digits decoded from their rows [shown, 784]. */
  readonly reconstructions: Float32Array;
}

/** Options of `trainInPage`. */
export interface TrainInPageOptions {
  readonly digits: MnistSplit;
  /** N: the first N digits are trained on. */
  readonly samples: number;
  readonly epochs: number;
  readonly seed?: number;
  /** Training digits whose reconstructions are shown. Default 8. */
  readonly shown?: number;
  /** The stop button: training ends after the current batch. */
  readonly signal?: AbortSignal;
  readonly onEpoch?: (report: TrainEpoch) => void | Promise<void>;
}

/**
 * The method from scratch: the paper's MNIST decoder and one free row per digit, trained
 * together (Adam on the weights, the paper's SGD on the rows, binary cross-entropy), with the
 * first digits' reconstructions after every epoch. Disposes everything it made.
 */
export async function trainInPage(options: TrainInPageOptions): Promise<TrainEpoch[]> {
  const {digits, samples, epochs, seed = 0, shown = 8, signal, onEpoch} = options;
  if (!(Number.isInteger(samples) && samples >= 1 && samples <= digits.count)) {
    throw new Error(`trainInPage: samples must be a whole number from 1 to ${digits.count} (the digits shipped), got ${samples}`);
  }
  const decoder = createMnistDecoder({latentDim: LATENT_DIM, seed});
  const table = createLatentTable({size: samples, dim: LATENT_DIM, seed: seed + 1});
  const data = tf.tensor4d(digits.images.subarray(0, samples * PIXELS), [samples, 28, 28, 1]);
  const first = Int32Array.from({length: Math.min(shown, samples)}, (_, i) => i);
  const reports: TrainEpoch[] = [];
  try {
    await trainDecoder({
      decoder, data, table, epochs, loss: 'bce', seed, ...(signal ? {signal} : {}),
      onEpoch: async (r) => {
        // Read without blocking: on webgpu a synchronous read stalls the page until the GPU is done.
        const decoded = tf.tidy(() => decoder.apply(table.gatherTensor(first), {training: false}));
        const reconstructions = await decoded.data().finally(() => decoded.dispose()) as Float32Array;
        const report = {epoch: r.epoch, epochs, loss: r.loss, seconds: r.seconds, samplesPerSecond: samples / r.seconds, reconstructions};
        reports.push(report);
        await onEpoch?.(report);
      },
    });
    return reports;
  } finally {
    data.dispose();
    decoder.dispose();
  }
}

/** The two loads of the page's models for N training digits: the decoder's (eq. 3) and an encoder's (eq. 5). */
export interface Loads {
  readonly decoder: number;
  readonly encoder: number;
  readonly decoderWeights: number;
  readonly encoderWeights: number;
}

/** Counts the zoo's MNIST decoder and encoder once (building and disposing them), then computes loads for any N. */
export function createLoadCalculator(): (samples: number) => Loads {
  const decoder = createMnistDecoder({latentDim: LATENT_DIM});
  const encoder = createMnistEncoder({latentDim: LATENT_DIM});
  const decoderWeights = countParameters(decoder), encoderWeights = countParameters(encoder);
  decoder.dispose();
  encoder.dispose();
  return (samples) => ({
    decoder: decoderLoad({samples, dataDim: PIXELS, latentDim: LATENT_DIM, weights: decoderWeights}),
    encoder: encoderLoad({samples, latentDim: LATENT_DIM, weights: encoderWeights}),
    decoderWeights, encoderWeights,
  });
}
