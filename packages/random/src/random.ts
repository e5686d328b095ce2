import {BadConfigError} from '@encoderless/errors';

/**
 * A seeded random source: the same seed gives the same numbers on every machine and backend,
 * because nothing here touches TensorFlow.js. Generator: xoshiro128** seeded by splitmix32,
 * so nearby seeds (1, 2, 3 …) still give unrelated streams.
 */

/** A bad argument to the generator: a fractional seed, a negative size. */
export class BadRandomArgumentError extends BadConfigError {
  override name = 'BadRandomArgumentError';
}

/** A stream of seeded random numbers. Create one with `createRandom(seed)`. */
export interface Random {
  /** Uniform float in [0, 1) with 32 random bits. */
  next(): number;
  /** Uniform float in [low, high). */
  uniform(low?: number, high?: number): number;
  /** Uniform integer in [0, n). */
  integer(n: number): number;
  /** Normal with the given mean and standard deviation (Box–Muller). */
  normal(mean?: number, std?: number): number;
  /** Gamma(shape, scale), mean shape·scale (Marsaglia–Tsang; shape < 1 by boosting). */
  gamma(shape: number, scale?: number): number;
  /** Fisher–Yates shuffle of a copy; the input is left as it was. */
  shuffle<T>(items: readonly T[]): T[];
  /** A random permutation of 0 … n-1. */
  permutation(n: number): Int32Array;
  /** k distinct indices out of 0 … n-1, in random order. */
  sample(n: number, k: number): Int32Array;
  /** An independent child stream, for handing a seed to a sub-task. */
  fork(): Random;
  /** A fresh 31-bit seed drawn from this stream. */
  seed(): number;
}

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function checkSeed(seed: number): void {
  if (!Number.isInteger(seed)) {
    throw new BadRandomArgumentError(`createRandom: seed must be an integer, got ${seed}`);
  }
}

/**
 * A seeded random stream.
 *
 * ```ts
 * const rng = createRandom(42);
 * rng.normal(); // the same value for seed 42, always
 * ```
 */
export function createRandom(seed: number): Random {
  checkSeed(seed);
  const init = splitmix32(seed ^ Math.floor(seed / 2 ** 32));
  let a = init(), b = init(), c = init(), d = init();
  if ((a | b | c | d) === 0) a = 1;
  let spareNormal: number | null = null;

  function nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a; d ^= b; b ^= c; a ^= d; c ^= t;
    d = rotl(d, 11);
    return result;
  }
  const next = () => nextUint32() / 4294967296;

  function integer(n: number): number {
    if (!Number.isInteger(n) || n <= 0) {
      throw new BadRandomArgumentError(`Random.integer: n must be a positive integer, got ${n}`);
    }
    return Math.floor(next() * n);
  }

  function normal(mean = 0, std = 1): number {
    if (spareNormal !== null) {
      const z = spareNormal;
      spareNormal = null;
      return mean + std * z;
    }
    // 1 - next() lies in (0, 1], so the logarithm is finite.
    const r = Math.sqrt(-2 * Math.log(1 - next()));
    const theta = 2 * Math.PI * next();
    spareNormal = r * Math.sin(theta);
    return mean + std * r * Math.cos(theta);
  }

  function gamma(shape: number, scale = 1): number {
    if (!(shape > 0) || !(scale > 0)) {
      throw new BadRandomArgumentError(
        `Random.gamma: shape and scale must be positive, got shape=${shape} scale=${scale}`);
    }
    if (shape < 1) {
      // Gamma(k) = Gamma(k + 1) · U^(1/k) (Marsaglia & Tsang 2000, note 8).
      return gamma(shape + 1, scale) * Math.pow(1 - next(), 1 / shape);
    }
    const dd = shape - 1 / 3;
    const cc = 1 / Math.sqrt(9 * dd);
    for (;;) {
      let x: number, v: number;
      do {
        x = normal();
        v = 1 + cc * x;
      } while (v <= 0);
      v = v * v * v;
      const u = 1 - next();
      if (u < 1 - 0.0331 * x * x * x * x) return dd * v * scale;
      if (Math.log(u) < 0.5 * x * x + dd * (1 - v + Math.log(v))) return dd * v * scale;
    }
  }

  function permutation(n: number): Int32Array {
    if (!Number.isInteger(n) || n < 0) {
      throw new BadRandomArgumentError(`Random.permutation: n must be a whole number, got ${n}`);
    }
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      const t = p[i]; p[i] = p[j]; p[j] = t;
    }
    return p;
  }

  function sample(n: number, k: number): Int32Array {
    if (!Number.isInteger(k) || k < 0 || k > n) {
      throw new BadRandomArgumentError(`Random.sample: cannot draw ${k} distinct indices out of ${n}`);
    }
    // Partial Fisher–Yates over a sparse map: O(k) memory and time, whatever n.
    const swapped = new Map<number, number>();
    const out = new Int32Array(k);
    for (let i = 0; i < k; i++) {
      const j = i + Math.floor(next() * (n - i));
      const vj = swapped.get(j) ?? j;
      swapped.set(j, swapped.get(i) ?? i);
      out[i] = vj;
    }
    return out;
  }

  const rng: Random = {
    next,
    uniform: (low = 0, high = 1) => low + (high - low) * next(),
    integer,
    normal,
    gamma,
    shuffle<T>(items: readonly T[]): T[] {
      return Array.from(permutation(items.length), (i) => items[i]);
    },
    permutation,
    sample,
    fork: () => createRandom(nextUint32() >>> 1),
    seed: () => nextUint32() >>> 1,
  };
  return rng;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** Fill a new Float32Array with seeded normal draws. */
export function randomNormalArray(rng: Random, length: number, mean = 0, std = 1): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = rng.normal(mean, std);
  return out;
}
