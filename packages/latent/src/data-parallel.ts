import {join} from 'node:path';
import {MessageChannel, receiveMessageOnPort, Worker, type MessagePort} from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import {errorFromMessage, type ErrorMessage} from '@encoderless/errors';
import type {Adam} from './adam';
import {BadConfigError, BadDataError, InternalError} from './latent-errors';
import type {DataParallelOptions, ParallelRun, ReplicaRecipe} from './threads-options';
import type {Module} from './module';
import {ShardStep, trainedVariables, type ShardAdam, type ShardSpec} from './shard-step';
import {shardBounds, StepBuffers, type StepLayout, type StepMemory} from './step-buffers';

/** What a worker thread is started with (structured-cloned; the buffers are shared). */
export interface WorkerInit {
  readonly thread: number;
  readonly where: string;
  readonly replica: ReplicaRecipe;
  readonly backend: string;
  readonly spec: ShardSpec;
  readonly layout: StepLayout;
  readonly memory: StepMemory;
  /** Values and shapes of every module's variables and state, decoder first. */
  readonly weights: {readonly decoder: ModuleValues; readonly encoder?: ModuleValues};
  readonly adam?: ShardAdam;
  /** The worker reports a failure during the steps here (thread 0 reads it synchronously). */
  readonly errors: MessagePort;
}

/** A module's variables (then its state) as plain values. */
export interface ModuleValues {
  readonly shapes: number[][];
  readonly values: Float32Array[];
}

/** Every variable then every state variable of a module: what a replica must match. */
export function moduleTensors(module: Module): tf.Variable[] {
  return [...module.variables, ...(module.state ?? [])];
}

async function moduleValues(module: Module): Promise<ModuleValues> {
  const all = moduleTensors(module);
  return {shapes: all.map((v) => [...v.shape]), values: await Promise.all(all.map(async (v) => await v.data() as Float32Array))};
}

/**
 * One training run spread over threads (see `ThreadsOptions.threads` and `step-buffers.ts` for
 * the protocol): thread 0 is the caller's, which owns the latent table and computes the first
 * share of every batch; `threads − 1` worker threads compute the rest. Per step thread 0 signals
 * the workers to start and all meet at one barrier, or two when weights are trained, through
 * Atomics on shared memory (no message per tensor).
 */
export class DataParallel implements ParallelRun {
  private parity = 0;
  private closed = false;
  private failed = false;

  private constructor(
    private readonly where: string,
    private readonly buffers: StepBuffers,
    private readonly own: ShardStep,
    private readonly optimizer: Adam | undefined,
    /** Sizes of the trained variables, in order: how the shared moments split into the optimizer's. */
    private readonly sizes: readonly number[],
    private readonly workers: readonly Worker[],
    private readonly errorPorts: readonly MessagePort[],
  ) {}

  /** Copy the data into shared memory, start the workers and wait until each has its copy of the modules. */
  static async start(options: DataParallelOptions): Promise<DataParallel> {
    const {where, threads, replica, spec, modules, optimizer, data, batchSize, rowDim} = options;
    if (data.dtype !== 'float32') {
      throw new BadDataError(`${where}: threads > 1 shares the data as float32; data has dtype ${data.dtype} (cast it first)`);
    }
    const variables = trainedVariables(spec, modules);
    const layout: StepLayout = {
      threads, batchSize, rowDim, params: variables.reduce((s, v) => s + v.size, 0),
      samples: data.shape[0], sampleSize: data.size / data.shape[0],
    };
    const buffers = StepBuffers.allocate(layout);
    buffers.data.set(await data.data() as Float32Array);
    const weights = {
      decoder: await moduleValues(modules.decoder),
      ...(modules.encoder ? {encoder: await moduleValues(modules.encoder)} : {}),
    };
    let adam: ShardAdam | undefined;
    if (optimizer && variables.length > 0) {
      // The weights and the optimizer's moments move into shared memory for the run (see step-buffers.ts).
      const state = await optimizer.getState();
      // The moments are taken by position: the optimizer must step exactly these variables.
      const sizes = state.moments.map((x) => x.m.length), expected = variables.map((v) => v.size);
      if (sizes.join() !== expected.join()) {
        throw new BadConfigError(
          `${where}: the optimizer steps variables of sizes [${sizes.join(', ')}], the trained variables have [${expected.join(', ')}]; ` +
          'pass an Adam made over exactly the variables this call trains, in their order', {option: 'weights'});
      }
      let offset = 0;
      for (const [i, v] of variables.entries()) {
        buffers.weights.set(await v.data() as Float32Array, offset);
        buffers.m.set(state.moments[i].m, offset);
        buffers.v.set(state.moments[i].v, offset);
        offset += v.size;
      }
      adam = {options: optimizer.options, step: state.step};
    }
    // Workers run compiled JavaScript: from the TypeScript sources (under jest) use the build.
    const script = __filename.endsWith('.ts') ? join(__dirname, '..', 'dist', 'data-parallel-worker.js') : join(__dirname, 'data-parallel-worker.js');
    const workers: Worker[] = [], errorPorts: MessagePort[] = [];
    const ready: Promise<void>[] = [];
    for (let thread = 1; thread < threads; thread++) {
      const {port1, port2} = new MessageChannel();
      const init: WorkerInit = {
        thread, where, replica, backend: tf.getBackend(), spec, layout, memory: buffers.memory, weights, errors: port2,
        ...(adam ? {adam} : {}),
      };
      const worker = new Worker(script, {workerData: init, transferList: [port2]});
      workers.push(worker);
      errorPorts.push(port1);
      ready.push(new Promise<void>((resolve, reject) => {
        worker.once('message', (msg: {type: 'ready'} | {type: 'error'; error: ErrorMessage}) => {
          if (msg.type === 'ready') resolve();
          else reject(workerError(where, thread, replica, errorFromMessage(msg.error)));
        });
        worker.once('error', (err) => reject(workerError(where, thread, replica, err)));
        worker.once('exit', (code) => reject(new InternalError(`${where}: worker thread ${thread} exited (code ${code}) before it was ready`)));
      }));
    }
    const own = new ShardStep(spec, modules, adam, buffers, 0, options.check);
    const parallel = new DataParallel(where, buffers, own, adam ? optimizer : undefined, variables.map((v) => v.size), workers, errorPorts);
    try {
      await Promise.all(ready);
    } catch (err) {
      await parallel.close();
      throw err;
    }
    workers.forEach((w) => w.removeAllListeners());
    return parallel;
  }

