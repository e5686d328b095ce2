/**
 * A drawing as MNIST's digits were made (LeCun et al.): the ink's bounding box scaled, aspect
 * kept, so its longer side is 20 pixels (area-averaged, so strokes stay anti-aliased), then
 * placed in a 28 × 28 field with its centre of mass at the centre. A decoder trained on MNIST
 * has only seen digits of that size and position; a drawing in a corner would be a different
 * problem.
 *
 * `ink` is [height, width] row-major in [0, 1] (1 = ink). Returns [28 · 28] row-major in
 * [0, 1], or null when nothing is drawn (no value above `threshold`, default 0.05).
 *
 * ```ts
 * const digit = toMnistDigit(inkFromCanvas, 280, 280); // Float32Array(784) or null
 * ```
 */
export function toMnistDigit(ink: ArrayLike<number>, width: number, height: number, threshold = 0.05): Float32Array | null {
  if (ink.length !== width * height) {
    throw new Error(`toMnistDigit: ink has ${ink.length} values, width × height is ${width} × ${height} = ${width * height}`);
  }
  let top = height, bottom = -1, left = width, right = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x] > threshold) {
        if (y < top) top = y;
        if (y > bottom) bottom = y;
        if (x < left) left = x;
        if (x > right) right = x;
      }
    }
  }
  if (bottom < 0) return null;
  const boxW = right - left + 1, boxH = bottom - top + 1;
  const scale = BOX / Math.max(boxW, boxH);
  const outW = Math.max(1, Math.round(boxW * scale)), outH = Math.max(1, Math.round(boxH * scale));
  const small = areaResample(ink, width, {left, top, boxW, boxH}, outW, outH);

  // Centre of mass of the scaled box, then the whole-pixel shift that puts it at the field's centre.
  let mass = 0, cx = 0, cy = 0;
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      const v = small[y * outW + x];
      mass += v;
      cx += v * (x + 0.5);
      cy += v * (y + 0.5);
    }
  }
  const dx = Math.round(SIZE / 2 - cx / mass), dy = Math.round(SIZE / 2 - cy / mass);
  const out = new Float32Array(SIZE * SIZE);
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      const tx = x + dx, ty = y + dy;
      if (tx >= 0 && tx < SIZE && ty >= 0 && ty < SIZE) out[ty * SIZE + tx] = Math.min(1, small[y * outW + x]);
    }
  }
  return out;
}

/** MNIST's field and the size its digits were scaled to. */
const SIZE = 28;
const BOX = 20;

/**
 * Each output pixel is the mean of the input over the rectangle it covers (partial pixels
 * weighted by their covered fraction): the box [left, left + boxW) × [top, top + boxH) of `ink`
 * (row stride `width`) resampled to outW × outH.
 */
function areaResample(ink: ArrayLike<number>, width: number, box: {left: number; top: number; boxW: number; boxH: number},
  outW: number, outH: number): Float32Array {
  const {left, top, boxW, boxH} = box;
  const sx = boxW / outW, sy = boxH / outH;
  const out = new Float32Array(outW * outH);
  for (let oy = 0; oy < outH; oy++) {
    const y0 = oy * sy, y1 = y0 + sy;
    for (let ox = 0; ox < outW; ox++) {
      const x0 = ox * sx, x1 = x0 + sx;
      let sum = 0;
      for (let y = Math.floor(y0); y < Math.ceil(y1); y++) {
        const wy = Math.min(y + 1, y1) - Math.max(y, y0);
        for (let x = Math.floor(x0); x < Math.ceil(x1); x++) {
          const wx = Math.min(x + 1, x1) - Math.max(x, x0);
          sum += wx * wy * ink[(top + y) * width + left + x];
        }
      }
      out[oy * outW + ox] = sum / (sx * sy);
    }
  }
  return out;
}

/**
 * The loss of the best image that ignores the drawing's shape: every pixel the drawing's mean
 * ink p, scored as the decoder's fits are (binary cross-entropy per pixel, natural log):
 * −mean(x·log p + (1 − x)·log(1 − p)). A fit that found the digit's shape is well below it.
 */
export function constantGuessLoss(digit: ArrayLike<number>): number {
  let p = 0;
  for (let i = 0; i < digit.length; i++) p += digit[i] / digit.length;
  p = Math.min(1 - 1e-7, Math.max(1e-7, p));
  let sum = 0;
  for (let i = 0; i < digit.length; i++) sum -= digit[i] * Math.log(p) + (1 - digit[i]) * Math.log(1 - p);
  return sum / digit.length;
}
