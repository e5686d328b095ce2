import {expectArraysClose} from '@encoderless/test-utils';
import {createRandom} from '@encoderless/random';
import {BadConfigError} from './bad-config-error';
import {resizeImage} from './resize-image';

const gray = (height: number, width: number, data: number[]) => ({height, width, channels: 1, data});

/**
 * Naive float64 area average in 2D, independent of the separable code: output pixel (i, j)
 * covers the box [i·sy, (i+1)·sy) × [j·sx, (j+1)·sx); every input pixel counts by the area it
 * overlaps, divided by the box's area.
 */
function areaReference(h: number, w: number, c: number, data: ArrayLike<number>, oh: number, ow: number): Float64Array {
  const sy = h / oh, sx = w / ow;
  const out = new Float64Array(oh * ow * c);
  const overlap = (a0: number, a1: number, b0: number, b1: number) => Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
  for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) for (let k = 0; k < c; k++) {
    let sum = 0;
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      sum += overlap(i * sy, (i + 1) * sy, y, y + 1) * overlap(j * sx, (j + 1) * sx, x, x + 1) * data[(y * w + x) * c + k];
    }
    out[(i * ow + j) * c + k] = sum / (sy * sx);
  }
  return out;
}

describe('resizeImage', () => {
  // Tolerance: values up to 255 summed in float64 and rounded once to float32: 1e-4 absolute.
  const tol = {atol: 1e-4, rtol: 0};

  it('4×4 → 2×2 (1 channel) is the mean of 2×2 blocks', () => {
    // 0 1 2 3 / 4 5 6 7 / 8 9 10 11 / 12 13 14 15: blocks (0+1+4+5)/4 = 2.5, 4.5, 10.5, 12.5.
    const out = resizeImage(gray(4, 4, Array.from({length: 16}, (_, i) => i)), [2, 2]);
    expect([out.height, out.width]).toEqual([2, 2]);
    expectArraysClose(out.data, [2.5, 4.5, 10.5, 12.5], tol);
  });

  it('width 3 → 2 averages fractional areas', () => {
    // s = 1.5: out0 = (1·0 + 0.5·3) / 1.5 = 1, out1 = (0.5·3 + 1·6) / 1.5 = 5.
    expectArraysClose(resizeImage(gray(1, 3, [0, 3, 6]), [1, 2]).data, [1, 5], tol);
  });

  it('width 2 → 4 interpolates bilinearly between pixel centres, edges repeated', () => {
    // Sample points (j + 0.5)·0.5 − 0.5 = −0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1): 0, 2, 6, 8.
    expectArraysClose(resizeImage(gray(1, 2, [0, 8]), [1, 4]).data, [0, 2, 6, 8], tol);
  });

  it('height 2 → 1 with width 1 → 2: area on one axis, bilinear on the other', () => {
    // Height: (0 + 10) / 2 = 5; width: one pixel repeated, 5 5.
    expectArraysClose(resizeImage(gray(2, 1, [0, 10]), [1, 2]).data, [5, 5], tol);
  });

  it('2×2×3 → 1×1 averages each channel separately', () => {
    const data = [0, 10, 100, 2, 20, 200, 4, 30, 0, 6, 40, 100];
    expectArraysClose(resizeImage({height: 2, width: 2, data}, [1, 1]).data, [3, 25, 100], tol);
  });

  it('the same size copies exactly', () => {
    const data = Array.from({length: 5 * 3 * 3}, (_, i) => (i * 37) % 256);
    expect(Array.from(resizeImage({height: 5, width: 3, data}, [5, 3]).data)).toEqual(data);
  });

  it('7×5×3 → 3×4 and 13×11×3 → 8×8 match a naive 2D area average', () => {
    const rng = createRandom(1);
    for (const [h, w, oh, ow] of [[7, 5, 3, 4], [13, 11, 8, 8]]) {
      const data = Array.from({length: h * w * 3}, () => rng.integer(256));
      const out = resizeImage({height: h, width: w, data}, [oh, ow]);
      expectArraysClose(out.data, areaReference(h, w, 3, data, oh, ow), tol);
    }
  });

  it('a constant image stays constant, shrinking or growing', () => {
    for (const size of [[3, 3], [32, 32], [5, 17]] as const) {
      const out = resizeImage({height: 9, width: 6, channels: 1, data: new Array(54).fill(77)}, size);
      expectArraysClose(out.data, new Array(size[0] * size[1]).fill(77), tol);
    }
  });

  it('throws when data does not hold height·width·channels values', () => {
    expect(() => resizeImage({height: 2, width: 2, data: [1, 2, 3]}, [1, 1])).toThrow(BadConfigError);
    expect(() => resizeImage({height: 2, width: 2, data: [1, 2, 3]}, [1, 1]))
      .toThrow(/resizeImage: image\.data has 3 values, expected height·width·channels = 2·2·3 = 12/);
  });

  it('throws on a size that is not [height, width] of positive integers', () => {
    expect(() => resizeImage(gray(1, 1, [0]), [0, 2])).toThrow(/resizeImage: size\[0\] \(height\) must be a positive integer, got 0/);
  });
});
