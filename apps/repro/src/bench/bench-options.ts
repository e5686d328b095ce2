/** The models the bench knows, by the name `--models` takes. */
export const BENCH_MODELS = ['mnist', 'cifar-1x1', 'cifar-4x4', 'sparse'] as const;
export type BenchModel = (typeof BENCH_MODELS)[number];

/** What is measured per model: see `bench.ts`. */
export const BENCH_WORKLOADS = ['train', 'infer', 'autoencoder'] as const;
export type BenchWorkload = (typeof BENCH_WORKLOADS)[number];

/** tfjs-backend-webgpu 4.22.0's default WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE: dispatches recorded per queue submit. */
export const TFJS_SUBMIT_BATCH = 15;

export interface BenchOptions {
  /** Models to run. Default: all. */
  readonly models: readonly BenchModel[];
  /** Backends to run (skipped with a reason when not installed). Default: wasm, cpu. */
  readonly backends: readonly string[];
  /**
   * Threads per training run (the trainers' `threads` option: each batch split over that many
   * threads). Default 1 and 2, capped at the machine's cores.
   */
  readonly threads: readonly number[];
  /**
   * webgpu only: dispatches recorded per queue submit (tfjs's WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE),
   * each value measured in its own worker. Default tfjs's 15.
   */
  readonly submitBatch: readonly number[];
  /** Timed runs per workload; the median is quoted. Default 5 (quick: 2). */
  readonly runs: number;
  /** Mini-batches per timed run. Default 6 (quick: 2). */
  readonly batches: number;
  /** Samples per mini-batch: the paper's 32. */
  readonly batchSize: number;
  /**
   * Wall-clock budget per (backend, model) on the slow backends, in seconds: cpu, and webgpu on
   * a software adapter (lavapipe, SwiftShader); beyond it: "timed out". Default 30 (quick: 15).
   */
  readonly cpuBudgetSeconds: number;
  /** Budget on every other backend. Default 90 (quick: 45). */
  readonly budgetSeconds: number;
  /** Write the results as JSON here. */
  readonly out?: string;
  /** Print new/old ratios against this earlier JSON. */
  readonly compare?: string;
  readonly quick: boolean;
}
