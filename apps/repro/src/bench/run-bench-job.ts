import {join} from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import {describeBackend, useBackend, type BackendInfo} from '@encoderless/backends';
import {createLatentTable, fitRepresentations, trainAutoencoder, trainDecoder, type EpochReport, type ReplicaRecipe} from '@encoderless/latent';
import type {Model} from '@encoderless/models';
import {createRandom} from '@encoderless/random';
import {TFJS_SUBMIT_BATCH, type BenchModel, type BenchWorkload} from './bench-options';
import type {BackendResult, CeilingResult, LatentTableResult, MemoryResult, WorkloadResult} from './bench-report';
import {achievedGflops, median} from './bench-report';
import {createZooPair} from './bench-zoo';
import {countKernelFlops, stepFlops, type KernelRecord} from './count-flops';
import {attachGpuProbe, perStep, type GpuProbe, type GpuWindow} from './gpu-probe';

/** One unit of work for a worker process: it gets its own process, so its memory is its own. */
export type BenchJob =
  | {readonly kind: 'ceilings'; readonly backend: string}
  | {
    readonly kind: 'model'; readonly backend: string; readonly model: BenchModel; readonly threads: number;
    readonly workloads: readonly BenchWorkload[]; readonly runs: number; readonly batches: number;
    readonly batchSize: number; readonly budgetSeconds: number;
    /** webgpu only: WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE for this worker. Default tfjs's. */
    readonly submitBatch?: number;
  }
  | {readonly kind: 'latent-table'; readonly sizes: readonly number[]; readonly dim: number; readonly steps: number};

/** What a worker reports, one line per finished measurement: a killed worker loses only the rest. */
export type JobReport =
  | {readonly type: 'backend'; readonly backend: BackendResult}
  | {readonly type: 'ceiling'; readonly ceiling: CeilingResult}
  | {readonly type: 'workload'; readonly workload: WorkloadResult}
  | {readonly type: 'memory'; readonly memory: MemoryResult}
  | {readonly type: 'latent-table'; readonly table: LatentTableResult};

/** Median wall time of `f` (which must wait for its result) over `reps` calls after one warm-up. */
async function timeMedianMs(f: () => Promise<void>, reps: number): Promise<number> {
  await f();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const start = performance.now();
    await f();
    times.push(performance.now() - start);
  }
  return median(times);
}

/** Compute `f` and wait for its result (an async read: every backend has one). */
async function waitFor(f: () => tf.Tensor): Promise<void> {
  const out = tf.tidy(f);
  try {
    await out.data();
  } finally {
    out.dispose();
  }
}

async function measureCeilings(backend: string): Promise<CeilingResult> {
  const a = tf.randomNormal([512, 512]), b = tf.randomNormal([512, 512]);
  const x = tf.randomNormal([32, 14, 14, 64]) as tf.Tensor4D, f = tf.randomNormal([4, 4, 64, 128]) as tf.Tensor4D;
  try {
    const matmulMs = await timeMedianMs(() => waitFor(() => tf.matMul(a, b)), 5);
    const convMs = await timeMedianMs(() => waitFor(() => tf.conv2d(x, f, 2, 1)), 5);
    const convFlops = 2 * (32 * 7 * 7 * 128) * (4 * 4 * 64);
    return {backend, status: 'ok', matmulGflops: (2 * 512 ** 3) / matmulMs / 1e6, conv2dGflops: convFlops / convMs / 1e6};
  } finally {
    tf.dispose([a, b, x, f]);
  }
}

/** Forward FLOPs of one sample through `model`, counted from the kernels one pass runs. */
async function forwardFlopsPerSample(model: Model): Promise<number> {
  const input = tf.randomNormal([2, ...model.inputShape]);
  try {
    const info = await tf.profile(() => { tf.tidy(() => { model.apply(input, {training: true}); }); });
    return countKernelFlops(info.kernels as unknown as KernelRecord[]) / 2;
  } finally {
    input.dispose();
  }
}

/** Where a timed pass ended (performance.now(), ms) and how many steps it took: the GPU probe's window. */
interface PassEnd {
  readonly endedAt: number;
  readonly steps: number;
}

/** How one run of a workload trains: its model, data and thread count, and when to stop. */
interface RunSettings {
  readonly decoder: Model;
  readonly encoder: Model;
  readonly data: tf.Tensor;
  readonly batchSize: number;
  readonly epochs: number;
  readonly threads: number;
  readonly replica: ReplicaRecipe;
  readonly onEpoch: (report: EpochReport, end: PassEnd) => void;
  readonly shouldStop: () => boolean;
}

/**
 * Train `epochs` passes over `data` (its batches) in ONE call of the trainer of `workload`:
 * `train` moves the decoder's weights and the rows (trainDecoder), `autoencoder` trains encoder
 * and decoder end to end (trainAutoencoder). One call, so that a run on several threads starts
 * its workers once and the epochs after the warm-up (`WARM_UP_MS`) time warm ones. `infer` is one step of
 * fitRepresentations with its defaults per pass (every row one gradient of its own loss through
 * the frozen decoder, input gradients only), timed by the step's own report so its closing
 * evaluation is not counted; it runs on one thread.
 */
