// Throughput of the model zoo on every installed backend. Each (backend, model) runs in its own
// worker process: its peak memory is its own, and a backend too slow for a model (cpu on the
// conv nets, webgpu on a software adapter) is killed at its time budget and reported as "timed
// out". On webgpu each step's GPU reads, submits, dispatches and host time are counted too
// (`gpu-probe.ts`), at each submit batch asked for. The command line is `encoderless bench`
// (apps/repro), which parses the flags with the runner's one parser.
import {spawn} from 'node:child_process';
import os from 'node:os';
import {join} from 'node:path';
import {BACKEND_NAMES, isBackendInstalled, type BackendName} from '@encoderless/backends';
import {BENCH_WORKLOADS, type BenchModel, type BenchOptions} from './bench-options';
import {
  withCeilingRatios, type BackendResult, type BenchResults, type CeilingResult, type LatentTableResult, type MemoryResult, type PeerResult,
  type WorkloadResult,
} from './bench-report';
import type {BenchJob, JobReport} from './run-bench-job';

/** Prefix of a worker's report lines on stdout (anything else there is the worker's own output). */
export const BENCH_MARK = '@@bench ';

/** Why webgpu rows at more than one thread are not measured. */
export const GPU_THREADS_NOTE = 'threads split each batch over CPU cores, each with its own copy of the model; ' +
  'on webgpu the GPU takes the whole batch (the trainers refuse threads > 1 there)';

/** One worker a backend needs, or a (model, threads) it skips and why. */
export type ModelRun =
  | {readonly model: BenchModel; readonly threads: number; readonly submitBatch?: number}
  | {readonly model: BenchModel; readonly threads: number; readonly skip: string};

/**
 * The model workers of one installed backend, in order: one per (model, thread count), and on
 * webgpu one per submit batch at one thread; webgpu at more threads is skipped
 * (`GPU_THREADS_NOTE`).
 */
export function planModelRuns(backend: string, options: Pick<BenchOptions, 'models' | 'threads' | 'submitBatch'>): ModelRun[] {
  return options.models.flatMap((model) => options.threads.flatMap((threads): ModelRun[] => {
    if (backend !== 'webgpu') return [{model, threads}];
    if (threads > 1) return [{model, threads, skip: GPU_THREADS_NOTE}];
    return options.submitBatch.map((submitBatch) => ({model, threads, submitBatch}));
  }));
}

/** Run a job in a child process; resolves with its reports, and whether it was killed at `seconds`. */
function runWorker(job: BenchJob, seconds: number): Promise<{reports: JobReport[]; killed: boolean; error?: string}> {
  return new Promise((resolve) => {
    // The worker is compiled JavaScript: from the TypeScript sources (under jest) use the build.
    const script = __filename.endsWith('.ts') ? join(__dirname, '..', '..', 'dist', 'bench', 'bench-worker.js') : join(__dirname, 'bench-worker.js');
    const child = spawn(process.execPath, [script, JSON.stringify(job)], {stdio: ['ignore', 'pipe', 'pipe']});
    const reports: JobReport[] = [];
    let buffer = '', stderr = '', killed = false;
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith(BENCH_MARK)) reports.push(JSON.parse(line.slice(BENCH_MARK.length)) as JobReport);
    });
    child.stderr.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-2000); });
    const timer = setTimeout(() => { killed = true; child.kill('SIGKILL'); }, seconds * 1000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const error = !killed && code !== 0 ? (stderr.trim().split('\n').slice(-3).join(' ') || `exit code ${code}`) : undefined;
      resolve({reports, killed, ...(error ? {error} : {})});
    });
  });
}

/**
 * Measure every (backend, model, thread count, workload) the options name, each model and
 * thread count in its own process; `progress` gets a line as each starts. `peers`: the PyTorch
 * peer's results (`parsePeerResult`), kept in the results for the ratios.
 */
