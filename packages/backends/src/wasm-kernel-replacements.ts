import * as tf from '@tensorflow/tfjs-core';
import type {BackendWasm} from '@tensorflow/tfjs-backend-wasm';
import {conv2DBackpropInputPerPhase, perPhaseIsFaster} from './wasm-backprop-input-per-phase';
import {convolveWindow, disposeWasmData, runWasmKernel, type KernelArgs} from './wasm-kernel-calls';
import {slice, splitV} from './wasm-slice';

/**
 * A wasm kernel of tfjs 4.22.0 that exists but is too slow for training, and the faster
 * kernel that replaces it. `wrap` receives the original kernel function and falls back to it
 * for the cases the replacement does not cover, so replacing never loses a feature.
 */
export interface KernelReplacement {
  readonly kernelName: string;
  wrap(original: tf.KernelFunc): tf.KernelFunc;
}

type Shape4 = [number, number, number, number];

/**
 * Where, along one spatial axis, the phase convolution of `conv2DBackpropInputByPhases` reads
 * and writes. `null` when no row of dy reaches dx at all (padding larger than the input).
 */
interface PhaseSpan {
  /** Rows (or columns) of the phase convolution's output. */
  readonly count: number;
  /** Zero padding of dy before and after, for the stride-1 convolution. */
  readonly padBefore: number;
  readonly padAfter: number;
  /** Rows of dy no output reads, cut before the convolution (negative padding). */
  readonly cropBefore: number;
  readonly cropAfter: number;
  /** First row of the interleaved result that is dx's row 0. */
  readonly offset: number;
}

/**
 * dx's rows h ∈ [0, size) sit at u = h + pad in the padded input of the forward conv. Write
 * u = s·a + ρ: row u receives dy[a − j] · f[ρ + s·j] for j = 0 … J − 1, J = ⌈k/s⌉, i.e. phase ρ
 * of dx is a stride-1 correlation of dy with the flipped sub-kernel f[ρ + s·(J − 1 − t)],
 * evaluated at a ∈ [⌊pad/s⌋, ⌊(pad + size − 1)/s⌋], which reads dy[a − J + 1 … a].
 */
export function phaseSpan(pad: number, size: number, dySize: number, taps: number, stride: number): PhaseSpan | null {
  const first = Math.floor(pad / stride);
  const last = Math.floor((pad + size - 1) / stride);
  const count = last - first + 1;
  const before = taps - 1 - first;
  const after = count + taps - 1 - before - dySize;
  const cropBefore = Math.max(0, -before), cropAfter = Math.max(0, -after);
  if (dySize - cropBefore - cropAfter <= 0) return null;
  return {count, padBefore: Math.max(0, before), padAfter: Math.max(0, after), cropBefore, cropAfter, offset: pad - stride * first};
}

/**
 * The sh·sw flipped sub-kernels of f [kh, kw, inC, outC] stacked along the output channels,
 * as one stride-1 filter [⌈kh/sh⌉, ⌈kw/sw⌉, outC, sh·sw·inC] whose channel (ρh·sw + ρw)·inC + c
 * is phase (ρh, ρw) of dx's channel c (DepthToSpace's order). Taps past the end of f (k not a
 * multiple of s) are zero.
 */
export function stackPhaseFilters(f: ArrayLike<number>, shape: Shape4, strides: [number, number]): Float32Array {
  const [kh, kw, inC, outC] = shape;
  const [sh, sw] = strides;
  const jh = Math.ceil(kh / sh), jw = Math.ceil(kw / sw);
  const channels = sh * sw * inC;
  const out = new Float32Array(jh * jw * outC * channels);
  for (let th = 0; th < jh; th++) {
    for (let tw = 0; tw < jw; tw++) {
      for (let ph = 0; ph < sh; ph++) {
        const h = ph + sh * (jh - 1 - th);
        if (h >= kh) continue;
        for (let pw = 0; pw < sw; pw++) {
          const w = pw + sw * (jw - 1 - tw);
          if (w >= kw) continue;
          for (let c = 0; c < inC; c++) {
            const src = ((h * kw + w) * inC + c) * outC;
            const dst = (th * jw + tw) * outC * channels + (ph * sw + pw) * inC + c;
            for (let o = 0; o < outC; o++) out[dst + o * channels] = f[src + o];
          }
        }
      }
    }
  }
  return out;
}

