import {
  achievedGflops, compareBenchResults, formatBenchResults, median, parsePeerResult, scalingEfficiency, withCeilingRatios, type BenchResults,
} from './bench-report';

const results = (samplesPerSecond: number): BenchResults => ({
  version: 2, date: '2026-01-01T00:00:00.000Z', node: 'v20', cpus: '2 × test', cores: 2, loadAverage: [0.5, 1.5], batchSize: 32, runs: 3,
  ceilings: [{backend: 'wasm', status: 'ok', matmulGflops: 20, conv2dGflops: 16}],
  workloads: [
    // What formatBenchResults prints, as given: gflops and ceilingRatio are computed (and tested) elsewhere.
    {backend: 'wasm', model: 'mnist', workload: 'train', status: 'ok', samplesPerSecond, runs: [samplesPerSecond],
      flopsPerSample: 40e6, gflops: 12, ceilingRatio: 0.75},
    {backend: 'wasm', model: 'mnist', workload: 'train', threads: 2, status: 'ok', samplesPerSecond: 1.7 * samplesPerSecond,
      runs: [1.7 * samplesPerSecond]},
    {backend: 'cpu', model: 'cifar-1x1', workload: 'train', status: 'timed out', note: 'one batch took 90 s'},
  ],
  memory: [{backend: 'wasm', model: 'mnist', peakRssMB: 150, wasmHeapMB: 64, tfTensors: 12, tfMB: 1}],
  latentTable: [{rows: 1000, dim: 64, microsPerStep: 40}],
});

