import * as tf from '@tensorflow/tfjs-core';

type KernelArgs = Parameters<tf.KernelFunc>[0];

/** tfjs-backend-webgpu 4.22.0's `MatMulProgramType`: the value of `WEBGPU_MATMUL_PROGRAM_TYPE` that picks each program. */
const SPLIT_K_PROGRAM = 1;
const SMALL_OUTPUT_SIZE_PROGRAM = 2;
const PROGRAM_FLAG = 'WEBGPU_MATMUL_PROGRAM_TYPE';
const THRESHOLD_FLAG = 'WEBGPU_THRESHOLD_TO_INCREASE_WORKGROUPS_FOR_MATMUL';

/** The part of tfjs's WebGPUBackend the program choice reads. */
interface WebGpuBackendLike {
  readonly thresholdToIncreaseWorkgroups: number;
}

/**
 * Whether tfjs-backend-webgpu 4.22.0's `batchMatMulImpl` would run `MatMulSplitKProgram` for
 * these operands: its own choice, restated. With no program forced by the flag, a product with
 * few 32×32 output tiles, more than 128 outputs, batch 1 and an inner size of at least 2000
 * splits K.
 */
export function choosesSplitK(a: tf.TensorInfo, b: tf.TensorInfo, attrs: {transposeA: boolean; transposeB: boolean},
  backend: WebGpuBackendLike): boolean {
  if (tf.env().getNumber(PROGRAM_FLAG) >= 0) return tf.env().getNumber(PROGRAM_FLAG) === SPLIT_K_PROGRAM;
  const ra = a.shape.length, rb = b.shape.length;
  const outerA = attrs.transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const outerB = attrs.transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  const inner = attrs.transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const size = (shape: number[]) => shape.reduce((p, d) => p * d, 1);
  const batch = Math.max(size(a.shape.slice(0, -2)), size(b.shape.slice(0, -2)));
  const flagged = tf.env().getNumber(THRESHOLD_FLAG);
  const threshold = flagged > 0 ? flagged : backend.thresholdToIncreaseWorkgroups;
  const tiles = batch * Math.ceil(outerA / 32) * Math.ceil(outerB / 32);
  const fewTiles = tiles <= threshold || (outerA <= 8 && tiles <= threshold * 2);
  return fewTiles && batch * outerA * outerB > 128 && batch === 1 && inner >= 2000;
}

/**
 * tfjs-backend-webgpu 4.22.0 computes `matMul(a, b, transposeA, true)` wrongly when it splits K
 * (an inner size of 2000 or more, few output tiles, an output column count divisible by 4): its
 * split-K program reads B four entries at a time, and for a transposed B those four run along K
 * where the program needs four along N. That is the product that takes the rows' gradient
 * through a decoder's first dense layer (dy [batch, 6272] · W[20, 6272]ᵀ for the MNIST decoder):
 * max error 117 at a scale of 85. For exactly the products the split-K program would get with a
 * transposed B, the replacement runs the program tfjs chooses next for few output tiles
 * (`MatMulSmallOutputSizeProgram`), which is right; every other product is left alone.
 */
function avoidSplitKWithTransposedB(original: tf.KernelFunc): tf.KernelFunc {
  return (args: KernelArgs) => {
    const {a, b} = args.inputs as {a: tf.TensorInfo; b: tf.TensorInfo};
    const attrs = args.attrs as unknown as {transposeA: boolean; transposeB: boolean};
    if (!attrs.transposeB || !choosesSplitK(a, b, attrs, args.backend as unknown as WebGpuBackendLike)) return original(args);
    const flags = tf.env();
    const forced = flags.getNumber(PROGRAM_FLAG);
    flags.set(PROGRAM_FLAG, SMALL_OUTPUT_SIZE_PROGRAM);
    try {
      return original(args);
    } finally {
      flags.set(PROGRAM_FLAG, forced);
    }
  };
}

/**
 * Marks a kernel config registerWebGpuKernels installed, so that a second call (even from a
 * second copy of this package: the kernel registry is global) leaves it alone.
 */
const REPLACED = Symbol.for('@encoderless/backends: replaced webgpu kernel');

/**
 * Make the WebGPU backend of tfjs 4.22.0 compute what training needs correctly: both kernels
 * that reach the split-K matrix product (`BatchMatMul`, `_FusedMatMul`) are wrapped so that a
 * product with a transposed B never runs it (see `avoidSplitKWithTransposedB`). Registered for
 * the backend 'webgpu' only, once; called by `useBackend('webgpu')`. Nothing happens on import.
 */
export function registerWebGpuKernels(): void {
  for (const kernelName of [tf.BatchMatMul, tf._FusedMatMul]) {
    const original = tf.getKernel(kernelName, 'webgpu');
    if (original === undefined || REPLACED in original) continue;
    tf.unregisterKernel(kernelName, 'webgpu');
    tf.registerKernel({...original, kernelFunc: avoidSplitKWithTransposedB(original.kernelFunc), [REPLACED]: true} as tf.KernelConfig);
  }
}
