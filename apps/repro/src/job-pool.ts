import {availableParallelism} from 'node:os';
import {join} from 'node:path';
import {Worker} from 'node:worker_threads';
import {errorFromMessage} from '@encoderless/errors';
import {BadFlagError, type ParsedFlags} from './flags';
import {runJob, type JobSpec} from './job-registry';

/** `--jobs`, default the number of cores. */
export function workerCount(flags: ParsedFlags): number {
  const jobs = (flags.jobs as number | undefined) ?? availableParallelism();
  if (jobs < 1) throw new BadFlagError(`encoderless: --jobs must be at least 1, got ${jobs}`);
  return jobs;
}

export interface JobPoolOptions {
  /** Parallel workers; 1 runs the jobs in this thread. */
  readonly jobs: number;
  /** Backend each worker switches to (the name the user chose). */
  readonly backend: string;
  readonly onTick: (n: number, label: string) => void;
  /** Called as each job finishes (write its point file here). */
  readonly onResult: (job: JobSpec, result: unknown) => Promise<void>;
}


/**
 * Run independent jobs on `jobs` worker threads, longest first, each worker taking the next
 * job when it is free. Every job seeds itself from its own arguments, so the results are the
 * same as a serial run's whatever the order.
 */
export async function runJobPool(all: readonly JobSpec[], options: JobPoolOptions): Promise<void> {
  const queue = [...all].sort((a, b) => b.work - a.work);
  if (options.jobs <= 1 || queue.length <= 1) {
    for (const job of queue) await options.onResult(job, await runJob(job, options.onTick));
    return;
  }
  const count = Math.min(options.jobs, queue.length);
  // Workers run compiled JavaScript: from the TypeScript sources (under jest) use the build.
  const script = __filename.endsWith('.ts') ? join(__dirname, '..', 'dist', 'job-worker.js') : join(__dirname, 'job-worker.js');
  await new Promise<void>((resolve, reject) => {
    let running = count, failed = false;
    const workers: Worker[] = [];
    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      workers.forEach((w) => void w.terminate());
      reject(err);
    };
    for (let i = 0; i < count; i++) {
      const worker = new Worker(script, {workerData: {backend: options.backend}});
      workers.push(worker);
      let current: JobSpec | undefined;
      const next = () => {
        current = queue.shift();
        worker.postMessage(current ?? null);
      };
      worker.on('message', (msg) => {
        if (msg.type === 'ready') next();
        else if (msg.type === 'tick') options.onTick(msg.n, msg.label);
        else if (msg.type === 'error') fail(errorFromMessage(msg.error)); // its class and userError kept
        else if (msg.type === 'result') {
          options.onResult(current!, msg.result).then(next, fail);
        }
      });
      worker.on('error', fail);
      worker.on('exit', () => {
        if (--running === 0 && !failed) resolve();
      });
    }
  });
}
