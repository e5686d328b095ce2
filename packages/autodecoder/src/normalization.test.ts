import * as tf from '@tensorflow/tfjs-core';
import {useBackend} from '@encoderless/backends';
import {expectArraysClose} from '@encoderless/test-utils';
import {denormalize, fitNormalization, normalize} from './normalization';

describe('normalization (wasm)', () => {
  beforeAll(async () => { await useBackend('wasm'); });
  // 3 samples × 2 features; feature 1 is constant.
  const data = Float32Array.from([1, 5, 3, 5, 8, 5]);

  it('standardize: mean 0 and population std 1 per feature, a constant feature keeps scale 1', () => {
    const norm = fitNormalization('standardize', data, 3, 2);
    // Feature 0: mean 4, population variance ((−3)² + (−1)² + 4²)/3 = 26/3.
    expectArraysClose(norm.shift!, [4, 5], {atol: 1e-6});
    expectArraysClose(norm.scale!, [Math.sqrt(26 / 3), 1], {atol: 1e-6});
    const y = normalize('t', norm, data, 2);
    expectArraysClose(y, [-3 / Math.sqrt(26 / 3), 0, -1 / Math.sqrt(26 / 3), 0, 4 / Math.sqrt(26 / 3), 0], {atol: 1e-6});
  });

  it('min-max maps the training range onto [0, 1]', () => {
    const norm = fitNormalization('min-max', data, 3, 2);
    expectArraysClose(normalize('t', norm, data, 2), [0, 0, 2 / 7, 0, 1, 0], {atol: 1e-7});
  });

  for (const kind of ['none', 'min-max', 'standardize', 'log1p'] as const) {
    it(`${kind}: denormalize inverts normalize (float32 rounding)`, () => {
      const norm = fitNormalization(kind, data, 3, 2);
      const back = tf.tidy(() => denormalize(norm, tf.tensor(normalize('t', norm, data, 2), [3, 2])).dataSync());
      expectArraysClose(back, data, {atol: 1e-5, rtol: 1e-6});
    });
  }

  it('log1p refuses values ≤ −1, naming sample and feature', () => {
    expect(() => normalize('fit', {kind: 'log1p'}, Float32Array.from([0, 2, -1, 3]), 2))
      .toThrow(/fit: normalize 'log1p' needs values > −1, sample 1, feature 0 is -1/);
  });
});