describe('median', () => {
  it('middle value, mean of the middle two, NaN for none', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});

describe('achievedGflops and withCeilingRatios', () => {
  it('GFLOP/s = FLOPs per sample × samples/s / 1e9: 40 MFLOP × 300 samples/s = 12 GFLOP/s', () => {
    expect(achievedGflops(40e6, 300)).toBeCloseTo(12, 12);
  });
  it('the share of the ceiling counts one ceiling per thread; no gflops or no ceiling: unchanged', () => {
    const w = (backend: string, threads: number, gflops?: number) =>
      ({backend, model: 'mnist', workload: 'train' as const, threads, status: 'ok' as const, ...(gflops === undefined ? {} : {gflops})});
    const out = withCeilingRatios([w('wasm', 1, 12), w('wasm', 2, 20.4), w('wasm', 1), w('cpu', 1, 3)],
      [{backend: 'wasm', status: 'ok', conv2dGflops: 16}, {backend: 'cpu', status: 'failed'}]);
    // 12 / 16 = 0.75; 20.4 / (2 · 16) = 0.6375.
    expect(out[0].ceilingRatio).toBeCloseTo(0.75, 12);
    expect(out[1].ceilingRatio).toBeCloseTo(0.6375, 12);
    expect([out[2].ceilingRatio, out[3].ceilingRatio]).toEqual([undefined, undefined]);
    expect(out[2]).toEqual(w('wasm', 1));
  });
});

describe('formatBenchResults', () => {
  it('prints threads, samples/s, scaling, GFLOP/s and the share of the conv2d ceiling, or the status; cores and load', () => {
    const text = formatBenchResults(results(300));
    expect(text).toMatch(/\| wasm +\| mnist +\| train +\| +1 \| 300 +\| +\| +1 \| +40 \| +12 \| 75% /);
    // 510 samples/s at 2 threads against 300 at one: 510 / (2·300) = 85%.
    expect(text).toMatch(/\| wasm +\| mnist +\| train +\| +2 \| 510 +\| 85% +\|/);
    expect(text).toMatch(/\| cpu +\| cifar-1x1 \| train +\| +1 \| timed out \|/);
    expect(text).toMatch(/2 cores \(2 × test\).*load average 0\.5 at the start, 1\.5 at the end/);
  });
  it('scalingEfficiency: N threads against one, undefined without a one-thread result', () => {
    const r = results(300);
    expect(scalingEfficiency(r, r.workloads[1])).toBeCloseTo(0.85, 12);
    expect(scalingEfficiency(r, r.workloads[2])).toBeUndefined();
  });
  it('with --peer: our MNIST steps beside PyTorch\'s at the same thread count, as ratios', () => {
    const peer = parsePeerResult('{"threads": 2, "batch": 32, "fast": {"train": 425, "autoencoder": 300}, ' +
      '"native": {"train": 80, "autoencoder": 70}}\n', 'peer2.json');
    const text = formatBenchResults({...results(300), peers: [peer]});
    expect(text).toMatch(/### PyTorch peer/);
    // 510 / 425 = 1.20; the autoencoder did not run at 2 threads.
    expect(text).toMatch(/\| wasm +\| +2 \| train +\| 510 +\| +425 \| +80 \| 1\.20× +\|/);
    expect(text).toMatch(/\| – +\| +2 \| autoencoder \| not run +\| +300 \| +70 \| – +\|/);
  });
});

describe('parsePeerResult', () => {
  it('throws when the file holds no JSON or another shape, naming the file', () => {
    expect(() => parsePeerResult('Traceback (most recent call last):', 'p.json')).toThrow(/p\.json holds no JSON line/);
    expect(() => parsePeerResult('{"threads": 2, "fast": {"train": 1}}', 'p.json'))
      .toThrow(/p\.json is not a pytorch-peer\.py result: expected \{threads, batch, fast/);
  });
});

describe('compareBenchResults', () => {
  it('prints new/old samples/s ratios matched by backend, model and step', () => {
    const text = compareBenchResults(results(300), results(30));
    expect(text).toMatch(/\| wasm +\| mnist +\| train +\| +1 \| 30 +\| 300 +\| 10\.00× +\|/);
    expect(text).toMatch(/\| wasm +\| mnist +\| train +\| +2 \| 51 +\| 510 +\| 10\.00× +\|/);
    expect(text).toMatch(/\| cpu +\| cifar-1x1 \| train +\| +1 \| timed out +\| timed out +\| – +\|/);
  });
});

describe('webgpu rows (version 3)', () => {
  const gpuStep = {steps: 12, reads: 1, submits: 3, dispatches: 36, hostMs: 43.49, recordMs: 35.71, waitMs: 43.14};
  const next: BenchResults = {
    ...results(300), version: 3,
    backends: [{backend: 'wasm', description: 'wasm (SIMD)'}, {backend: 'webgpu', description: 'webgpu on nvidia hopper (NVIDIA: 550.54.15)', software: false}],
    ceilings: [{backend: 'webgpu', status: 'ok', matmulGflops: 900, conv2dGflops: 400}],
    workloads: [
      {backend: 'webgpu', model: 'sparse', workload: 'train', threads: 1, submitBatch: 15, status: 'ok', samplesPerSecond: 600, gpuStep},
      {backend: 'webgpu', model: 'sparse', workload: 'train', threads: 1, submitBatch: 1000, status: 'ok', samplesPerSecond: 900},
      {backend: 'webgpu', model: 'sparse', workload: 'train', threads: 2, status: 'skipped', note: 'threads split each batch'},
    ],
    memory: [{backend: 'webgpu', model: 'sparse', threads: 1, submitBatch: 15, peakRssMB: 300, tfTensors: 5, tfMB: 1}],
  };

  it('names what each backend ran on, and the submit batch of each measured webgpu row', () => {
    const text = formatBenchResults(next);
    expect(text).toMatch(/\| webgpu +\| webgpu on nvidia hopper \(NVIDIA: 550\.54\.15\) \| +900 \| +400 \|/);
    expect(text).toMatch(/\| webgpu, submit\/15 +\| sparse \| train \| +1 \| 600 /);
    expect(text).toMatch(/\| webgpu, submit\/1000 \| sparse \| train \| +1 \| 900 /);
    expect(text).toMatch(/\| webgpu +\| sparse \| train \| +2 \| skipped /);
    expect(text).toMatch(/\| webgpu, submit\/15 \| sparse \| +1 \| +300 \|/);
  });

  it('prints the GPU steps table: reads, submits, dispatches, host and wait time per step, and µs per dispatch', () => {
    const text = formatBenchResults(next);
    expect(text).toMatch(/### GPU steps\n\n.*host ms\/step \(the dispatch overhead\): wall time of a step not spent waiting on a GPU read/);
    // µs per dispatch: 35.71 ms of recording / 36 dispatches = 991.9 µs. The row without counts is not in this table.
    expect(text).toMatch(/\| webgpu, submit\/15 \| sparse \| train \| +600 \| +1 \| +3 \| +36 \| +43\.49 \| +35\.71 \| +991\.9 \| +43\.14 \| +12 \|/);
    expect(text.split('### GPU steps')[1].split('### Memory')[0]).not.toMatch(/submit\/1000/);
  });

  it('version-2 files: no runs-on column and no GPU steps table', () => {
    const text = formatBenchResults(results(300));
    expect(text).not.toMatch(/runs on|### GPU steps/);
  });

  it('--compare against a version-2 file: its webgpu rows ran tfjs\'s submit batch, 15', () => {
    const old: BenchResults = {...results(30), workloads: [{backend: 'webgpu', model: 'sparse', workload: 'train', status: 'ok', samplesPerSecond: 300}]};
    const text = compareBenchResults(next, old);
    expect(text).toMatch(/\| webgpu, submit\/15 +\| sparse \| train \| +1 \| 300 +\| 600 +\| 2\.00× +\|/);
    expect(text).toMatch(/\| webgpu, submit\/1000 \| sparse \| train \| +1 \| absent +\| 900 +\| – +\|/);
  });
});
