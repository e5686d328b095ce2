import {BadDataFileError} from '@encoderless/errors';
import {toMarkdownTable, type TableRow} from '@encoderless/report';
import {TFJS_SUBMIT_BATCH, type BenchWorkload} from './bench-options';

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
  /**
   * webgpu only: dispatches recorded per queue submit (tfjs's WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE);
   * absent in files before version 3, which ran tfjs's default.
   */
  readonly submitBatch?: number;
  /** webgpu only: what one step asks of the GPU, averaged over the timed runs. */
  readonly gpuStep?: GpuStepCounts;
}

/**
 * What one training step does on the GPU, counted and timed by wrapping the WebGPU backend in
 * the bench worker (`gpu-probe.ts`), averaged over the timed runs' steps. The dispatch overhead
 * is `hostMs`: the wall time of a step that is not spent waiting on a GPU read, i.e. what the
 * CPU does per step (the step's graph, tfjs's kernels, recording the dispatches, the rows'
 * update after the read); `recordMs` is its part inside runWebGPUProgram. `waitMs` is the time
 * from the read's call until its values are back: the GPU finishing what was queued.
 */
export interface GpuStepCounts {
  /** Steps the figures average over. */
  readonly steps: number;
  /** GPU reads (buffers mapped back to the CPU) per step: the trainers' target is 1. */
  readonly reads: number;
  /** device.queue.submit calls per step. */
  readonly submits: number;
  /** Compute dispatches per step. */
  readonly dispatches: number;
  /** Wall time per step not spent waiting on a read, ms. */
  readonly hostMs: number;
  /** Of hostMs, the time inside runWebGPUProgram (recording dispatches and the submits they trigger), ms. */
  readonly recordMs: number;
  /** Time per step waiting on reads, ms. */
  readonly waitMs: number;
}

