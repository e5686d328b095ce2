import * as tf from '@tensorflow/tfjs-core';
import {expectArraysClose, expectNoLeaks, makeSeededTensor} from '@encoderless/test-utils';
import {registerWasmKernels, useBackend} from './index';
import {interleavePhases, phaseSpan, stackPhaseFilters, sumLeadingRows, tileInto} from './wasm-kernel-replacements';

// The kernels registerWasmKernels replaces on wasm, against tfjs-cpu's kernels of the same name
// on the same seeded inputs (tfjs-cpu's are straightforward loops, independent of ours).
// Tolerances: a dx entry sums ≤ k²·outC ≤ 16·16 = 256 products of values in [-1, 1), so float32
// rounding in another order (XNNPACK) errs ≲ 256·2·6e-8 ≈ 3e-5; atol 1e-4 leaves ~3× margin and
// any wrong tap, phase or padding errs by O(0.1). Copies (Tile) must be exact.

type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];

const explicit = (top: number, bottom: number, left: number, right: number): Pad =>
  [[0, 0], [top, bottom], [left, right], [0, 0]];

/** Leave non-zero bytes in freed wasm memory, so that an output left unwritten shows garbage. */
function dirtyWasmHeap(): void {
  tf.dispose([tf.fill([1 << 16], 7), tf.fill([4096], 7), tf.fill([64], 7)]);
}

/** Values (and shape) of `run()` on cpu and on wasm: the same seeded inputs on each. */
async function runOnCpuAndWasm(run: () => tf.Tensor): Promise<{cpu: tf.Tensor; wasm: tf.Tensor}> {
  await useBackend('cpu');
  const onCpu = run();
  const cpu = tf.tensor(onCpu.dataSync().slice(), onCpu.shape, onCpu.dtype);
  onCpu.dispose();
  await useBackend('wasm');
  dirtyWasmHeap();
  const wasm = run();
  expect(wasm.shape).toEqual(cpu.shape);
  expect(wasm.dtype).toBe(cpu.dtype);
  return {cpu, wasm};
}

