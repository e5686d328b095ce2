import * as tf from '@tensorflow/tfjs-core';
import type {BackendWasm} from '@tensorflow/tfjs-backend-wasm';
import {disposeWasmData as dispose, runWasmKernel as run, type KernelArgs} from './wasm-kernel-calls';
import {WASM_KERNEL_REPLACEMENTS} from './wasm-kernel-replacements';

/**
 * Make the wasm backend of tfjs 4.22.0 fit for training.
 *
 * Kernels it lacks:
 * - `Conv2DBackpropFilter`: the filter gradient of every conv2d and conv2dTranspose layer;
 * - `UnsortedSegmentSum`: the gradient of `gather` (embedding and latent-table lookups).
 * These are registered only where no kernel of that name is there yet, so a later tfjs that
 * ships its own wins.
 *
 * Kernels it has but that are too slow to train with (see `WASM_KERNEL_REPLACEMENTS`):
 * `Conv2DBackpropInput` (every conv2dTranspose's forward pass), `Tile`, `Sum` and `Mean` over
 * leading axes (bias and batch-norm gradients) and `BatchMatMul` with `transposeA`. Each is
 * unregistered and registered again wrapped by a faster path that falls back to the original
 * for the cases it does not cover; the original's setup function is kept, so the fallback
 * works whether or not the backend was initialised before.
 *
 * All are composed from kernels the wasm backend has (XNNPACK Conv2D, ScatterNd, Transpose,
 * DepthToSpace, Slice, Reshape) or from block copies on its heap, called directly through the
 * kernel registry: that yields backend-owned `TensorInfo`s without creating Tensors, so nothing
 * shows up on the tape and each intermediate is freed here with `disposeData`.
 *
 * Registered for the backend 'wasm' only; calling it twice changes nothing. Called by
 * `useBackend('wasm')`; nothing is registered on import.
 */
export function registerWasmKernels(): void {
  for (const config of WASM_KERNELS) {
    if (tf.getKernel(config.kernelName, 'wasm') === undefined) tf.registerKernel(config);
  }
  for (const replacement of WASM_KERNEL_REPLACEMENTS) {
    const original = tf.getKernel(replacement.kernelName, 'wasm');
    if (original === undefined || REPLACED in original) continue;
    tf.unregisterKernel(replacement.kernelName, 'wasm');
    tf.registerKernel({...original, kernelFunc: replacement.wrap(original.kernelFunc), [REPLACED]: true} as tf.KernelConfig);
  }
}

/**
 * Marks a kernel config registerWasmKernels installed, so that a second call (even from a second
 * copy of this package: the kernel registry is global) leaves it alone.
 */
const REPLACED = Symbol.for('@encoderless/backends: replaced wasm kernel');

/**
 * dW[kh, kw, ci, co] = Σ_{b, oh, ow} x[b, oh·sh + kh − top, ow·sw + kw − left, ci] · dy[b, oh, ow, co].
 *
 * Read with ci as the batch, b as the channel and (oh, ow) as the filter taps, this sum is a
 * forward convolution whose dilation is the original stride:
 *
 *   X' = x transposed to [ci, H, W, b],  F' = dy transposed to [oh, ow, b, co],
 *   conv2d(X', F', stride 1, dilation [sh, sw]) → [ci, kh, kw, co] → transposed to [kh, kw, ci, co].
 *
 * That puts the whole reduction (b · oh · ow terms per output) inside XNNPACK's convolution,
 * the fastest code the wasm backend has, instead of a JavaScript loop. The padding of X' is
 * the forward pass's top/left padding; bottom/right padding is whatever makes the output
 * exactly kh × kw, and when that is negative (a 'valid' or explicit padding that leaves the
 * last rows unread) X' is cropped instead.
 */
