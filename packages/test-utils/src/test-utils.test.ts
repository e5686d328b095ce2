import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {expectArraysClose, numericGradient, expectNoLeaks, makeSeededTensor} from './index';

describe('test-utils', () => {
  beforeAll(async () => { await tf.setBackend('cpu'); });
  it('expectArraysClose passes within tolerance and throws outside it', () => {
    expectArraysClose([1, 2], [1, 2 + 1e-7], {atol: 1e-6});
    expect(() => expectArraysClose([1, 2], [1, 2.1], {atol: 1e-3, rtol: 0})).toThrow(/index 1 of 2/);
    expect(() => expectArraysClose([1], [1, 2])).toThrow(/lengths differ/);
  });
  it('numericGradient of sum(x^3) is 3x^2 (closed form)', () => {
    const x = tf.tensor1d([0.5, -1, 2]);
    const g = numericGradient((t) => tf.sum(tf.pow(t, 3)), x, 1e-2);
    // central differences on a cubic err by eps^2 exactly: 3x^2 + eps^2.
    expectArraysClose(g, [0.75 + 1e-4, 3 + 1e-4, 12 + 1e-4], {atol: 2e-3});
    x.dispose();
  });
  it('expectNoLeaks throws when a call keeps a tensor', () => {
    const kept: tf.Tensor[] = [];
    expect(() => expectNoLeaks(() => { kept.push(tf.scalar(1)); })).toThrow(/1 tensor\(s\) leaked/);
    kept.forEach((t) => t.dispose());
    expectNoLeaks(() => tf.tidy(() => { tf.scalar(2); }));
  });
  it('makeSeededTensor repeats per seed, stays in range and keeps minAbs away from 0', () => {
    const a = makeSeededTensor([50], {seed: 7, min: -2, max: 2, minAbs: 0.5});
    const b = makeSeededTensor([50], {seed: 7, min: -2, max: 2, minAbs: 0.5});
    const c = makeSeededTensor([50], {seed: 8});
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync())); // same seed, same bits
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
    for (const v of a.dataSync()) expect(Math.abs(v) >= 0.5 && v >= -2 && v < 2).toBe(true);
    tf.dispose([a, b, c]);
  });
});
