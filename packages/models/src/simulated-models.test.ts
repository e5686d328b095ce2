import * as tf from '@tensorflow/tfjs-core';
import {useBackend} from '@encoderless/backends';
import {countParameters} from '@encoderless/load';
import {expectArraysClose, expectNoLeaks} from '@encoderless/test-utils';
import {createSparseDecoder, createLinearEncoder, composeAutoencoder} from './index';

describe('simulated models', () => {
  beforeAll(async () => { await useBackend('wasm'); });

  it('sparse decoder m=2 n=3: ReLU(z·(A∘W) + b) against a hand computation', () => {
    const mask = [1, 0, 1, 0, 1, 1];
    const dec = createSparseDecoder({latentDim: 2, outputDim: 3, mask, seed: 1});
    const [w, b] = dec.variables.map((v) => Array.from(v.dataSync()));
    // masked weights start at zero
    expect([w[1] === 0, w[3] === 0]).toEqual([true, true]); // ±0
    const z = [0.5, -2];
    const expected = [0, 1, 2].map((j) => Math.max(0, z[0] * w[j] * mask[j] + z[1] * w[3 + j] * mask[3 + j] + b[j]));
    const out = tf.tidy(() => dec.apply(tf.tensor2d([z])).dataSync());
    expectArraysClose(out, expected, {atol: 1e-6});
    dec.dispose();
  });

  it('masked weights get zero gradient and the count is edges + biases', () => {
    const mask = [1, 0, 0, 1];
    const dec = createSparseDecoder({latentDim: 2, outputDim: 2, mask, relu: false, seed: 2});
    const g = tf.tidy(() => tf.engine().gradients(() => tf.sum(dec.apply(tf.ones([3, 2]))), [dec.variables[0]]).grads[0].dataSync());
    expect([g[1] === 0, g[2] === 0]).toEqual([true, true]);
    expect(g[0]).not.toBe(0);
    expect(dec.countParameters()).toBe(2 + 2);
    expect(countParameters(dec)).toBe(4);
    dec.dispose();
  });

  it('the simulated net (n=1000, m=100) has 100,100 encoder parameters and edges+1000 decoder ones', () => {
    const mask = Array.from({length: 100 * 1000}, (_, i) => (i % 10 === 0 ? 1 : 0));
    const dec = createSparseDecoder({latentDim: 100, outputDim: 1000, mask});
    const enc = createLinearEncoder({inputDim: 1000, latentDim: 100});
    expect(dec.countParameters()).toBe(10_000 + 1_000);
    expect(enc.countParameters()).toBe(100_100);
    const ae = composeAutoencoder(enc, dec);
    expect(ae.countParameters()).toBe(111_100);
    expect(tf.tidy(() => ae.apply(tf.ones([2, 1000])).shape)).toEqual([2, 1000]);
    ae.dispose();
  });

  it('encoder applies LeakyReLU with slope 0.1', () => {
    const enc = createLinearEncoder({inputDim: 2, latentDim: 1, seed: 3});
    const [v, c] = enc.variables.map((x) => Array.from(x.dataSync()));
    const x = [3, -4];
    const pre = x[0] * v[0] + x[1] * v[1] + c[0];
    const out = tf.tidy(() => enc.apply(tf.tensor2d([x])).dataSync()[0]);
    expectArraysClose([out], [pre > 0 ? pre : 0.1 * pre], {atol: 1e-6});
    enc.dispose();
  });

  it('same seed, same weights; apply leaks nothing', () => {
    const a = createLinearEncoder({inputDim: 5, latentDim: 2, seed: 4});
    const b = createLinearEncoder({inputDim: 5, latentDim: 2, seed: 4});
    expect(Array.from(a.variables[0].dataSync())).toEqual(Array.from(b.variables[0].dataSync()));
    const x = tf.ones([3, 5]);
    expectNoLeaks(() => a.apply(x));
    tf.dispose(x);
    a.dispose(); b.dispose();
  });

  it('throws when sizes or the mask are wrong', () => {
    expect(() => createSparseDecoder({latentDim: 2, outputDim: 3, mask: [1, 0]})).toThrow(/mask has 2 entries, expected latentDim 2 × outputDim 3 = 6/);
    expect(() => createSparseDecoder({latentDim: 0, outputDim: 3})).toThrow(/latentDim must be a positive integer, got 0/);
    expect(() => createSparseDecoder({latentDim: 1, outputDim: 2, mask: [1, 0.5]})).toThrow(/only 0 and 1, found 0.5/);
    expect(() => createLinearEncoder({inputDim: 3, latentDim: 1, leakySlope: NaN})).toThrow(/leakySlope must be a number ≥ 0, got NaN/);
  });
});
