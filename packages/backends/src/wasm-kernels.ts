import * as tf from '@tensorflow/tfjs-core';
import type {BackendWasm} from '@tensorflow/tfjs-backend-wasm';

/**
 * Kernels the wasm backend of tfjs 4.22.0 lacks but training needs:
 *
 * - `Conv2DBackpropFilter`: the filter gradient of every conv2d and conv2dTranspose layer;
 * - `UnsortedSegmentSum`: the gradient of `gather` (embedding and latent-table lookups).
 *
 * Both are composed from kernels the wasm backend has (XNNPACK Conv2D, ScatterNd, Transpose,
 * Slice, Reshape), called directly through the kernel registry: that yields backend-owned
 * `TensorInfo`s without creating Tensors, so nothing shows up on the tape and each
 * intermediate is freed here with `disposeData`.
 *
 * Registered for the backend 'wasm' only, and only where no kernel of that name is there yet,
 * so calling it twice (or after a future tfjs ships its own) changes nothing. Called by
 * `useBackend('wasm')`; nothing is registered on import.
 */
export function registerWasmKernels(): void {
  for (const config of WASM_KERNELS) {
    if (tf.getKernel(config.kernelName, 'wasm') === undefined) tf.registerKernel(config);
  }
}

type Attrs = tf.NamedAttrMap;
type KernelArgs = Parameters<tf.KernelFunc>[0];

/** Run another wasm kernel on TensorInfos; the caller owns (and must dispose) the result. */
function run(backend: BackendWasm, kernelName: string, inputs: tf.NamedTensorInfoMap, attrs: object = {}): tf.TensorInfo {
  const kernel = tf.getKernel(kernelName, 'wasm');
  if (kernel === undefined) {
    throw new Error(`registerWasmKernels: the wasm backend has no ${kernelName} kernel to compose from`);
  }
  return kernel.kernelFunc({inputs, backend, attrs: attrs as Attrs}) as tf.TensorInfo;
}

function dispose(backend: BackendWasm, ...infos: tf.TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

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