  /**
   * One step on a batch of sample indices (and, for trainDecoder, their rows [batch, m]): every
   * thread's share computed, the weights stepped everywhere. Returns the batch's loss (as the
   * single-thread trainer's) and the rows' gradients [batch, m] (null without rows).
   */
  step(indices: Int32Array, rows: Float32Array | null): {loss: number; rowGrad: Float32Array | null} {
    const b = this.buffers, parity = this.parity, threads = b.layout.threads;
    b.bounds.set(shardBounds(indices.length, threads));
    b.indices.set(indices);
    if (rows) b.rows.set(rows);
    b.signalGo();
    this.own.compute(parity);
    // A failure seen here comes before any thread began this step's update: the shared weights
    // and moments are still those of the last step, so the optimizer may still be synced.
    if (!b.arriveAndWait()) throw this.failure(false);
    let loss = 0;
    for (let t = 0; t < threads; t++) loss += b.losses[t];
    const rowGrad = rows ? b.rowGrads.slice(0, rows.length) : null;
    // Here some threads may have updated their share already: the shared state is torn.
    if (!this.own.finish(parity)) throw this.failure(true);
    this.parity = 1 - parity;
    return {loss, rowGrad};
  }

  /**
   * Copy the run's weight moments and step count back into the caller's Adam, so that its
   * `getState()` (a checkpoint) holds the run's state. The trainers call it after every epoch;
   * `close` calls it too, unless a thread failed during a step's update (the shared state is then
   * torn between two steps).
   */
  syncOptimizer(): void {
    if (!this.optimizer || this.failed) return;
    const {m, v} = this.buffers;
    let offset = 0;
    const moments = this.sizes.map((size) => {
      const part = {m: m.slice(offset, offset + size), v: v.slice(offset, offset + size)};
      offset += size;
      return part;
    });
    this.optimizer.setState({step: this.own.adamSteps, moments});
  }

  /** Stop the workers (idempotent); the caller's optimizer gets the run's state. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      this.syncOptimizer();
    } finally {
      this.buffers.stop();
      await Promise.all(this.workers.map((w) => w.terminate()));
      this.errorPorts.forEach((p) => p.close());
    }
  }

  /** The error of the worker that failed, with its class kept (read synchronously from its port). */
  private failure(torn: boolean): Error {
    if (torn) this.failed = true;
    const thread = this.buffers.failedThread();
    const msg = thread > 0 ? receiveMessageOnPort(this.errorPorts[thread - 1]) : undefined;
    if (!msg) return new InternalError(`${this.where}: worker thread ${thread} stopped without reporting why (it exited)`);
    const err = errorFromMessage(msg.message as ErrorMessage);
    err.message = `${this.where}: worker thread ${thread}: ${err.message}`;
    return err;
  }
}

function workerError(where: string, thread: number, replica: ReplicaRecipe, err: Error): Error {
  err.message = `${where}: worker thread ${thread} could not start (replica ${replica.export} from ${replica.module}): ${err.message}`;
  return err;
}
