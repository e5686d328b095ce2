import * as tf from '@tensorflow/tfjs-core';
import {adamStepRange, type AdamOptions, type FlatAdamSlots} from './adam';
import type {Module} from './module';
import {entryLosses, reduceLoss, type LossReduction, type ReconstructionLoss} from './reconstruction-loss';
import {shardBounds, type StepBuffers} from './step-buffers';

/**
 * The scalar one shard of a batch differentiates, so that the shards' losses (and gradients)
 * add up to the batch's: `reduceLoss` itself for the whole batch; for a shard under `'mean'`,
 * its entries' sum over the whole batch's entry count.
 */
export function shardLoss(output: tf.Tensor, target: tf.Tensor, loss: ReconstructionLoss, reduction: LossReduction,
  batchSize: number): tf.Scalar {
  if (reduction === 'sum' || target.shape[0] === batchSize) return reduceLoss(output, target, loss, reduction);
  return tf.tidy(() => tf.div(tf.sum(entryLosses(output, target, loss)), batchSize * (target.size / target.shape[0])));
}

/** How a batch's loss is formed; `batchSize` is the whole batch's (a shard may be a part of it). */
export interface LossOptions {
  readonly loss: ReconstructionLoss;
  readonly reduction: LossReduction;
  readonly training: boolean;
  readonly batchSize: number;
  /** Called with the output and target of every call (trainers check the shape once). */
  readonly check?: (output: tf.Tensor, target: tf.Tensor) => void;
  /** The decoder's forward pass, if not `decoder.apply(z, {training})` (the first step wraps its errors). */
  readonly forward?: (z: tf.Tensor) => tf.Tensor;
}

/**
 * trainDecoder's gradients for rows z [b, m] and samples x [b, …]: the loss, its gradient with
 * respect to z and to `variables`. The caller owns (and disposes) the tensors.
 */
export function decoderGradients(decoder: Module, variables: readonly tf.Variable[], z: tf.Tensor2D, x: tf.Tensor,
  options: LossOptions): {value: tf.Scalar; rowGrad: tf.Tensor; weightGrads: tf.Tensor[]} {
  const {value, grads} = tf.engine().gradients(() => {
    const out = options.forward ? options.forward(z) : decoder.apply(z, {training: options.training});
    options.check?.(out, x);
    return shardLoss(out, x, options.loss, options.reduction, options.batchSize);
  }, [z, ...variables]);
  return {value, rowGrad: grads[0], weightGrads: grads.slice(1)};
}

/** trainAutoencoder's gradients for samples x [b, …]: the loss of decoder(encoder(x)) and its gradient with respect to `variables`. */
export function autoencoderGradients(encoder: Module, decoder: Module, variables: readonly tf.Variable[], x: tf.Tensor,
  options: LossOptions): {value: tf.Scalar; weightGrads: tf.Tensor[]} {
  const {value, grads} = tf.engine().gradients(() => {
    const out = decoder.apply(encoder.apply(x, {training: options.training}), {training: options.training});
    options.check?.(out, x);
    return shardLoss(out, x, options.loss, options.reduction, options.batchSize);
  }, [...variables]);
  return {value, weightGrads: grads};
}

/** What every thread of a data-parallel run computes: plain data, posted to the workers. */
export interface ShardSpec {
  /** trainDecoder (rows in, row gradients out) or trainAutoencoder. */
  readonly task: 'decoder' | 'autoencoder';
  readonly loss: ReconstructionLoss;
  readonly reduction: LossReduction;
  readonly training: boolean;
  /** trainDecoder with `weights: false` (rows only), or trainAutoencoder with `freezeDecoder`. */
  readonly frozen: boolean;
  /** Shape of one sample. */
  readonly sampleShape: readonly number[];
}

/** The modules one thread trains: its own copies. */
export interface ShardModules {
  readonly decoder: Module;
  readonly encoder?: Module;
}

/** The variables whose gradients the slots hold, in order: what the optimizer steps. */
export function trainedVariables(spec: ShardSpec, modules: ShardModules): tf.Variable[] {
  if (spec.task === 'decoder') return spec.frozen ? [] : [...modules.decoder.variables];
  return spec.frozen ? [...modules.encoder!.variables] : [...modules.encoder!.variables, ...modules.decoder.variables];
}

/** The weights' optimizer of a data-parallel run: Adam's options and the steps it has taken before. */
export interface ShardAdam {
  readonly options: Required<AdamOptions>;
  readonly step: number;
}