async function runEpochsOf(workload: BenchWorkload, s: RunSettings): Promise<void> {
  const steps = Math.ceil(s.data.shape[0] / s.batchSize);
  const common = {data: s.data, epochs: s.epochs, batchSize: s.batchSize, seed: 1, threads: s.threads, replica: s.replica,
    onEpoch: (r: EpochReport) => s.onEpoch(r, {endedAt: performance.now(), steps}), shouldStop: s.shouldStop};
  if (workload === 'autoencoder') {
    const {optimizer} = await trainAutoencoder({encoder: s.encoder, decoder: s.decoder, ...common});
    optimizer.dispose();
    return;
  }
  const dim = s.decoder.inputShape[0];
  if (workload === 'infer') {
    for (let epoch = 0; epoch < s.epochs; epoch++) {
      let seconds = NaN, endedAt = NaN;
      const {settings} = await fitRepresentations({decoder: s.decoder, data: s.data, dim, maxSteps: 1, convergence: false, seed: 1,
        onStep: (r) => {
          seconds = r.seconds;
          endedAt = performance.now();
        }});
      s.onEpoch({epoch, loss: NaN, seconds}, {endedAt, steps: Math.ceil(s.data.shape[0] / settings.batchSize)});
      if (s.shouldStop()) break;
    }
    return;
  }
  const table = createLatentTable({size: s.data.shape[0], dim, seed: 1});
  const {optimizer} = await trainDecoder({decoder: s.decoder, table, ...common});
  optimizer?.dispose();
}

/**
 * Untimed steps before the timed runs of each workload (after the first epoch, which starts the
 * workers; at most a quarter of the workload's budget). A worker thread (threads > 1) starts
 * with freshly compiled wasm that V8 optimises only once its functions have run a while: one
 * warm-up epoch of 6 batches left MNIST's 2-thread training ~10% slow (1,035–1,083 samples/s,
 * against 1,171–1,192 after 3 s of steps, measured back to back in one session).
 */
const WARM_UP_MS = 3000;
const MAX_WARM_UP_EPOCHS = 1000;

/**
 * On webgpu: the submit batch this worker runs with, set, and a probe on the backend that
 * counts each step's reads, submits and dispatches. Undefined elsewhere.
 */
function startGpuCounters(job: Extract<BenchJob, {kind: 'model'}>): {submitBatch: number; probe: GpuProbe} | undefined {
  if (job.backend !== 'webgpu') return undefined;
  const submitBatch = job.submitBatch ?? TFJS_SUBMIT_BATCH;
  tf.env().set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', submitBatch);
  return {submitBatch, probe: attachGpuProbe(tf.backend())};
}

