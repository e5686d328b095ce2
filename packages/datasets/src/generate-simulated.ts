/**
 * Simulated gene-regulatory data (paper Section 3.3): m regulators with Gamma-distributed
 * levels drive n genes through a sparse random network,
 *
 *   X = ReLU(z · (A ∘ W) + ε),   z [N, m],  A, W [m, n],  ε, X [N, n].
 *
 * Pure and seeded: the same options give bit-identical arrays on every machine.
 */
import {createRandom, type Random} from '@encoderless/random';
import {machineMemory, maxArrayLength} from './runtime-limits';
import {BadConfigError, checkNumberIn, checkPositiveInteger, describe} from './bad-config-error';
import type {Matrix} from './matrix';

/** The regulatory network: which regulator drives which gene, and how strongly. */
export interface SimulatedNetwork {
  /** A [m, n]: 1 where regulator i drives gene j, else 0. */
  readonly adjacency: Matrix;
  /** W [m, n]: a weight for every pair; only those where A is 1 take effect (A ∘ W). */
  readonly weights: Matrix;
}

/** Samples from a network: expression levels and the regulator levels that produced them. */
export interface SimulatedSamples {
  /** X [N, n]: gene expression, ReLU(z · (A ∘ W) + ε). */
  readonly x: Matrix;
  /** z [N, m]: regulator levels, the ground-truth representation of each sample. */
  readonly z: Matrix;
}

/** A network with a training set and a test set drawn from it. */
export interface SimulatedData {
  readonly network: SimulatedNetwork;
  readonly train: SimulatedSamples;
  /** `testSamples` fresh samples from the same network on an independent stream. */
  readonly test: SimulatedSamples;
}

/** How samples are drawn from a network: regulator levels and noise. */
export interface SimulatedSamplesOptions {
  /** Integer seed; the same seed gives the same samples. */
  readonly seed: number;
  /** σ, the standard deviation of the Gaussian noise ε added before the ReLU. Default 0 (experiment 1). */
  readonly noiseStd?: number;
  /** Shape k of z ~ Gamma(k, θ). Default 2 (ours; the paper does not give it). */
  readonly regulatorShape?: number;
  /** Scale θ of z ~ Gamma(k, θ), mean k·θ. Default 0.5 (ours; the paper does not give it). */
  readonly regulatorScale?: number;
}

/** Everything `generateSimulated` draws: network, training set and test set. */
export interface SimulatedOptions extends SimulatedSamplesOptions {
  /** N, training samples. */
  readonly samples: number;
  /** Test samples from the same network. Default 100. */
  readonly testSamples?: number;
  /** m, the number of regulators (the representation dimension). Default 100. */
  readonly latentDim?: number;
  /** n, the number of genes (the data dimension). Default 1000. */
  readonly dataDim?: number;
  /** c, the probability that a regulator drives a gene, in (0, 1]. Default 0.1. */
  readonly connectivity?: number;
  /** Lower end of W ~ Uniform(low, high). Default -1 (ours; the paper does not give it). */
  readonly weightLow?: number;
  /** Upper end of W ~ Uniform(low, high). Default 1 (ours; the paper does not give it). */
  readonly weightHigh?: number;
}

const sampleDefaults = {noiseStd: 0, regulatorShape: 2, regulatorScale: 0.5};
const defaults = {
  ...sampleDefaults, testSamples: 100, latentDim: 100, dataDim: 1000, connectivity: 0.1, weightLow: -1, weightHigh: 1,
};
const sampleKeys = ['seed', ...Object.keys(sampleDefaults)];
const allKeys = [...sampleKeys, 'samples', ...Object.keys(defaults)];

/**
 * Simulated gene-regulatory data (Section 3.3): a random network, N training samples and a
 * fresh test set from the same network.
 *
 * - regulator levels z ~ Gamma(regulatorShape, regulatorScale), [N, m];
 * - adjacency A [m, n], each entry 1 with probability c, independently. Nothing forces every
 *   gene to have a regulator: with the defaults a gene has none with probability
 *   0.9^100 ≈ 2.7e-5, and is then pure ReLU(ε);
 * - weights W ~ Uniform(weightLow, weightHigh), [m, n];
 * - X = ReLU(z · (A ∘ W) + ε), ε ~ Normal(0, σ²), [N, n].
 *
 * The seed is split into three independent streams (network, train, test), so each seed has
 * its own test set and the training set does not depend on `testSamples`. Sums run in float64
 * over the float32 values of z and W, then round once to float32.
 *
 * Sizes whose arrays cannot exist are refused with a `BadConfigError` naming the options and the
 * limit, before anything is drawn: one array longer than a typed array can be (samples × dataDim
 * above 4,294,967,296 on Node 20), or arrays that together need more bytes than the machine has.
 *
 * ```ts
 * const {network, train, test} = generateSimulated({samples: 1000, seed: 1});
 * train.x.rows; // 1000, train.x.cols: 1000 genes; train.z.cols: 100 regulators
 * ```
 */
