import * as tf from '@tensorflow/tfjs-core';
// Registers the backend's flags only (in Node its backend registers itself only where navigator.gpu exists).
import '@tensorflow/tfjs-backend-webgpu';
import {describeEachBackend, expectArraysClose, expectNoLeaks, makeSeededTensor} from '@encoderless/test-utils';
import {isBackendInstalled, useBackend} from './index';
import {choosesSplitK} from './webgpu-kernels';

// tfjs-backend-webgpu 4.22.0's split-K matrix product reads a transposed B along the wrong axis
// (see registerWebGpuKernels). Every product here is compared with tfjs-cpu's on the same seeded
// operands. Tolerance: a float32 sum of K products of N(0, 1)-ish values errs by about
// √K · 6e-8 · |terms| in either order; rtol 1e-4 with atol 1e-3 (K = 6272: sums of scale ~80)
// leaves a wide margin and fails on the bug, which errs by O(100).

interface Product {
  readonly a: number[];
  readonly b: number[];
  readonly transposeA: boolean;
  readonly transposeB: boolean;
}

const PRODUCTS: readonly Product[] = [
  // The MNIST decoder's first layer: the rows' gradient dy · Wᵀ (the case that was wrong).
  {a: [32, 6272], b: [20, 6272], transposeA: false, transposeB: true},
  {a: [32, 2000], b: [8, 2000], transposeA: false, transposeB: true},
  {a: [6272, 32], b: [20, 6272], transposeA: true, transposeB: true},
  {a: [1, 32, 4096], b: [1, 16, 4096], transposeA: false, transposeB: true},
  // Left to tfjs's own choice (compared all the same): the output of 21 columns reads B one entry at a time, K = 512 never splits.
  {a: [32, 6272], b: [21, 6272], transposeA: false, transposeB: true},
  {a: [32, 512], b: [20, 512], transposeA: false, transposeB: true},
  {a: [32, 6272], b: [6272, 20], transposeA: false, transposeB: false},
  {a: [32, 20], b: [32, 6272], transposeA: true, transposeB: false},
];

const label = (p: Product) => `matMul a=${JSON.stringify(p.a)} b=${JSON.stringify(p.b)} tA=${p.transposeA} tB=${p.transposeB}`;

async function product(p: Product, backend: string, fused: boolean): Promise<Float32Array> {
  await useBackend(backend);
  const out = tf.tidy(() => {
    const a = makeSeededTensor(p.a, {seed: 1}), b = makeSeededTensor(p.b, {seed: 2});
    if (!fused) return tf.matMul(a, b, p.transposeA, p.transposeB);
    const bias = makeSeededTensor([p.transposeB ? p.b[p.b.length - 2] : p.b[p.b.length - 1]], {seed: 3});
    return tf.fused.matMul({a, b, transposeA: p.transposeA, transposeB: p.transposeB, bias, activation: 'relu'});
  });
  const values = await out.data() as Float32Array;
  out.dispose();
  return values;
}

describeEachBackend({useBackend, isBackendInstalled}, ['webgpu'], () => {
  for (const p of PRODUCTS) {
    for (const fused of [false, true]) {
      it(`${fused ? 'fused ' : ''}${label(p)} equals tfjs-cpu's`, async () => {
        const expected = await product(p, 'cpu', fused);
        expectArraysClose(await product(p, 'webgpu', fused), expected, {atol: 1e-3, rtol: 1e-4});
      });
    }
  }

  it('tfjs runs the split-K program exactly where choosesSplitK says (a plain B), and never with a transposed B', async () => {
    const backend = tf.backend() as unknown as {thresholdToIncreaseWorkgroups: number; runWebGPUProgram: (program: {shaderKey: string}, ...rest: unknown[]) => unknown};
    const run = backend.runWebGPUProgram;
    const keys: string[] = [];
    backend.runWebGPUProgram = function (program, ...rest) {
      keys.push(program.shaderKey);
      return run.call(this, program, ...rest);
    };
    const seen: boolean[] = [];
    try {
      for (const [a, b] of [[[32, 2048], [2048, 256]], [[32, 2048], [2048, 288]], [[8, 2048], [2048, 512]], [[32, 1999], [1999, 64]], [[32, 6272], [6272, 20]]]) {
        for (const transposeB of [false, true]) {
          const bShape = transposeB ? [b[1], b[0]] : b;
          keys.length = 0;
          const out = tf.tidy(() => tf.matMul(makeSeededTensor(a, {seed: 1}), makeSeededTensor(bShape, {seed: 2}), false, transposeB));
          await out.data();
          out.dispose();
          const split = keys.some((k) => k.startsWith('matMulSplitK'));
          const predicted = choosesSplitK(info(a), info(bShape), {transposeA: false, transposeB}, backend);
          expect({a, b: bShape, transposeB, split}).toEqual({a, b: bShape, transposeB, split: transposeB ? false : predicted});
          seen.push(predicted);
        }
      }
    } finally {
      backend.runWebGPUProgram = run;
    }
    expect(seen).toContain(true); // the cases reach split-K …
    expect(seen).toContain(false); // … and the other programs
  });

  it('the replaced kernel leaks nothing and leaves WEBGPU_MATMUL_PROGRAM_TYPE as it was', async () => {
    const before = tf.env().getNumber('WEBGPU_MATMUL_PROGRAM_TYPE');
    const a = makeSeededTensor([32, 6272], {seed: 1}), b = makeSeededTensor([20, 6272], {seed: 2});
    expectNoLeaks(() => tf.matMul(a, b, false, true));
    tf.dispose([a, b]);
    expect(tf.env().getNumber('WEBGPU_MATMUL_PROGRAM_TYPE')).toBe(before);
  });
});

