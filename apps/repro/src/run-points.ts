import {createProgress} from '@encoderless/report';
import type {JobSpec} from './job-registry';
import {runJobPool} from './job-pool';
import type {RunFolder} from './run-folder';

export interface RunPointsOptions {
  /** Parallel workers. */
  readonly jobs: number;
  readonly backend: string;
  /** Progress bar label (the command). */
  readonly label: string;
  readonly log: (line: string) => void;
}

/**
 * Every job of a sweep whose point file is not in the folder yet, on the worker pool, each
 * result written as its own point the moment it arrives; returns the records of all jobs,
 * finished before or now, in no particular order.
 */
export async function runPoints<R>(folder: RunFolder, jobs: readonly JobSpec[], options: RunPointsOptions): Promise<R[]> {
  const records: R[] = [];
  const todo = jobs.filter((job) => {
    const saved = folder.readPoint<R[]>(job.key);
    if (saved) records.push(...saved);
    return !saved;
  });
  if (todo.length < jobs.length) options.log(`resuming: ${jobs.length - todo.length} of ${jobs.length} jobs already done`);
  const progress = createProgress({total: todo.reduce((s, j) => s + j.work, 0), label: options.label, stream: process.stderr});
  await runJobPool(todo, {
    jobs: options.jobs, backend: options.backend,
    onTick: (n, label) => progress.tick(n, label),
    onResult: async (job, result) => {
      await folder.writePoint(job.key, result);
      records.push(...(result as R[]));
    },
  });
  progress.done();
  return records;
}