export function generateSimulated(options: SimulatedOptions): SimulatedData {
  const fn = 'generateSimulated';
  checkOptions(fn, options, allKeys);
  const o = {...defaults, ...withoutUndefined(options)};
  const samples = checkPositiveInteger(fn, 'samples', o.samples);
  const testSamples = checkPositiveInteger(fn, 'testSamples', o.testSamples);
  const m = checkPositiveInteger(fn, 'latentDim', o.latentDim);
  const n = checkPositiveInteger(fn, 'dataDim', o.dataDim);
  if (m > n) {
    throw new BadConfigError(`${fn}: latentDim must be at most dataDim (${n}), got ${m}`);
  }
  const c = checkNumberIn(fn, 'connectivity', o.connectivity, {low: 0, high: 1, lowOpen: true});
  const low = checkNumberIn(fn, 'weightLow', o.weightLow, {});
  const high = checkNumberIn(fn, 'weightHigh', o.weightHigh, {low, lowOpen: true});
  const draw = checkSampleOptions(fn, o);
  checkArraySizes(fn, [
    {name: 'network.adjacency', rows: ['latentDim', m], cols: ['dataDim', n], copies: 2},
    {name: 'train.x', rows: ['samples', samples], cols: ['dataDim', n]},
    {name: 'train.z', rows: ['samples', samples], cols: ['latentDim', m]},
    {name: 'test.x', rows: ['testSamples', testSamples], cols: ['dataDim', n]},
    {name: 'test.z', rows: ['testSamples', testSamples], cols: ['latentDim', m]},
  ]);

  const rng = createRandom(draw.seed);
  const networkRng = rng.fork(), trainRng = rng.fork(), testRng = rng.fork();
  const network = drawNetwork(fn, networkRng, m, n, c, low, high);
  return {
    network,
    train: drawSamples(fn, 'train.', network, samples, trainRng, draw),
    test: drawSamples(fn, 'test.', network, testSamples, testRng, draw),
  };
}

/**
 * More samples from a given network: z ~ Gamma(k, θ) [count, m] and
 * X = ReLU(z · (A ∘ W) + ε) [count, n], as in `generateSimulated`.
 *
 * ```ts
 * const {network} = generateSimulated({samples: 10, seed: 1});
 * const more = generateSimulatedSamples(network, 500, {seed: 2}); // more.x: [500, 1000]
 * ```
 */
export function generateSimulatedSamples(
  network: SimulatedNetwork, count: number, options: SimulatedSamplesOptions,
): SimulatedSamples {
  const fn = 'generateSimulatedSamples';
  checkNetwork(fn, network);
  checkPositiveInteger(fn, 'count', count);
  checkOptions(fn, options, sampleKeys);
  const draw = checkSampleOptions(fn, {...sampleDefaults, ...withoutUndefined(options)});
  const {rows: m, cols: n} = network.weights;
  checkArraySizes(fn, [
    {name: 'x', rows: ['count', count], cols: ['network.weights.cols', n]},
    {name: 'z', rows: ['count', count], cols: ['network.weights.rows', m]},
  ]);
  return drawSamples(fn, '', network, count, createRandom(draw.seed), draw);
}

interface DrawOptions {
  readonly seed: number;
  readonly noiseStd: number;
  readonly regulatorShape: number;
  readonly regulatorScale: number;
}

function drawNetwork(fn: string, rng: Random, m: number, n: number, c: number, low: number, high: number): SimulatedNetwork {
  const adjacency = allocate(fn, 'network.adjacency', m * n);
  for (let i = 0; i < m * n; i++) adjacency[i] = rng.next() < c ? 1 : 0;
  const weights = allocate(fn, 'network.weights', m * n);
  for (let i = 0; i < m * n; i++) weights[i] = rng.uniform(low, high);
  return {adjacency: {data: adjacency, rows: m, cols: n}, weights: {data: weights, rows: m, cols: n}};
}

/** `count` samples; `prefix` ('train.', 'test.' or '') names their arrays in messages. */
function drawSamples(
  fn: string, prefix: string, network: SimulatedNetwork, count: number, rng: Random, o: DrawOptions,
): SimulatedSamples {
  const {rows: m, cols: n} = network.weights;
  // A ∘ W as one list of (gene, weight) per regulator: with c = 0.1 this skips 90% of the work.
  const edges = Array.from({length: m}, (_, i) => {
    const genes: number[] = [], weights: number[] = [];
    for (let j = 0; j < n; j++) {
      if (network.adjacency.data[i * n + j] !== 0) {
        genes.push(j);
        weights.push(network.weights.data[i * n + j]);
      }
    }
    return {genes, weights};
  });
  const z = allocate(fn, `${prefix}z`, count * m);
  const x = allocate(fn, `${prefix}x`, count * n);
  const pre = new Float64Array(n);
  for (let s = 0; s < count; s++) {
    pre.fill(0);
    for (let i = 0; i < m; i++) {
      // Round first, so X is computed from exactly the z that is returned.
      const zi = Math.fround(rng.gamma(o.regulatorShape, o.regulatorScale));
      z[s * m + i] = zi;
      const {genes, weights} = edges[i];
      for (let e = 0; e < genes.length; e++) pre[genes[e]] += zi * weights[e];
    }
    for (let j = 0; j < n; j++) {
      const v = o.noiseStd > 0 ? pre[j] + rng.normal(0, o.noiseStd) : pre[j];
      x[s * n + j] = v > 0 ? v : 0;
    }
  }
  return {x: {data: x, rows: count, cols: n}, z: {data: z, rows: count, cols: m}};
}

