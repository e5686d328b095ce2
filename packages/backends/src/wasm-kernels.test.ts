import * as tf from '@tensorflow/tfjs-core';
import {expectArraysClose, expectNoLeaks, makeSeededTensor} from '@encoderless/test-utils';
import {registerWasmKernels, useBackend} from './index';

// The kernels registerWasmKernels adds, against tfjs-cpu's own kernels of the same name on the
// same seeded inputs. Expected values are cpu's; the tolerance covers float32 summation in a
// different order (XNNPACK), at most ~1e-6 per term over ≤ 800 terms here.

type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];

interface FilterCase {
  readonly x: [number, number, number, number];
  readonly filter: [number, number, number, number];
  readonly strides: number | [number, number];
  readonly pad: Pad;
  readonly dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function runBackpropFilter(c: FilterCase): tf.Tensor {
  return tf.tidy(() => {
    const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad, c.dimRoundingMode);
    const x = makeSeededTensor(c.x, {seed: 1});
    const dy = makeSeededTensor(info.outShape, {seed: 2});
    const attrs = {strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: c.dimRoundingMode, filterShape: c.filter};
    return tf.engine().runKernel(tf.Conv2DBackpropFilter, {x, dy}, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
  });
}

/**
 * Leave non-zero bytes in freed wasm memory, so that a kernel that forgets to zero its output
 * (malloc does not) shows garbage instead of passing by luck.
 */
function dirtyWasmHeap(): void {
  tf.dispose([tf.fill([4096], 7), tf.fill([64], 7), tf.fill([256], 7)]);
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

const explicit = (top: number, bottom: number, left: number, right: number): Pad =>
  [[0, 0], [top, bottom], [left, right], [0, 0]];

const FILTER_CASES: ReadonlyArray<[string, FilterCase]> = [
  ['x=[2,5,5,3] f=3x3 s=1 same', {x: [2, 5, 5, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same'}],
  ['x=[2,6,6,3] f=4x4 s=2 same (padding 1 top, 2 bottom)', {x: [2, 6, 6, 3], filter: [4, 4, 3, 4], strides: 2, pad: 'same'}],
  ['x=[2,6,7,3] f=3x2 s=2 valid (last row and column unread)', {x: [2, 6, 7, 3], filter: [3, 2, 3, 4], strides: 2, pad: 'valid'}],
  ['x=[2,7,7,3] f=3x3 s=3 valid', {x: [2, 7, 7, 3], filter: [3, 3, 3, 4], strides: 3, pad: 'valid'}],
  ['x=[2,6,6,3] f=3x3 s=[2,1] explicit [[1,0],[2,1]]', {x: [2, 6, 6, 3], filter: [3, 3, 3, 4], strides: [2, 1], pad: explicit(1, 0, 2, 1)}],
  ['x=[2,6,6,3] f=3x3 s=2 pad=1', {x: [2, 6, 6, 3], filter: [3, 3, 3, 4], strides: 2, pad: 1}],
  ['x=[1,6,6,2] f=3x3 s=2 pad=0 ceil (reads past the edge)', {x: [1, 6, 6, 2], filter: [3, 3, 2, 3], strides: 2, pad: 0, dimRoundingMode: 'ceil'}],
  ['x=[2,8,8,1] f=4x4 s=2 same (one input channel)', {x: [2, 8, 8, 1], filter: [4, 4, 1, 5], strides: 2, pad: 'same'}],
  ['x=[2,14,14,8] dy=[2,7,7,16] f=4x4 s=2 same (decoder layer, small batch)', {x: [2, 14, 14, 8], filter: [4, 4, 8, 16], strides: 2, pad: 'same'}],
];

describe('Conv2DBackpropFilter on wasm', () => {
  for (const [name, c] of FILTER_CASES) {
    it(`matches tfjs-cpu: ${name}`, async () => {
      const {cpu, wasm} = await runOnCpuAndWasm(() => runBackpropFilter(c));
      expectArraysClose(wasm, cpu, {atol: 1e-4, rtol: 1e-4});
      tf.dispose([cpu, wasm]);
    });
  }

  it('throws when dataFormat is NCHW, naming the kernel and the fix', async () => {
    await useBackend('wasm');
    const x = tf.zeros([1, 2, 4, 4]), dy = tf.zeros([1, 2, 4, 4]);
    const attrs = {strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: [1, 1, 2, 2]};
    expect(() => tf.engine().runKernel(tf.Conv2DBackpropFilter, {x, dy}, attrs as unknown as tf.NamedAttrMap))
      .toThrow(/Conv2DBackpropFilter.*'NCHW' is not supported; use 'NHWC'/);
    tf.dispose([x, dy]);
  });
});

function runSegmentSum(x: tf.Tensor, ids: number[] | number[][], numSegments: number): tf.Tensor {
  return tf.unsortedSegmentSum(x, tf.tensor(ids, undefined, 'int32'), numSegments);
}

describe('UnsortedSegmentSum on wasm', () => {
  const seeded = (shape: number[]) => makeSeededTensor(shape, {seed: 3});
  const cases: ReadonlyArray<[string, () => tf.Tensor]> = [
    // Segments 2, 5 and 6 receive nothing and must be exactly 0.
    ['x=[6,3] ids=[1,1,3,4,0,1] numSegments=7 (repeats, empty segments)',
      () => tf.tidy(() => runSegmentSum(seeded([6, 3]), [1, 1, 3, 4, 0, 1], 7))],
    ['x=[6,2] ids=[1,-1,4,9,0,1] numSegments=5 (ids outside [0,5) dropped, as on cpu)',
      () => tf.tidy(() => runSegmentSum(seeded([6, 2]), [1, -1, 4, 9, 0, 1], 5))],
  ];
  for (const [name, run] of cases) {
    it(`matches tfjs-cpu: ${name}`, async () => {
      const {cpu, wasm} = await runOnCpuAndWasm(run);
      expectArraysClose(wasm, cpu, {atol: 1e-6, rtol: 1e-6});
      tf.dispose([cpu, wasm]);
    });
  }

  it('sums repeated ids exactly: x=[[1,2],[3,4],[5,6]] ids=[1,1,0] → [[5,6],[4,6],[0,0]]', async () => {
    await useBackend('wasm');
    dirtyWasmHeap();
    const out = tf.tidy(() => runSegmentSum(tf.tensor2d([[1, 2], [3, 4], [5, 6]]), [1, 1, 0], 3));
    expectArraysClose(out, [5, 6, 1 + 3, 2 + 4, 0, 0], {atol: 0, rtol: 0}); // small integers: exact in float32
    out.dispose();
  });

  // tfjs-cpu cannot serve as the reference for these two: it fails on ids of rank 2 and returns
  // float32 for int32 data. We follow TensorFlow: ids may be any prefix of x's shape, and the
  // sum keeps x's dtype.
  it('x=[2,3,1] ids=[[0,2,2],[1,0,2]] numSegments=4 (2-D ids) → [[1+5],[4],[2+3+6],[0]]', async () => {
    await useBackend('wasm');
    dirtyWasmHeap();
    const out = tf.tidy(() => runSegmentSum(tf.tensor3d([1, 2, 3, 4, 5, 6], [2, 3, 1]), [[0, 2, 2], [1, 0, 2]], 4));
    expect(out.shape).toEqual([4, 1]);
    expectArraysClose(out, [6, 4, 11, 0], {atol: 0, rtol: 0});
    out.dispose();
  });

  it('x=[4,2] int32 ids=[0,0,2,0] numSegments=3 keeps int32 → [[11,14],[0,0],[5,6]]', async () => {
    await useBackend('wasm');
    const out = tf.tidy(() =>
      runSegmentSum(tf.tensor2d([[1, 2], [3, 4], [5, 6], [7, 8]], [4, 2], 'int32'), [0, 0, 2, 0], 3));
    expect(out.dtype).toBe('int32');
    expect(Array.from(out.dataSync())).toEqual([1 + 3 + 7, 2 + 4 + 8, 0, 0, 5, 6]);
    out.dispose();
  });
});

describe('registerWasmKernels', () => {
  it('registers Conv2DBackpropFilter and UnsortedSegmentSum for wasm, and twice changes nothing', async () => {
    await useBackend('wasm');
    const names = [tf.Conv2DBackpropFilter, tf.UnsortedSegmentSum];
    const before = names.map((n) => tf.getKernel(n, 'wasm'));
    before.forEach((k) => expect(k).toBeDefined());
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      registerWasmKernels();
      registerWasmKernels();
      expect(warn).not.toHaveBeenCalled(); // tfjs warns when a kernel is registered twice
    } finally {
      warn.mockRestore();
    }
    expect(names.map((n) => tf.getKernel(n, 'wasm'))).toEqual(before);
    expect(names.map((n) => tf.getKernel(n, 'wasm')?.kernelFunc)).toEqual(before.map((k) => k?.kernelFunc));
  });

  it('leaves no tensors and no wasm buffers behind, on every path', async () => {
    await useBackend('wasm');
    const buffersBefore = tf.memory().numDataBuffers;
    for (const [, c] of FILTER_CASES.slice(0, 3)) expectNoLeaks(() => runBackpropFilter(c)); // same, asymmetric, crop
    expectNoLeaks(() => tf.tidy(() => runSegmentSum(tf.ones([4, 2]), [0, 1, 1, 3], 4)));
    expectNoLeaks(() => tf.tidy(() => runSegmentSum(tf.ones([4, 2]), [0, -1, 1, 7], 4))); // dropped ids
    expectNoLeaks(() => tf.tidy(() => runSegmentSum(tf.ones([2, 3, 2]), [[0, 1, 1], [2, 0, 1]], 3)));
    // Intermediates are backend buffers, not Tensors: count those too.
    expect(tf.memory().numDataBuffers).toBe(buffersBefore);
  });

  it('a training step through conv2d, conv2dTranspose and gather leaks nothing', async () => {
    await useBackend('wasm');
    const x = makeSeededTensor([2, 6, 6, 2], {seed: 1});
    const f = makeSeededTensor([4, 4, 2, 3], {seed: 2});
    const g = makeSeededTensor([4, 4, 2, 3], {seed: 3});
    const table = makeSeededTensor([5, 2], {seed: 4});
    const loss = (x: tf.Tensor, f: tf.Tensor, g: tf.Tensor, table: tf.Tensor): tf.Scalar => {
      const h = tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 2, 'same'); // [2,3,3,3]
      const up = tf.conv2dTranspose(h, g as tf.Tensor4D, [2, 6, 6, 2], 2, 'same');
      const rows = tf.gather(table, tf.tensor1d([0, 3, 3, 1], 'int32')); // [4,2]
      return tf.add(tf.mean(tf.square(up)), tf.sum(tf.square(rows)));
    };
    const buffersBefore = tf.memory().numDataBuffers;
    expectNoLeaks(() => tf.tidy(() => tf.grads(loss)([x, f, g, table])));
    expect(tf.memory().numDataBuffers).toBe(buffersBefore);
    tf.dispose([x, f, g, table]);
  });
});
