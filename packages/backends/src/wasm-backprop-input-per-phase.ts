import * as tf from '@tensorflow/tfjs-core';
import type {BackendWasm} from '@tensorflow/tfjs-backend-wasm';
import {convolveWindow, disposeWasmData} from './wasm-kernel-calls';

type Shape4 = [number, number, number, number];

/**
 * Along one spatial axis, the rows of dx that belong to phase ρ of a stride-s convolution's
 * input gradient, and where the stride-1 correlation that computes exactly them reads dy.
 * `null` when the phase gets no contribution (no tap of the kernel, no row of dx, or no row of
 * dy within reach): its rows of dx are zero.
 */
export interface PhaseWindow {
  /** First row of dx in this phase, and how many (every s-th row from there). */
  readonly first: number;
  readonly count: number;
  /** Taps of the kernel in this phase: f[ρ + s·j], j < taps. */
  readonly taps: number;
  /** Zero rows to add before and after dy, or rows of dy to cut (never both on one side). */
  readonly padBefore: number;
  readonly padAfter: number;
  readonly cropBefore: number;
  readonly cropAfter: number;
}

/**
 * dx's row h sits at u = h + pad in the forward conv's padded input; with u = s·a + ρ it
 * receives dy[a − j] · f[ρ + s·j] for the taps j < ⌈(k − ρ)/s⌉. The rows of phase ρ are
 * h = first, first + s, …; their a run from a₀ = (first + pad − ρ)/s over `count` values, so the
 * correlation reads dy[a₀ − taps + 1 … a₀ + count − 1]: whatever of that lies outside dy is
 * zero padding, whatever of dy lies outside it is cut.
 */
export function phaseWindow(pad: number, size: number, dySize: number, kernel: number, stride: number, phase: number): PhaseWindow | null {
  const taps = Math.ceil((kernel - phase) / stride);
  const first = (((phase - pad) % stride) + stride) % stride;
  if (taps <= 0 || first >= size) return null;
  const count = Math.floor((size - 1 - first) / stride) + 1;
  const a0 = (first + pad - phase) / stride;
  const readFrom = a0 - taps + 1, readTo = a0 + count - 1;
  if (readTo < 0 || readFrom > dySize - 1) return null;
  return {
    first, count, taps,
    padBefore: Math.max(0, -readFrom), cropBefore: Math.max(0, readFrom),
    padAfter: Math.max(0, readTo - (dySize - 1)), cropAfter: Math.max(0, dySize - 1 - readTo),
  };
}

/**
 * The flipped sub-kernel of phase (ρh, ρw) as a stride-1 conv2d filter [th, tw, outC, inC]:
 * g[i, j, o, c] = f[ρh + sh·(th − 1 − i), ρw + sw·(tw − 1 − j), c, o] for f [kh, kw, inC, outC].
 */
export function phaseFilter(f: ArrayLike<number>, shape: Shape4, strides: [number, number],
  phase: [number, number], taps: [number, number]): Float32Array {
  const [, kw, inC, outC] = shape;
  const [sh, sw] = strides, [ph, pw] = phase, [th, tw] = taps;
  const out = new Float32Array(th * tw * outC * inC);
  for (let i = 0; i < th; i++) {
    const h = ph + sh * (th - 1 - i);
    for (let j = 0; j < tw; j++) {
      const w = pw + sw * (tw - 1 - j);
      const src = (h * kw + w) * inC * outC, dst = (i * tw + j) * outC * inC;
      for (let c = 0; c < inC; c++) {
        for (let o = 0; o < outC; o++) out[dst + o * inC + c] = f[src + c * outC + o];
      }
    }
  }
  return out;
}

/**
 * dx[b, firstRow + sh·i, firstCol + sw·j, :] = phase[b, i, j, :]: one phase's rows written into
 * their places in dx [batch, height, width, C].
 */
