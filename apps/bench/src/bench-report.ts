import {toMarkdownTable, type TableRow} from '@encoderless/report';
import type {BenchWorkload} from './bench-options';

/** How a measurement ended. */
export type BenchStatus = 'ok' | 'timed out' | 'failed' | 'skipped';

/** One workload of one model on one backend. */
export interface WorkloadResult {
  readonly backend: string;
  readonly model: string;
  readonly workload: BenchWorkload;
  readonly status: BenchStatus;
  /** Why it did not run, or what went wrong. */
  readonly note?: string;
  /** Median over the timed runs. */
  readonly samplesPerSecond?: number;
  /** Samples/s of every timed run. */
  readonly runs?: readonly number[];
  /** FLOPs of one sample of this step, counted from the model's layers (`countKernelFlops`). */
  readonly flopsPerSample?: number;
  /** Achieved: flopsPerSample × samplesPerSecond / 1e9. */
  readonly gflops?: number;
  /** gflops / the backend's conv2d ceiling measured in the same run. */
  readonly ceilingRatio?: number;
}

/** What one backend does at its best, measured in the same run: the ceiling. */
export interface CeilingResult {
  readonly backend: string;
  readonly status: BenchStatus;
  readonly note?: string;
  /** Dense [512,512]·[512,512]. */
  readonly matmulGflops?: number;
  /** The MNIST decoder's arithmetic as a forward conv: x [32,14,14,64] ⊛ [4,4,64,128], stride 2. */
  readonly conv2dGflops?: number;
}

/** Peak memory of the process that ran one (backend, model). */
export interface MemoryResult {
  readonly backend: string;
  readonly model: string;
  /** Peak resident set of the process (process.resourceUsage().maxRSS). */
  readonly peakRssMB: number;
  /** wasm only: the size of its linear memory (it only grows). */
  readonly wasmHeapMB?: number;
  /** tf.memory() after the last workload, data disposed: what is still held (the model). */
  readonly tfTensors: number;
  readonly tfMB: number;
}

/** One latent-table step (gather 32 rows, apply their gradient) at two table sizes. */
export interface LatentTableResult {
  readonly rows: number;
  readonly dim: number;
  readonly microsPerStep: number;
}

export interface BenchResults {
  readonly version: 1;
  readonly date: string;
  readonly node: string;
  readonly cpus: string;
  readonly batchSize: number;
  readonly runs: number;
  readonly ceilings: readonly CeilingResult[];
  readonly workloads: readonly WorkloadResult[];
  readonly memory: readonly MemoryResult[];
  readonly latentTable: readonly LatentTableResult[];
}

/** The median of some numbers (mean of the middle two for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const round = (x: number | undefined, digits: number): number | null =>
  x === undefined || !Number.isFinite(x) ? null : Number(x.toFixed(digits));

/** The results as markdown tables: ceilings, workloads, memory, latent table. */
export function formatBenchResults(r: BenchResults): string {
  const ceilings = r.ceilings.map((c): TableRow => ({
    backend: c.backend, 'matmul GFLOP/s': round(c.matmulGflops, 2), 'conv2d GFLOP/s': round(c.conv2dGflops, 2),
    status: c.status === 'ok' ? '' : `${c.status}${c.note ? `: ${c.note}` : ''}`,
  }));
  const workloads = r.workloads.map((w): TableRow => ({
    backend: w.backend, model: w.model, step: w.workload,
    'samples/s': w.status === 'ok' ? round(w.samplesPerSecond, 1) : w.status,
    runs: w.runs ? w.runs.length : 0,
    'MFLOP/sample': round(w.flopsPerSample === undefined ? undefined : w.flopsPerSample / 1e6, 2),
    'GFLOP/s': round(w.gflops, 2),
    'of conv2d ceiling': w.ceilingRatio === undefined ? null : `${(100 * w.ceilingRatio).toFixed(0)}%`,
    note: w.note ?? '',
  }));
  const memory = r.memory.map((m): TableRow => ({
    backend: m.backend, model: m.model, 'peak RSS MB': round(m.peakRssMB, 0), 'wasm heap MB': round(m.wasmHeapMB, 0),
    'tf tensors held': m.tfTensors, 'tf MB held': round(m.tfMB, 1),
  }));
  const table = r.latentTable.map((t): TableRow => ({rows: t.rows, dim: t.dim, 'µs per step (32 rows)': round(t.microsPerStep, 1)}));
  return [
    `batch ${r.batchSize}, median of up to ${r.runs} runs; ${r.cpus}; node ${r.node}; ${r.date}`,
    '', '### Ceilings', '', toMarkdownTable(ceilings),
    '', '### Steps', '', toMarkdownTable(workloads),
    '', '### Memory', '', toMarkdownTable(memory),
    ...(table.length ? ['', '### Latent table', '', toMarkdownTable(table)] : []),
  ].join('\n');
}

const ratio = (next: number | undefined, prev: number | undefined): string =>
  next !== undefined && prev !== undefined && prev > 0 && Number.isFinite(next) ? `${(next / prev).toFixed(2)}×` : '–';

/** New/old ratios of every number both runs have, matched by backend, model and step. */
export function compareBenchResults(next: BenchResults, prev: BenchResults): string {
  const ceilings = next.ceilings.map((c): TableRow => {
    const p = prev.ceilings.find((o) => o.backend === c.backend);
    return {backend: c.backend, 'matmul GFLOP/s': ratio(c.matmulGflops, p?.matmulGflops), 'conv2d GFLOP/s': ratio(c.conv2dGflops, p?.conv2dGflops)};
  });
  const workloads = next.workloads.map((w): TableRow => {
    const p = prev.workloads.find((o) => o.backend === w.backend && o.model === w.model && o.workload === w.workload);
    const show = (x: WorkloadResult | undefined) => (x?.status === 'ok' ? round(x.samplesPerSecond, 1) : x?.status ?? 'absent');
    return {backend: w.backend, model: w.model, step: w.workload, 'old samples/s': show(p), 'new samples/s': show(w),
      'new/old': ratio(w.status === 'ok' ? w.samplesPerSecond : undefined, p?.status === 'ok' ? p.samplesPerSecond : undefined)};
  });
  return ['### new / old: ceilings', '', toMarkdownTable(ceilings), '', '### new / old: steps', '', toMarkdownTable(workloads)].join('\n');
}
