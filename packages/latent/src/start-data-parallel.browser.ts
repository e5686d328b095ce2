import {BadConfigError} from './latent-errors';
import type {DataParallelOptions, ParallelRun} from './threads-options';

// start-data-parallel.ts for browsers (swapped in through package.json's "browser" field): the
// trainers' worker threads are Node's worker_threads, so a page trains on one thread.

/** What the page reports; `checkThreads` refuses more than this before anything starts. */
export function availableCores(): number {
  const cores = (globalThis as {navigator?: {hardwareConcurrency?: number}}).navigator?.hardwareConcurrency;
  return typeof cores === 'number' && cores > 0 ? cores : 1;
}

/** Always refuses: threads > 1 needs Node's worker threads. */
export function startDataParallel(options: DataParallelOptions): Promise<ParallelRun> {
  return Promise.reject(new BadConfigError(
    `${options.where}: threads ${options.threads} needs Node.js worker threads, which a browser page lacks; use threads: 1`,
    {option: 'threads'}));
}

/** tsc checks that this file exports what its Node twin exports. */
const _twin: typeof import('./start-data-parallel') = {availableCores, startDataParallel};