/**
 * dx of a stride-s convolution (conv2dTranspose's forward pass, conv2d's input gradient) as
 * ONE stride-1 XNNPACK convolution of dy with the sh·sw stacked phase filters, then one copy
 * that interleaves the phases and drops the padding rows (`interleavePhases`; wasm's
 * DepthToSpace + Slice took ~35 ms for that at the MNIST decoder's size, the copy ~1 ms).
 *
 * Why: wasm's own Conv2DBackpropInput is a scalar loop, ~8× slower than its Conv2D on the same
 * arithmetic (~160 ms vs ~20 ms for the MNIST decoder's [32,7,7,128] → [32,14,14,64] layer).
 * The phase form multiplies by zero taps when s does not divide k ((⌈k/s⌉·s/k)²: none for
 * k = 4, s = 2) and computes phase rows of which the padding crops a part (8×8 for 7×7 in
 * that layer: 1.3×), and is still ~5× faster.
 */
function conv2DBackpropInputByPhases(
  wasm: BackendWasm, dy: tf.TensorInfo, filter: tf.TensorInfo, info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const {strideHeight: sh, strideWidth: sw} = info;
  const [, inHeight, inWidth, inChannels] = info.inShape;
  const [, dyHeight, dyWidth, outChannels] = dy.shape;
  const jh = Math.ceil(info.filterHeight / sh), jw = Math.ceil(info.filterWidth / sw);
  const rows = phaseSpan(info.padInfo.top, inHeight, dyHeight, jh, sh);
  const cols = phaseSpan(info.padInfo.left, inWidth, dyWidth, jw, sw);
  if (rows === null || cols === null) {
    return runWasmKernel(wasm, tf.Fill, {}, {shape: info.inShape, value: 0, dtype: 'float32'});
  }
  const owned: tf.TensorInfo[] = [];
  try {
    const stacked = wasm.makeOutput([jh, jw, outChannels, sh * sw * inChannels], 'float32', undefined,
      stackPhaseFilters(wasm.typedArrayFromHeap(filter), filter.shape as Shape4, [sh, sw]));
    owned.push(stacked);
    const phases = convolveWindow(wasm, dy, stacked, rows, cols, owned); // [batch, rows.count, cols.count, sh·sw·inC]
    owned.push(phases);
    const dx = wasm.makeOutput(info.inShape, 'float32');
    // Views on the heap, taken after the last allocation: an allocation may grow (and move) it.
    interleavePhases(wasm.typedArrayFromHeap(phases), phases.shape as Shape4, [sh, sw], rows.offset, cols.offset,
      wasm.typedArrayFromHeap(dx), info.inShape);
    return dx;
  } finally {
    disposeWasmData(wasm, ...owned);
  }
}

/**
 * dx[b, h, w, c] = phases[b, ⌊u/sh⌋, ⌊v/sw⌋, ((u mod sh)·sw + v mod sw)·C + c] with u = h + rowOffset,
 * v = w + colOffset: DepthToSpace (for sh = sw) and a crop, in one pass.
 */
export function interleavePhases(phases: ArrayLike<number>, phaseShape: Shape4, strides: [number, number],
  rowOffset: number, colOffset: number, dx: {[i: number]: number}, dxShape: Shape4): void {
  const [batch, height, width, channels] = dxShape;
  const [, rows, cols, depth] = phaseShape;
  const [sh, sw] = strides;
  let o = 0;
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < height; h++) {
      const u = h + rowOffset;
      const rowBase = (b * rows + Math.floor(u / sh)) * cols;
      const phaseRow = (u % sh) * sw;
      for (let w = 0; w < width; w++) {
        const v = w + colOffset;
        let i = (rowBase + Math.floor(v / sw)) * depth + (phaseRow + (v % sw)) * channels;
        for (let c = 0; c < channels; c++) dx[o++] = phases[i++];
      }
    }
  }
}

