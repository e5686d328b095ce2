import * as tf from '@tensorflow/tfjs-core';
import {useBackend} from '@encoderless/backends';
import {countParameters} from '@encoderless/load';
import {createRandom} from '@encoderless/random';
import {expectArraysClose, expectNoLeaks} from '@encoderless/test-utils';
import {
  createBatchNorm, createCifarDecoder, createCifarEncoder, createConvTranspose2d, createConv2d,
  createMnistDecoder, createMnistEncoder,
} from './index';

/**
 * PyTorch's ConvTranspose2d written naively in float64 (NHWC, filter [k, k, outC, inC]):
 * every input pixel scatters k×k copies of its filter, at stride s, shifted up-left by p.
 */
function naiveConvTranspose(x: Float64Array, [n, h, w, ci]: number[], f: Float64Array, k: number, co: number, s: number, p: number) {
  const ho = (h - 1) * s - 2 * p + k, wo = (w - 1) * s - 2 * p + k;
  const y = new Float64Array(n * ho * wo * co);
  for (let b = 0; b < n; b++) for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) for (let c = 0; c < ci; c++) {
    const v = x[((b * h + i) * w + j) * ci + c];
    for (let a = 0; a < k; a++) for (let e = 0; e < k; e++) {
      const oi = i * s - p + a, oj = j * s - p + e;
      if (oi < 0 || oj < 0 || oi >= ho || oj >= wo) continue;
      for (let o = 0; o < co; o++) y[((b * ho + oi) * wo + oj) * co + o] += v * f[((a * k + e) * co + o) * ci + c];
    }
  }
  return {y, shape: [n, ho, wo, co]};
}

/** PyTorch's Conv2d, naive float64, NHWC, filter [k, k, inC, outC]. */
function naiveConv(x: Float64Array, [n, h, w, ci]: number[], f: Float64Array, k: number, co: number, s: number, p: number) {
  const ho = Math.floor((h + 2 * p - k) / s) + 1, wo = Math.floor((w + 2 * p - k) / s) + 1;
  const y = new Float64Array(n * ho * wo * co);
  for (let b = 0; b < n; b++) for (let oi = 0; oi < ho; oi++) for (let oj = 0; oj < wo; oj++) for (let o = 0; o < co; o++) {
    let sum = 0;
    for (let a = 0; a < k; a++) for (let e = 0; e < k; e++) {
      const i = oi * s - p + a, j = oj * s - p + e;
      if (i < 0 || j < 0 || i >= h || j >= w) continue;
      for (let c = 0; c < ci; c++) sum += x[((b * h + i) * w + j) * ci + c] * f[((a * k + e) * ci + c) * co + o];
    }
    y[((b * ho + oi) * wo + oj) * co + o] = sum;
  }
  return {y, shape: [n, ho, wo, co]};
}

