import * as tf from '@tensorflow/tfjs-core';
import {useBackend} from '@encoderless/backends';
import {expectArraysClose} from '@encoderless/test-utils';
import {entryLosses, reduceLoss} from './index';

describe('reconstruction losses (wasm)', () => {
  beforeAll(async () => { await useBackend('wasm'); });

  it('bce of p = 0.25 against targets 1 and 0 is −ln 0.25 and −ln 0.75 (closed form)', () => {
    const e = tf.tidy(() => entryLosses(tf.tensor1d([0.25, 0.25]), tf.tensor1d([1, 0]), 'bce'));
    expectArraysClose(e, [-Math.log(0.25), -Math.log(0.75)], {atol: 1e-6});
    e.dispose();
  });

  it('bce of a saturated output (exactly 0 or 1) stays finite, and so does its gradient', () => {
    const {value, grad} = tf.tidy(() => {
      const p = tf.tensor1d([0, 1, 0, 1]);
      const t = tf.tensor1d([1, 0, 0, 1]);
      const v = reduceLoss(p, t, 'bce', 'sum');
      const g = tf.grad((x: tf.Tensor) => reduceLoss(x, t, 'bce', 'sum'))(p);
      return {value: v.dataSync()[0], grad: Array.from(g.dataSync())};
    });
    // Two entries wrong by the full range: −ln ε − ln(1 − fround(1 − ε)), in float32 ≈ 32.06;
    // the two right ones add ≈ 2e-7.
    const eps = Math.fround(1e-7);
    expectArraysClose([value], [-Math.log(eps) - Math.log(1 - Math.fround(1 - 1e-7))], {atol: 1e-3});
    for (const g of grad) expect(Number.isFinite(g)).toBe(true);
  });

  it('mse is the squared difference', () => {
    const e = tf.tidy(() => entryLosses(tf.tensor1d([1, 3]), tf.tensor1d([2, 0]), 'mse'));
    expectArraysClose(e, [1, 9], {atol: 0});
    e.dispose();
  });
});