interface InputCase {
  /** dx's shape, the forward conv's input [batch, h, w, inC]. */
  readonly x: [number, number, number, number];
  /** [kh, kw, inC, outC]. */
  readonly filter: [number, number, number, number];
  readonly strides: number | [number, number];
  readonly pad: Pad;
  readonly dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** Conv2DBackpropInput exactly as conv2dTranspose and conv2d's gradient call it. */
function runBackpropInput(c: InputCase): tf.Tensor {
  return tf.tidy(() => {
    const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad, c.dimRoundingMode);
    const dy = makeSeededTensor(info.outShape, {seed: 1});
    const filter = makeSeededTensor(c.filter, {seed: 2});
    const attrs = {strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: c.dimRoundingMode, inputShape: c.x};
    return tf.engine().runKernel(tf.Conv2DBackpropInput, {dy, filter}, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
  });
}

const INPUT_CASES: ReadonlyArray<[string, InputCase]> = [
  ['convT x=[2,7,7,6] → [2,14,14,4] k=4 s=2 pad=1 (the MNIST decoder layer, small)', {x: [2, 14, 14, 4], filter: [4, 4, 4, 6], strides: 2, pad: 1}],
  ['convT k=4 s=2 same x=[2,6,6,3]', {x: [2, 6, 6, 3], filter: [4, 4, 3, 5], strides: 2, pad: 'same'}],
  ['convT k=4 s=2 same odd x=[2,7,5,3] (padding 1 top, 2 bottom)', {x: [2, 7, 5, 3], filter: [4, 4, 3, 5], strides: 2, pad: 'same'}],
  ['convT k=4 s=2 valid x=[1,4,4,3] (CIFAR 1×1 → 4×4 layer)', {x: [1, 4, 4, 3], filter: [4, 4, 3, 8], strides: 2, pad: 'valid'}],
  ['convT k=4 s=2 valid x=[2,9,9,2] (last row and column unread)', {x: [2, 9, 9, 2], filter: [4, 4, 2, 3], strides: 2, pad: 'valid'}],
  ['convT k=3 s=1 same x=[2,5,6,3]', {x: [2, 5, 6, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same'}],
  ['convT k=3 s=1 valid x=[2,5,5,3]', {x: [2, 5, 5, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'valid'}],
  ['convT k=3 s=1 pad=1 x=[1,4,4,2]', {x: [1, 4, 4, 2], filter: [3, 3, 2, 3], strides: 1, pad: 1}],
  ['convT k=3 s=2 same odd x=[2,7,7,3]', {x: [2, 7, 7, 3], filter: [3, 3, 3, 4], strides: 2, pad: 'same'}],
  ['convT k=3 s=2 valid x=[2,8,8,3]', {x: [2, 8, 8, 3], filter: [3, 3, 3, 4], strides: 2, pad: 'valid'}],
  ['convT k=3 s=2 explicit [[1,0],[2,1]] x=[2,6,6,3]', {x: [2, 6, 6, 3], filter: [3, 3, 3, 4], strides: 2, pad: explicit(1, 0, 2, 1)}],
  ['convT k=3 s=[2,1] explicit [[0,2],[1,1]] x=[2,7,6,2] (unequal strides)', {x: [2, 7, 6, 2], filter: [3, 3, 2, 3], strides: [2, 1], pad: explicit(0, 2, 1, 1)}],
  ['convT k=1 s=1 valid x=[2,4,4,3] (1×1)', {x: [2, 4, 4, 3], filter: [1, 1, 3, 5], strides: 1, pad: 'valid'}],
  ['convT k=1 s=2 valid x=[2,5,5,3] (stride > kernel: odd rows get 0)', {x: [2, 5, 5, 3], filter: [1, 1, 3, 4], strides: 2, pad: 'valid'}],
  ['convT k=1 s=2 pad=1 x=[1,1,1,2] (a pixel no output reads)', {x: [1, 1, 1, 2], filter: [1, 1, 2, 2], strides: 2, pad: 1}],
  ['convT k=5 s=3 same x=[1,8,7,2]', {x: [1, 8, 7, 2], filter: [5, 5, 2, 3], strides: 3, pad: 'same'}],
  ['convT k=4x2 s=2 explicit [[3,3],[0,0]] x=[1,5,5,2] (padding ≥ stride)', {x: [1, 5, 5, 2], filter: [4, 2, 2, 3], strides: 2, pad: explicit(3, 3, 0, 0)}],
  ['convT k=3 s=2 pad=0 ceil x=[1,6,6,2] (reads past the edge)', {x: [1, 6, 6, 2], filter: [3, 3, 2, 3], strides: 2, pad: 0, dimRoundingMode: 'ceil'}],
  ['convT k=3 s=2 pad=1 round x=[1,6,6,2]', {x: [1, 6, 6, 2], filter: [3, 3, 2, 3], strides: 2, pad: 1, dimRoundingMode: 'round'}],
  ['convT k=4 s=2 pad=1 x=[2,28,28,1] ← [2,14,14,16] (one output channel)', {x: [2, 28, 28, 1], filter: [4, 4, 1, 16], strides: 2, pad: 1}],
];

describe('Conv2DBackpropInput on wasm (phase decomposition)', () => {
  for (const [name, c] of INPUT_CASES) {
    it(`matches tfjs-cpu: ${name}`, async () => {
      const {cpu, wasm} = await runOnCpuAndWasm(() => runBackpropInput(c));
      expectArraysClose(wasm, cpu, {atol: 1e-4, rtol: 1e-4});
      tf.dispose([cpu, wasm]);
    });
  }

  it('matches tfjs-cpu through tf.conv2dTranspose x=[2,3,3,4] f=[4,4,2,4] → [2,6,6,2] s=2 pad=1', async () => {
    const run = () => tf.tidy(() => tf.conv2dTranspose(
      makeSeededTensor([2, 3, 3, 4], {seed: 3}) as tf.Tensor4D, makeSeededTensor([4, 4, 2, 4], {seed: 4}) as tf.Tensor4D,
      [2, 6, 6, 2], 2, 1));
    const {cpu, wasm} = await runOnCpuAndWasm(run);
    expectArraysClose(wasm, cpu, {atol: 1e-4, rtol: 1e-4});
    tf.dispose([cpu, wasm]);
  });

  // tfjs's conv2d_transpose_test 'input=8x8x8,output=4x4x8,f=8,s=1,inDepth=8,p=same': dy (8×8) is
  // larger than the 4×4 that outputShape, stride 1 and 'same' imply, and tfjs accepts it. tfjs-cpu
  // reads only dy[:, 0:4, 0:4, :]; phases sized from all of dy summed over 8×8 positions and erred
  // by O(1) (660 for 550 on tfjs's integer data). Each dx entry here sums ≤ 4·4·8 = 128 products of
  // values in [-1, 1): float32 reordering errs ≲ 1e-5, so atol 1e-4.
  it('matches tfjs-cpu through tf.conv2dTranspose x=[1,8,8,8] f=[8,8,8,8] → [1,4,4,8] s=1 same (dy larger than implied)', async () => {
    const run = () => tf.tidy(() => tf.conv2dTranspose(
      makeSeededTensor([1, 8, 8, 8], {seed: 9}) as tf.Tensor4D, makeSeededTensor([8, 8, 8, 8], {seed: 10}) as tf.Tensor4D,
      [1, 4, 4, 8], 1, 'same'));
    const {cpu, wasm} = await runOnCpuAndWasm(run);
    expectArraysClose(wasm, cpu, {atol: 1e-4, rtol: 1e-4});
    tf.dispose([cpu, wasm]);
  });

  it('falls back to wasm\'s own kernel for NCHW (same values as the NHWC path, transposed)', async () => {
    await useBackend('wasm');
    const c = INPUT_CASES[1][1];
    const nhwc = runBackpropInput(c);
    const nchw = tf.tidy(() => {
      const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad);
      const dy = tf.transpose(makeSeededTensor(info.outShape, {seed: 1}), [0, 3, 1, 2]);
      const filter = makeSeededTensor(c.filter, {seed: 2});
      const [b, h, w, ch] = c.x;
      const attrs = {strides: c.strides, pad: c.pad, dataFormat: 'NCHW', inputShape: [b, ch, h, w]};
      const dx = tf.engine().runKernel(tf.Conv2DBackpropInput, {dy, filter}, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
      return tf.transpose(dx, [0, 2, 3, 1]);
    });
    expectArraysClose(nchw, nhwc, {atol: 1e-4, rtol: 1e-4});
    tf.dispose([nhwc, nchw]);
  });
});

describe('phase decomposition, pure parts', () => {
  it('phaseSpan: k=4 s=2 pad=1, dx 14 rows from dy 7 → 8 phase rows, dy padded 1 and 1, offset 1', () => {
    // u = h + 1 ∈ [1, 14] → a = ⌊u/2⌋ ∈ [0, 7]; a reads dy[a − 1 … a], so one zero row each side.
    expect(phaseSpan(1, 14, 7, 2, 2)).toEqual({count: 8, padBefore: 1, padAfter: 1, cropBefore: 0, cropAfter: 0, offset: 1});
  });
  it('phaseSpan: k=2 s=2 valid, dx 9 rows from dy 4 → 5 phase rows, dy padded 1 before, none after', () => {
    // u = h ∈ [0, 8] → a ∈ [0, 4] reads dy[a − 1 … a]: row −1 is padding, row 4 does not exist → pad 1 after.
    expect(phaseSpan(0, 9, 4, 1, 2)).toEqual({count: 5, padBefore: 0, padAfter: 1, cropBefore: 0, cropAfter: 0, offset: 0});
  });
  it('stackPhaseFilters: k=2 s=2, inC=outC=1 puts tap (ρh, ρw) in channel ρh·2 + ρw', () => {
    // f = [[1, 2], [3, 4]] as [2,2,1,1]; J = 1, so each phase has the single tap f[ρh, ρw].
    expect(Array.from(stackPhaseFilters([1, 2, 3, 4], [2, 2, 1, 1], [2, 2]))).toEqual([1, 2, 3, 4]);
  });
  it('stackPhaseFilters: k=3 s=1 flips the kernel: [1,2,3] → [3,2,1]', () => {
    expect(Array.from(stackPhaseFilters([1, 2, 3], [1, 3, 1, 1], [1, 1]))).toEqual([3, 2, 1]);
  });
  it('interleavePhases: 1×1 phase grid of 4 phases → a 2×2 block, then cropped by offset 1', () => {
    const out = new Float32Array(4);
    interleavePhases([1, 2, 3, 4], [1, 1, 1, 4], [2, 2], 0, 0, out, [1, 2, 2, 1]);
    expect(Array.from(out)).toEqual([1, 2, 3, 4]);
    const cropped = new Float32Array(1);
    interleavePhases([1, 2, 3, 4], [1, 1, 1, 4], [2, 2], 1, 1, cropped, [1, 1, 1, 1]);
    expect(Array.from(cropped)).toEqual([4]);
  });
  it('tileInto: [[1,2]] tiled [3,2] → [[1,2,1,2]]×3', () => {
    const out = new Float32Array(12);
    tileInto(Float32Array.of(1, 2), [1, 2], [3, 2], out);
    expect(Array.from(out)).toEqual([1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2]);
  });
  it('sumLeadingRows: [[1,2],[3,4],[5,6]] → column sums [9,12], mean [3,4]', () => {
    const out = [0, 0];
    sumLeadingRows([1, 2, 3, 4, 5, 6], 3, 2, out);
    expect(out).toEqual([9, 12]);
    sumLeadingRows([1, 2, 3, 4, 5, 6], 3, 2, out, 1 / 3);
    expectArraysClose(out, [3, 4], {atol: 1e-12, rtol: 0});
  });
});

describe('Tile on wasm', () => {
  const cases: ReadonlyArray<[string, number[], number[], tf.DataType]> = [
    ['x=[1,1,1,5] reps=[2,3,4,1] (batch-norm statistics)', [1, 1, 1, 5], [2, 3, 4, 1], 'float32'],
    ['x=[2,3] reps=[3,2]', [2, 3], [3, 2], 'float32'],
    ['x=[3,1] reps=[1,4] (innermost axis of size 1)', [3, 1], [1, 4], 'float32'],
    ['x=[4] reps=[3] (rank 1)', [4], [3], 'float32'],
    ['x=[2,2,3] reps=[1,1,1] (no-op copy)', [2, 2, 3], [1, 1, 1], 'float32'],
    ['x=[2,3] reps=[2,0] (empty)', [2, 3], [2, 0], 'float32'],
    ['x=[2,3] int32 reps=[2,2]', [2, 3], [2, 2], 'int32'],
    ['x=[2,3] bool reps=[2,3]', [2, 3], [2, 3], 'bool'],
  ];
  for (const [name, shape, reps, dtype] of cases) {
    it(`matches tfjs-cpu exactly: ${name}`, async () => {
      const run = () => tf.tidy(() => {
        const x = makeSeededTensor(shape, {seed: 5});
        const typed = dtype === 'float32' ? x : dtype === 'int32' ? tf.cast(tf.mul(x, 100), 'int32') : tf.greater(x, 0);
        return tf.tile(typed, reps);
      });
      const {cpu, wasm} = await runOnCpuAndWasm(run);
      expect(Array.from(wasm.dataSync())).toEqual(Array.from(cpu.dataSync()));
      tf.dispose([cpu, wasm]);
    });
  }
});

describe('Sum and Mean on wasm', () => {
  const cases: ReadonlyArray<[string, number[], number | number[], boolean]> = [
    ['x=[2,3,4,5] axes [0,1,2] (bias / batch-norm gradient)', [2, 3, 4, 5], [0, 1, 2], false],
    ['x=[2,3,4,5] axes [2,0,1] keepDims', [2, 3, 4, 5], [2, 0, 1], true],
    ['x=[6,7] axis 0', [6, 7], 0, false],
    ['x=[3,4,5] axes [-3,-2] (negative)', [3, 4, 5], [-3, -2], false],
    ['x=[3,4,5] axes [1,2] (innermost: wasm\'s own)', [3, 4, 5], [1, 2], false],
    ['x=[3,4,5] axes [0,2] (not leading: wasm\'s own)', [3, 4, 5], [0, 2], false],
    ['x=[3,4] all axes (wasm\'s own)', [3, 4], [0, 1], false],
  ];
  for (const [op, f] of [['sum', tf.sum], ['mean', tf.mean]] as const) {
    for (const [name, shape, axis, keepDims] of cases) {
      it(`${op} matches tfjs-cpu: ${name}`, async () => {
        const {cpu, wasm} = await runOnCpuAndWasm(() => tf.tidy(() => f(makeSeededTensor(shape, {seed: 6}), axis, keepDims)));
        // ≤ 24 terms in [-1, 1): float32 summation error ≲ 24·6e-8.
        expectArraysClose(wasm, cpu, {atol: 1e-5, rtol: 1e-5});
        tf.dispose([cpu, wasm]);
      });
    }
  }

  it('int32 sum over leading axes stays int32 (wasm\'s own kernel)', async () => {
    await useBackend('wasm');
    const out = tf.tidy(() => tf.sum(tf.tensor2d([[1, 2], [3, 4]], [2, 2], 'int32'), 0));
    expect(out.dtype).toBe('int32');
    expect(Array.from(out.dataSync())).toEqual([4, 6]);
    out.dispose();
  });
});

describe('BatchMatMul with transposeA or transposeB on wasm', () => {
  const cases: ReadonlyArray<[string, number[], number[], boolean, boolean]> = [
    ['aᵀ·b a=[5,3] b=[5,4] (a linear layer\'s weight gradient)', [5, 3], [5, 4], true, false],
    ['aᵀ·bᵀ a=[5,3] b=[4,5]', [5, 3], [4, 5], true, true],
    ['batched aᵀ·b a=[2,5,3] b=[2,5,4]', [2, 5, 3], [2, 5, 4], true, false],
    ['broadcast batch aᵀ·b a=[1,5,3] b=[3,5,4]', [1, 5, 3], [3, 5, 4], true, false],
    ['a·bᵀ a=[3,5] b=[4,5] (a linear layer\'s input gradient)', [3, 5], [4, 5], false, true],
    ['a·bᵀ a=[32,70] b=[20,70] (wide K, as dy·Wᵀ of the MNIST decoder\'s first layer)', [32, 70], [20, 70], false, true],
    ['batched a·bᵀ a=[2,3,5] b=[2,4,5]', [2, 3, 5], [2, 4, 5], false, true],
    ['a·b a=[3,5] b=[5,4] (no transpose: wasm\'s own)', [3, 5], [5, 4], false, false],
  ];
  for (const [name, aShape, bShape, ta, tb] of cases) {
    it(`matches tfjs-cpu: ${name}`, async () => {
      const run = () => tf.tidy(() => tf.matMul(makeSeededTensor(aShape, {seed: 7}), makeSeededTensor(bShape, {seed: 8}), ta, tb));
      const {cpu, wasm} = await runOnCpuAndWasm(run);
      expectArraysClose(wasm, cpu, {atol: 1e-5, rtol: 1e-5});
      tf.dispose([cpu, wasm]);
    });
  }
});

describe('registerWasmKernels replacements', () => {
  const replaced = [tf.Conv2DBackpropInput, tf.Tile, tf.Sum, tf.Mean, tf.BatchMatMul, tf.Slice, tf.SplitV];

  it('replaces each kernel once: twice changes nothing and warns nothing', async () => {
    await useBackend('wasm');
    const before = replaced.map((n) => tf.getKernel(n, 'wasm')?.kernelFunc);
    before.forEach((k) => expect(k).toBeDefined());
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      registerWasmKernels();
      registerWasmKernels();
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
    expect(replaced.map((n) => tf.getKernel(n, 'wasm')?.kernelFunc)).toEqual(before);
  });

  it('leaves no tensors and no wasm buffers behind, on every path', async () => {
    await useBackend('wasm');
    const buffersBefore = tf.memory().numDataBuffers;
    for (const [, c] of INPUT_CASES) expectNoLeaks(() => runBackpropInput(c)); // pads, crops, strides
    expectNoLeaks(() => tf.tidy(() => tf.tile(tf.ones([1, 1, 3]), [2, 2, 1])));
    expectNoLeaks(() => tf.tidy(() => tf.sum(tf.ones([2, 3, 4]), [0, 1])));
    expectNoLeaks(() => tf.tidy(() => tf.mean(tf.ones([2, 3, 4]), [0, 1], true)));
    expectNoLeaks(() => tf.tidy(() => tf.matMul(tf.ones([3, 2]), tf.ones([3, 4]), true)));
    expectNoLeaks(() => tf.tidy(() => tf.matMul(tf.ones([3, 2]), tf.ones([4, 3]), true, true)));
    expect(tf.memory().numDataBuffers).toBe(buffersBefore);
  });

  it('a batch-norm decoder training step (convT, tile, sums, matmul) leaks nothing', async () => {
    await useBackend('wasm');
    const z = makeSeededTensor([4, 6], {seed: 1});
    const w = makeSeededTensor([6, 2 * 2 * 3], {seed: 2});
    const f = makeSeededTensor([4, 4, 2, 3], {seed: 3});
    const gamma = tf.tensor1d([1.5, 0.5]), beta = tf.tensor1d([0.1, -0.2]);
    const loss = (z: tf.Tensor, w: tf.Tensor, f: tf.Tensor): tf.Scalar => {
      const h = tf.reshape(tf.matMul(z as tf.Tensor2D, w as tf.Tensor2D), [4, 2, 2, 3]);
      const up = tf.conv2dTranspose(h as tf.Tensor4D, f as tf.Tensor4D, [4, 4, 4, 2], 2, 1);
      const {mean, variance} = tf.moments(up, [0, 1, 2]);
      return tf.mean(tf.square(tf.batchNorm(up, mean, variance, beta, gamma, 1e-3)));
    };
    const buffersBefore = tf.memory().numDataBuffers;
    expectNoLeaks(() => tf.tidy(() => tf.grads(loss)([z, w, f])));
    expect(tf.memory().numDataBuffers).toBe(buffersBefore);
    tf.dispose([z, w, f, gamma, beta]);
  });
});
