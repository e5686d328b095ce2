import * as tf from '@tensorflow/tfjs-core';
import {Adam, type AdamOptions} from './adam';
import {checkData, checkDecoderInput, checkOutputShapeOnce, entriesPerSample, firstForward} from './check-data';
import {startDataParallel} from './start-data-parallel';
import {checkThreads, type ThreadsOptions} from './threads-options';
import {checkEpochOptions, runEpochs, type EpochLoopOptions, type EpochReport} from './epoch-loop';
import {BadDataError} from './latent-errors';
import type {LatentTable} from './latent-table';
import type {Module} from './module';
import {checkLossOptions, summedLoss, type LossReduction, type ReconstructionLoss} from './reconstruction-loss';
import {readTensors} from './read-tensors';
import {decoderGradients} from './shard-step';

/** Options for `trainDecoder`. */
export interface TrainDecoderOptions extends EpochLoopOptions, ThreadsOptions {
  /** Maps rows [batch, m] to samples [batch, …]. */
  readonly decoder: Module;
  /** Training samples [N, …features]. */
  readonly data: tf.Tensor;
  /** N rows of dimension m; its optimizer and schedule drive the rows. */
  readonly table: LatentTable;
  /** Default `'mse'`. */
  readonly loss?: ReconstructionLoss;
  /** Default `'sum'` (see `LossReduction`). */
  readonly reduction?: LossReduction;
  /**
   * The decoder weights' optimizer: Adam options (default lr 1e-3), an existing `Adam` (to
   * resume with its state), or `false` to keep the decoder frozen and move the rows alone.
   */
  readonly weights?: AdamOptions | Adam | false;
  /** Run the decoder in training mode (batch norm on batch statistics). Default true. */
  readonly training?: boolean;
}

/** What `trainDecoder` returns. */
export interface TrainDecoderResult {
  readonly history: EpochReport[];
  /** The weight optimizer used (undefined when frozen), for checkpoints. */
  readonly optimizer?: Adam;
}

/**
 * Train a decoder alone: every sample owns a row of `table`; each step moves the decoder's
 * weights (Adam) and the batch's rows (the table's optimizer) down the reconstruction loss.
 * With `threads` > 1 each batch is split over that many threads (see `ThreadsOptions`).
 *
 * ```ts
 * const table = createLatentTable({size: x.shape[0], dim: 20, seed: 1});
 * const {history} = await trainDecoder({decoder, data: x, table, epochs: 50});
 * ```
 */
export async function trainDecoder(options: TrainDecoderOptions): Promise<TrainDecoderResult> {
  const where = 'trainDecoder';
  const {decoder, data, table, loss = 'mse', reduction = 'sum', weights = {}, training = true, batchSize = 32} = options;
  // The data first: the other checks read its shape.
  await checkData(where, 'data', data);
  checkEpochOptions(where, options, data.shape[0]);
  checkLossOptions(where, loss, reduction);
  if (data.shape[0] !== table.size) {
    throw new BadDataError(`${where}: data has ${data.shape[0]} samples, table has ${table.size} rows`);
  }
  checkDecoderInput(where, decoder, table.dim, "the table's dim");
  const threads = checkThreads(where, options, batchSize);
  const optimizer = weights === false ? undefined : weights instanceof Adam ? weights : new Adam(decoder.variables, weights);
  const variables = weights === false ? [] : decoder.variables;
  const m = table.dim;
  const entries = entriesPerSample(data);
  const check = checkOutputShapeOnce(where);

  if (threads > 1) {
    const parallel = await startDataParallel({
      where, threads, replica: options.replica!, modules: {decoder}, ...(optimizer ? {optimizer} : {}), data, batchSize, rowDim: m, check,
      spec: {task: 'decoder', loss, reduction, training, frozen: weights === false, sampleShape: data.shape.slice(1)},
    });
    try {
      const step = (indices: Int32Array): number => {
        const {loss: batchLoss, rowGrad} = parallel.step(indices, table.gather(indices));
        table.applyGradients(indices, rowGrad!);
        return summedLoss(batchLoss, reduction, indices.length, entries);
      };
      const history = await runEpochs(options, table.size, entries, step, () => {
        table.endEpoch();
        parallel.syncOptimizer();
      });
      return {history, optimizer};
    } finally {
      await parallel.close();
    }
  }

  let first = true;
  // One read from the backend per step: the loss and the rows' gradient together. The weights'
  // gradients stay on the device, and Adam's update is queued before the read.
  const step = async (indices: Int32Array): Promise<number> => {
    const rows = table.gather(indices);
    const {value, rowGrad, weightGrads} = tf.tidy(() => {
      const x = tf.gather(data, tf.tensor1d(indices, 'int32'));
      const z = tf.tensor2d(rows, [indices.length, m]);
      // The first step's forward pass names the rows' dim when a decoder without inputShape fails on them.
      const forward = first ? (input: tf.Tensor) => firstForward(where, decoder, input, "the table's dim", training) : undefined;
      return decoderGradients(decoder, variables, z, x, {loss, reduction, training, batchSize: indices.length, check, forward});
    });
    first = false;
    let read: Float32Array[];
    try {
      optimizer?.applyGradients(weightGrads);
      read = await readTensors([value, rowGrad]);
    } finally {
      tf.dispose([value, rowGrad, ...weightGrads]);
    }
    const [batchLoss, g] = read;
    table.applyGradients(indices, g);
    return summedLoss(batchLoss[0], reduction, indices.length, entries);
  };

  const history = await runEpochs(options, table.size, entries, step, () => table.endEpoch());
  return {history, optimizer};
}
