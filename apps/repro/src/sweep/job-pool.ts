import {availableParallelism} from 'node:os';
import {join} from 'node:path';
import {Worker} from 'node:worker_threads';
import {errorFromMessage, InternalError} from '@encoderless/errors';
import type {AnyExperiment, JobPlan, Tick} from './experiment';

/**
 * Worker threads for `requested` (--jobs; default the cores), never more than the cores (a
 * worker per core is as fast as it gets; more only add memory: each image worker holds its own
 * model, batches and wasm heap) nor than the jobs to run. Says so when it cuts the request.
 */
export function workerCount(requested: number | undefined, jobs: number, log: (line: string) => void, cores = availableParallelism()): number {
  if (requested !== undefined && requested > cores) {
    log(`note: --jobs ${requested} is more than the ${cores} cores here; using ${cores} (more workers would only add memory)`);
  }
  return Math.max(1, Math.min(requested ?? cores, cores, jobs));
}

export interface JobPoolOptions {
  readonly experiment: AnyExperiment;
  readonly config: object;
  /** The run's shared data (`LoadedData.shared`): handed to each worker once. */
  readonly data: unknown;
  /** Parallel workers; 1 runs the jobs in this thread. */
  readonly workers: number;
  /** Backend each worker switches to (the name the user chose). */
  readonly backend: string;
  readonly onTick: Tick;
  /** Called as each job finishes (write its point file here). */
  readonly onResult: (job: JobPlan, records: unknown[]) => Promise<void>;
  /** The script each worker thread runs. Default: the job worker (tests pass stand-ins that misbehave). */
  readonly workerScript?: string;
}

/**
 * Run independent jobs on worker threads, longest first, each worker taking the next job when
 * it is free. Every job seeds itself from its own parameters, so the results are the same as a
 * serial run's whatever the order.
 */
export async function runJobPool(all: readonly JobPlan[], o: JobPoolOptions): Promise<void> {
  const queue = [...all].sort((a, b) => b.work - a.work);
  if (o.workers <= 1 || queue.length <= 1) {
    for (const job of queue) await o.onResult(job, await o.experiment.runJob(o.config, job, o.data, o.onTick));
    return;
  }
  const count = Math.min(o.workers, queue.length);
  // Workers run compiled JavaScript: from the TypeScript sources (under jest) use the build.
  const script = o.workerScript ??
    (__filename.endsWith('.ts') ? join(__dirname, '..', '..', 'dist', 'sweep', 'job-worker.js') : join(__dirname, 'job-worker.js'));
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
      const worker = new Worker(script, {
        workerData: {backend: o.backend, experiment: o.experiment.name, config: o.config, data: o.data},
      });
      workers.push(worker);
      let current: JobPlan | undefined, done = false;
      const next = () => {
        current = queue.shift();
        done = current === undefined;
        worker.postMessage(current ?? null);
      };
      worker.on('message', (msg) => {
        if (msg.type === 'ready') next();
        else if (msg.type === 'tick') o.onTick(msg.n, msg.label);
        else if (msg.type === 'error') fail(errorFromMessage(msg.error)); // its class and userError kept
        else if (msg.type === 'result') o.onResult(current!, msg.result).then(next, fail);
      });
      worker.on('error', fail);
      worker.on('exit', (code) => {
        // A worker that ends before it is told there is no more work (process.exit in a job, a
        // crash that raised no error) took its job with it: the pool fails rather than finishing
        // without that job's point, or waiting for it forever.
        if (!done) {
          fail(new InternalError(`job pool: worker ${i + 1} of ${count} exited (code ${code}) ` +
            `${current ? `while running job ${current.key}` : 'before it took a job'}, without reporting a result or an error`));
        }
        if (--running === 0 && !failed) resolve();
      });
    }
  });
}
