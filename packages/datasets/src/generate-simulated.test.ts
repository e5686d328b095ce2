import {constants} from 'node:buffer';
import {totalmem} from 'node:os';
import {expectArraysClose} from '@encoderless/test-utils';
import {generateSimulated, generateSimulatedSamples, BadConfigError} from './index';
import type {Matrix, SimulatedNetwork} from './index';

/** Naive float64 re-implementation of z · (A ∘ W): a dense triple loop, [N, n]. */
function naivePreActivation(z: Matrix, network: SimulatedNetwork): Float64Array {
  const {adjacency: a, weights: w} = network;
  const out = new Float64Array(z.rows * a.cols);
  for (let s = 0; s < z.rows; s++) {
    for (let j = 0; j < a.cols; j++) {
      let sum = 0;
      for (let i = 0; i < z.cols; i++) sum += z.data[s * z.cols + i] * a.data[i * a.cols + j] * w.data[i * w.cols + j];
      out[s * a.cols + j] = sum;
    }
  }
  return out;
}

function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}

function variance(xs: ArrayLike<number>): number {
  const mu = mean(xs);
  let v = 0;
  for (let i = 0; i < xs.length; i++) v += (xs[i] - mu) ** 2;
  return v / (xs.length - 1);
}

// Bit-identity is the claim in the determinism tests, so they compare bytes exactly.
const sameBytes = (a: Matrix, b: Matrix) => Buffer.from(a.data.buffer).equals(Buffer.from(b.data.buffer));

const tiny = {samples: 6, testSamples: 4, latentDim: 3, dataDim: 5, connectivity: 0.5, seed: 11};

describe('generateSimulated shapes', () => {
  it('defaults m=100 n=1000, N=20: x [20,1000], z [20,100], A and W [100,1000], test [100,…]', () => {
    const {network, train, test} = generateSimulated({samples: 20, seed: 1});
    const shape = (mat: Matrix) => [mat.rows, mat.cols, mat.data.length];
    expect(shape(network.adjacency)).toEqual([100, 1000, 100_000]);
    expect(shape(network.weights)).toEqual([100, 1000, 100_000]);
    expect(shape(train.x)).toEqual([20, 1000, 20_000]);
    expect(shape(train.z)).toEqual([20, 100, 2000]);
    expect(shape(test.x)).toEqual([100, 1000, 100_000]);
    expect(shape(test.z)).toEqual([100, 100, 10_000]);
    expect(train.x.data).toBeInstanceOf(Float32Array);
  });
  it('tiny N=6 m=3 n=5 with testSamples=4', () => {
    const {network, train, test} = generateSimulated(tiny);
    expect([network.adjacency.rows, network.adjacency.cols]).toEqual([3, 5]);
    expect([train.x.rows, train.x.cols, train.z.cols]).toEqual([6, 5, 3]);
    expect([test.x.rows, test.z.rows]).toEqual([4, 4]);
  });
});

describe('generateSimulated determinism', () => {
  const options = {...tiny, samples: 50, latentDim: 10, dataDim: 40, noiseStd: 0.2};
  it('the same seed gives bit-identical arrays', () => {
    const a = generateSimulated(options), b = generateSimulated(options);
    for (const [p, q] of [[a.network.adjacency, b.network.adjacency], [a.network.weights, b.network.weights],
      [a.train.x, b.train.x], [a.train.z, b.train.z], [a.test.x, b.test.x], [a.test.z, b.test.z]]) {
      expect(sameBytes(p, q)).toBe(true);
    }
  });
  it('a different seed gives a different network, training set and test set', () => {
    const a = generateSimulated(options), b = generateSimulated({...options, seed: 12});
    expect(sameBytes(a.network.weights, b.network.weights)).toBe(false);
    expect(sameBytes(a.train.z, b.train.z)).toBe(false);
    expect(sameBytes(a.train.x, b.train.x)).toBe(false);
    expect(sameBytes(a.test.z, b.test.z)).toBe(false);
  });
  it('the training set does not depend on testSamples (independent streams)', () => {
    const a = generateSimulated({...options, testSamples: 1}), b = generateSimulated({...options, testSamples: 30});
    expect(sameBytes(a.train.x, b.train.x)).toBe(true);
    expect(sameBytes(a.network.adjacency, b.network.adjacency)).toBe(true);
  });
  it('the test set differs from the training set', () => {
    const {train, test} = generateSimulated({...options, testSamples: options.samples});
    expect(sameBytes(train.z, test.z)).toBe(false);
    expect(sameBytes(train.x, test.x)).toBe(false);
    // No test row repeats a training row: z rows are continuous draws, so a match would mean a shared stream.
    const trainRows = new Set(Array.from({length: train.z.rows}, (_, s) => train.z.data.subarray(s * 10, s * 10 + 10).join()));
    for (let s = 0; s < test.z.rows; s++) expect(trainRows.has(test.z.data.subarray(s * 10, s * 10 + 10).join())).toBe(false);
  });
});

