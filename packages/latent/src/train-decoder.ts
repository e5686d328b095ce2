import * as tf from '@tensorflow/tfjs-core';
import {Adam, type AdamOptions} from './adam';
import {checkData, checkDecoderInput, checkOutputShape, entriesPerSample, firstForward} from './check-data';
import {checkEpochOptions, runEpochs, type EpochLoopOptions, type EpochReport} from './epoch-loop';
import {BadDataError} from './latent-errors';
import type {LatentTable} from './latent-table';
import type {Module} from './module';
import {checkLossOptions, reduceLoss, type LossReduction, type ReconstructionLoss} from './reconstruction-loss';

/** Options for `trainDecoder`. */
export interface TrainDecoderOptions extends EpochLoopOptions {
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
 *
 * ```ts
 * const table = createLatentTable({size: x.shape[0], dim: 20, seed: 1});
 * const {history} = await trainDecoder({decoder, data: x, table, epochs: 50});
 * ```
 */
export async function trainDecoder(options: TrainDecoderOptions): Promise<TrainDecoderResult> {
  const where = 'trainDecoder';
  const {decoder, data, table, loss = 'mse', reduction = 'sum', weights = {}, training = true} = options;
  checkEpochOptions(where, options, data?.shape?.[0]);
  checkLossOptions(where, loss, reduction);
  checkData(where, 'data', data);
  if (data.shape[0] !== table.size) {
    throw new BadDataError(`${where}: data has ${data.shape[0]} samples, table has ${table.size} rows`);
  }
  checkDecoderInput(where, decoder, table.dim, "the table's dim");
  const optimizer = weights === false ? undefined : weights instanceof Adam ? weights : new Adam(decoder.variables, weights);
  const variables = weights === false ? [] : decoder.variables;
  const m = table.dim;
  let shapeChecked = false;

  const step = (indices: Int32Array): number => {
    const rows = table.gather(indices);
    const {lossValue, rowGrad, weightGrads} = tf.tidy(() => {
      const idx = tf.tensor1d(indices, 'int32');
      const x = tf.gather(data, idx);
      const z = tf.tensor2d(rows, [indices.length, m]);
      const {value, grads} = tf.engine().gradients(() => {
        if (shapeChecked) return reduceLoss(decoder.apply(z, {training}), x, loss, reduction);
        const out = firstForward(where, decoder, z, "the table's dim", training);
        checkOutputShape(where, out, x);
        shapeChecked = true;
        return reduceLoss(out, x, loss, reduction);
      }, [z, ...variables]);
      return {lossValue: value, rowGrad: grads[0], weightGrads: grads.slice(1)};
    });
    const batchLoss = lossValue.dataSync()[0];
    const g = rowGrad.dataSync() as Float32Array;
    table.applyGradients(indices, g);
    optimizer?.applyGradients(weightGrads);
    tf.dispose([lossValue, rowGrad, ...weightGrads]);
    return reduction === 'sum' ? batchLoss : batchLoss * indices.length * entriesPerSample(data);
  };

  const history = await runEpochs(options, table.size, entriesPerSample(data), step, () => table.endEpoch());
  return {history, optimizer};
}