/** One float32 array the generator will fill: [rows, cols], each size with the option that sets it. */
interface PlannedArray {
  readonly name: string;
  readonly rows: readonly [option: string, size: number];
  readonly cols: readonly [option: string, size: number];
  /** How many arrays of this shape (the network's adjacency and weights are two). Default 1. */
  readonly copies?: number;
}

/**
 * Refuses sizes whose arrays cannot exist, before drawing anything: an array longer than a
 * typed array can be (which would end in a RangeError), or arrays that together need more bytes
 * than the machine has (which would end with the process killed for lack of memory).
 */
function checkArraySizes(fn: string, arrays: readonly PlannedArray[]): void {
  let bytes = 0;
  for (const {name, rows: [rowOption, rows], cols: [colOption, cols], copies = 1} of arrays) {
    const length = rows * cols;
    if (length > maxArrayLength) {
      throw new BadConfigError(
        `${fn}: ${rowOption} × ${colOption} = ${rows} × ${cols} = ${length} values for ${name}, more than the ` +
        `${maxArrayLength} one array can hold; at ${colOption} ${cols}, ${rowOption} can be at most ` +
        `${Math.floor(maxArrayLength / cols)}`);
    }
    bytes += 4 * length * copies;
  }
  // maxArrayLength and machineMemory come from runtime-limits: Node's, or a browser's (no memory
  // figure: only `allocate` catches what does not fit there).
  const memory = machineMemory();
  if (memory !== undefined && bytes > memory) {
    const sizes = arrays.map((a) => `${a.name} ${gigabytes(4 * a.rows[1] * a.cols[1] * (a.copies ?? 1))}`).join(', ');
    const options = [...new Set(arrays.flatMap((a) => [a.rows[0], a.cols[0]]))].join(', ');
    throw new BadConfigError(
      `${fn}: these sizes need ${gigabytes(bytes)} of float32 arrays (${sizes}), more than this machine's ` +
      `${gigabytes(memory)} of memory; lower ${options}`);
  }
}

function gigabytes(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GB`;
}

/**
 * A zeroed Float32Array; an allocation the runtime refuses (too little free memory) becomes a
 * BadConfigError naming the array instead of a bare RangeError.
 */
function allocate(fn: string, name: string, length: number): Float32Array {
  try {
    return new Float32Array(length);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    throw new BadConfigError(
      `${fn}: cannot allocate ${name} (${length} values, ${gigabytes(4 * length)}): ${err.message}; use smaller sizes`);
  }
}

function checkSampleOptions(fn: string, o: Record<string, unknown>): DrawOptions {
  const seed = o.seed;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    throw new BadConfigError(`${fn}: seed must be an integer, got ${describe(seed)}`);
  }
  return {
    seed,
    noiseStd: checkNumberIn(fn, 'noiseStd', o.noiseStd, {low: 0}),
    regulatorShape: checkNumberIn(fn, 'regulatorShape', o.regulatorShape, {low: 0, lowOpen: true}),
    regulatorScale: checkNumberIn(fn, 'regulatorScale', o.regulatorScale, {low: 0, lowOpen: true}),
  };
}

function checkOptions(fn: string, options: unknown, known: readonly string[]): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new BadConfigError(`${fn}: options must be an object, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new BadConfigError(`${fn}: unknown option ${JSON.stringify(key)}; expected one of ${known.join(', ')}`);
    }
  }
}

function checkNetwork(fn: string, network: SimulatedNetwork): void {
  if (typeof network !== 'object' || network === null) {
    throw new BadConfigError(`${fn}: network must be {adjacency, weights}, got ${describe(network)}`);
  }
  for (const key of ['adjacency', 'weights'] as const) {
    const mat = network[key];
    if (typeof mat !== 'object' || mat === null || !(mat.data instanceof Float32Array) ||
        !Number.isSafeInteger(mat.rows) || !Number.isSafeInteger(mat.cols) || mat.rows < 1 || mat.cols < 1) {
      throw new BadConfigError(`${fn}: network.${key} must be a Matrix {data: Float32Array, rows, cols}, got ${describe(mat)}`);
    }
    if (mat.data.length !== mat.rows * mat.cols) {
      throw new BadConfigError(
        `${fn}: network.${key}.data has length ${mat.data.length}, expected rows·cols = ${mat.rows}·${mat.cols} = ${mat.rows * mat.cols}`);
    }
  }
  const {adjacency: a, weights: w} = network;
  if (a.rows !== w.rows || a.cols !== w.cols) {
    throw new BadConfigError(`${fn}: network.weights is [${w.rows}, ${w.cols}], expected the shape of network.adjacency [${a.rows}, ${a.cols}]`);
  }
}

/** Options given as undefined fall back to their defaults, as if left out. */
function withoutUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}
