#!/usr/bin/env node
// Throughput of the model zoo on every installed backend. Each (backend, model) runs in its own
// worker process: its peak memory is its own, and a backend too slow for a model (cpu on the
// conv nets) is killed at its time budget and reported as "timed out".
import {spawn} from 'node:child_process';
import {readFileSync} from 'node:fs';
import os from 'node:os';
import {BACKEND_NAMES, isBackendInstalled, type BackendName} from '@encoderless/backends';
import {writeJsonAtomic} from '@encoderless/report/node';
import {BadBenchFlagError, BENCH_WORKLOADS, parseBenchFlags, type BenchOptions} from './bench-options';
import {compareBenchResults, formatBenchResults, parsePeerResult, type BenchResults, type CeilingResult, type LatentTableResult,
  type MemoryResult, type PeerResult, type WorkloadResult} from './bench-report';
import {runBenchJob, type BenchJob, type JobReport} from './run-bench-job';

const MARK = '@@bench ';

/** Run a job in a child process; resolves with its reports, and whether it was killed at `seconds`. */
function runWorker(job: BenchJob, seconds: number): Promise<{reports: JobReport[]; killed: boolean; error?: string}> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [__filename, '--worker', JSON.stringify(job)], {stdio: ['ignore', 'pipe', 'pipe']});
    const reports: JobReport[] = [];
    let buffer = '', stderr = '', killed = false;
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith(MARK)) reports.push(JSON.parse(line.slice(MARK.length)) as JobReport);
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

function progress(text: string): void {
  process.stderr.write(`bench: ${text}\n`);
}

async function runBench(options: BenchOptions, peers: readonly PeerResult[]): Promise<BenchResults> {
  const loadAtStart = os.loadavg()[0];
  const ceilings: CeilingResult[] = [], workloads: WorkloadResult[] = [], memory: MemoryResult[] = [];
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
    const budget = backend === 'cpu' ? options.cpuBudgetSeconds : options.budgetSeconds;
    for (const model of options.models) {
      for (const threads of options.threads) {
        progress(`${backend}: ${model}, ${threads} thread(s) (budget ${budget} s)`);
        const {reports, killed, error} = await runWorker({
          kind: 'model', backend, model, threads, workloads: BENCH_WORKLOADS, runs: options.runs, batches: options.batches,
          batchSize: options.batchSize, budgetSeconds: budget,
        }, 2 * budget + 30); // a warm-up batch may overrun its share; the next workloads still get theirs
        for (const r of reports) {
          if (r.type === 'workload') workloads.push(r.workload);
          if (r.type === 'memory') memory.push(r.memory);
        }
        for (const workload of BENCH_WORKLOADS) {
          if (workloads.some((w) => w.backend === backend && w.model === model && w.workload === workload && w.threads === threads)) continue;
          workloads.push({backend, model, workload, threads, status: killed ? 'timed out' : 'failed',
            note: killed ? `killed after ${2 * budget + 30} s (one batch did not finish)` : error ?? 'no result'});
        }
      }
    }
  }
  progress('latent table: 1,000 vs 1,000,000 rows × 64');
  const t = await runWorker({kind: 'latent-table', sizes: [1000, 1_000_000], dim: 64, steps: options.quick ? 500 : 2000}, 120);
  latentTable = t.reports.flatMap((r) => (r.type === 'latent-table' ? [r.table] : []));
  const conv = new Map(ceilings.map((c) => [c.backend, c.conv2dGflops]));
  return {
    version: 2, date: new Date().toISOString(), node: process.version,
    cpus: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown cpu'}`, cores: os.availableParallelism(),
    loadAverage: [loadAtStart, os.loadavg()[0]],
    batchSize: options.batchSize, runs: options.runs, ceilings,
    workloads: workloads.map((w) => {
      const ceiling = conv.get(w.backend);
      // The ceiling is one thread's: N threads have N of them.
      return w.gflops !== undefined && ceiling ? {...w, ceilingRatio: w.gflops / (ceiling * (w.threads ?? 1))} : w;
    }),
    memory, latentTable, ...(peers.length ? {peers} : {}),
  };
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv[0] === '--worker') {
    await runBenchJob(JSON.parse(argv[1]) as BenchJob, (r) => process.stdout.write(`${MARK}${JSON.stringify(r)}\n`));
    return 0;
  }
  let options: BenchOptions;
  try {
    options = parseBenchFlags(argv);
  } catch (err) {
    if (err instanceof BadBenchFlagError) {
      console.error(err.message);
      return 2;
    }
    throw err;
  }
  const previous = options.compare ? JSON.parse(readFileSync(options.compare, 'utf8')) as BenchResults : undefined;
  let peers: PeerResult[];
  try {
    peers = options.peers.map((file) => parsePeerResult(readFileSync(file, 'utf8'), file));
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  const results = await runBench(options, peers);
  console.log(formatBenchResults(results));
  if (options.out) {
    await writeJsonAtomic(options.out, results);
    progress(`wrote ${options.out}`);
  }
  if (previous) console.log(`\n${compareBenchResults(results, previous)}`);
  return 0;
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
