import {compareBenchResults, formatBenchResults, median, type BenchResults} from './bench-report';

const results = (samplesPerSecond: number): BenchResults => ({
  version: 1, date: '2026-01-01T00:00:00.000Z', node: 'v20', cpus: '2 × test', batchSize: 32, runs: 3,
  ceilings: [{backend: 'wasm', status: 'ok', matmulGflops: 20, conv2dGflops: 16}],
  workloads: [
    {backend: 'wasm', model: 'mnist', workload: 'train', status: 'ok', samplesPerSecond, runs: [samplesPerSecond],
      flopsPerSample: 40e6, gflops: (40e6 * samplesPerSecond) / 1e9, ceilingRatio: (40e6 * samplesPerSecond) / 1e9 / 16},
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

describe('formatBenchResults', () => {
  it('prints samples/s, GFLOP/s and the share of the conv2d ceiling, or the status', () => {
    const text = formatBenchResults(results(300));
    expect(text).toMatch(/\| wasm +\| mnist +\| train +\| 300 +\| +1 \| +40 \| +12 \| 75% /);
    expect(text).toMatch(/\| cpu +\| cifar-1x1 \| train +\| timed out \|/);
  });
});

describe('compareBenchResults', () => {
  it('prints new/old samples/s ratios matched by backend, model and step', () => {
    const text = compareBenchResults(results(300), results(30));
    expect(text).toMatch(/\| wasm +\| mnist +\| train +\| 30 +\| 300 +\| 10\.00× +\|/);
    expect(text).toMatch(/\| cpu +\| cifar-1x1 \| train +\| timed out +\| timed out +\| – +\|/);
  });
});
