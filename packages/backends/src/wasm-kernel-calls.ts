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