/** The backend a bench ran on, as `describeBackend` names it: `wasm (SIMD)`, `webgpu on nvidia hopper (…)`. */
export interface BackendResult {
  readonly backend: string;
  readonly description: string;
  /** webgpu only: the adapter is a software rasteriser (lavapipe, SwiftShader): correct, and slower than wasm. */
  readonly software?: boolean;
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
  /** webgpu only: the worker's submit batch (see WorkloadResult). */
  readonly submitBatch?: number;
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
  /** 3 added `backends`, and on webgpu rows `submitBatch` and `gpuStep`. */
  readonly version: 1 | 2 | 3;
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
  /** What each backend ran on (absent before version 3). */
  readonly backends?: readonly BackendResult[];
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

/** A webgpu result's submit batch (files before version 3 ran tfjs's default); undefined on other backends. */
const submitBatchOf = (w: WorkloadResult): number | undefined => (w.backend === 'webgpu' ? w.submitBatch ?? TFJS_SUBMIT_BATCH : undefined);

/** Whether two results measure the same thing: backend, model, step, threads and submit batch. */
const sameCell = (a: WorkloadResult, b: WorkloadResult): boolean =>
  a.backend === b.backend && a.model === b.model && a.workload === b.workload && threadsOf(a) === threadsOf(b) &&
  submitBatchOf(a) === submitBatchOf(b);

/** The backend column of a result: webgpu rows name their submit batch, the one knob they have that others lack. */
const backendLabel = (w: WorkloadResult): string => {
  const batch = w.status === 'skipped' ? undefined : submitBatchOf(w);
  return batch === undefined ? w.backend : `${w.backend}, submit/${batch}`;
};

/**
 * Scaling efficiency of a result at N threads: its samples/s ÷ (N × samples/s of the same
 * backend, model and step at one thread); undefined without both.
 */
export function scalingEfficiency(r: BenchResults, w: WorkloadResult): number | undefined {
  const n = threadsOf(w);
  const one = r.workloads.find((o) => o.backend === w.backend && o.model === w.model && o.workload === w.workload && threadsOf(o) === 1 &&
    submitBatchOf(o) === submitBatchOf(w));
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

/** What a step does on the GPU, one row per webgpu result that has the counts. */
function gpuStepRows(r: BenchResults): TableRow[] {
  return r.workloads.flatMap((w): TableRow[] => {
    const g = w.gpuStep;
    if (g === undefined) return [];
    return [{
      backend: backendLabel(w), model: w.model, step: w.workload, 'samples/s': round(w.samplesPerSecond, 1),
      'reads/step': round(g.reads, 2), 'submits/step': round(g.submits, 2), 'dispatches/step': round(g.dispatches, 1),
      'host ms/step': round(g.hostMs, 2), 'of which recording': round(g.recordMs, 2),
      'µs/dispatch': round(g.dispatches > 0 ? (1000 * g.recordMs) / g.dispatches : undefined, 1),
      'GPU wait ms/step': round(g.waitMs, 2), steps: g.steps,
    }];
  });
}

/** The text above the GPU steps table: what its columns measure. */
const GPU_STEP_LEGEND = 'Counted by wrapping the WebGPU backend in the bench worker, averaged over the timed runs. ' +
  'host ms/step (the dispatch overhead): wall time of a step not spent waiting on a GPU read, i.e. the CPU building the ' +
  'step, running tfjs\'s kernels, recording dispatches, and updating rows after the read; of which recording: the time ' +
  'inside runWebGPUProgram (µs/dispatch: that divided by the dispatches). GPU wait: from the read\'s call until its ' +
  'values are back. submit/N: dispatches per queue submit (WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE).';

/** The results as markdown tables: ceilings, workloads, GPU steps, memory, latent table, and the PyTorch peer if given. */
export function formatBenchResults(r: BenchResults): string {
  const description = new Map((r.backends ?? []).map((b) => [b.backend, b.description]));
  const ceilings = r.ceilings.map((c): TableRow => ({
    backend: c.backend, ...(r.backends ? {'runs on': description.get(c.backend) ?? ''} : {}),
    'matmul GFLOP/s': round(c.matmulGflops, 2), 'conv2d GFLOP/s': round(c.conv2dGflops, 2),
    status: c.status === 'ok' ? '' : `${c.status}${c.note ? `: ${c.note}` : ''}`,
  }));
  const gpuSteps = gpuStepRows(r);
  const workloads = r.workloads.map((w): TableRow => ({
    backend: backendLabel(w), model: w.model, step: w.workload, threads: threadsOf(w),
    'samples/s': w.status === 'ok' ? round(w.samplesPerSecond, 1) : w.status,
    scaling: threadsOf(w) === 1 ? null : percent(scalingEfficiency(r, w)),
    runs: w.runs ? w.runs.length : 0,
    'MFLOP/sample': round(w.flopsPerSample === undefined ? undefined : w.flopsPerSample / 1e6, 2),
    'GFLOP/s': round(w.gflops, 2),
    'of conv2d ceiling': percent(w.ceilingRatio),
    note: w.note ?? '',
  }));
  const memory = r.memory.map((m): TableRow => ({
    backend: m.submitBatch === undefined ? m.backend : `${m.backend}, submit/${m.submitBatch}`, model: m.model, threads: threadsOf(m), 'peak RSS MB': round(m.peakRssMB, 0), 'wasm heap MB': round(m.wasmHeapMB, 0),
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
    ...(gpuSteps.length ? ['', '### GPU steps', '', GPU_STEP_LEGEND, '', toMarkdownTable(gpuSteps)] : []),
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
    const p = prev.workloads.find((o) => sameCell(o, w));
    const show = (x: WorkloadResult | undefined) => (x?.status === 'ok' ? round(x.samplesPerSecond, 1) : x?.status ?? 'absent');
    return {backend: backendLabel(w), model: w.model, step: w.workload, threads: threadsOf(w), 'old samples/s': show(p), 'new samples/s': show(w),
      'new/old': ratio(w.status === 'ok' ? w.samplesPerSecond : undefined, p?.status === 'ok' ? p.samplesPerSecond : undefined)};
  });
  return ['### new / old: ceilings', '', toMarkdownTable(ceilings), '', '### new / old: steps', '', toMarkdownTable(workloads)].join('\n');
}