const conv2DBackpropInput: KernelReplacement = {
  kernelName: tf.Conv2DBackpropInput,
  wrap: (original) => (args: KernelArgs) => {
    const {dy, filter} = args.inputs as {dy: tf.TensorInfo; filter: tf.TensorInfo};
    const {strides, pad, dataFormat, dimRoundingMode, inputShape} = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
    // NCHW and non-float data: wasm's own kernel.
    if (dataFormat === 'NCHW' || dy.dtype !== 'float32' || filter.dtype !== 'float32') return original(args);
    const info = tf.backend_util.computeConv2DInfo(
      inputShape, filter.shape as Shape4, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
    // tfjs does not check dy against the shape that inputShape, stride and padding imply (a
    // conv2dTranspose of an 8×8 input to outputShape 4×4, stride 1, 'same'); tfjs-cpu and wasm's
    // own kernel then read only dy's first outHeight × outWidth positions of each batch, while the
    // phases would be sized from all of dy. Such calls are rare and not on a training path: wasm's own.
    if (info.outShape.slice(0, 3).some((d, i) => d !== dy.shape[i])) return original(args);
    const phases = perPhaseIsFaster(info) ? conv2DBackpropInputPerPhase : conv2DBackpropInputByPhases;
    return phases(args.backend as BackendWasm, dy, filter, info);
  },
};

/**
 * Copy `src` (shape `shape`) tiled `reps` times into `dst`, axis by axis: each block is
 * written once, then doubled with `copyWithin` (a memmove) until it fills its repeats.
 */
export function tileInto(src: tf.backend_util.TypedArray, shape: readonly number[], reps: readonly number[],
  dst: tf.backend_util.TypedArray): void {
  const rank = shape.length;
  if (rank === 0) {
    dst[0] = src[0];
    return;
  }
  const inStride = new Array<number>(rank).fill(1), outStride = new Array<number>(rank).fill(1);
  for (let i = rank - 2; i >= 0; i--) {
    inStride[i] = inStride[i + 1] * shape[i + 1];
    outStride[i] = outStride[i + 1] * shape[i + 1] * reps[i + 1];
  }
  const fill = (axis: number, srcOff: number, dstOff: number): void => {
    const d = shape[axis];
    if (axis === rank - 1) {
      dst.set(src.subarray(srcOff, srcOff + d), dstOff);
    } else {
      for (let k = 0; k < d; k++) fill(axis + 1, srcOff + k * inStride[axis], dstOff + k * outStride[axis]);
    }
    const chunk = d * outStride[axis], total = chunk * reps[axis];
    for (let done = chunk; done < total;) {
      const n = Math.min(done, total - done);
      dst.copyWithin(dstOff + done, dstOff, dstOff + n);
      done += n;
    }
  };
  fill(0, 0, 0);
}

/**
 * wasm's Tile walks the output with a per-element index computation: tiling batch norm's
 * [1,1,1,64] statistics to [32,32,32,64] in its gradient took ~130 ms. Block copies on the
 * wasm heap take ~2 ms.
 */
const tile: KernelReplacement = {
  kernelName: tf.Tile,
  wrap: (original) => (args: KernelArgs) => {
    const {x} = args.inputs as {x: tf.TensorInfo};
    const {reps} = args.attrs as unknown as tf.TileAttrs;
    if (x.dtype === 'string' || x.dtype === 'complex64' || reps.length !== x.shape.length) return original(args);
    const wasm = args.backend as BackendWasm;
    const out = wasm.makeOutput(x.shape.map((d, i) => d * reps[i]), x.dtype);
    if (tf.util.sizeFromShape(out.shape) === 0) return out;
    // Views on the heap, taken after makeOutput: an allocation may grow (and move) it.
    tileInto(wasm.typedArrayFromHeap(x), x.shape, reps, wasm.typedArrayFromHeap(out));
    return out;
  },
};

/**
 * Sums over the leading axes of [rows, cols] (row-major) into `dst` [cols], accumulated in
 * float64, times `scale`.
 */
export function sumLeadingRows(src: ArrayLike<number>, rows: number, cols: number, dst: {[i: number]: number}, scale = 1): void {
  const acc = new Float64Array(cols);
  for (let r = 0, base = 0; r < rows; r++, base += cols) {
    for (let c = 0; c < cols; c++) acc[c] += src[base + c];
  }
  for (let c = 0; c < cols; c++) dst[c] = acc[c] * scale;
}

/**
 * wasm's Sum and Mean reduce only innermost axes; for any other axes they first transpose the
 * whole input. Every bias and batch-norm gradient reduces [batch, h, w, C] over its LEADING
 * axes [0, 1, 2], so each one paid a full transpose (~15 ms at [32,32,32,64]). One pass over
 * the heap with a float64 accumulator per column takes ~2 ms and rounds less.
 */
function leadingAxesReduction(kernelName: string, mean: boolean): KernelReplacement {
  return {
    kernelName,
    wrap: (original) => (args: KernelArgs) => {
      const {x} = args.inputs as {x: tf.TensorInfo};
      const {axis, keepDims} = args.attrs as unknown as tf.SumAttrs;
      if (x.dtype !== 'float32') return original(args);
      const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
      const leading = axes.length;
      if (leading === 0 || leading === x.shape.length || axes.some((a, i) => a !== i)) return original(args);
      const rows = tf.util.sizeFromShape(x.shape.slice(0, leading));
      const rest = x.shape.slice(leading);
      if (rows === 0) return original(args);
      const wasm = args.backend as BackendWasm;
      const out = wasm.makeOutput(keepDims ? [...axes.map(() => 1), ...rest] : rest, 'float32');
      sumLeadingRows(wasm.typedArrayFromHeap(x), rows, tf.util.sizeFromShape(rest), wasm.typedArrayFromHeap(out), mean ? 1 / rows : 1);
      return out;
    },
  };
}

/**
 * wasm's BatchMatMul runs XNNPACK only for a·b; `transposeA` or `transposeB` go to a scalar
 * fallback loop (1.2–3 GFLOP/s). A linear layer's weight gradient xᵀ·dy took that path (6.5 ms
 * for [32,20]ᵀ·[32,6272]), and so did its input gradient dy·Wᵀ (2.4 ms for [32,6272]·[20,6272]ᵀ,
 * the MNIST decoder's first layer; the same again in its encoder). Transposing the operand first
 * (a copy of one matrix) keeps both on XNNPACK.
 */
const batchMatMul: KernelReplacement = {
  kernelName: tf.BatchMatMul,
  wrap: (original) => (args: KernelArgs) => {
    const {a, b} = args.inputs as {a: tf.TensorInfo; b: tf.TensorInfo};
    const attrs = args.attrs as unknown as tf.BatchMatMulAttrs;
    const {transposeA, transposeB} = attrs;
    if (!(transposeA || transposeB) || a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) {
      return original(args);
    }
    const wasm = args.backend as BackendWasm;
    const owned: tf.TensorInfo[] = [];
    const untransposed = (x: tf.TensorInfo): tf.TensorInfo => {
      const rank = x.shape.length;
      const perm = [...x.shape.keys()];
      [perm[rank - 2], perm[rank - 1]] = [rank - 1, rank - 2];
      const t = runWasmKernel(wasm, tf.Transpose, {x}, {perm});
      owned.push(t);
      return t;
    };
    try {
      const inputs = {a: transposeA ? untransposed(a) : a, b: transposeB ? untransposed(b) : b};
      return original({...args, inputs, attrs: {...args.attrs, transposeA: false, transposeB: false}}) as tf.TensorInfo;
    } finally {
      disposeWasmData(wasm, ...owned);
    }
  },
};

/** The replacements `registerWasmKernels` installs, each falling back to the kernel it replaces. */
export const WASM_KERNEL_REPLACEMENTS: readonly KernelReplacement[] = [
  conv2DBackpropInput,
  tile,
  leadingAxesReduction(tf.Sum, false),
  leadingAxesReduction(tf.Mean, true),
  batchMatMul,
  slice,
  splitV,
];
