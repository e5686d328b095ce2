import {BadDataFileError} from '@encoderless/errors';
import {toMarkdownTable, type TableRow} from '@encoderless/report';
import type {BenchWorkload} from './bench-options';

/** How a measurement ended. */
export type BenchStatus = 'ok' | 'timed out' | 'failed' | 'skipped';

/** One workload of one model on one backend at one thread count. */
export interface WorkloadResult {
  readonly backend: string;
  readonly model: string;
  readonly workload: BenchWorkload;
  /** Threads per training run (the trainers' `threads`); absent in version-1 files: 1. */
  readonly threads?: number;
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
  /** gflops / (threads × the backend's one-thread conv2d ceiling measured in the same run). */
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

/** Peak memory of the process that ran one (backend, model, threads). */
export interface MemoryResult {
  readonly backend: string;
  readonly model: string;
  readonly threads?: number;
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

/**
 * What `pytorch-peer.py THREADS` prints: samples/s of the MNIST decoder's training step and of
 * its autoencoder, with PyTorch's fastest formulation of the transposed convolutions (`fast`)
 * and with nn.ConvTranspose2d (`native`).
 */
export interface PeerResult {
  readonly threads: number;
  readonly batch: number;
  readonly fast: {readonly train: number; readonly autoencoder: number};
  readonly native: {readonly train: number; readonly autoencoder: number};
}

export interface BenchResults {
  readonly version: 1 | 2;
  readonly date: string;
  readonly node: string;
  readonly cpus: string;
  /** Cores this process may use (os.availableParallelism()). */
  readonly cores?: number;
  /** The 1-minute load average when the bench started and when it ended: how busy the machine was. */
  readonly loadAverage?: readonly [number, number];
  /** The PyTorch peer's numbers given with --peer. */
  readonly peers?: readonly PeerResult[];
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

/** Threads of a result; results from before the threads axis ran on one. */
const threadsOf = (x: {threads?: number}): number => x.threads ?? 1;

/**
 * Scaling efficiency of a result at N threads: its samples/s ÷ (N × samples/s of the same
 * backend, model and step at one thread); undefined without both.
 */
export function scalingEfficiency(r: BenchResults, w: WorkloadResult): number | undefined {
  const n = threadsOf(w);
  const one = r.workloads.find((o) => o.backend === w.backend && o.model === w.model && o.workload === w.workload && threadsOf(o) === 1);
  if (w.status !== 'ok' || one?.status !== 'ok' || !one.samplesPerSecond || w.samplesPerSecond === undefined) return undefined;
  return w.samplesPerSecond / (n * one.samplesPerSecond);
}

/** Achieved GFLOP/s of a step: FLOPs per sample × samples per second / 1e9. */
export function achievedGflops(flopsPerSample: number, samplesPerSecond: number): number {
  return (flopsPerSample * samplesPerSecond) / 1e9;
}

/**
 * Each workload's share of its backend's conv2d ceiling from the same run: gflops ÷ (threads ×
 * the one-thread ceiling), since N threads have N of them. A workload without gflops, or whose
 * backend has no ceiling, is returned as it is.
 */
export function withCeilingRatios(workloads: readonly WorkloadResult[], ceilings: readonly CeilingResult[]): WorkloadResult[] {
  const conv = new Map(ceilings.map((c) => [c.backend, c.conv2dGflops]));
  return workloads.map((w) => {
    const ceiling = conv.get(w.backend);
    return w.gflops !== undefined && ceiling ? {...w, ceilingRatio: w.gflops / (ceiling * threadsOf(w))} : w;
  });
}

const percent = (x: number | undefined): string | null => (x === undefined ? null : `${(100 * x).toFixed(0)}%`);

/** The results as markdown tables: ceilings, workloads, memory, latent table, and the PyTorch peer if given. */
export function formatBenchResults(r: BenchResults): string {
  const ceilings = r.ceilings.map((c): TableRow => ({
    backend: c.backend, 'matmul GFLOP/s': round(c.matmulGflops, 2), 'conv2d GFLOP/s': round(c.conv2dGflops, 2),
    status: c.status === 'ok' ? '' : `${c.status}${c.note ? `: ${c.note}` : ''}`,
  }));
  const workloads = r.workloads.map((w): TableRow => ({
    backend: w.backend, model: w.model, step: w.workload, threads: threadsOf(w),
    'samples/s': w.status === 'ok' ? round(w.samplesPerSecond, 1) : w.status,
    scaling: threadsOf(w) === 1 ? null : percent(scalingEfficiency(r, w)),
    runs: w.runs ? w.runs.length : 0,
    'MFLOP/sample': round(w.flopsPerSample === undefined ? undefined : w.flopsPerSample / 1e6, 2),
    'GFLOP/s': round(w.gflops, 2),
    'of conv2d ceiling': percent(w.ceilingRatio),
    note: w.note ?? '',
  }));
  const memory = r.memory.map((m): TableRow => ({
    backend: m.backend, model: m.model, threads: threadsOf(m), 'peak RSS MB': round(m.peakRssMB, 0), 'wasm heap MB': round(m.wasmHeapMB, 0),
    'tf tensors held': m.tfTensors, 'tf MB held': round(m.tfMB, 1),
  }));
  const table = r.latentTable.map((t): TableRow => ({rows: t.rows, dim: t.dim, 'µs per step (32 rows)': round(t.microsPerStep, 1)}));
  const load = r.loadAverage ? `; load average ${r.loadAverage[0].toFixed(1)} at the start, ${r.loadAverage[1].toFixed(1)} at the end` : '';
  const peers = r.peers?.length ? ['', '### PyTorch peer (MNIST, same machine)', '', toMarkdownTable(peerRows(r))] : [];
  return [
    `batch ${r.batchSize}, median of up to ${r.runs} runs; ${r.cores ?? '?'} cores (${r.cpus}); node ${r.node}; ${r.date}${load}`,
    '', '### Ceilings', '', toMarkdownTable(ceilings),
    '', '### Steps', '', 'scaling: samples/s at N threads ÷ (N × samples/s at one thread).',
    '', toMarkdownTable(workloads),
    '', '### Memory', '', toMarkdownTable(memory),
    ...(table.length ? ['', '### Latent table', '', toMarkdownTable(table)] : []),
    ...peers,
  ].join('\n');
}

/** Our MNIST train and autoencoder steps beside the peer's at the same thread count, as ratios. */
function peerRows(r: BenchResults): TableRow[] {
  const rows: TableRow[] = [];
  for (const peer of r.peers ?? []) {
    for (const step of ['train', 'autoencoder'] as const) {
      const ours = r.workloads.filter((w) => w.model === 'mnist' && w.workload === step && threadsOf(w) === peer.threads);
      for (const w of ours.length ? ours : [undefined]) {
        const sps = w?.status === 'ok' ? w.samplesPerSecond : undefined;
        rows.push({
          backend: w?.backend ?? '–', threads: peer.threads, step, 'encoderless samples/s': sps === undefined ? (w?.status ?? 'not run') : round(sps, 1),
          'PyTorch samples/s': round(peer.fast[step], 1), 'PyTorch nn.ConvTranspose2d': round(peer.native[step], 1),
          'encoderless ÷ PyTorch': ratio(sps, peer.fast[step]),
        });
      }
    }
  }
  return rows;
}

/**
 * The peer's JSON line (`pytorch-peer.py THREADS > file`), checked field by field.
 *
 * ```ts
 * parsePeerResult('{"threads": 2, "batch": 32, "fast": {"train": 480, "autoencoder": 378}, …}', 'peer2.json');
 * ```
 */
export function parsePeerResult(text: string, file: string): PeerResult {
  const line = text.split('\n').map((l) => l.trim()).find((l) => l.startsWith('{'));
  let raw: unknown;
  try {
    raw = JSON.parse(line ?? '');
  } catch {
    throw new BadDataFileError(`bench: ${file} holds no JSON line; write it with \`python3 pytorch-peer.py 2 > ${file}\``, file, {option: '--peer'});
  }
  const o = raw as Record<string, unknown>;
  const count = (x: unknown) => typeof x === 'number' && Number.isFinite(x) && x > 0;
  const pair = (x: unknown) => x !== null && typeof x === 'object' && count((x as Record<string, unknown>).train) &&
    count((x as Record<string, unknown>).autoencoder);
  if (!(o && Number.isInteger(o.threads) && count(o.threads) && count(o.batch) && pair(o.fast) && pair(o.native))) {
    throw new BadDataFileError(
      `bench: ${file} is not a pytorch-peer.py result: expected {threads, batch, fast: {train, autoencoder}, native: {…}}, got ${line}`,
      file, {option: '--peer'});
  }
  return o as unknown as PeerResult;
}

const ratio = (next: number | undefined, prev: number | undefined): string =>
  next !== undefined && prev !== undefined && prev > 0 && Number.isFinite(next) ? `${(next / prev).toFixed(2)}×` : '–';

/** New/old ratios of every number both runs have, matched by backend, model, step and threads. */
export function compareBenchResults(next: BenchResults, prev: BenchResults): string {
  const ceilings = next.ceilings.map((c): TableRow => {
    const p = prev.ceilings.find((o) => o.backend === c.backend);
    return {backend: c.backend, 'matmul GFLOP/s': ratio(c.matmulGflops, p?.matmulGflops), 'conv2d GFLOP/s': ratio(c.conv2dGflops, p?.conv2dGflops)};
  });
  const workloads = next.workloads.map((w): TableRow => {
    const p = prev.workloads.find((o) => o.backend === w.backend && o.model === w.model && o.workload === w.workload &&
      threadsOf(o) === threadsOf(w));
    const show = (x: WorkloadResult | undefined) => (x?.status === 'ok' ? round(x.samplesPerSecond, 1) : x?.status ?? 'absent');
    return {backend: w.backend, model: w.model, step: w.workload, threads: threadsOf(w), 'old samples/s': show(p), 'new samples/s': show(w),
      'new/old': ratio(w.status === 'ok' ? w.samplesPerSecond : undefined, p?.status === 'ok' ? p.samplesPerSecond : undefined)};
  });
  return ['### new / old: ceilings', '', toMarkdownTable(ceilings), '', '### new / old: steps', '', toMarkdownTable(workloads)].join('\n');
}
