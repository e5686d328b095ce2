import * as tf from '@tensorflow/tfjs-core';
import type {BackendWasm} from '@tensorflow/tfjs-backend-wasm';
import {expectArraysClose, expectNoLeaks, makeSeededTensor} from '@encoderless/test-utils';
import {useBackend} from './index';
import {conv2DBackpropInputPerPhase, perPhaseIsFaster, phaseFilter, phaseWindow, scatterPhase} from './wasm-backprop-input-per-phase';

// conv2DBackpropInputPerPhase called directly (whatever perPhaseIsFaster would choose), against
// tfjs-cpu's Conv2DBackpropInput on the same seeded inputs. Tolerance as for the stacked form: a
// dx entry sums ≤ k²·outC ≤ 256 products of values in [-1, 1), so float32 rounding in XNNPACK's
// order errs ≲ 3e-5; atol 1e-4, while a wrong tap, phase or offset errs by O(0.1).

type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];

interface Case {
  /** dx's shape [batch, h, w, inC]. */
  readonly x: [number, number, number, number];
  /** [kh, kw, inC, outC]. */
  readonly filter: [number, number, number, number];
  readonly strides: number | [number, number];
  readonly pad: Pad;
  readonly dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

const explicit = (top: number, bottom: number, left: number, right: number): Pad =>
  [[0, 0], [top, bottom], [left, right], [0, 0]];

const CASES: ReadonlyArray<[string, Case]> = [
  ['k=4 s=2 pad=1 [2,7,7,6] → [2,14,14,4] (MNIST decoder layer, small)', {x: [2, 14, 14, 4], filter: [4, 4, 4, 6], strides: 2, pad: 1}],
  ['k=4 s=2 pad=1 [2,4,4,5] → [2,8,8,3] (CIFAR 4×4 → 8×8)', {x: [2, 8, 8, 3], filter: [4, 4, 3, 5], strides: 2, pad: 1}],
  ['k=4 s=2 valid [1,1,1,6] → [1,4,4,3] (CIFAR 1×1 → 4×4)', {x: [1, 4, 4, 3], filter: [4, 4, 3, 6], strides: 2, pad: 'valid'}],
  ['k=4 s=2 same odd [2,7,5,3] (padding 1 top, 2 bottom)', {x: [2, 7, 5, 3], filter: [4, 4, 3, 5], strides: 2, pad: 'same'}],
  ['k=4 s=2 valid [2,9,9,2] (last row and column unread: dy cropped)', {x: [2, 9, 9, 2], filter: [4, 4, 2, 3], strides: 2, pad: 'valid'}],
  ['k=3 s=2 same odd [2,7,7,3] (phases with 2 and 1 taps)', {x: [2, 7, 7, 3], filter: [3, 3, 3, 4], strides: 2, pad: 'same'}],
  ['k=3 s=2 explicit [[1,0],[2,1]] [2,6,6,3]', {x: [2, 6, 6, 3], filter: [3, 3, 3, 4], strides: 2, pad: explicit(1, 0, 2, 1)}],
  ['k=3 s=[2,1] explicit [[0,2],[1,1]] [2,7,6,2] (unequal strides)', {x: [2, 7, 6, 2], filter: [3, 3, 2, 3], strides: [2, 1], pad: explicit(0, 2, 1, 1)}],
  ['k=1 s=2 valid [2,5,5,3] (stride > kernel: odd rows get 0)', {x: [2, 5, 5, 3], filter: [1, 1, 3, 4], strides: 2, pad: 'valid'}],
  ['k=1 s=2 pad=1 [1,1,1,2] (a pixel no output reads)', {x: [1, 1, 1, 2], filter: [1, 1, 2, 2], strides: 2, pad: 1}],
  ['k=5 s=3 same [1,8,7,2]', {x: [1, 8, 7, 2], filter: [5, 5, 2, 3], strides: 3, pad: 'same'}],
  ['k=4x2 s=2 explicit [[3,3],[0,0]] [1,5,5,2] (padding ≥ stride)', {x: [1, 5, 5, 2], filter: [4, 2, 2, 3], strides: 2, pad: explicit(3, 3, 0, 0)}],
  ['k=3 s=2 pad=0 ceil [1,6,6,2] (reads past the edge)', {x: [1, 6, 6, 2], filter: [3, 3, 2, 3], strides: 2, pad: 0, dimRoundingMode: 'ceil'}],
  ['k=3 s=1 same [2,5,6,3] (one phase)', {x: [2, 5, 6, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same'}],
];

function inputs(c: Case) {
  const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad, c.dimRoundingMode);
  return {info, dy: makeSeededTensor(info.outShape, {seed: 11}), filter: makeSeededTensor(c.filter, {seed: 12})};
}

async function onCpu(c: Case): Promise<Float32Array> {
  await useBackend('cpu');
  return tf.tidy(() => {
    const {dy, filter} = inputs(c);
    const attrs = {strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: c.dimRoundingMode, inputShape: c.x};
    const dx = tf.engine().runKernel(tf.Conv2DBackpropInput, {dy, filter}, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
    return dx.dataSync().slice() as Float32Array;
  });
}

function perPhaseOnWasm(c: Case): tf.Tensor {
  return tf.tidy(() => {
    const {info, dy, filter} = inputs(c);
    const dx = conv2DBackpropInputPerPhase(tf.backend() as BackendWasm, dy, filter, info);
    return tf.engine().makeTensorFromTensorInfo(dx);
  });
}

describe('conv2DBackpropInputPerPhase on wasm', () => {
  for (const [name, c] of CASES) {
    it(`matches tfjs-cpu: ${name}`, async () => {
      const expected = await onCpu(c);
      await useBackend('wasm');
      // Leave non-zero bytes in freed memory, so that an unwritten (zero) phase shows garbage.
      tf.dispose([tf.fill([1 << 14], 7), tf.fill([512], 7)]);
      const dx = perPhaseOnWasm(c);
      expect(dx.shape).toEqual(c.x);
      expectArraysClose(dx, expected, {atol: 1e-4, rtol: 1e-4});
      dx.dispose();
    });
  }

  it('leaves no tensors and no wasm buffers behind, on every path (pads, crops, empty phases)', async () => {
    await useBackend('wasm');
    const buffersBefore = tf.memory().numDataBuffers;
    for (const [, c] of CASES) expectNoLeaks(() => tf.dispose(perPhaseOnWasm(c)));
    expect(tf.memory().numDataBuffers).toBe(buffersBefore);
  });
});

describe('per-phase decomposition, pure parts', () => {
  it('phaseWindow: k=4 s=2 pad=1, 14 rows from dy 7: phase 1 is rows 0,2,…,12 reading dy[-1…6]', () => {
    // u = h + 1 = 2a + 1 → h = 2a, a ∈ [0, 6]; taps j < 2 read dy[a − 1 … a]: one zero row before.
    expect(phaseWindow(1, 14, 7, 4, 2, 1)).toEqual({first: 0, count: 7, taps: 2, padBefore: 1, padAfter: 0, cropBefore: 0, cropAfter: 0});
    // u = 2a → h = 2a − 1 ∈ {1, 3, …, 13}, a ∈ [1, 7] reads dy[0 … 7]: one zero row after.
    expect(phaseWindow(1, 14, 7, 4, 2, 0)).toEqual({first: 1, count: 7, taps: 2, padBefore: 0, padAfter: 1, cropBefore: 0, cropAfter: 0});
  });
  it('phaseWindow: k=1 s=2 has no tap in phase 1; a phase whose rows read no dy is null', () => {
    expect(phaseWindow(0, 5, 3, 1, 2, 1)).toBeNull();
    // pad 3 ≥ everything: u = h + 3 ∈ [3, 3] = 2·1 + 1 reads dy[1] of a 1-row dy → nothing.
    expect(phaseWindow(3, 1, 1, 1, 2, 1)).toBeNull();
  });
  it('phaseFilter: k=2 s=2 phase (1,0) of f [2,2,1,2] is the single tap f[1,0], channels swapped', () => {
    // f[h, w, c, o] = 10h + 5w + o for c = 0: f[1,0,0,:] = [10, 11] → g [1,1,2,1] = [10, 11].
    const f = [0, 1, 5, 6, 10, 11, 15, 16];
    expect(Array.from(phaseFilter(f, [2, 2, 1, 2], [2, 2], [1, 0], [1, 1]))).toEqual([10, 11]);
  });
  it('phaseFilter: k=3 s=1 flips the kernel: [1,2,3] → [3,2,1]', () => {
    expect(Array.from(phaseFilter([1, 2, 3], [1, 3, 1, 1], [1, 1], [0, 0], [1, 3]))).toEqual([3, 2, 1]);
  });
  it('scatterPhase: a 2×1 phase into rows 1 and 3, column 0, of a 4×2 image', () => {
    const dx = new Array<number>(8).fill(0);
    scatterPhase([7, 9], [1, 2, 1, 1], dx, [1, 4, 2, 1], 1, 0, [2, 2]);
    expect(dx).toEqual([0, 0, 7, 0, 0, 0, 9, 0]);
  });
  it('perPhaseIsFaster: strided with ≥ 16 input channels; not for one channel or stride 1', () => {
    const mnist = tf.backend_util.computeConv2DInfo([32, 14, 14, 64], [4, 4, 64, 128], 2, 1, 1);
    expect(perPhaseIsFaster(mnist)).toBe(true);
    // One input channel (the MNIST decoder's last layer): four 1-channel XNNPACK convolutions.
    expect(perPhaseIsFaster(tf.backend_util.computeConv2DInfo([32, 28, 28, 1], [4, 4, 1, 64], 2, 1, 1))).toBe(false);
    expect(perPhaseIsFaster(tf.backend_util.computeConv2DInfo([32, 8, 8, 64], [3, 3, 64, 64], 1, 1, 'same'))).toBe(false);
  });
});