export async function runBench(options: BenchOptions, progress: (text: string) => void,
  peers: readonly PeerResult[] = []): Promise<BenchResults> {
  const loadAtStart = os.loadavg()[0];
  const ceilings: CeilingResult[] = [], workloads: WorkloadResult[] = [], memory: MemoryResult[] = [], backends: BackendResult[] = [];
  let latentTable: LatentTableResult[] = [];
  for (const backend of options.backends) {
    const missing = !(BACKEND_NAMES as readonly string[]).includes(backend) ? `unknown backend (expected one of ${BACKEND_NAMES.join(', ')})`
      : !isBackendInstalled(backend as BackendName) ? 'its package is not installed' : undefined;
    if (missing) {
      progress(`skipping ${backend}: ${missing}`);
      ceilings.push({backend, status: 'skipped', note: missing});
      for (const model of options.models) {
        for (const threads of options.threads) {
          for (const workload of BENCH_WORKLOADS) workloads.push({backend, model, workload, threads, status: 'skipped', note: missing});
        }
      }
      continue;
    }
    progress(`${backend}: ceilings`);
    const c = await runWorker({kind: 'ceilings', backend}, options.budgetSeconds);
    const ceiling = c.reports.find((r) => r.type === 'ceiling');
    ceilings.push(ceiling?.type === 'ceiling' ? ceiling.ceiling
      : {backend, status: c.killed ? 'timed out' : 'failed', ...(c.error ? {note: c.error} : {})});
    const started = c.reports.find((r) => r.type === 'backend');
    const runsOn = started?.type === 'backend' ? started.backend : undefined;
    if (runsOn) {
      backends.push(runsOn);
      progress(`${backend}: runs on ${runsOn.description}`);
    }
    const slow = backend === 'cpu' || runsOn?.software === true;
    const budget = slow ? options.cpuBudgetSeconds : options.budgetSeconds;
    for (const run of planModelRuns(backend, options)) {
      const {model, threads} = run;
      if ('skip' in run) {
        for (const workload of BENCH_WORKLOADS) workloads.push({backend, model, workload, threads, status: 'skipped', note: run.skip});
        continue;
      }
      const {submitBatch} = run;
      const setting = submitBatch === undefined ? {} : {submitBatch};
      progress(`${backend}: ${model}, ${threads} thread(s)${submitBatch === undefined ? '' : `, submit batch ${submitBatch}`} (budget ${budget} s)`);
      const {reports, killed, error} = await runWorker({
        kind: 'model', backend, model, threads, workloads: BENCH_WORKLOADS, runs: options.runs, batches: options.batches,
        batchSize: options.batchSize, budgetSeconds: budget, ...setting,
      }, 2 * budget + 30); // a warm-up batch may overrun its share; the next workloads still get theirs
      for (const r of reports) {
        if (r.type === 'workload') workloads.push(r.workload);
        if (r.type === 'memory') memory.push(r.memory);
      }
      for (const workload of BENCH_WORKLOADS) {
        if (workloads.some((w) => w.backend === backend && w.model === model && w.workload === workload && w.threads === threads &&
          w.submitBatch === submitBatch)) continue;
        const on = runsOn?.software ? ' on a software adapter' : '';
        workloads.push({backend, model, workload, threads, ...setting, status: killed ? 'timed out' : 'failed',
          note: killed ? `killed after ${2 * budget + 30} s (one batch did not finish${on})` : error ?? 'no result'});
      }
    }
  }
  progress('latent table: 1,000 vs 1,000,000 rows × 64');
  const t = await runWorker({kind: 'latent-table', sizes: [1000, 1_000_000], dim: 64, steps: options.quick ? 500 : 2000}, 120);
  latentTable = t.reports.flatMap((r) => (r.type === 'latent-table' ? [r.table] : []));
  return {
    version: 3, date: new Date().toISOString(), node: process.version,
    cpus: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown cpu'}`, cores: os.availableParallelism(),
    loadAverage: [loadAtStart, os.loadavg()[0]],
    batchSize: options.batchSize, runs: options.runs, backends, ceilings,
    workloads: withCeilingRatios(workloads, ceilings),
    memory, latentTable, ...(peers.length ? {peers} : {}),
  };
}