const info = (shape: number[]) => ({shape, dtype: 'float32', dataId: {}}) as unknown as tf.TensorInfo;

describe('choosesSplitK restates tfjs-backend-webgpu 4.22.0', () => {
  // tfjs's threshold: 8 tiles of 32×32, 16 on Intel GPUs of generation 12 and later.
  const backend = {thresholdToIncreaseWorkgroups: 8};
  const flags = tf.env(); // the package's flags are registered by its import above
  afterEach(() => {
    flags.set('WEBGPU_MATMUL_PROGRAM_TYPE', -1);
    flags.set('WEBGPU_THRESHOLD_TO_INCREASE_WORKGROUPS_FOR_MATMUL', -1);
  });

  it.each([
    // [a, b, transposeA, transposeB, splits K]
    [[32, 6272], [20, 6272], false, true, true], // few tiles, batch 1, K ≥ 2000
    [[32, 1999], [20, 1999], false, true, false], // K < 2000
    [[4, 6272], [20, 6272], false, true, false], // 80 outputs ≤ 128: the reduce program
    [[2, 32, 6272], [2, 20, 6272], false, true, false], // batch 2
    [[2048, 6272], [2048, 6272], false, true, false], // 4096 tiles: the packed program
    [[32, 2048], [2048, 256], false, false, true], // 8 tiles: at the threshold
    [[32, 2048], [2048, 288], false, false, false], // 9 tiles, 32 rows of A
    [[8, 2048], [2048, 512], false, false, true], // 16 tiles, but A has ≤ 8 rows: twice the threshold
    [[8, 2048], [2048, 544], false, false, false], // 17 tiles
  ] as const)('a=%j b=%j tA=%s tB=%s: %s', (a, b, transposeA, transposeB, splits) => {
    expect(choosesSplitK(info([...a]), info([...b]), {transposeA, transposeB}, backend)).toBe(splits);
  });

  it('Intel gen 12+ (threshold 16): 16 tiles of 32 rows still split K', () => {
    expect(choosesSplitK(info([32, 2048]), info([2048, 512]), {transposeA: false, transposeB: false}, {thresholdToIncreaseWorkgroups: 16})).toBe(true);
    expect(choosesSplitK(info([32, 2048]), info([2048, 512]), {transposeA: false, transposeB: false}, backend)).toBe(false);
  });

  it('follows WEBGPU_MATMUL_PROGRAM_TYPE when a program is forced, and the threshold flag', () => {
    flags.set('WEBGPU_MATMUL_PROGRAM_TYPE', 1);
    expect(choosesSplitK(info([4, 16]), info([4, 16]), {transposeA: false, transposeB: true}, backend)).toBe(true);
    flags.set('WEBGPU_MATMUL_PROGRAM_TYPE', 3);
    expect(choosesSplitK(info([32, 6272]), info([20, 6272]), {transposeA: false, transposeB: true}, backend)).toBe(false);
    flags.set('WEBGPU_MATMUL_PROGRAM_TYPE', -1);
    flags.set('WEBGPU_THRESHOLD_TO_INCREASE_WORKGROUPS_FOR_MATMUL', 1); // 2 tiles > 1: the packed program
    expect(choosesSplitK(info([64, 6272]), info([20, 6272]), {transposeA: false, transposeB: true}, backend)).toBe(false);
  });
});