describe('generateSimulated values', () => {
  it('X = ReLU(z · (A ∘ W)) against a naive float64 loop, σ=0, N=6 m=3 n=5', () => {
    const {network, train, test} = generateSimulated(tiny);
    // Both sides of the ReLU must occur, or the comparison would not test it.
    expect(train.x.data.some((v) => v > 0) && train.x.data.some((v) => v === 0)).toBe(true);
    for (const set of [train, test]) {
      const expected = Array.from(naivePreActivation(set.z, network), (v) => Math.max(v, 0));
      // The generator sums the same float32 inputs in float64 and rounds once to float32:
      // relative error ≤ 2^-24 ≈ 6e-8, so rtol 1e-6 with atol 1e-7 for sums that cancel.
      expectArraysClose(set.x.data, expected, {atol: 1e-7, rtol: 1e-6});
    }
  });

  it('σ=0: X ≥ 0 everywhere, exactly 0 where z · (A ∘ W) < 0, positive where it is > 0', () => {
    const {network, train} = generateSimulated({samples: 40, latentDim: 20, dataDim: 200, seed: 3});
    const pre = naivePreActivation(train.z, network);
    let negatives = 0, positives = 0;
    const wrong: string[] = [];
    for (let k = 0; k < pre.length; k++) {
      const x = train.x.data[k];
      if (pre[k] < 0) negatives++;
      if (pre[k] > 0) positives++;
      if (x < 0 || (pre[k] < 0 && x !== 0) || (pre[k] > 0 && !(x > 0))) wrong.push(`index ${k}: pre ${pre[k]}, x ${x}`);
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    // W is symmetric around 0, so both signs must occur for the test to mean anything.
    expect(negatives).toBeGreaterThan(1000);
    expect(positives).toBeGreaterThan(1000);
  });

  it('σ=0.1: X − z·(A∘W) where the pre-activation exceeds 5σ has mean 0 and std σ', () => {
    const sigma = 0.1;
    const {network, train} = generateSimulated({samples: 400, latentDim: 20, dataDim: 200, noiseStd: sigma, seed: 4});
    const pre = naivePreActivation(train.z, network);
    // Above 5σ the ReLU clips ε only with probability 3e-7, so the residual is plain ε.
    const residuals = Array.from(pre, (p, k) => [p, train.x.data[k] - p]).filter(([p]) => p > 5 * sigma).map(([, r]) => r);
    expect(residuals.length).toBeGreaterThan(10_000);
    // Mean within 5 standard errors σ/√count; sample std within 3% (its SE is ≈ σ/√(2·count) < 0.7%).
    expect(Math.abs(mean(residuals))).toBeLessThan(5 * sigma / Math.sqrt(residuals.length));
    expect(Math.abs(Math.sqrt(variance(residuals)) / sigma - 1)).toBeLessThan(0.03);
  });

  it.each([[0.1], [0.3]])('connectivity c=%p: fraction of ones in A [100,1000] within 5 binomial sd', (c) => {
    const {network} = generateSimulated({samples: 1, connectivity: c, seed: 5});
    const a = network.adjacency.data;
    expect(a.every((v) => v === 0 || v === 1)).toBe(true);
    // 1e5 Bernoulli(c) entries: the fraction has sd √(c(1−c)/1e5), ≈ 9.5e-4 for c = 0.1.
    expect(Math.abs(mean(a) - c)).toBeLessThan(5 * Math.sqrt(c * (1 - c) / a.length));
  });

  it('connectivity c=1 connects every pair', () => {
    const {network} = generateSimulated({...tiny, connectivity: 1});
    expect(network.adjacency.data.every((v) => v === 1)).toBe(true);
  });

  it('z ~ Gamma(2, 0.5): mean k·θ = 1 and variance k·θ² = 0.5 over 2e5 draws', () => {
    const {train} = generateSimulated({samples: 2000, seed: 6});
    // sd √k·θ ≈ 0.707, so the mean's SE is 0.707/√2e5 ≈ 1.6e-3; 5 SE ≈ 7.9e-3.
    expect(Math.abs(mean(train.z.data) - 1)).toBeLessThan(5 * Math.SQRT1_2 / Math.sqrt(train.z.data.length));
    expect(Math.abs(variance(train.z.data) / 0.5 - 1)).toBeLessThan(0.03);
    expect(train.z.data.every((v) => v > 0)).toBe(true);
  });

  it('z ~ Gamma(shape 4, scale 0.25) and W ~ Uniform(0.5, 2) when configured', () => {
    const {network, train} = generateSimulated({samples: 2000, regulatorShape: 4, regulatorScale: 0.25,
      weightLow: 0.5, weightHigh: 2, seed: 7});
    // Gamma(4, 0.25): mean 1, sd 0.5, SE 0.5/√2e5 ≈ 1.1e-3.
    expect(Math.abs(mean(train.z.data) - 1)).toBeLessThan(5 * 0.5 / Math.sqrt(train.z.data.length));
    const w = network.weights.data;
    expect(w.every((v) => v >= 0.5 && v <= 2)).toBe(true);
    // Uniform(0.5, 2): mean 1.25, sd 1.5/√12 ≈ 0.433, SE over 1e5 ≈ 1.4e-3.
    expect(Math.abs(mean(w) - 1.25)).toBeLessThan(5 * (1.5 / Math.sqrt(12)) / Math.sqrt(w.length));
  });

  it('default W ~ Uniform(-1, 1): inside [-1, 1], mean 0 within 5 SE', () => {
    const w = generateSimulated({samples: 1, seed: 8}).network.weights.data;
    expect(w.every((v) => v >= -1 && v <= 1)).toBe(true);
    expect(Math.abs(mean(w))).toBeLessThan(5 * (2 / Math.sqrt(12)) / Math.sqrt(w.length));
  });
});

describe('generateSimulatedSamples', () => {
  const {network, train} = generateSimulated(tiny);
  it('hand-built network m=2 n=3: X = ReLU([2·z1 − z2, 0, 0.5·z1 + 3·z2])', () => {
    // A = [[1, 0, 1], [1, 0, 1]] keeps columns 0 and 2; the 7 and 9 in W are masked out.
    // A ∘ W = [[2, 0, 0.5], [-1, 0, 3]], so row s of X is
    //   [max(2·z1 − z2, 0), 0, 0.5·z1 + 3·z2]  (the last is positive since z > 0).
    const hand: SimulatedNetwork = {
      adjacency: {data: Float32Array.of(1, 0, 1, 1, 0, 1), rows: 2, cols: 3},
      weights: {data: Float32Array.of(2, 7, 0.5, -1, 9, 3), rows: 2, cols: 3},
    };
    const {x, z} = generateSimulatedSamples(hand, 50, {seed: 9});
    const expected: number[] = [];
    for (let s = 0; s < 50; s++) {
      const [z1, z2] = [z.data[2 * s], z.data[2 * s + 1]];
      expected.push(Math.max(2 * z1 - z2, 0), 0, 0.5 * z1 + 3 * z2);
    }
    // float64 sums of float32 inputs, rounded once to float32: rtol 1e-6, atol 1e-7.
    expectArraysClose(x.data, expected, {atol: 1e-7, rtol: 1e-6});
    // z ~ Gamma(2, 0.5) makes 2·z1 − z2 negative for some rows and positive for others.
    expect(expected.some((v, k) => k % 3 === 0 && v === 0) && expected.some((v, k) => k % 3 === 0 && v > 0)).toBe(true);
  });
  it('draws [count, n] from a given network, seeded, and matches the naive loop', () => {
    const a = generateSimulatedSamples(network, 7, {seed: 21});
    const b = generateSimulatedSamples(network, 7, {seed: 21});
    expect([a.x.rows, a.x.cols, a.z.rows, a.z.cols]).toEqual([7, 5, 7, 3]);
    expect(sameBytes(a.x, b.x) && sameBytes(a.z, b.z)).toBe(true);
    expect(sameBytes(generateSimulatedSamples(network, 6, {seed: 22}).z, train.z)).toBe(false);
    expectArraysClose(a.x.data, Array.from(naivePreActivation(a.z, network), (v) => Math.max(v, 0)),
      {atol: 1e-7, rtol: 1e-6});
  });
  it('throws on a bad count, a mismatched network and unknown options', () => {
    expect(() => generateSimulatedSamples(network, 0, {seed: 1}))
      .toThrow(/^generateSimulatedSamples: count must be a positive integer, got 0$/);
    const bad = {...network, weights: {...network.weights, cols: 4, data: new Float32Array(12)}};
    expect(() => generateSimulatedSamples(bad, 2, {seed: 1}))
      .toThrow(/^generateSimulatedSamples: network.weights is \[3, 4\], expected the shape of network.adjacency \[3, 5\]$/);
    const short = {...network, adjacency: {...network.adjacency, data: new Float32Array(3)}};
    expect(() => generateSimulatedSamples(short, 2, {seed: 1}))
      .toThrow(/network.adjacency.data has length 3, expected rows·cols = 3·5 = 15$/);
    expect(() => generateSimulatedSamples(network, 2, {seed: 1, samples: 3} as never))
      .toThrow(/^generateSimulatedSamples: unknown option "samples"; expected one of seed, noiseStd/);
  });
});

describe('generateSimulated errors', () => {
  const fn = 'generateSimulated';
  it.each([
    ['samples', 0, 'samples must be a positive integer, got 0'],
    ['samples', -3, 'samples must be a positive integer, got -3'],
    ['samples', 2.5, 'samples must be a positive integer, got 2.5'],
    ['testSamples', 0, 'testSamples must be a positive integer, got 0'],
    ['latentDim', NaN, 'latentDim must be a positive integer, got NaN'],
    ['dataDim', '5', 'dataDim must be a positive integer, got "5"'],
    ['latentDim', 6, 'latentDim must be at most dataDim (5), got 6'],
    ['connectivity', 0, 'connectivity must be in (0, 1], got 0'],
    ['connectivity', 1.5, 'connectivity must be in (0, 1], got 1.5'],
    ['connectivity', NaN, 'connectivity must be in (0, 1], got NaN'],
    ['noiseStd', -0.1, 'noiseStd must be a finite number ≥ 0, got -0.1'],
    ['noiseStd', Infinity, 'noiseStd must be a finite number ≥ 0, got Infinity'],
    ['regulatorShape', 0, 'regulatorShape must be a finite number > 0, got 0'],
    ['regulatorScale', NaN, 'regulatorScale must be a finite number > 0, got NaN'],
    ['weightLow', NaN, 'weightLow must be a finite number, got NaN'],
    ['weightHigh', -1, 'weightHigh must be a finite number > -1, got -1'],
    ['seed', 0.5, 'seed must be an integer, got 0.5'],
    ['seed', undefined, 'seed must be an integer, got undefined'],
    ['conectivity', 0.1, 'unknown option "conectivity"; expected one of seed, noiseStd'],
  ])('throws when %s is %p', (key, value, message) => {
    const run = () => generateSimulated({...tiny, [key]: value});
    expect(run).toThrow(BadConfigError);
    expect(run).toThrow(`${fn}: ${message}`);
  });
  it('throws when options are missing', () => {
    expect(() => generateSimulated(undefined as never)).toThrow(/^generateSimulated: options must be an object, got undefined$/);
  });
});

describe('generateSimulated sizes that cannot be allocated', () => {
  it('throws naming samples, dataDim and the typed-array limit when train.x would have 1e11 values', () => {
    const run = () => generateSimulated({samples: 100_000_000, dataDim: 1000, seed: 1});
    expect(run).toThrow(BadConfigError);
    expect(run).toThrow(
      /^generateSimulated: samples × dataDim = 100000000 × 1000 = 100000000000 values for train.x, more than the \d+ one array can hold; at dataDim 1000, samples can be at most \d+$/);
  });
  it('throws naming latentDim and dataDim when the network alone is too long', () => {
    expect(() => generateSimulated({samples: 1, latentDim: 100_000, dataDim: 100_000, seed: 1}))
      .toThrow(/^generateSimulated: latentDim × dataDim = 100000 × 100000 = 10000000000 values for network.adjacency/);
  });
  it('throws naming testSamples when only the test set is too long', () => {
    expect(() => generateSimulated({samples: 1, testSamples: 10_000_000, seed: 1}))
      .toThrow(/^generateSimulated: testSamples × dataDim = 10000000 × 1000 = 10000000000 values for test.x/);
  });
  it('throws naming the memory needed when the arrays fit one by one but not together in this machine', () => {
    // Train and test sets of k samples each, with k chosen from this machine's memory so that
    // 2 · k · (1000 + 100) float32 values exceed it while one array stays below the typed limit.
    const k = Math.ceil(totalmem() / (4 * 2 * 1100)) + 1;
    if (k * 1000 > constants.MAX_LENGTH) {
      console.log(`skipped: this machine's ${totalmem()} bytes of memory cannot be exceeded by arrays below the typed-array limit`);
      return;
    }
    const run = () => generateSimulated({samples: k, testSamples: k, seed: 1});
    expect(run).toThrow(BadConfigError);
    expect(run).toThrow(/^generateSimulated: these sizes need [\d.]+ GB of float32 arrays \(network.adjacency 0.0 GB, train.x [\d.]+ GB, .*\), more than this machine's [\d.]+ GB of memory; lower latentDim, dataDim, samples, testSamples$/);
  });
  it('generateSimulatedSamples throws naming count and the limit', () => {
    const {network} = generateSimulated(tiny);
    const run = () => generateSimulatedSamples(network, 2_000_000_000, {seed: 1});
    expect(run).toThrow(BadConfigError);
    expect(run).toThrow(/^generateSimulatedSamples: count × network.weights.cols = 2000000000 × 5 = 10000000000 values for x, more than the \d+ one array can hold; at network.weights.cols 5, count can be at most \d+$/);
  });
});
