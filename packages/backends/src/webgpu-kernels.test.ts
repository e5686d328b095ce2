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

  it('the replaced kernel leaks nothing and leaves WEBGPU_MATMUL_PROGRAM_TYPE as it was', async () => {
    const before = tf.env().getNumber('WEBGPU_MATMUL_PROGRAM_TYPE');
    const a = makeSeededTensor([32, 6272], {seed: 1}), b = makeSeededTensor([20, 6272], {seed: 2});
    expectNoLeaks(() => tf.matMul(a, b, false, true));
    tf.dispose([a, b]);
    expect(tf.env().getNumber('WEBGPU_MATMUL_PROGRAM_TYPE')).toBe(before);
  });
});

describe('choosesSplitK restates tfjs-backend-webgpu 4.22.0', () => {
  const info = (shape: number[]) => ({shape, dtype: 'float32', dataId: {}}) as unknown as tf.TensorInfo;
  const backend = {thresholdToIncreaseWorkgroups: 64};
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
  ] as const)('a=%j b=%j tA=%s tB=%s: %s', (a, b, transposeA, transposeB, splits) => {
    expect(choosesSplitK(info([...a]), info([...b]), {transposeA, transposeB}, backend)).toBe(splits);
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