function conv2DBackpropFilter({inputs, backend, attrs}: KernelArgs): tf.TensorInfo {
  const wasm = backend as BackendWasm;
  const {x, dy} = inputs as {x: tf.TensorInfo; dy: tf.TensorInfo};
  const {strides, pad, dataFormat, dimRoundingMode, filterShape} = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  if (dataFormat === 'NCHW') {
    throw new Error("Conv2DBackpropFilter (wasm, encoderless): dataFormat 'NCHW' is not supported; use 'NHWC'");
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
  const [, inHeight, inWidth, inChannels] = x.shape;
  const [, outHeight, outWidth] = dy.shape;
  const {filterHeight, filterWidth, strideHeight, strideWidth} = info;
  const {top, left} = info.padInfo;
  // Rows of x (padded) that the taps reach: the last output row reads up to this one.
  const bottom = filterHeight + (outHeight - 1) * strideHeight - inHeight - top;
  const right = filterWidth + (outWidth - 1) * strideWidth - inWidth - left;

  const owned: tf.TensorInfo[] = [];
  try {
    let xt = run(wasm, tf.Transpose, {x}, {perm: [3, 1, 2, 0]}); // [ci, H, W, b]
    owned.push(xt);
    if (bottom < 0 || right < 0) {
      xt = run(wasm, tf.Slice, {x: xt}, {
        begin: [0, 0, 0, 0],
        size: [inChannels, inHeight + Math.min(bottom, 0), inWidth + Math.min(right, 0), x.shape[0]],
      });
      owned.push(xt);
    }
    const dyt = run(wasm, tf.Transpose, {x: dy}, {perm: [1, 2, 0, 3]}); // [oh, ow, b, co]
    owned.push(dyt);
    const conv = run(wasm, tf.Conv2D, {x: xt, filter: dyt}, {
      strides: [1, 1],
      dilations: [strideHeight, strideWidth],
      pad: [[0, 0], [top, Math.max(bottom, 0)], [left, Math.max(right, 0)], [0, 0]],
      dataFormat: 'NHWC',
    }); // [ci, kh, kw, co]
    owned.push(conv);
    return run(wasm, tf.Transpose, {x: conv}, {perm: [1, 2, 0, 3]}); // [kh, kw, ci, co]
  } finally {
    dispose(wasm, ...owned);
  }
}

/**
 * out[s, ...] = Σ_{i : segmentIds[i] = s} x[i, ...], for s in [0, numSegments).
 *
 * tfjs-cpu computes this with one equal/multiply/sum pass per segment, O(numSegments · n);
 * a gather from a latent table of 60 000 rows would make that 60 000 passes per step. The
 * wasm ScatterNd kernel does the same sum in one O(n) pass (it adds duplicate indices, which
 * is what a repeated index in `gather` needs). ScatterNd does not check its indices and writes
 * out of bounds on a bad one, so the ids are read and checked first; ids outside
 * [0, numSegments) are dropped, as tfjs-cpu and TensorFlow (for negative ids) do, by sending
 * them to an extra row that is then cut off.
 */
function unsortedSegmentSum({inputs, backend, attrs}: KernelArgs): tf.TensorInfo {
  const wasm = backend as BackendWasm;
  const {x, segmentIds} = inputs as {x: tf.TensorInfo; segmentIds: tf.TensorInfo};
  const {numSegments} = attrs as unknown as tf.UnsortedSegmentSumAttrs;
  const count = tf.util.sizeFromShape(segmentIds.shape);
  const rowShape = x.shape.slice(segmentIds.shape.length);
  const outShape = [numSegments, ...rowShape];
  if (count === 0 || numSegments === 0) {
    return run(wasm, tf.Fill, {}, {shape: outShape, value: 0, dtype: x.dtype});
  }

  const ids = wasm.readSync(segmentIds.dataId) as Int32Array;
  let allValid = true;
  for (let i = 0; i < count; i++) {
    if (!(ids[i] >= 0 && ids[i] < numSegments)) { allValid = false; break; }
  }

  const owned: tf.TensorInfo[] = [];
  try {
    const updates = run(wasm, tf.Reshape, {x}, {shape: [count, ...rowShape]});
    owned.push(updates);
    if (allValid) {
      const indices = run(wasm, tf.Reshape, {x: segmentIds}, {shape: [count, 1]});
      owned.push(indices);
      return run(wasm, tf.ScatterNd, {indices, updates}, {shape: outShape});
    }
    const kept = ids.map((id) => (id >= 0 && id < numSegments ? id : numSegments));
    const indices = wasm.makeOutput([count, 1], 'int32', undefined, kept);
    owned.push(indices);
    const scattered = run(wasm, tf.ScatterNd, {indices, updates}, {shape: [numSegments + 1, ...rowShape]});
    owned.push(scattered);
    return run(wasm, tf.Slice, {x: scattered}, {begin: outShape.map(() => 0), size: outShape});
  } finally {
    dispose(wasm, ...owned);
  }
}

const WASM_KERNELS: readonly tf.KernelConfig[] = [
  {kernelName: tf.Conv2DBackpropFilter, backendName: 'wasm', kernelFunc: conv2DBackpropFilter},
  {kernelName: tf.UnsortedSegmentSum, backendName: 'wasm', kernelFunc: unsortedSegmentSum},
];
