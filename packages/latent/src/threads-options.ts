import * as tf from '@tensorflow/tfjs-core';
import type {Adam} from './adam';
import {BadConfigError} from './latent-errors';
import type {ShardModules, ShardSpec} from './shard-step';
import {availableCores} from './start-data-parallel';

/**
 * How a worker thread builds its own copy of the modules: `await require(module)[export](...args)`,
 * which must select the backend the calling thread uses (e.g. `await useBackend('wasm')`) and
 * resolve to `{decoder, encoder?}` with the same variables, in the same order and shapes, as the
 * modules being trained. Their values do not matter: the worker copies the caller's weights (and
 * `state`) before the first step.
 *
 * ```ts
 * // replica.js, next to the training script:
 * exports.createReplica = async (backend) => {
 *   await useBackend(backend);
 *   return {decoder: createMnistDecoder(), encoder: createMnistEncoder()};
 * };
 * // the training script:
 * await trainDecoder({decoder, data, table, epochs: 10, threads: 2,
 *   replica: {module: require.resolve('./replica'), export: 'createReplica', args: ['wasm']}});
 * ```
 */
export interface ReplicaRecipe {
  /** What the worker `require`s: an absolute path (`require.resolve(…)`) or a package name it can resolve. */
  readonly module: string;
  /** The export to call. */
  readonly export: string;
  /** Its arguments; they are structured-cloned into the worker. Default none. */
  readonly args?: readonly unknown[];
}

/** The options that spread one training run over threads. */
export interface ThreadsOptions {
  /**
   * Threads that compute each batch, the calling one included: each computes the loss and
   * gradients of a contiguous share of the batch on its own copy of the modules (and its own
   * tfjs backend), the weight gradients are summed in thread order, each thread takes the Adam
   * step on its share of the weights (with tfjs' float32 arithmetic, bit for bit), and every
   * copy then loads all of them, so all copies keep identical weights. The caller's Adam gets
   * the run's moments and step count after every epoch. The latent table stays in the
   * calling thread, so a step on rows still costs O(batch). Results equal one thread's up to
   * float rounding (the batch's gradient is summed in another order), and a fixed thread count
   * gives the same numbers run after run. Batch norm in training mode normalises each share
   * with its own statistics (as PyTorch's DistributedDataParallel without SyncBatchNorm), which
   * changes results beyond rounding. Needs `replica`; at most the machine's cores. Default 1.
   */
  readonly threads?: number;
  /** Required when `threads` > 1: how each worker thread builds its copy of the modules. */
  readonly replica?: ReplicaRecipe;
}

/**
 * The thread count asked for, validated: a positive integer, at most the cores and the batch
 * size, with a replica recipe when above 1, and threads this runtime can share memory with.
 */
export function checkThreads(where: string, options: ThreadsOptions, batchSize: number): number {
  const {threads = 1, replica} = options;
  if (!(Number.isInteger(threads) && threads >= 1)) {
    throw new BadConfigError(`${where}: threads must be a positive integer, got ${threads}`, {option: 'threads'});
  }
  if (threads === 1) return 1;
  const backend = tf.getBackend();
  if (backend === 'webgpu' || backend === 'webgl') {
    // Threads split a batch over CPU cores, each with a copy of the modules; a GPU runs the
    // whole batch itself (and the shards read their results synchronously, which it cannot).
    throw new BadConfigError(`${where}: threads ${threads} splits each batch over CPU cores; this runs on the GPU ` +
      `(${backend}), which takes the whole batch at once: use threads: 1`, {option: 'threads'});
  }
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics?.wait !== 'function') {
    throw new BadConfigError(
      `${where}: threads ${threads} needs SharedArrayBuffer and Atomics.wait (Node.js worker threads), which this runtime lacks; use threads: 1`,
      {option: 'threads'});
  }
  const cores = availableCores();
  if (threads > cores) {
    throw new BadConfigError(
      `${where}: threads ${threads} is more than the ${cores} core(s) here; each thread computes a share of every batch, ` +
      `so threads beyond the cores only wait for one (use threads ≤ ${cores})`, {option: 'threads'});
  }
  if (threads > batchSize) {
    throw new BadConfigError(`${where}: threads ${threads} is more than batchSize ${batchSize}; some threads would never get a sample`,
      {option: 'threads'});
  }
  const ok = replica !== null && typeof replica === 'object' && typeof replica.module === 'string' && replica.module !== '' &&
    typeof replica.export === 'string' && replica.export !== '' && (replica.args === undefined || Array.isArray(replica.args));
  if (!ok) {
    throw new BadConfigError(
      `${where}: threads ${threads} needs replica: {module, export, args?}, a function each worker thread calls to build ` +
      `its copy of the modules (e.g. {module: require.resolve('./replica'), export: 'createReplica'}); got ${JSON.stringify(replica)}`,
      {option: 'replica'});
  }
  return threads;
}

/** Options of `startDataParallel`. */
export interface DataParallelOptions {
  readonly where: string;
  readonly threads: number;
  readonly replica: ReplicaRecipe;
  readonly spec: ShardSpec;
  /** The calling thread's modules: thread 0 trains these. */
  readonly modules: ShardModules;
  readonly optimizer?: Adam;
  /** The training data [samples, …]: copied once into shared memory. */
  readonly data: tf.Tensor;
  readonly batchSize: number;
  /** m for trainDecoder, 0 for trainAutoencoder. */
  readonly rowDim: number;
  readonly check?: (output: tf.Tensor, target: tf.Tensor) => void;
}

/** A training run spread over threads, as the trainers drive it (see `DataParallel`). */
export interface ParallelRun {
  /**
   * One step on a batch of sample indices (and, for trainDecoder, their rows [batch, m]): every
   * thread's share computed, the weights stepped everywhere. Returns the batch's loss and the
   * rows' gradients [batch, m] (null without rows).
   */
  step(indices: Int32Array, rows: Float32Array | null): {loss: number; rowGrad: Float32Array | null};
  /** Copy the run's optimizer state (moments, step count) back into the caller's Adam. */
  syncOptimizer(): void;
  /** Stop the workers (idempotent); syncs the optimizer unless a thread failed. */
  close(): Promise<void>;
}
