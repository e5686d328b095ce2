import {availableParallelism} from 'node:os';
import {DataParallel} from './data-parallel';
import type {DataParallelOptions, ParallelRun} from './threads-options';

// Node's half of the trainers' `threads` option; start-data-parallel.browser.ts is the page's.

/** The cores a run may spread over. */
export function availableCores(): number {
  return availableParallelism();
}

/** Start `threads − 1` worker threads beside the calling one (see `DataParallel`). */
export function startDataParallel(options: DataParallelOptions): Promise<ParallelRun> {
  return DataParallel.start(options);
}
