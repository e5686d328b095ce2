import {spawnSync} from 'node:child_process';
import {join} from 'node:path';
import * as tf from '@tensorflow/tfjs-core';

/** Tolerances for `expectArraysClose`: |a - e| <= atol + rtol·|e|, entry by entry. */
export interface CloseOptions {
  readonly atol?: number;
  readonly rtol?: number;
}

type Numbers = ArrayLike<number> | number | tf.Tensor;

function toArray(x: Numbers): Float64Array {
  if (typeof x === 'number') return Float64Array.of(x);
  if (x instanceof tf.Tensor) return Float64Array.from(x.dataSync() as ArrayLike<number>);
  return Float64Array.from(x);
}

/**
 * Compare two arrays of floats entry by entry with stated tolerances. Throws with the first
 * offending index, both values and the tolerance.
 */
export function expectArraysClose(actual: Numbers, expected: Numbers, options: CloseOptions = {}): void {
  const {atol = 1e-6, rtol = 1e-5} = options;
  const a = toArray(actual), e = toArray(expected);
  if (a.length !== e.length) {
    throw new Error(`expectArraysClose: lengths differ: actual ${a.length}, expected ${e.length}`);
  }
  let worst = -1, worstExcess = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) !== Number.isNaN(e[i])) {
      throw new Error(`expectArraysClose: index ${i}: actual ${a[i]}, expected ${e[i]}`);
    }
    const excess = Math.abs(a[i] - e[i]) - (atol + rtol * Math.abs(e[i]));
    if (excess > worstExcess) { worstExcess = excess; worst = i; }
  }
  if (worst >= 0) {
    throw new Error(
      `expectArraysClose: index ${worst} of ${a.length}: actual ${a[worst]}, expected ${e[worst]} ` +
      `(|diff| ${Math.abs(a[worst] - e[worst]).toExponential(3)} > atol ${atol} + rtol ${rtol}·|expected|)`);
  }
}

/** Options for `makeSeededTensor`. */
export interface SeededTensorOptions {
  /** Seed of the generator; the same seed gives the same values on every backend. */
  readonly seed: number;
  /** Values are uniform in [min, max). Default: [-1, 1). */
  readonly min?: number;
  readonly max?: number;
  /**
   * Values closer to 0 than this are pushed out to ±minAbs, so that finite differences of
   * ops with a kink at 0 (relu, leakyRelu, abs) never straddle it. Default: 0.
   */
  readonly minAbs?: number;
}

/**
 * A float32 tensor of reproducible uniform values, generated in JavaScript (mulberry32), so
 * that a suite run on several backends sees the same inputs on each.
 *
 * ```ts
 * const x = makeSeededTensor([2, 3], {seed: 1, minAbs: 0.1}); // no entry in (-0.1, 0.1)
 * ```
 */
export function makeSeededTensor(shape: number[], options: SeededTensorOptions): tf.Tensor {
  const {seed, min = -1, max = 1, minAbs = 0} = options;
  let state = seed >>> 0;
  const next = (): number => { // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const v = min + (max - min) * next();
    values[i] = Math.abs(v) < minAbs ? (v < 0 ? -minAbs : minAbs) : v;
  }
  return tf.tensor(values, shape, 'float32');
}

/**
 * Central finite differences of a scalar function of one tensor, in float64 arithmetic on the
 * perturbation but float32 inside tfjs: choose `eps` around 1e-2…1e-3 and compare with a
 * tolerance of a few 1e-3.
 */
export function numericGradient(f: (x: tf.Tensor) => tf.Scalar, x: tf.Tensor, eps = 1e-2): Float64Array {
  const base = Float64Array.from(x.dataSync() as ArrayLike<number>);
  const grad = new Float64Array(base.length);
  const evalAt = (values: Float64Array): number =>
    tf.tidy(() => f(tf.tensor(Float32Array.from(values), x.shape, 'float32')).dataSync()[0]);
  for (let i = 0; i < base.length; i++) {
    const orig = base[i];
    base[i] = orig + eps;
    const up = evalAt(base);
    base[i] = orig - eps;
    const down = evalAt(base);
    base[i] = orig;
    grad[i] = (up - down) / (2 * eps);
  }
  return grad;
}

/**
 * Check that `run` leaves the number of live tensors unchanged: it is called once to warm up
 * (kernels and caches may allocate once), then again, and the count must not move.
 */
export function expectNoLeaks(run: () => unknown): void {
  const warm = run();
  disposeResult(warm);
  const before = tf.memory().numTensors;
  const result = run();
  disposeResult(result);
  const after = tf.memory().numTensors;
  if (after !== before) {
    throw new Error(`expectNoLeaks: ${after - before} tensor(s) leaked per call (before ${before}, after ${after})`);
  }
}

/** Async twin of `expectNoLeaks`. */
export async function expectNoLeaksAsync(run: () => Promise<unknown>): Promise<void> {
  disposeResult(await run());
  const before = tf.memory().numTensors;
  disposeResult(await run());
  const after = tf.memory().numTensors;
  if (after !== before) {
    throw new Error(`expectNoLeaks: ${after - before} tensor(s) leaked per call (before ${before}, after ${after})`);
  }
}

