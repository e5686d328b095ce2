import * as tf from '@tensorflow/tfjs-core';
import {Adam, type AdamOptions} from './adam';
import {checkData, checkOutputShape, checkOutputShapeOnce, entriesPerSample} from './check-data';
import {startDataParallel} from './start-data-parallel';
import {checkThreads, type ThreadsOptions} from './threads-options';
import {checkEpochOptions, runEpochs, type EpochLoopOptions, type EpochReport} from './epoch-loop';
import {BadDataError} from './latent-errors';
import type {Module} from './module';
import {checkLossOptions, reduceLoss, summedLoss, type LossReduction, type ReconstructionLoss} from './reconstruction-loss';
import {readScalar} from './read-tensors';
import {autoencoderGradients} from './shard-step';

/** Options for `trainAutoencoder`. */
export interface TrainAutoencoderOptions extends EpochLoopOptions, ThreadsOptions {
  readonly encoder: Module;
  readonly decoder: Module;
  /** Training samples [N, …features]. */
  readonly data: tf.Tensor;
  /** Keep the decoder's weights fixed and train the encoder alone through it. Default false. */
  readonly freezeDecoder?: boolean;
  /** Default `'mse'`. */
  readonly loss?: ReconstructionLoss;
  /** Default `'sum'`. */
  readonly reduction?: LossReduction;
  /** Adam options (the paper: lr 1e-4 for the simulated AE) or an existing Adam. */
  readonly weights?: AdamOptions | Adam;
  readonly training?: boolean;
}

export interface TrainAutoencoderResult {
  readonly history: EpochReport[];
  readonly optimizer: Adam;
}

/**
 * The baselines: an autoencoder decoder∘encoder trained end to end, or (`freezeDecoder: true`)
 * an encoder trained through a frozen, pre-trained decoder. With `threads` > 1 each batch is
 * split over that many threads (see `ThreadsOptions`; the replica builds both modules).
 *
 * ```ts
 * await trainAutoencoder({encoder, decoder, data: x, epochs: 100, freezeDecoder: true});
 * ```
 */
export async function trainAutoencoder(options: TrainAutoencoderOptions): Promise<TrainAutoencoderResult> {
  const where = 'trainAutoencoder';
  const {encoder, decoder, data, freezeDecoder = false, loss = 'mse', reduction = 'sum', weights = {}, training = true,
    batchSize = 32} = options;
  // The data first: the other checks read its shape.
  await checkData(where, 'data', data);
  checkEpochOptions(where, options, data.shape[0]);
  checkLossOptions(where, loss, reduction);
  const threads = checkThreads(where, options, batchSize);
  const variables = freezeDecoder ? [...encoder.variables] : [...encoder.variables, ...decoder.variables];
  const optimizer = weights instanceof Adam ? weights : new Adam(variables, weights);
  const entries = entriesPerSample(data);
  const check = checkOutputShapeOnce(where);

  if (threads > 1) {
    const parallel = await startDataParallel({
      where, threads, replica: options.replica!, modules: {decoder, encoder}, optimizer, data, batchSize, rowDim: 0, check,
      spec: {task: 'autoencoder', loss, reduction, training, frozen: freezeDecoder, sampleShape: data.shape.slice(1)},
    });
    try {
      const step = (indices: Int32Array): number => summedLoss(parallel.step(indices, null).loss, reduction, indices.length, entries);
      return {history: await runEpochs(options, data.shape[0], entries, step, () => parallel.syncOptimizer()), optimizer};
    } finally {
      await parallel.close();
    }
  }

  // One read per step, the loss, after Adam's update is queued.
  const step = async (indices: Int32Array): Promise<number> => {
    const {value, weightGrads} = tf.tidy(() => autoencoderGradients(encoder, decoder, variables,
      tf.gather(data, tf.tensor1d(indices, 'int32')), {loss, reduction, training, batchSize: indices.length, check}));
    return summedLoss(await updateThenRead(optimizer, weightGrads, value), reduction, indices.length, entries);
  };
  const history = await runEpochs(options, data.shape[0], entries, step);
  return {history, optimizer};
}

/** Options for `trainEncoderOnRows`. */
export interface TrainEncoderOnRowsOptions extends EpochLoopOptions {
  readonly encoder: Module;
  /** Samples [N, …features]. */
  readonly data: tf.Tensor;
  /** Targets: the rows a decoder learned for these samples [N, m]. */
  readonly rows: tf.Tensor2D;
  readonly weights?: AdamOptions | Adam;
}

/**
 * An encoder regressed onto the learned rows (squared error, summed): the other way to get an
 * encoder after training the decoder alone.
 */
export async function trainEncoderOnRows(options: TrainEncoderOnRowsOptions): Promise<TrainAutoencoderResult> {
  const where = 'trainEncoderOnRows';
  const {encoder, data, rows, weights = {}} = options;
  await checkData(where, 'data', data);
  checkEpochOptions(where, options, data.shape[0]);
  await checkData(where, 'rows', rows);
  if (rows.shape[0] !== data.shape[0]) {
    throw new BadDataError(`${where}: rows has ${rows.shape[0]} rows, data has ${data.shape[0]} samples`);
  }
  const optimizer = weights instanceof Adam ? weights : new Adam(encoder.variables, weights);
  const step = async (indices: Int32Array): Promise<number> => {
    const {value, grads} = tf.tidy(() => {
      const idx = tf.tensor1d(indices, 'int32');
      const x = tf.gather(data, idx);
      const target = tf.gather(rows, idx);
      return tf.engine().gradients(() => {
        const out = encoder.apply(x, {training: true});
        checkOutputShape(where, out, target);
        return reduceLoss(out, target, 'mse', 'sum');
      }, [...encoder.variables]);
    });
    return updateThenRead(optimizer, grads, value);
  };
  const history = await runEpochs(options, data.shape[0], rows.shape[1], step);
  return {history, optimizer};
}

/**
 * Adam's update from `grads`, queued before the batch loss `value` is read (one read per step);
 * both are disposed, whatever fails.
 */
async function updateThenRead(optimizer: Adam, grads: tf.Tensor[], value: tf.Tensor): Promise<number> {
  try {
    optimizer.applyGradients(grads);
  } catch (err) {
    value.dispose();
    throw err;
  } finally {
    tf.dispose(grads);
  }
  return readScalar(value);
}

/** Apply an encoder to data in batches: [N, m] as a Float32Array (async reads: works on every backend). */
export async function encodeAll(encoder: Module, data: tf.Tensor, batchSize = 256): Promise<Float32Array> {
  const n = data.shape[0];
  const parts: Float32Array[] = [];
  for (let b = 0; b < n; b += batchSize) {
    const codes = tf.tidy(() => encoder.apply(tf.slice(data, b, Math.min(batchSize, n - b)), {training: false}));
    try {
      parts.push(await codes.data() as Float32Array);
    } finally {
      codes.dispose();
    }
  }
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let off = 0;
  for (const p of parts) { out.set(p, off); off += p.length; }
  return out;
}
