import {constantGuessLoss, toMnistDigit} from './mnist-digit';

/** ink [height, width] with value `v` inside the rectangle, 0 elsewhere. */
function rectangle(width: number, height: number, r: {x: number; y: number; w: number; h: number}, v = 1): Float32Array {
  const ink = new Float32Array(width * height);
  for (let y = r.y; y < r.y + r.h; y++) for (let x = r.x; x < r.x + r.w; x++) ink[y * width + x] = v;
  return ink;
}

/** The 28 × 28 image that is `v` on [x0, x1) × [y0, y1) and 0 elsewhere. */
function block(x0: number, x1: number, y0: number, y1: number, v: number): Float32Array {
  const out = new Float32Array(784);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) out[y * 28 + x] = v;
  return out;
}

function expectClose(actual: Float32Array, expected: Float32Array, atol: number): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  expect(worst).toBeLessThanOrEqual(atol);
}

describe('toMnistDigit', () => {
  test('nothing drawn gives null', () => {
    expect(toMnistDigit(new Float32Array(280 * 280), 280, 280)).toBeNull();
    // Below the threshold is not ink.
    expect(toMnistDigit(rectangle(280, 280, {x: 10, y: 10, w: 50, h: 50}, 0.04), 280, 280)).toBeNull();
  });

  test('a 50 × 100 bar off-centre becomes a 10 × 20 bar centred by its mass', () => {
    // Box 50 wide, 100 tall → scale 20/100 = 0.2 → 10 × 20, every output pixel the mean of
    // 5 × 5 ones = 1. Its centre of mass (5, 10) moves to (14, 14): shift (9, 4).
    const digit = toMnistDigit(rectangle(280, 280, {x: 200, y: 7, w: 50, h: 100}), 280, 280)!;
    expectClose(digit, block(9, 19, 4, 24, 1), 1e-6);
  });

  test('area averaging: a one-pixel checkerboard 40 × 40 becomes 20 × 20 of 0.5', () => {
    // Each output pixel covers 2 × 2 input pixels, two of them ink.
    const ink = new Float32Array(100 * 100);
    for (let y = 30; y < 70; y++) for (let x = 30; x < 70; x++) ink[y * 100 + x] = (x + y) % 2 === 0 ? 1 : 0;
    expectClose(toMnistDigit(ink, 100, 100)!, block(4, 24, 4, 24, 0.5), 1e-6);
  });

  test('an uneven shape: longer side 20 px, centre of mass within half a pixel of (14, 14)', () => {
    // A thick "L": a 12 × 90 stem and a 60 × 12 foot; box 60 × 90 → scale 2/9.
    const ink = rectangle(200, 150, {x: 40, y: 20, w: 12, h: 90});
    const foot = rectangle(200, 150, {x: 40, y: 98, w: 60, h: 12});
    for (let i = 0; i < ink.length; i++) ink[i] = Math.max(ink[i], foot[i]);
    const digit = toMnistDigit(ink, 200, 150)!;
    let mass = 0, cx = 0, cy = 0, top = 28, bottom = -1;
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        const v = digit[y * 28 + x];
        mass += v; cx += v * (x + 0.5); cy += v * (y + 0.5);
        if (v > 0) { top = Math.min(top, y); bottom = Math.max(bottom, y); }
      }
    }
    expect(bottom - top + 1).toBe(20);
    expect(Math.abs(cx / mass - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(cy / mass - 14)).toBeLessThanOrEqual(0.5);
    // Area averaging keeps the ink up to the change of area: the box 60 × 90 becomes
    // round(60 · 2/9) = 13 × 20, so mass = 1656 px of ink (12·90 + 48·12) × (13/60) · (20/90).
    expect(mass).toBeCloseTo(1656 * (13 / 60) * (20 / 90), 4);
  });

  test('throws when the ink does not match width × height', () => {
    expect(() => toMnistDigit(new Float32Array(10), 4, 4)).toThrow(/ink has 10 values, width × height is 4 × 4 = 16/);
  });
});

describe('constantGuessLoss', () => {
  test('pixels [1, 0, 0, 0]: p = 1/4, loss −(¼·log ¼ + ¾·log ¾) = 0.562335', () => {
    expect(constantGuessLoss([1, 0, 0, 0])).toBeCloseTo(-(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75)), 6);
    expect(constantGuessLoss([1, 0, 0, 0])).toBeCloseTo(0.562335, 5);
  });

  test('grey pixels count by their value: [0.5, 0.5] has p = ½ and loss log 2', () => {
    expect(constantGuessLoss([0.5, 0.5])).toBeCloseTo(Math.log(2), 6);
  });

  test('a blank image costs (almost) nothing: p is clipped at 1e-7, not log(0)', () => {
    expect(constantGuessLoss([0, 0, 0])).toBeCloseTo(1e-7, 9);
  });
});