async function measureModel(job: Extract<BenchJob, {kind: 'model'}>, info: BackendInfo, report: (r: JobReport) => void): Promise<void> {
  const {backend, model, threads, runs, batches, batchSize} = job;
  const gpu = startGpuCounters(job);
  // The first batch on a GPU compiles every shader pipeline the step uses: the second one tells
  // what a batch costs.
  const warmBatches = gpu ? 2 : 1;
  // The adapter itself is named once, in the results' backends (the Ceilings table's "runs on").
  const software = info.adapter?.software ? ' on a software adapter, which is slower than wasm' : '';
  const {decoder, encoder} = createZooPair(model);
  const decoderFlops = await forwardFlopsPerSample(decoder);
  const encoderFlops = await forwardFlopsPerSample(encoder);
  const n = batches * batchSize;
  // Targets in [0, 1): what the sigmoid decoders produce; the ReLU one is as happy with them.
  const data = tf.randomUniform([n, ...decoder.outputShape], 0, 1, 'float32', 1);
  const warmData = tf.slice(data, 0, batchSize);
  // Worker threads build their copies of the pair with the same function (compiled: dist/bench-zoo.js).
  const replica: ReplicaRecipe = {module: join(__dirname, 'bench-zoo'), export: 'createBenchReplica', args: [backend, model]};
  for (const workload of job.workloads) {
    // Each workload gets an equal share of the budget, whatever the ones before it took.
    const end = performance.now() + (job.budgetSeconds * 1000) / job.workloads.length;
    const flopsPerSample = workload === 'train' ? stepFlops(decoderFlops, 'train')
      : workload === 'infer' ? stepFlops(decoderFlops, 'rows-only') : stepFlops(decoderFlops + encoderFlops, 'train');
    const base = {backend, model, workload, threads, flopsPerSample, ...(gpu ? {submitBatch: gpu.submitBatch} : {})};
    if (workload === 'infer' && threads > 1) {
      report({type: 'workload', workload: {...base, status: 'skipped',
        note: 'fitRepresentations runs on one thread (each row steps on its own gradient); spread many new samples over processes instead'}});
      continue;
    }
    // One batch on this thread first (two on a GPU): it warms the kernels up and tells whether a run fits.
    let perBatchMs = 0;
    for (let b = 0; b < warmBatches; b++) {
      const warmStart = performance.now();
      await runEpochsOf(workload, {decoder, encoder, data: warmData, batchSize, epochs: 1, threads: 1, replica,
        onEpoch: () => undefined, shouldStop: () => false});
      perBatchMs = performance.now() - warmStart;
    }
    // Then one call: its first epoch (which starts the workers) and the epochs within the
    // warm-up time after it are untimed; each later epoch is one timed run of `batches` batches,
    // as long as the next one fits the budget. The warm-up takes at most a quarter of the budget.
    const warmUpMs = Math.min(WARM_UP_MS, (end - performance.now()) / 4);
    const seconds: number[] = [], windows: GpuWindow[] = [];
    let lastMs = perBatchMs * batches, warmUntil = Infinity;
    if (performance.now() + warmUpMs + 2 * lastMs < end) {
      await runEpochsOf(workload, {
        decoder, encoder, data, batchSize, epochs: runs + MAX_WARM_UP_EPOCHS, threads, replica,
        onEpoch: (r, {endedAt, steps}) => {
          lastMs = 1000 * r.seconds;
          const began = endedAt - 1000 * r.seconds;
          // Every pass is taken from the probe (it forgets what came before), the timed ones kept.
          const window = gpu?.probe.take(began, endedAt, steps);
          if (r.epoch === 0) warmUntil = performance.now() + warmUpMs;
          else if (began >= warmUntil) { // began warm
            seconds.push(r.seconds);
            if (window) windows.push(window);
          }
        },
        shouldStop: () => seconds.length >= runs || performance.now() + lastMs > end,
      });
    }
    if (seconds.length === 0) {
      report({type: 'workload', workload: {...base, status: 'timed out',
        note: `one batch took ${(perBatchMs / 1000).toFixed(1)} s${software}; a warm-up (${(WARM_UP_MS / 1000).toFixed(0)} s at most) ` +
          `and a timed run of ${batches} would not fit the budget`}});
      continue;
    }
    const speeds = seconds.map((sec) => n / sec);
    const samplesPerSecond = median(speeds);
    const gpuStep = perStep(windows);
    report({type: 'workload', workload: {...base, status: 'ok', samplesPerSecond, runs: speeds,
      gflops: achievedGflops(flopsPerSample, samplesPerSecond), ...(gpuStep ? {gpuStep} : {}),
      ...(speeds.length < runs ? {note: `${speeds.length} of ${runs} runs fit the budget`} : {})}});
  }
  tf.dispose([data, warmData]);
  const heap = (tf.backend() as unknown as {wasm?: {HEAPU8?: Uint8Array}}).wasm?.HEAPU8?.length;
  const mem = tf.memory();
  report({type: 'memory', memory: {
    backend, model, threads, ...(gpu ? {submitBatch: gpu.submitBatch} : {}), peakRssMB: process.resourceUsage().maxRSS / 1024,
    ...(heap === undefined ? {} : {wasmHeapMB: heap / 2 ** 20}),
    tfTensors: mem.numTensors, tfMB: mem.numBytes / 2 ** 20,
  }});
}

/** One latent-table step as trainDecoder takes it: gather the batch's rows, apply their gradient. */
function measureLatentTable(rows: number, dim: number, steps: number): LatentTableResult {
  const table = createLatentTable({size: rows, dim, seed: 1});
  const rng = createRandom(2);
  const batches = Array.from({length: 64}, () => Int32Array.from({length: 32}, () => rng.integer(rows)));
  const grad = Float32Array.from({length: 32 * dim}, () => rng.uniform(-1, 1) * 1e-3);
  const step = (i: number) => {
    const indices = batches[i % batches.length];
    table.gather(indices);
    table.applyGradients(indices, grad);
  };
  for (let i = 0; i < 100; i++) step(i);
  const start = performance.now();
  for (let i = 0; i < steps; i++) step(i);
  return {rows, dim, microsPerStep: ((performance.now() - start) * 1000) / steps};
}

/** Run one job in this process, reporting each finished measurement. */
export async function runBenchJob(job: BenchJob, report: (r: JobReport) => void): Promise<void> {
  if (job.kind === 'latent-table') {
    for (const rows of job.sizes) report({type: 'latent-table', table: measureLatentTable(rows, job.dim, job.steps)});
    return;
  }
  const info = await useBackend(job.backend);
  report({type: 'backend', backend: {backend: job.backend, description: describeBackend(info),
    ...(info.adapter ? {software: info.adapter.software} : {})}});
  if (job.kind === 'ceilings') report({type: 'ceiling', ceiling: await measureCeilings(job.backend)});
  else await measureModel(job, info, report);
}