function disposeResult(x: unknown): void {
  if (x instanceof tf.Tensor) x.dispose();
  else if (Array.isArray(x)) x.forEach(disposeResult);
}

/** The backends a numerical suite runs on unless `ENCODERLESS_TEST_BACKENDS` names others. */
export function testBackendNames(defaults: readonly string[] = ['wasm', 'cpu']): string[] {
  const env = process.env.ENCODERLESS_TEST_BACKENDS;
  return env ? env.split(',').map((s) => s.trim()).filter(Boolean) : [...defaults];
}

/**
 * Why the webgpu backend cannot run on this machine (no `webgpu` package, no Vulkan loader or
 * driver), or undefined when a GPU adapter is there, software ones included. Asked once per
 * process, of a child process (tooling/probe-webgpu.cjs), so that it is known before any test is
 * defined.
 */
export function webGpuAbsentReason(): string | undefined {
  const key = 'ENCODERLESS_WEBGPU_PROBE';
  if (process.env[key] === undefined) {
    const probe = spawnSync(process.execPath, [join(__dirname, '..', '..', '..', 'tooling', 'probe-webgpu.cjs')],
      {encoding: 'utf8', timeout: 60_000});
    const line = probe.stdout?.trim().split('\n').pop() ?? '';
    process.env[key] = line.startsWith('{') ? line : JSON.stringify({absent: `the probe failed (exit ${probe.status}): ${probe.stderr}`});
  }
  return (JSON.parse(process.env[key]!) as {absent?: string}).absent;
}

/** What `describeEachBackend` needs of `@encoderless/backends` (pass `{useBackend, isBackendInstalled}`). */
export interface TestBackends {
  /** Switches tfjs to the backend; resolves to what it switched to. */
  useBackend(name: string): Promise<{readonly tfjsName: string}>;
  /** Whether the backend's package is there at all (it is not loaded). */
  isBackendInstalled(name: string): boolean;
}

/**
 * Write a numerical suite once and run it on every backend present.
 *
 * - A backend whose package is not installed is skipped: its tests are reported as skipped and
 *   the reason is printed, never silently. So is webgpu unless `ENCODERLESS_TEST_WEBGPU=1`
 *   (CI), and then a machine without a GPU adapter (see `webGpuAbsentReason`) fails its tests.
 * - A backend that is installed but does not work (its package fails to load, tfjs refuses to
 *   initialise it, or `useBackend` resolves without switching) FAILS every test of its block:
 *   a broken backend must not pass a suite it never ran.
 * - A name `isBackendInstalled` does not know is treated as present, so `useBackend`'s own
 *   error (an unknown name) fails the block.
 *
 * Each test switches to its backend first, so blocks of several backends can share a file.
 *
 * ```ts
 * describeEachBackend({useBackend, isBackendInstalled}, ['wasm', 'cpu'], (name) => { it('adds', () => …); });
 * ```
 */
export function describeEachBackend(backends: TestBackends, names: readonly string[], body: (name: string) => void): void {
  for (const name of names) {
    let installed: boolean;
    try {
      installed = backends.isBackendInstalled(name);
    } catch {
      installed = true;
    }
    // webgpu runs when asked (a GPU's results depend on its driver, a software one takes
    // minutes): ENCODERLESS_TEST_WEBGPU=1, which CI sets after installing a software GPU.
    const asked = name !== 'webgpu' || process.env.ENCODERLESS_TEST_WEBGPU === '1';
    const absent = !installed ? 'its package is not installed'
      : !asked ? 'the webgpu tests run with ENCODERLESS_TEST_WEBGPU=1 (on a GPU adapter; bash tooling/install-software-gpu.sh installs a software one)'
        : name === 'webgpu' ? webGpuAbsentReason() : undefined;
    if (absent !== undefined && asked && name === 'webgpu') {
      // Asked for and absent: a skip would hide that the webgpu tests never ran.
      describe(`backend ${name}`, () => {
        it('runs (ENCODERLESS_TEST_WEBGPU=1)', () => {
          throw new Error(`describeEachBackend: ENCODERLESS_TEST_WEBGPU=1, but the webgpu backend cannot run here: ${absent}`);
        });
      });
      continue;
    }
    if (absent !== undefined) {
      console.warn(`describeEachBackend: skipping backend ${name}: ${absent}`);
      describe.skip(`backend ${name} (skipped: ${absent})`, () => body(name));
      continue;
    }
    describe(`backend ${name}`, () => {
      const switchTo = async (): Promise<void> => {
        const info = await backends.useBackend(name);
        const current = tf.getBackend();
        if (current !== info.tfjsName) {
          throw new Error(`describeEachBackend: useBackend('${name}') resolved, but tfjs runs on '${current}', not '${info.tfjsName}'`);
        }
      };
      // A failing beforeAll fails every test of the block (jest-circus): the error says why.
      beforeAll(switchTo);
      const realIt = globalThis.it;
      const guardedIt = ((title: string, fn: () => unknown, timeout?: number) =>
        realIt(title, async () => {
          await switchTo();
          await fn();
        }, timeout)) as unknown as jest.It;
      globalThis.it = guardedIt;
      try {
        body(name);
      } finally {
        globalThis.it = realIt;
      }
    });
  }
}