export function scatterPhase(phase: ArrayLike<number>, phaseShape: Shape4, dx: {[i: number]: number}, dxShape: Shape4,
  firstRow: number, firstCol: number, strides: [number, number]): void {
  const [batch, rows, cols, channels] = phaseShape;
  const [, height, width] = dxShape;
  const [sh, sw] = strides;
  let i = 0;
  for (let b = 0; b < batch; b++) {
    for (let r = 0; r < rows; r++) {
      const rowBase = (b * height + firstRow + sh * r) * width;
      for (let c = 0; c < cols; c++) {
        let o = (rowBase + firstCol + sw * c) * channels;
        for (let k = 0; k < channels; k++) dx[o++] = phase[i++];
      }
    }
  }
}

/**
 * Whether `conv2DBackpropInputPerPhase` beats the stacked form (`conv2DBackpropInputByPhases`).
 * The stacked form runs ONE XNNPACK convolution with s²·inC output channels over the union of
 * the phases' windows; when the padding shifts the phases against each other that union is
 * larger than each window (MNIST's 7×7 → 14×14, k 4, s 2, pad 1: 8×8 per phase for 7×7 used,
 * 1.31× the arithmetic; CIFAR's 4×4 → 8×8: 1.56×), and its interleaving copy reads s²·inC
 * channels at a time. The per-phase form does exactly the arithmetic needed, in s² smaller
 * convolutions with inC output channels each, which XNNPACK runs poorly when inC is small.
 * Measured on wasm (one thread, batch 32, ms, stacked → per-phase): MNIST 7→14 (inC 64)
 * 15 → 13; CIFAR 4→8 (inC 128) 15 → 10, 8→16 (inC 64) 19 → 15, 1→4 'valid' (no waste,
 * inC 128) 10.4 → 9.2; but MNIST 14→28 (inC 1) 0.8 → 2.6. Hence: per phase for s > 1 and inC ≥ 16.
 */
export function perPhaseIsFaster(info: tf.backend_util.Conv2DInfo): boolean {
  return info.strideHeight * info.strideWidth > 1 && info.inShape[3] >= 16;
}

/**
 * dx of a stride-s convolution (conv2dTranspose's forward pass, conv2d's input gradient) as
 * s² stride-1 XNNPACK convolutions, one per phase (ρh, ρw) of dx's rows and columns, each over
 * exactly the dy rows its outputs need and with its own flipped sub-kernel (`phaseFilter`);
 * each result is written into its rows of dx (`scatterPhase`). Phases that get no contribution
 * are zero.
 */
export function conv2DBackpropInputPerPhase(
  wasm: BackendWasm, dy: tf.TensorInfo, filter: tf.TensorInfo, info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const {strideHeight: sh, strideWidth: sw} = info;
  const [, inHeight, inWidth, inChannels] = info.inShape;
  const [, dyHeight, dyWidth, outChannels] = dy.shape;
  const strides: [number, number] = [sh, sw];
  const owned: tf.TensorInfo[] = [];
  const phases: {out: tf.TensorInfo; row: number; col: number}[] = [];
  let complete = true;
  try {
    for (let ph = 0; ph < sh; ph++) {
      for (let pw = 0; pw < sw; pw++) {
        const rows = phaseWindow(info.padInfo.top, inHeight, dyHeight, info.filterHeight, sh, ph);
        const cols = phaseWindow(info.padInfo.left, inWidth, dyWidth, info.filterWidth, sw, pw);
        if (rows === null || cols === null) {
          complete = false;
          continue;
        }
        const g = wasm.makeOutput([rows.taps, cols.taps, outChannels, inChannels], 'float32', undefined,
          phaseFilter(wasm.typedArrayFromHeap(filter), filter.shape as Shape4, strides, [ph, pw], [rows.taps, cols.taps]));
        owned.push(g);
        const out = convolveWindow(wasm, dy, g, rows, cols, owned); // [batch, rows.count, cols.count, inC]
        owned.push(out);
        phases.push({out, row: rows.first, col: cols.first});
      }
    }
    const dx = wasm.makeOutput(info.inShape, 'float32');
    // Views on the heap, taken after the last allocation: an allocation may grow (and move) it.
    const dxValues = wasm.typedArrayFromHeap(dx);
    if (!complete) dxValues.fill(0);
    for (const {out, row, col} of phases) {
      scatterPhase(wasm.typedArrayFromHeap(out), out.shape as Shape4, dxValues, info.inShape, row, col, strides);
    }
    return dx;
  } finally {
    disposeWasmData(wasm, ...owned);
  }
}
