import * as tf from '@tensorflow/tfjs-core';
import type {BackendWasm} from '@tensorflow/tfjs-backend-wasm';

/** The argument every kernel function receives. */
export type KernelArgs = Parameters<tf.KernelFunc>[0];

/**
 * Run another wasm kernel on TensorInfos; the caller owns (and must dispose) the result.
 *
 * Calling the registry directly yields backend-owned `TensorInfo`s without creating Tensors, so
 * nothing shows up on the tape and each intermediate can be freed with `disposeWasmData`.
 */
export function runWasmKernel(
  backend: BackendWasm, kernelName: string, inputs: tf.NamedTensorInfoMap, attrs: object = {},
): tf.TensorInfo {
  const kernel = tf.getKernel(kernelName, 'wasm');
  if (kernel === undefined) {
    throw new Error(`registerWasmKernels: the wasm backend has no ${kernelName} kernel to compose from`);
  }
  return kernel.kernelFunc({inputs, backend, attrs: attrs as tf.NamedAttrMap}) as tf.TensorInfo;
}

/** Free intermediate buffers made by `runWasmKernel` or `makeOutput`. */
export function disposeWasmData(backend: BackendWasm, ...infos: tf.TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/** Where a stride-1 convolution reads its input along one axis: zero rows to add, rows to cut. */
export interface ReadWindow {
  readonly padBefore: number;
  readonly padAfter: number;
  readonly cropBefore: number;
  readonly cropAfter: number;
}

/**
 * A stride-1 XNNPACK convolution of x [batch, h, w, c] by `filter`, over the rows and columns
 * `rows` and `cols` say: cut first (a Slice, pushed onto `owned` for the caller to free), then
 * zero-padded. The caller owns the result.
 */
export function convolveWindow(backend: BackendWasm, x: tf.TensorInfo, filter: tf.TensorInfo, rows: ReadWindow, cols: ReadWindow,
  owned: tf.TensorInfo[]): tf.TensorInfo {
  let input = x;
  if (rows.cropBefore + rows.cropAfter + cols.cropBefore + cols.cropAfter > 0) {
    const [batch, height, width, channels] = x.shape;
    input = runWasmKernel(backend, tf.Slice, {x}, {
      begin: [0, rows.cropBefore, cols.cropBefore, 0],
      size: [batch, height - rows.cropBefore - rows.cropAfter, width - cols.cropBefore - cols.cropAfter, channels],
    });
    owned.push(input);
  }
  return runWasmKernel(backend, tf.Conv2D, {x: input, filter}, {
    strides: [1, 1], dilations: [1, 1], dataFormat: 'NHWC',
    pad: [[0, 0], [rows.padBefore, rows.padAfter], [cols.padBefore, cols.padAfter], [0, 0]],
  });
}
