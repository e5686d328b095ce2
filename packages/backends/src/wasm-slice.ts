import * as tf from '@tensorflow/tfjs-core';
import type {BackendWasm} from '@tensorflow/tfjs-backend-wasm';
import type {KernelArgs} from './wasm-kernel-calls';
import type {KernelReplacement} from './wasm-kernel-replacements';

/**
 * out = x[begin₀ : begin₀ + size₀, …] for x of shape `shape` (row-major), copied run by run: the
 * innermost axes a slice keeps whole are one contiguous run, so a slice along the first axis is
 * one copy and a crop of [b, h, w, c] to [b, h', w', c] is b·h' copies of w'·c values.
 */
export function copySlice(x: tf.backend_util.TypedArray, shape: readonly number[], begin: readonly number[],
  size: readonly number[], out: tf.backend_util.TypedArray): void {
  const rank = shape.length;
  if (rank === 0) {
    out[0] = x[0];
    return;
  }
  // Axes from `inner` on are kept whole after the first partial one: they form one run.
  let inner = rank - 1;
  while (inner > 0 && size[inner] === shape[inner]) inner--;
  const strides = new Array<number>(rank).fill(1);
  for (let i = rank - 2; i >= 0; i--) strides[i] = strides[i + 1] * shape[i + 1];
  const run = size[inner] * strides[inner];
  let o = 0;
  const walk = (axis: number, offset: number): void => {
    if (axis === inner) {
      const from = offset + begin[axis] * strides[axis];
      out.set(x.subarray(from, from + run), o);
      o += run;
      return;
    }
    for (let i = 0; i < size[axis]; i++) walk(axis + 1, offset + (begin[axis] + i) * strides[axis]);
  };
  walk(0, 0);
}

/**
 * wasm's Slice reads its whole input through `readSync`, which copies all of it off the heap,
 * before copying out the slice; its SplitV does that once per part: `tf.split` of a 263,873-value
 * vector into six parts copied 1.6 million values, 3.3 ms. Reading a view on the heap instead
 * copies only the slices (~0.1 ms). Strings fall back to the original.
 */
export const slice: KernelReplacement = {
  kernelName: tf.Slice,
  wrap: (original) => (args: KernelArgs) => {
    const {x} = args.inputs as {x: tf.TensorInfo};
    if (x.dtype === 'string') return original(args);
    const {begin, size} = args.attrs as unknown as tf.SliceAttrs;
    const [begin_, size_] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
    const wasm = args.backend as BackendWasm;
    const out = wasm.makeOutput(size_, x.dtype);
    if (tf.util.sizeFromShape(size_) === 0) return out;
    // Views on the heap, taken after makeOutput: an allocation may grow (and move) it.
    copySlice(wasm.typedArrayFromHeap(x), x.shape, begin_, size_, wasm.typedArrayFromHeap(out));
    return out;
  },
};

/** SplitV (`tf.split`): every part copied from one view of the input, as `slice` does. */
export const splitV: KernelReplacement = {
  kernelName: tf.SplitV,
  wrap: (original) => (args: KernelArgs) => {
    const {x} = args.inputs as {x: tf.TensorInfo};
    if (x.dtype === 'string') return original(args);
    const {numOrSizeSplits, axis} = args.attrs as unknown as tf.SplitVAttrs;
    const wasm = args.backend as BackendWasm;
    const along = tf.util.parseAxisParam(axis, x.shape)[0];
    const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, along);
    const parts = sizes.map((s) => wasm.makeOutput(x.shape.map((d, i) => (i === along ? s : d)), x.dtype));
    // Views on the heap, taken after the last makeOutput: an allocation may grow (and move) it.
    const values = wasm.typedArrayFromHeap(x);
    const begin = x.shape.map(() => 0);
    parts.forEach((part, i) => {
      if (sizes[i] > 0) copySlice(values, x.shape, begin, part.shape, wasm.typedArrayFromHeap(part));
      begin[along] += sizes[i];
    });
    return parts;
  },
};