/**
 * One thread's part of a data-parallel step: `compute` its shard of the batch in `buffers`
 * (writing its loss, its rows' gradients and its weight gradients), then, after the barrier,
 * `finish`: sum every thread's weight gradients over this thread's share of the weights, take
 * the Adam step on that share of the shared weights, wait for the other threads to do theirs,
 * and load all the shared weights into its modules. Thread 0 and the workers run this same
 * code on their own copies of the modules.
 */
export class ShardStep {
  private readonly variables: tf.Variable[];
  private readonly sum: Float32Array;
  private readonly sampleSize: number;
  /** This thread's share of the flat weights. */
  private readonly range: {from: number; to: number};
  private readonly slots: FlatAdamSlots;
  private steps: number;

  constructor(
    private readonly spec: ShardSpec,
    private readonly modules: ShardModules,
    private readonly adam: ShardAdam | undefined,
    private readonly buffers: StepBuffers,
    private readonly thread: number,
    private readonly check?: (output: tf.Tensor, target: tf.Tensor) => void,
  ) {
    this.variables = trainedVariables(spec, modules);
    this.sum = new Float32Array(buffers.layout.params);
    this.sampleSize = buffers.layout.sampleSize;
    const bounds = shardBounds(buffers.layout.params, buffers.layout.threads);
    this.range = {from: bounds[thread], to: bounds[thread + 1]};
    this.steps = adam?.step ?? 0;
    this.slots = {params: buffers.weights, m: buffers.m, v: buffers.v};
  }

  /** Adam steps taken, those before the run included. */
  get adamSteps(): number {
    return this.steps;
  }

  /** Compute this thread's shard of the batch the buffers hold; results go into the buffers. */
  compute(parity: number): void {
    const b = this.buffers, t = this.thread, m = b.layout.rowDim;
    const from = b.bounds[t], to = b.bounds[t + 1], count = to - from;
    const slot = b.grads(parity, t);
    if (count === 0) {
      b.losses[t] = 0;
      slot.fill(0);
      return;
    }
    const options: LossOptions = {...this.spec, batchSize: b.bounds[b.layout.threads], check: this.check};
    const {value, rowGrad, weightGrads} = tf.tidy(() => {
      const x = tf.tensor(this.gatherSamples(b.indices.subarray(from, to)), [count, ...this.spec.sampleShape]);
      if (this.spec.task === 'autoencoder') {
        return {...autoencoderGradients(this.modules.encoder!, this.modules.decoder, this.variables, x, options), rowGrad: undefined};
      }
      const z = tf.tensor2d(b.rows.subarray(from * m, to * m), [count, m]);
      return decoderGradients(this.modules.decoder, this.variables, z, x, options);
    });
    // Synchronous reads, on purpose: a shard runs between barriers (Atomics.wait), where no
    // promise can settle, and never on a GPU backend (checkThreads refuses threads there), so
    // each read is a plain copy.
    try {
      b.losses[t] = value.dataSync()[0]; // eslint-disable-line no-restricted-syntax
      if (rowGrad) b.rowGrads.set(rowGrad.dataSync(), from * m); // eslint-disable-line no-restricted-syntax
      let offset = 0;
      for (const g of weightGrads) {
        slot.set(g.dataSync(), offset); // eslint-disable-line no-restricted-syntax
        offset += g.size;
      }
    } finally {
      tf.dispose([value, ...(rowGrad ? [rowGrad] : []), ...weightGrads]);
    }
  }

  /**
   * After the barrier: this thread's share of the Adam step, the second barrier, then the new
   * weights into its variables. Returns false (having loaded nothing) when the run was stopped
   * or a thread failed while this one waited.
   */
  finish(parity: number): boolean {
    if (this.variables.length === 0 || !this.adam) return true;
    const b = this.buffers;
    b.sumGrads(parity, this.sum, this.range.from, this.range.to);
    this.steps++;
    adamStepRange(this.slots, this.sum, this.range, this.steps, this.adam.options);
    if (!b.arriveAndWait()) return false;
    let offset = 0;
    for (const v of this.variables) {
      // A copy: tfjs-cpu would keep the view itself, and the shared weights change next step.
      const next = tf.tensor(b.weights.slice(offset, offset + v.size), v.shape);
      v.assign(next);
      next.dispose();
      offset += v.size;
    }
    return true;
  }

  private gatherSamples(indices: Int32Array): Float32Array {
    const size = this.sampleSize, data = this.buffers.data;
    const out = new Float32Array(indices.length * size);
    for (let i = 0; i < indices.length; i++) out.set(data.subarray(indices[i] * size, (indices[i] + 1) * size), i * size);
    return out;
  }
}