describe('image models (wasm)', () => {
  beforeAll(async () => { await useBackend('wasm'); });
  const rng = createRandom(1);
  const input = (shape: number[]) => Float64Array.from({length: shape.reduce((a, b) => a * b)}, () => rng.normal());

  it.each([[4, 2, 1, [2, 3, 3, 2]], [4, 2, 0, [1, 1, 1, 3]], [3, 1, 1, [1, 4, 4, 2]], [1, 1, 0, [1, 2, 2, 3]]])(
    'convTranspose k=%p s=%p p=%p x=%p matches PyTorch semantics (naive float64)', (k, s, p, shape) => {
      const layer = createConvTranspose2d(createRandom(2), {inChannels: shape[3], outChannels: 2, kernel: k, stride: s, padding: p, bias: false});
      const x = input(shape);
      const f = Float64Array.from(layer.variables[0].dataSync());
      const ref = naiveConvTranspose(x, shape, f, k, 2, s, p);
      const out = tf.tidy(() => layer.apply(tf.tensor(Float32Array.from(x), shape)));
      expect(out.shape).toEqual(ref.shape);
      // float32 sums of ≤ 16·3 terms of order 1: 1e-5 absolute.
      expectArraysClose(out, ref.y, {atol: 1e-5});
      out.dispose();
      tf.dispose([...layer.variables]);
    });

  it.each([[4, 2, 1, [2, 6, 6, 2]], [4, 2, 0, [1, 4, 4, 3]], [1, 1, 0, [1, 3, 3, 3]]])(
    'conv2d k=%p s=%p p=%p x=%p matches PyTorch semantics (naive float64)', (k, s, p, shape) => {
      const layer = createConv2d(createRandom(3), {inChannels: shape[3], outChannels: 2, kernel: k, stride: s, padding: p, bias: false});
      const x = input(shape);
      const ref = naiveConv(x, shape, Float64Array.from(layer.variables[0].dataSync()), k, 2, s, p);
      const out = tf.tidy(() => layer.apply(tf.tensor(Float32Array.from(x), shape)));
      expect(out.shape).toEqual(ref.shape);
      expectArraysClose(out, ref.y, {atol: 1e-5});
      out.dispose();
      tf.dispose([...layer.variables]);
    });

  it('the paper\'s MNIST decoder has 263,873 parameters and the encoder 257,748 (counted by @encoderless/load)', () => {
    const dec = createMnistDecoder({seed: 1}), enc = createMnistEncoder({seed: 2});
    expect(countParameters(dec)).toBe(263_873);
    expect(countParameters(enc)).toBe(257_748);
    // The same count from the variables' sizes, independently of countParameters().
    expect(dec.variables.reduce((s, v) => s + v.size, 0)).toBe(263_873);
    expect(enc.variables.reduce((s, v) => s + v.size, 0)).toBe(257_748);
    const shapes = tf.tidy(() => {
      const x = dec.apply(tf.randomNormal([3, 20]));
      const min = tf.min(x).dataSync()[0], max = tf.max(x).dataSync()[0];
      return {x: x.shape, z: enc.apply(x).shape, min, max};
    });
    expect(shapes.x).toEqual([3, 28, 28, 1]);
    expect(shapes.z).toEqual([3, 20]);
    expect(shapes.min >= 0 && shapes.max <= 1).toBe(true); // sigmoid output
    dec.dispose(); enc.dispose();
  });

  it.each([3, 5])('the README\'s parameter formulas hold at c = %p (the CIFAR width; the MNIST latentDim m = c)', (c) => {
    const formulas: [() => {countParameters(): number; dispose(): void}, number][] = [
      [() => createCifarDecoder({variant: '1x1', capacity: c}), 112 * c * c + 8213 * c + 3],
      [() => createCifarDecoder({variant: '4x4', capacity: c}), 48 * c * c + 2063 * c + 3],
      [() => createCifarEncoder({variant: '1x1', capacity: c}), 112 * c * c + 8213 * c + 256],
      [() => createCifarEncoder({variant: '4x4', capacity: c}), 48 * c * c + 2063 * c + 64],
      [() => createMnistDecoder({latentDim: c}), 6272 * c + 138_433],
      [() => createMnistEncoder({latentDim: c}), 6273 * c + 132_288],
    ];
    for (const [make, count] of formulas) {
      const model = make();
      expect(countParameters(model)).toBe(count);
      model.dispose();
    }
  });

  // Appendix A, layer by layer, at the paper's widths: every trainable tensor's shape in order
  // (tfjs filters: ConvT [k, k, out, in], Conv [k, k, in, out]; then the bias; batch norm: γ, β),
  // and the total added up by hand. The formula test above must agree with these totals.
  const convT = (k: number, co: number, ci: number) => [[k, k, co, ci], [co]];
  const conv = (k: number, ci: number, co: number) => [[k, k, ci, co], [co]];
  const bn = (c: number) => [[c], [c]];
  it.each([
    // ConvT 256→128 k4: 16·128·256 + 128 = 524,416, BN 256; ConvT 128→128: 262,144 + 128, BN 256;
    // ConvT 128→64: 131,072 + 64, BN 128; ConvT 64→64: 65,536 + 64, BN 128; ConvT 1×1 64→3: 192 + 3.
    // 524,672 + 262,528 + 131,264 + 65,728 + 195 = 984,387.
    ['decoder', '1x1', [...convT(4, 128, 256), ...bn(128), ...convT(4, 128, 128), ...bn(128), ...convT(4, 64, 128), ...bn(64),
      ...convT(4, 64, 64), ...bn(64), ...convT(1, 3, 64)], 984_387],
    // Conv 1×1 3→64: 192 + 64, BN 128; Conv 64→64 k4: 65,536 + 64, BN 128; Conv 64→128: 131,072 + 128,
    // BN 256; Conv 128→128: 262,144 + 128, BN 256; Conv 128→256: 524,288 + 256.
    // 384 + 65,728 + 131,456 + 262,528 + 524,544 = 984,640.
    ['encoder', '1x1', [...conv(1, 3, 64), ...bn(64), ...conv(4, 64, 64), ...bn(64), ...conv(4, 64, 128), ...bn(128),
      ...conv(4, 128, 128), ...bn(128), ...conv(4, 128, 256)], 984_640],
    // ConvT 64→32 k4: 32,768 + 32, BN 64; ConvT 32→16: 8,192 + 16, BN 32; ConvT 16→16: 4,096 + 16, BN 32;
    // ConvT 1×1 16→3: 48 + 3. 32,864 + 8,240 + 4,144 + 51 = 45,299.
    ['decoder', '4x4', [...convT(4, 32, 64), ...bn(32), ...convT(4, 16, 32), ...bn(16), ...convT(4, 16, 16), ...bn(16),
      ...convT(1, 3, 16)], 45_299],
    // Conv 1×1 3→16: 48 + 16, BN 32; Conv 16→16 k4: 4,096 + 16, BN 32; Conv 16→32: 8,192 + 32, BN 64;
    // Conv 32→64: 32,768 + 64. 96 + 4,144 + 8,288 + 32,832 = 45,360.
    ['encoder', '4x4', [...conv(1, 3, 16), ...bn(16), ...conv(4, 16, 16), ...bn(16), ...conv(4, 16, 32), ...bn(32),
      ...conv(4, 32, 64)], 45_360],
  ] as const)('CIFAR %s_%s: its weights by hand from Appendix A', (kind, variant, shapes, total) => {
    const model = kind === 'decoder' ? createCifarDecoder({variant}) : createCifarEncoder({variant});
    expect(model.variables.map((v) => v.shape)).toEqual(shapes);
    expect(countParameters(model)).toBe(total);
    model.dispose();
  });

  it.each(['1x1', '4x4'] as const)('CIFAR %s decoder and encoder map [256|1024] ↔ [32, 32, 3]', (variant) => {
    const dec = createCifarDecoder({variant, seed: 1}), enc = createCifarEncoder({variant, seed: 2});
    const m = variant === '1x1' ? 256 : 1024;
    expect(dec.inputShape).toEqual([m]);
    const shapes = tf.tidy(() => {
      const x = dec.apply(tf.randomNormal([2, m]), {training: true});
      return [x.shape, enc.apply(x, {training: true}).shape];
    });
    expect(shapes).toEqual([[2, 32, 32, 3], [2, m]]);
    expectNoLeaks(() => tf.tidy(() => { dec.apply(tf.ones([2, m]), {training: true}); }));
    dec.dispose(); enc.dispose();
  });

  it('batch norm, training: batch statistics out, running stats move by momentum 0.1 with unbiased variance', () => {
    const bn = createBatchNorm(2);
    // channel 0: values 1, 3 (mean 2, biased var 1, unbiased 2); channel 1: 0, 0.
    const x = tf.tensor4d([1, 0, 3, 0], [2, 1, 1, 2]);
    const y = tf.tidy(() => bn.apply(x, {training: true}));
    expectArraysClose(y, [-1 / Math.sqrt(1 + 1e-5), 0, 1 / Math.sqrt(1 + 1e-5), 0], {atol: 1e-6});
    const [mean, variance] = bn.state;
    expectArraysClose(mean, [0.2, 0], {atol: 1e-7});
    expectArraysClose(variance, [0.9 + 0.2, 0.9], {atol: 1e-7});
    // Eval mode: (x − running mean)/√(running var + eps).
    const e = tf.tidy(() => bn.apply(x, {training: false}));
    expectArraysClose(e, [0.8 / Math.sqrt(1.1 + 1e-5), 0, 2.8 / Math.sqrt(1.1 + 1e-5), 0], {atol: 1e-6});
    tf.dispose([x, y, e, ...bn.variables, ...bn.state]);
  });

  it('creating and disposing every image model leaves no tensor behind (batch norm\'s running statistics included)', () => {
    const before = tf.memory().numTensors;
    for (const variant of ['1x1', '4x4'] as const) {
      createCifarDecoder({variant}).dispose();
      createCifarEncoder({variant}).dispose();
    }
    createMnistDecoder().dispose();
    createMnistEncoder().dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('throws on a bad CIFAR variant or conv size', () => {
    expect(() => createCifarDecoder({variant: '2x2' as '1x1'})).toThrow(/variant must be '1x1' or '4x4', got '2x2'/);
    expect(() => createConv2d(createRandom(1), {inChannels: 0, outChannels: 1, kernel: 3})).toThrow(/inChannels must be a positive integer, got 0/);
  });
});
