import {runCifarJob, type CifarJobArgs} from './cifar';
import {runMnistAutoencoderJob, runMnistDecoderJob, runMnistOodJob, type MnistJobArgs} from './mnist';
import {runAutoencoderPoint, runDecoderPoint, type Tick} from './simulated';
import type {SimulatedConfig} from './simulated-config';

/**
 * Every kind of independent job a sweep is made of, by name, so that a worker thread can run
 * one from a plain message: (its arguments, a progress callback) → its records.
 */
export const JOBS = {
  'simulated-decoder': (a: {config: SimulatedConfig; samples: number}, tick: Tick) => runDecoderPoint(a.config, a.samples, tick),
  'simulated-autoencoder': (a: {config: SimulatedConfig; samples: number}, tick: Tick) => runAutoencoderPoint(a.config, a.samples, tick),
  'mnist-decoder': (a: MnistJobArgs, tick: Tick) => runMnistDecoderJob(a, tick),
  'mnist-autoencoder': (a: MnistJobArgs, tick: Tick) => runMnistAutoencoderJob(a, tick),
  'mnist-ood': (a: MnistJobArgs, tick: Tick) => runMnistOodJob(a, tick),
  cifar: (a: CifarJobArgs, tick: Tick) => runCifarJob(a, tick),
} as const;

export type JobKind = keyof typeof JOBS;

/** One job of a sweep: `work` is its size in the progress bar's units. */
export interface JobSpec {
  readonly key: string;
  readonly kind: JobKind;
  readonly args: Parameters<(typeof JOBS)[JobKind]>[0];
  readonly work: number;
}

export function runJob(job: JobSpec, tick: Tick): Promise<unknown> {
  const fn = JOBS[job.kind] as (args: unknown, tick: Tick) => Promise<unknown>;
  return fn(job.args, tick);
}
