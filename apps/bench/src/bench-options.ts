import {availableParallelism} from 'node:os';
import {BadConfigError} from '@encoderless/errors';
/** The models the bench knows, by the name `--models` takes. */
export const BENCH_MODELS = ['mnist', 'cifar-1x1', 'cifar-4x4', 'sparse'] as const;
export type BenchModel = (typeof BENCH_MODELS)[number];

/** What is measured per model: see `bench.ts`. */
export const BENCH_WORKLOADS = ['train', 'infer', 'autoencoder'] as const;
export type BenchWorkload = (typeof BENCH_WORKLOADS)[number];

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
  /** Timed runs per workload; the median is quoted. Default 5 (quick: 2). */
  readonly runs: number;
  /** Mini-batches per timed run. Default 6 (quick: 2). */
  readonly batches: number;
  /** Samples per mini-batch: the paper's 32. */
  readonly batchSize: number;
  /** Wall-clock budget per (backend, model) on the cpu backend, in seconds; beyond it: "timed out". Default 30 (quick: 15). */
  readonly cpuBudgetSeconds: number;
  /** Budget on every other backend. Default 90 (quick: 45). */
  readonly budgetSeconds: number;
  /** Write the results as JSON here. */
  readonly out?: string;
  /** Print new/old ratios against this earlier JSON. */
  readonly compare?: string;
  /** JSON files written by the PyTorch peer (`pytorch-peer.py N > file`): their numbers and our ratios to them. */
  readonly peers: readonly string[];
  readonly quick: boolean;
}

/** Thrown for a flag the bench does not know or a value of the wrong kind; the message says the fix. */
export class BadBenchFlagError extends BadConfigError {
  override name = 'BadBenchFlagError';
}

const USAGE = 'usage: bench [--models mnist,cifar-1x1,cifar-4x4,sparse] [--backends wasm,cpu] [--threads 1,2] [--runs N] ' +
  '[--batches N] [--cpu-budget SECONDS] [--budget SECONDS] [--quick] [--out file.json] [--compare old.json] [--peer peer.json,…]';

function positiveInt(flag: string, raw: string | undefined): number {
  const n = Number(raw);
  if (raw === undefined || !Number.isInteger(n) || n <= 0) {
    throw new BadBenchFlagError(`bench: ${flag} expects a positive integer, got '${raw ?? ''}'\n${USAGE}`);
  }
  return n;
}

function threadList(flag: string, raw: string | undefined, cores: number): number[] {
  const counts = list(flag, raw).map((item) => positiveInt(flag, item));
  const over = counts.find((n) => n > cores);
  if (over !== undefined) throw new BadBenchFlagError(`bench: ${flag} ${over} is more than the ${cores} core(s) here`);
  return [...new Set(counts)].sort((a, b) => a - b);
}

function list<T extends string>(flag: string, raw: string | undefined, allowed?: readonly T[]): T[] {
  const items = (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new BadBenchFlagError(`bench: ${flag} expects a comma-separated list\n${USAGE}`);
  for (const item of items) {
    if (allowed && !(allowed as readonly string[]).includes(item)) {
      throw new BadBenchFlagError(`bench: ${flag} has unknown '${item}'; expected some of ${allowed.join(', ')}`);
    }
  }
  return items as T[];
}

/**
 * Flags → options. Unknown flags and malformed values throw `BadBenchFlagError`.
 *
 * ```ts
 * parseBenchFlags(['--models', 'mnist', '--quick']); // {models: ['mnist'], runs: 2, quick: true, …}
 * ```
 */
export function parseBenchFlags(argv: readonly string[], cores = availableParallelism()): BenchOptions {
  const quick = argv.includes('--quick');
  let options: BenchOptions = {
    models: BENCH_MODELS, backends: ['wasm', 'cpu'], threads: cores >= 2 ? [1, 2] : [1], runs: quick ? 2 : 5,
    batches: quick ? 2 : 6, batchSize: 32, cpuBudgetSeconds: quick ? 15 : 30, budgetSeconds: quick ? 45 : 90, quick, peers: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string | undefined => argv[++i];
    switch (flag) {
      case '--quick': break;
      case '--models': options = {...options, models: list(flag, value(), BENCH_MODELS)}; break;
      case '--backends': options = {...options, backends: list(flag, value())}; break;
      case '--threads': options = {...options, threads: threadList(flag, value(), cores)}; break;
      case '--peer': {
        const files = value();
        if (!files || files.startsWith('--')) throw new BadBenchFlagError(`bench: ${flag} expects a file name\n${USAGE}`);
        options = {...options, peers: [...options.peers, ...list(flag, files)]};
        break;
      }
      case '--runs': options = {...options, runs: positiveInt(flag, value())}; break;
      case '--batches': options = {...options, batches: positiveInt(flag, value())}; break;
      case '--cpu-budget': options = {...options, cpuBudgetSeconds: positiveInt(flag, value())}; break;
      case '--budget': options = {...options, budgetSeconds: positiveInt(flag, value())}; break;
      case '--out': case '--compare': {
        const file = value();
        if (!file || file.startsWith('--')) throw new BadBenchFlagError(`bench: ${flag} expects a file name\n${USAGE}`);
        options = {...options, [flag.slice(2)]: file};
        break;
      }
      default: throw new BadBenchFlagError(`bench: unknown flag '${flag}'\n${USAGE}`);
    }
  }
  return options;
}
